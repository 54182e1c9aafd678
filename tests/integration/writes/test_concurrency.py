"""Optimistic concurrency: corrections and retractions need `If-Match`; of two racing corrections made from the
same read, exactly one wins. Retraction keeps the record and its reason, and stops it counting from today.

The races are made real rather than likely: the test holds the contested row lock itself, sends both requests
from worker threads (``in_thread``), waits until PostgreSQL reports both waiting on that lock, then lets go.
"""

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]
Problem = Callable[[httpx.Response, int], dict[str, Any]]
InThread = Callable[[Coroutine[Any, Any, httpx.Response]], Awaitable[httpx.Response]]
LockWaiters = Callable[[asyncpg.Connection, int], Awaitable[None]]

CONTESTED = "chris-philp-on-uk-rwanda-scheme-2025-05-15"


async def etag(writer: Client, slug: str) -> str:
    response = await writer.get(f"/v1/stances/{slug}")
    assert response.status_code == 200, response.text
    value: str = response.headers["etag"]
    return value


async def test_two_concurrent_corrections_from_the_same_read_one_200_one_412(
    writer: Client,
    make_key: Callable[..., Any],
    db: asyncpg.Connection,
    in_thread: InThread,
    lock_waiters: LockWaiters,
    problem: Problem,
) -> None:
    alice, bob = await make_key("Alice Racer"), await make_key("Bob Racer")
    read = await etag(writer, CONTESTED)
    assert read == f'"{CONTESTED}-v1"'

    holder = db.transaction()
    await holder.start()
    try:
        await db.execute("SELECT id FROM stance WHERE slug = $1 FOR UPDATE", CONTESTED)
        racers = [
            asyncio.ensure_future(
                in_thread(
                    writer.patch(
                        f"/v1/stances/{CONTESTED}",
                        json={"summary": f"Corrected by {who}."},
                        headers={**key, "If-Match": read},
                    )
                )
            )
            for who, key in (("Alice Racer", alice), ("Bob Racer", bob))
        ]
        await lock_waiters(db, 2)  # both requests are inside their transactions, waiting for the row
    finally:
        await holder.rollback()
    responses = await asyncio.gather(*racers)

    assert sorted(r.status_code for r in responses) == [200, 412], [r.text for r in responses]
    winner = next(r for r in responses if r.status_code == 200)
    loser = next(r for r in responses if r.status_code == 412)
    assert winner.headers["etag"] == f'"{CONTESTED}-v2"'
    assert problem(loser, 412)["type"].endswith("/precondition-failed")
    assert f'"{CONTESTED}-v2"' in loser.json()["detail"]

    current = (await writer.get(f"/v1/stances/{CONTESTED}")).json()
    assert current["version"] == 2
    assert current["summary"] == winner.json()["summary"]
    history = (await writer.get(f"/v1/stances/{CONTESTED}/history")).json()["revisions"]
    assert [r["action"] for r in history] == ["create", "update"]
    assert history[1]["after"]["summary"] == current["summary"]


async def test_a_correction_without_if_match_is_428(writer: Client, editor: dict[str, str], problem: Problem) -> None:
    slug = "chris-philp-on-uk-return-hubs-2025-05-15"
    before = (await writer.get(f"/v1/stances/{slug}")).json()
    response = await writer.patch(f"/v1/stances/{slug}", json={"position": 0}, headers=editor)
    body = problem(response, 428)
    assert body["type"].endswith("/precondition-required")
    assert "If-Match" in body["detail"]
    assert (await writer.get(f"/v1/stances/{slug}")).json() == before


async def test_a_correction_with_a_stale_etag_is_412_and_changes_nothing(
    writer: Client, editor: dict[str, str], problem: Problem
) -> None:
    slug = "chris-philp-on-uk-albania-strategic-partnership-2025-05-15"
    first_read = await etag(writer, slug)
    updated = await writer.patch(
        f"/v1/stances/{slug}", json={"summary": "First correction."}, headers={**editor, "If-Match": first_read}
    )
    assert updated.status_code == 200, updated.text
    assert updated.headers["etag"] == f'"{slug}-v2"'
    assert updated.json()["version"] == 2

    stale = await writer.patch(
        f"/v1/stances/{slug}", json={"summary": "Lost update."}, headers={**editor, "If-Match": first_read}
    )
    problem(stale, 412)
    assert (await writer.get(f"/v1/stances/{slug}")).json()["summary"] == "First correction."

    # If-Match may list several ETags, or `*`
    listed = await writer.patch(
        f"/v1/stances/{slug}",
        json={"summary": "Second correction."},
        headers={**editor, "If-Match": f'{first_read}, "{slug}-v2"'},
    )
    assert listed.status_code == 200, listed.text
    anything = await writer.patch(
        f"/v1/stances/{slug}", json={"summary": "Third."}, headers={**editor, "If-Match": "*"}
    )
    assert anything.status_code == 200, anything.text
    assert anything.json()["version"] == 4


async def test_an_evidence_correction_needs_if_match_too(
    writer: Client, editor: dict[str, str], problem: Problem
) -> None:
    slug = "chris-philp-on-uk-rwanda-scheme-2025-05-15-e1"
    problem(await writer.patch(f"/v1/evidence/{slug}", json={"kind": "paraphrase"}, headers=editor), 428)
    stale = await writer.patch(
        f"/v1/evidence/{slug}", json={"kind": "paraphrase"}, headers={**editor, "If-Match": f'"{slug}-v9"'}
    )
    problem(stale, 412)
    assert (await writer.get(f"/v1/evidence/{slug}")).json()["version"] == 1


def agreement_on(comparison: dict[str, Any], policy: str) -> tuple[str, dict[str, Any]]:
    row = next(row for row in comparison["rows"] if row["policy"]["slug"] == policy)
    (pair,) = row["pairs"]
    positions = {position["actor"]: position["stance"] for position in row["positions"]}
    return pair["agreement"], positions


async def test_a_retraction_needs_if_match_and_keeps_the_record_with_its_reason(
    writer: Client, make_key: Callable[..., Any], problem: Problem
) -> None:
    slug = "edi-rama-on-uk-return-hubs-2025-05-15"
    retractor = await make_key("Retracting Editor")
    compare_today = {"actors": "edi-rama,keir-starmer", "policies": "uk-return-hubs"}
    agreement, positions = agreement_on(
        (await writer.get("/v1/compare/actors", params=compare_today)).json(), "uk-return-hubs"
    )
    assert agreement == "partial"  # Rama: unclear on return hubs as a whole
    assert positions["edi-rama"]["slug"] == slug

    reason = "The quote was attributed to the wrong speaker."
    missing = await writer.post(f"/v1/stances/{slug}/retraction", json={"reason": reason}, headers=retractor)
    problem(missing, 428)
    assert (await writer.get(f"/v1/stances/{slug}")).json()["retracted"] is False
    problem(await writer.post(f"/v1/stances/{slug}/retraction", json={}, headers={**retractor, "If-Match": "*"}), 422)

    retracted = await writer.post(
        f"/v1/stances/{slug}/retraction",
        json={"reason": reason},
        headers={**retractor, "If-Match": await etag(writer, slug)},
    )
    assert retracted.status_code == 200, retracted.text
    assert retracted.json()["retracted"] is True
    assert retracted.headers["etag"] == f'"{slug}-v2"'

    # the record stays, with its evidence
    kept = await writer.get(f"/v1/stances/{slug}")
    assert kept.status_code == 200
    assert kept.json()["retracted"] is True
    assert len(kept.json()["evidence"]) == 4
    # ... and the reason, who and when, in its history
    last = (await writer.get(f"/v1/stances/{slug}/history")).json()["revisions"][-1]
    assert (last["action"], last["author"]) == ("update", "Retracting Editor")
    assert last["before"]["retracted_at"] is None
    assert last["after"]["retraction_reason"] == reason
    assert last["after"]["retracted_at"] is not None

    # default lists hide it; include_retracted shows it
    listed = (await writer.get("/v1/stances", params={"actor": "edi-rama", "policy": "uk-return-hubs"})).json()
    assert slug not in [item["slug"] for item in listed["items"]]
    everything = (
        await writer.get(
            "/v1/stances", params={"actor": "edi-rama", "policy": "uk-return-hubs", "include_retracted": "true"}
        )
    ).json()
    assert [(item["slug"], item["retracted"]) for item in everything["items"]] == [(slug, True)]

    # comparisons stop counting it from today; days before the retraction still count it
    agreement, positions = agreement_on(
        (await writer.get("/v1/compare/actors", params=compare_today)).json(), "uk-return-hubs"
    )
    assert positions["edi-rama"] is None
    assert agreement == "unknown"
    today = datetime.now(UTC).date().isoformat()
    same = (await writer.get("/v1/compare/actors", params={**compare_today, "as_of": today})).json()
    assert agreement_on(same, "uk-return-hubs")[0] == "unknown"
    before = (await writer.get("/v1/compare/actors", params={**compare_today, "as_of": "2025-05-15"})).json()
    assert agreement_on(before, "uk-return-hubs")[0] == "partial"


async def test_retracting_twice_is_409(writer: Client, editor: dict[str, str], problem: Problem) -> None:
    slug = "edi-rama-on-uk-albania-defence-cooperation-2025-05-15"
    first = await writer.post(
        f"/v1/stances/{slug}/retraction",
        json={"reason": "Duplicate of another stance."},
        headers={**editor, "If-Match": await etag(writer, slug)},
    )
    assert first.status_code == 200, first.text

    second = await writer.post(
        f"/v1/stances/{slug}/retraction",
        json={"reason": "Retracted again."},
        headers={**editor, "If-Match": first.headers["etag"]},
    )
    body = problem(second, 409)
    assert "already retracted" in body["detail"]
    assert (await writer.get(f"/v1/stances/{slug}")).json()["version"] == 2
    last = (await writer.get(f"/v1/stances/{slug}/history")).json()["revisions"][-1]
    assert last["after"]["retraction_reason"] == "Duplicate of another stance."


async def test_two_concurrent_creates_of_one_slug_give_201_and_409(
    writer: Client,
    make_key: Callable[..., Any],
    stance_body: Callable[..., dict[str, Any]],
    db: asyncpg.Connection,
    in_thread: InThread,
    lock_waiters: LockWaiters,
) -> None:
    slug = "edi-rama-on-created-twice-2025-05-15"
    first, second = await make_key("First Creator"), await make_key("Second Creator")
    holder = db.transaction()
    await holder.start()
    try:
        # Holding the actor row makes each INSERT wait in its foreign-key check, after both requests have
        # found the slug free; the second waits on the first's uncommitted unique-index entry.
        await db.execute("SELECT id FROM actor WHERE slug = 'edi-rama' FOR UPDATE")
        racers = [
            asyncio.ensure_future(in_thread(writer.post("/v1/stances", json=stance_body(slug), headers=key)))
            for key in (first, second)
        ]
        await lock_waiters(db, 2)
    finally:
        await holder.rollback()
    responses = await asyncio.gather(*racers)

    assert await db.fetchval("SELECT count(*) FROM stance WHERE slug = $1", slug) == 1
    assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]

"""Corrections are recorded, not overwritten: revision histories with authors, a change feed to follow, and
`as_recorded=` answers that reproduce what the API said before a correction."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]
Problem = Callable[[httpx.Response, int], dict[str, Any]]

STARMER_ON_HUBS = "keir-starmer-on-uk-return-hubs-2025-05-15"
COMPARE = {"actors": "edi-rama,keir-starmer", "as_of": "2025-05-15"}
SEED_AUTHORS = {"migration", "seed-loader"}


@dataclass(frozen=True)
class Correction:
    before: datetime  # the database's clock just before the correction
    after: datetime  # ... and just after it
    response: httpx.Response
    comparison_before: dict[str, Any]  # today's comparison answer before the correction


@pytest.fixture
async def jane(make_key: Callable[..., Any]) -> dict[str, str]:
    headers: dict[str, str] = await make_key("Jane Editor", "editor")
    return headers


@pytest.fixture
async def starmer_corrected(writer: Client, jane: dict[str, str], db: asyncpg.Connection) -> Correction:
    """Jane Editor corrects Starmer on return hubs from +2 (strongly support) to -1 (oppose)."""
    etag = (await writer.get(f"/v1/stances/{STARMER_ON_HUBS}")).headers["etag"]
    assert etag == f'"{STARMER_ON_HUBS}-v1"'
    comparison_before = (await writer.get("/v1/compare/actors", params=COMPARE)).json()
    before = await db.fetchval("SELECT clock_timestamp()")
    response = await writer.patch(
        f"/v1/stances/{STARMER_ON_HUBS}", json={"position": -1}, headers={**jane, "If-Match": etag}
    )
    assert response.status_code == 200, response.text
    after = await db.fetchval("SELECT clock_timestamp()")
    return Correction(before=before, after=after, response=response, comparison_before=comparison_before)


def hubs_row(comparison: dict[str, Any]) -> tuple[str, dict[str, int | None]]:
    row = next(row for row in comparison["rows"] if row["policy"]["slug"] == "uk-return-hubs")
    (pair,) = row["pairs"]
    return pair["agreement"], {p["actor"]: p["stance"]["position"] if p["stance"] else None for p in row["positions"]}


async def test_a_correction_changes_todays_comparison_but_as_recorded_keeps_the_old_answer(
    writer: Client, starmer_corrected: Correction
) -> None:
    assert hubs_row(starmer_corrected.comparison_before) == ("partial", {"edi-rama": None, "keir-starmer": 2})
    assert starmer_corrected.response.json()["position"] == -1

    now = await writer.get("/v1/compare/actors", params=COMPARE)
    assert hubs_row(now.json()) == ("partial", {"edi-rama": None, "keir-starmer": -1})

    then = await writer.get(
        "/v1/compare/actors", params={**COMPARE, "as_recorded": starmer_corrected.before.isoformat()}
    )
    assert then.status_code == 200, then.text
    assert hubs_row(then.json()) == ("partial", {"edi-rama": None, "keir-starmer": 2})
    assert then.json()["rows"] == starmer_corrected.comparison_before["rows"]  # the published answer, reproduced
    assert then.headers["etag"] != now.headers["etag"]

    later = await writer.get(
        "/v1/compare/actors", params={**COMPARE, "as_recorded": starmer_corrected.after.isoformat()}
    )
    assert hubs_row(later.json()) == ("partial", {"edi-rama": None, "keir-starmer": -1})

    # the rest of the old answer is unchanged, evidence included
    old_rows = {row["policy"]["slug"]: row for row in then.json()["rows"]}
    new_rows = {row["policy"]["slug"]: row for row in now.json()["rows"]}
    assert old_rows.keys() == new_rows.keys()
    for slug in old_rows.keys() - {"uk-return-hubs"}:
        assert old_rows[slug] == new_rows[slug], slug
    old_starmer = next(p for p in old_rows["uk-return-hubs"]["positions"] if p["actor"] == "keir-starmer")
    assert len(old_starmer["stance"]["evidence"]) == 5


async def test_as_recorded_without_an_offset_is_utc_and_csv_answers_the_same(
    writer: Client, starmer_corrected: Correction
) -> None:
    naive = starmer_corrected.before.astimezone(UTC).replace(tzinfo=None).isoformat()
    then = await writer.get("/v1/compare/actors", params={**COMPARE, "as_recorded": naive})
    assert hubs_row(then.json()) == ("partial", {"edi-rama": None, "keir-starmer": 2})

    csv_then = await writer.get("/v1/compare/actors", params={**COMPARE, "as_recorded": naive, "format": "csv"})
    assert csv_then.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_then.text)))
    (starmer,) = [r for r in rows if r["stance_slug"] == STARMER_ON_HUBS]
    assert starmer["position"] == "2"
    csv_now = await writer.get("/v1/compare/actors", params={**COMPARE, "format": "csv"})
    (starmer_now,) = [r for r in csv.DictReader(io.StringIO(csv_now.text)) if r["stance_slug"] == STARMER_ON_HUBS]
    assert starmer_now["position"] == "-1"


async def test_stance_lists_travel_in_time_too(writer: Client, starmer_corrected: Correction) -> None:
    def starmer_on_hubs(page: dict[str, Any]) -> dict[str, Any]:
        return next(item for item in page["items"] if item["slug"] == STARMER_ON_HUBS)

    now = (await writer.get("/v1/stances", params={"actor": "keir-starmer"})).json()
    then = (
        await writer.get(
            "/v1/stances", params={"actor": "keir-starmer", "as_recorded": starmer_corrected.before.isoformat()}
        )
    ).json()
    assert (starmer_on_hubs(now)["position"], starmer_on_hubs(now)["version"]) == (-1, 2)
    assert (starmer_on_hubs(then)["position"], starmer_on_hubs(then)["version"]) == (2, 1)
    assert starmer_on_hubs(then)["label"] == "strongly_support"
    assert len(starmer_on_hubs(then)["evidence"]) == 5
    assert [item["slug"] for item in now["items"]] == [item["slug"] for item in then["items"]]

    # before anything was recorded, there was nothing
    empty = await writer.get("/v1/stances", params={"actor": "keir-starmer", "as_recorded": "2000-01-01T00:00:00Z"})
    assert empty.json()["items"] == []


async def test_stance_history_lists_both_versions_with_authors(writer: Client, starmer_corrected: Correction) -> None:
    response = await writer.get(f"/v1/stances/{STARMER_ON_HUBS}/history")
    assert response.status_code == 200
    history = response.json()
    assert history["slug"] == STARMER_ON_HUBS
    created, updated = history["revisions"]

    assert created["action"] == "create"
    assert created["author"] in SEED_AUTHORS
    assert created["before"] is None
    assert (created["after"]["slug"], created["after"]["position"], created["after"]["version"]) == (
        STARMER_ON_HUBS,
        2,
        1,
    )

    assert updated["action"] == "update"
    assert updated["author"] == "Jane Editor"
    assert (updated["before"]["position"], updated["after"]["position"]) == (2, -1)
    assert (updated["before"]["version"], updated["after"]["version"]) == (1, 2)
    assert updated["before"]["summary"] == updated["after"]["summary"]
    assert "search_vector" not in updated["after"]

    created_at = datetime.fromisoformat(created["recorded_at"])
    updated_at = datetime.fromisoformat(updated["recorded_at"])
    assert created_at <= starmer_corrected.before < updated_at <= starmer_corrected.after


async def test_history_of_an_unknown_slug_is_404(writer: Client, problem: Problem) -> None:
    assert problem(await writer.get("/v1/stances/no-such-stance/history"), 404)["type"].endswith("/unknown-slug")
    assert problem(await writer.get("/v1/evidence/no-such-evidence-e1/history"), 404)["type"].endswith("/unknown-slug")


async def test_evidence_history_records_a_correction(
    writer: Client, jane: dict[str, str], db: asyncpg.Connection
) -> None:
    slug = f"{STARMER_ON_HUBS}-e2"
    read = await writer.get(f"/v1/evidence/{slug}")
    assert read.headers["etag"] == f'"{slug}-v1"'
    old_text = read.json()["text"]
    new_text = "Starmer also confirmed the UK is in talks with unspecified third countries to establish return hubs."
    before = await db.fetchval("SELECT clock_timestamp()")

    corrected = await writer.patch(
        f"/v1/evidence/{slug}", json={"text": new_text}, headers={**jane, "If-Match": read.headers["etag"]}
    )

    assert corrected.status_code == 200, corrected.text
    assert corrected.headers["etag"] == f'"{slug}-v2"'
    assert (corrected.json()["text"], corrected.json()["version"]) == (new_text, 2)
    assert (await writer.get(f"/v1/evidence/{slug}")).json()["text"] == new_text

    created, updated = (await writer.get(f"/v1/evidence/{slug}/history")).json()["revisions"]
    assert (created["action"], created["author"] in SEED_AUTHORS, created["after"]["text"]) == (
        "create",
        True,
        old_text,
    )
    assert (updated["action"], updated["author"]) == ("update", "Jane Editor")
    assert (updated["before"]["text"], updated["after"]["text"]) == (old_text, new_text)
    assert (updated["before"]["version"], updated["after"]["version"]) == (1, 2)

    # the evidence list travels in time too
    then = await writer.get(
        "/v1/evidence", params={"actor": "keir-starmer", "as_recorded": before.isoformat(), "limit": 100}
    )
    texts = {item["slug"]: item["text"] for item in then.json()["items"]}
    assert texts[slug] == old_text


async def drain(writer: Client, since: str | None) -> tuple[list[dict[str, Any]], str]:
    """Follow the feed from ``since`` to its end, a page at a time."""
    items: list[dict[str, Any]] = []
    while True:
        params = {"limit": "100", **({"since": since} if since else {})}
        response = await writer.get("/v1/changes", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        items.extend(page["items"])
        since = page["next_cursor"]
        if not page["items"]:
            assert since is not None
            return items, since


async def test_the_change_feed_lists_changes_in_order_and_since_returns_only_later_ones(
    writer: Client, make_key: Callable[..., Any], db: asyncpg.Connection
) -> None:
    everything, cursor = await drain(writer, None)
    assert len(everything) == await db.fetchval("SELECT count(*) FROM revision")
    assert everything[0]["action"] == "create"
    assert everything[0]["author"] in SEED_AUTHORS
    recorded = [datetime.fromisoformat(item["recorded_at"]) for item in everything]
    assert recorded == sorted(recorded)

    follower = await make_key("Feed Editor")
    source = "feed-test-statement-2025-05-20"
    created = await writer.post(
        "/v1/sources", json={"slug": source, "kind": "statement", "title": "A statement"}, headers=follower
    )
    assert created.status_code == 201, created.text
    patched = await writer.patch(f"/v1/sources/{source}", json={"title": "A corrected statement"}, headers=follower)
    assert patched.status_code == 200, patched.text
    stance = "chris-philp-on-uk-return-hubs-2025-05-15"
    etag = (await writer.get(f"/v1/stances/{stance}")).headers["etag"]
    corrected = await writer.patch(
        f"/v1/stances/{stance}", json={"summary": "Corrected summary."}, headers={**follower, "If-Match": etag}
    )
    assert corrected.status_code == 200, corrected.text

    page = (await writer.get("/v1/changes", params={"since": cursor})).json()
    assert [(i["entity_type"], i["slug"], i["action"], i["author"]) for i in page["items"]] == [
        ("source", source, "create", "Feed Editor"),
        ("source", source, "update", "Feed Editor"),
        ("stance", stance, "update", "Feed Editor"),
    ]
    assert page["next_cursor"] != cursor

    # one at a time gives the same changes
    one_by_one, one_cursor = [], cursor
    for _ in range(3):
        single = (await writer.get("/v1/changes", params={"since": one_cursor, "limit": "1"})).json()
        assert len(single["items"]) == 1
        one_by_one.extend(single["items"])
        one_cursor = single["next_cursor"]
    assert one_by_one == page["items"]
    assert one_cursor == page["next_cursor"]

    # nothing new: an empty page and the same cursor, however often you ask
    for _ in range(2):
        idle = (await writer.get("/v1/changes", params={"since": page["next_cursor"]})).json()
        assert idle == {"items": [], "next_cursor": page["next_cursor"]}


async def test_a_failed_write_leaves_no_trace_in_the_feed(
    writer: Client, make_key: Callable[..., Any], stance_body: Callable[..., dict[str, Any]]
) -> None:
    _, cursor = await drain(writer, None)
    headers = await make_key("Failing Editor")
    body = stance_body("edi-rama-on-failed-feed-2025-05-15")
    body["evidence"][1]["source"] = "no-such-source"
    assert (await writer.post("/v1/stances", json=body, headers=headers)).status_code == 422
    assert (await writer.get("/v1/changes", params={"since": cursor})).json() == {"items": [], "next_cursor": cursor}


@pytest.mark.parametrize("since", ["not-a-cursor", "eyJ4IjoxfQ"])
async def test_a_malformed_cursor_is_400(writer: Client, problem: Problem, since: str) -> None:
    problem(await writer.get("/v1/changes", params={"since": since}), 400)


async def test_as_recorded_shows_the_policy_title_as_it_was(
    writer: Client, make_key: Callable[..., Any], db: asyncpg.Connection
) -> None:
    # a policy no other test here compares, so renaming it disturbs nothing else
    policy = "uk-removal-of-failed-asylum-families"
    old_title = (await writer.get(f"/v1/policies/{policy}")).json()["title"]
    admin = await make_key("Title Admin", "admin")
    before = await db.fetchval("SELECT clock_timestamp()")
    renamed = await writer.patch(f"/v1/policies/{policy}", json={"title": "A later, corrected title"}, headers=admin)
    assert renamed.status_code == 200, renamed.text

    then = (await writer.get("/v1/stances", params={"policy": policy, "as_recorded": before.isoformat()})).json()
    assert then["items"]
    assert {item["policy"]["title"] for item in then["items"]} == {old_title}

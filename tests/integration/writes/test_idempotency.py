"""`Idempotency-Key` on POST /v1/stances: a retry with the same key and body replays the first answer and writes
nothing more; the same key with another body is refused; the record lives and dies with the write."""

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]
Problem = Callable[[httpx.Response, int], dict[str, Any]]
Body = Callable[..., dict[str, Any]]
Stored = Callable[[], Awaitable[dict[str, int]]]


async def stance_rows(db: asyncpg.Connection, slug: str) -> tuple[int, int, int]:
    """(stance rows, evidence rows, stance revisions) for ``slug``."""
    row = await db.fetchrow(
        "SELECT (SELECT count(*) FROM stance WHERE slug = $1) AS stances, "
        "(SELECT count(*) FROM evidence e JOIN stance s ON s.id = e.stance_id WHERE s.slug = $1) AS evidence, "
        "(SELECT count(*) FROM revision r JOIN stance s ON s.id = r.entity_id "
        " WHERE r.entity_type = 'stance' AND s.slug = $1) AS revisions",
        slug,
    )
    assert row is not None
    return row["stances"], row["evidence"], row["revisions"]


async def test_a_retry_with_the_same_key_and_body_replays_the_first_answer(
    writer: Client, editor: dict[str, str], stance_body: Body, db: asyncpg.Connection, stored: Stored
) -> None:
    slug = "edi-rama-on-idempotent-retry-2025-05-15"
    headers = {**editor, "Idempotency-Key": "retry-0001"}

    first = await writer.post("/v1/stances", json=stance_body(slug), headers=headers)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    after_first = await stored()

    second = await writer.post("/v1/stances", json=stance_body(slug), headers=headers)

    assert second.status_code == first.status_code
    assert second.content == first.content
    assert second.headers["idempotent-replayed"] == "true"
    assert second.headers["content-type"] == "application/json"
    assert await stance_rows(db, slug) == (1, 2, 1)
    after_second = await stored()
    assert after_second == after_first  # not one more row anywhere, data_version unchanged

    third = await writer.post("/v1/stances", json=stance_body(slug), headers=headers)
    assert (third.status_code, third.content) == (first.status_code, first.content)
    assert await stance_rows(db, slug) == (1, 2, 1)


async def test_the_same_key_with_another_body_is_422_and_writes_nothing(
    writer: Client, editor: dict[str, str], stance_body: Body, problem: Problem, stored: Stored
) -> None:
    headers = {**editor, "Idempotency-Key": "reused-0001"}
    first = await writer.post("/v1/stances", json=stance_body("edi-rama-on-reused-key-a-2025-05-15"), headers=headers)
    assert first.status_code == 201, first.text
    before = await stored()

    other = await writer.post("/v1/stances", json=stance_body("edi-rama-on-reused-key-b-2025-05-15"), headers=headers)

    body = problem(other, 422)
    assert "Idempotency-Key" in body["detail"]
    assert "idempotent-replayed" not in other.headers
    assert await stored() == before
    assert (await writer.get("/v1/stances/edi-rama-on-reused-key-b-2025-05-15")).status_code == 404

    # the first answer is still what the original body replays
    replay = await writer.post("/v1/stances", json=stance_body("edi-rama-on-reused-key-a-2025-05-15"), headers=headers)
    assert (replay.status_code, replay.content) == (201, first.content)


async def test_different_keys_make_different_writes(
    writer: Client, editor: dict[str, str], stance_body: Body, problem: Problem, db: asyncpg.Connection
) -> None:
    one = await writer.post(
        "/v1/stances",
        json=stance_body("edi-rama-on-first-key-2025-05-15"),
        headers={**editor, "Idempotency-Key": "distinct-0001"},
    )
    two = await writer.post(
        "/v1/stances",
        json=stance_body("edi-rama-on-second-key-2025-05-15"),
        headers={**editor, "Idempotency-Key": "distinct-0002"},
    )
    assert (one.status_code, two.status_code) == (201, 201), (one.text, two.text)
    assert "idempotent-replayed" not in two.headers
    assert await stance_rows(db, "edi-rama-on-first-key-2025-05-15") == (1, 2, 1)
    assert await stance_rows(db, "edi-rama-on-second-key-2025-05-15") == (1, 2, 1)

    # a new key is a new write: with the first slug again, that is a conflict, not a replay
    again = await writer.post(
        "/v1/stances",
        json=stance_body("edi-rama-on-first-key-2025-05-15"),
        headers={**editor, "Idempotency-Key": "distinct-0003"},
    )
    problem(again, 409)
    assert "idempotent-replayed" not in again.headers
    assert await stance_rows(db, "edi-rama-on-first-key-2025-05-15") == (1, 2, 1)


async def test_without_a_key_a_retry_is_a_conflict(
    writer: Client, editor: dict[str, str], stance_body: Body, problem: Problem
) -> None:
    slug = "edi-rama-on-unkeyed-retry-2025-05-15"
    assert (await writer.post("/v1/stances", json=stance_body(slug), headers=editor)).status_code == 201
    problem(await writer.post("/v1/stances", json=stance_body(slug), headers=editor), 409)


async def test_keys_belong_to_one_api_key(
    writer: Client, make_key: Callable[..., Any], stance_body: Body, db: asyncpg.Connection
) -> None:
    first_editor, second_editor = await make_key("Idempotent One"), await make_key("Idempotent Two")
    a = await writer.post(
        "/v1/stances",
        json=stance_body("edi-rama-on-shared-idempotency-key-a-2025-05-15"),
        headers={**first_editor, "Idempotency-Key": "shared-0001"},
    )
    b = await writer.post(
        "/v1/stances",
        json=stance_body("edi-rama-on-shared-idempotency-key-b-2025-05-15"),
        headers={**second_editor, "Idempotency-Key": "shared-0001"},
    )
    assert (a.status_code, b.status_code) == (201, 201), (a.text, b.text)
    assert "idempotent-replayed" not in b.headers
    assert await db.fetchval("SELECT count(*) FROM idempotency_record WHERE idempotency_key = 'shared-0001'") == 2


async def test_a_failed_write_records_no_key_so_a_corrected_retry_goes_through(
    writer: Client, editor: dict[str, str], stance_body: Body, problem: Problem, db: asyncpg.Connection
) -> None:
    slug = "edi-rama-on-corrected-retry-2025-05-15"
    headers = {**editor, "Idempotency-Key": "corrected-0001"}
    broken = stance_body(slug)
    broken["evidence"][1]["source"] = "no-such-source"

    problem(await writer.post("/v1/stances", json=broken, headers=headers), 422)
    assert await db.fetchval("SELECT count(*) FROM idempotency_record WHERE idempotency_key = 'corrected-0001'") == 0

    fixed = await writer.post("/v1/stances", json=stance_body(slug), headers=headers)
    assert fixed.status_code == 201, fixed.text
    assert "idempotent-replayed" not in fixed.headers
    assert await stance_rows(db, slug) == (1, 2, 1)


async def test_an_overlong_idempotency_key_is_400(
    writer: Client, editor: dict[str, str], stance_body: Body, problem: Problem
) -> None:
    slug = "edi-rama-on-long-idempotency-key-2025-05-15"
    response = await writer.post(
        "/v1/stances", json=stance_body(slug), headers={**editor, "Idempotency-Key": "k" * 201}
    )
    body = problem(response, 400)
    assert [error["name"] for error in body["errors"]] == ["Idempotency-Key"]
    assert (await writer.get(f"/v1/stances/{slug}")).status_code == 404

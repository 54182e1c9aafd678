"""Test fixtures: a real PostgreSQL for every test.

With ``DATABASE_URL`` unset the suite starts an embedded cluster in ``.pgdata-test`` (git-ignored);
with it set, it uses that server. Either way it creates a template database once per session
(migrated to head and seeded), then gives tests databases cloned from it.
"""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.migrations import upgrade_to_head
from api.settings import Settings
from db.embedded import PROJECT_ROOT, start_embedded
from db.engine import asyncpg_url, make_engine, plain_url
from seeds.loader import load_dataset, read_dataset


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


class DatabaseFactory:
    """Creates databases on one server, cloned from a migrated and seeded template."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.prefix = f"positions_test_{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self.created: list[str] = []

    async def _admin(self, statement: str) -> None:
        connection = await asyncpg.connect(plain_url(self.server_url))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    async def create_template(self) -> None:
        await self._admin(f'DROP DATABASE IF EXISTS "{self.template}"')
        await self._admin(f'CREATE DATABASE "{self.template}"')
        url = with_database(self.server_url, self.template)
        await asyncio.to_thread(upgrade_to_head, url)  # Alembic runs its own event loop
        engine = make_engine(url, pool_size=1)
        try:
            async with engine.begin() as connection:
                await load_dataset(connection, read_dataset())
        finally:
            await engine.dispose()

    async def clone(self, label: str) -> str:
        name = f"{self.prefix}_{label}_{uuid.uuid4().hex[:8]}"
        await self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self.created.append(name)
        return asyncpg_url(with_database(self.server_url, name))

    async def empty(self, label: str) -> str:
        name = f"{self.prefix}_{label}_{uuid.uuid4().hex[:8]}"
        await self._admin(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return asyncpg_url(with_database(self.server_url, name))

    async def drop_all(self) -> None:
        for name in [*self.created, self.template]:
            await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    configured = os.environ.get("DATABASE_URL")
    if configured:
        yield asyncpg_url(configured)
        return
    pgdata = Path(os.environ.get("POSITIONS_TEST_PGDATA", PROJECT_ROOT / ".pgdata-test"))
    yield start_embedded(pgdata)


@pytest.fixture(scope="session")
async def databases(server_url: str) -> AsyncIterator[DatabaseFactory]:
    factory = DatabaseFactory(server_url)
    await factory.create_template()
    yield factory
    await factory.drop_all()


@pytest.fixture(scope="session")
async def seeded_url(databases: DatabaseFactory) -> str:
    """A seeded database shared by read-only tests: never write to it."""
    return await databases.clone("read")


@pytest.fixture(scope="session")
def app(seeded_url: str) -> Litestar:
    return create_app(Settings.from_env(seeded_url))


@pytest.fixture(scope="session")
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app) as test_client:
        yield test_client


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def running_server(
    url: str,
    extra_env: dict[str, str] | None = None,
    *,
    command: Callable[[int], list[str]] | None = None,
    ready_within: float = 10,
) -> AsyncIterator[str]:
    """The app under its production server (granian) on a free port, over the database ``url``.

    ``command`` (given the port) starts it another way, e.g. ``positions serve`` as an operator would.
    """
    import subprocess
    import sys

    import httpx

    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "POSITIONS_LOG_LEVEL": "WARNING", **(extra_env or {})}
    log_path = PROJECT_ROOT / "artifacts" / f"live-server-{port}.log"
    log_path.parent.mkdir(exist_ok=True)
    log = log_path.open("wb")
    granian = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "api.asgi:app"]
    argv = command(port) if command else [*granian, "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    process = subprocess.Popen(  # noqa: ASYNC220  (a long-running server, not awaited)
        argv,
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(int(ready_within / 0.05)):
                if process.poll() is not None:
                    raise RuntimeError(f"server exited: {log_path.read_text(errors='replace')}")
                try:
                    if (await http.get(base + "/ready")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
            else:
                raise RuntimeError(f"server did not become ready within {ready_within} s")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
async def live_server(databases: DatabaseFactory) -> AsyncIterator[str]:
    """The app under granian over its own seeded database; yields the base URL, e.g. ``http://127.0.0.1:43123``.

    Shared by the SDK and browser tests, which only read.
    """
    async with running_server(await databases.clone("live")) as base:
        yield base

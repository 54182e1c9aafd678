"""Fixtures for the editorial-write tests: a writable database and an app of their own per test.

The session-wide ``client`` fixture serves a shared read-only database, so nothing here writes through it.
Each test gets a fresh clone of the seeded template (``write_url``; a clone is a file copy, a few tens of
milliseconds), an app over it (``writer``), a plain asyncpg connection for checking what was stored (``db``)
and a factory for API keys (``make_key``): no test sees another's writes, whatever the order they run in.

``AsyncTestClient`` runs the app in a portal thread but *blocks the calling event loop* for the duration of
each request, so ``asyncio.gather`` over two of its requests runs them one after the other. Tests that need
requests to overlap, or to wait on a lock the test itself holds, send them with ``in_thread``.
"""

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from datetime import date
from typing import Any

import asyncpg
import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.settings import Settings
from db.engine import plain_url
from tests.keys import insert_key
from tests.problems import assert_problem

Client = AsyncTestClient[Litestar]
KeyFactory = Callable[..., Awaitable[dict[str, str]]]

# Writes in these tests are not about rate limits (test_auth.py builds its own app for that).
GENEROUS_RATE_LIMIT = 100_000


def settings_for(url: str, **changes: Any) -> Settings:
    return dataclasses.replace(Settings.from_env(url), **changes)


@pytest.fixture
async def write_url(databases: Any, request: pytest.FixtureRequest) -> str:
    label = request.node.name.removeprefix("test_")[:16].rstrip("_[").replace("[", "_")
    url: str = await databases.clone(f"w_{label}")
    return url


@pytest.fixture
async def writer(write_url: str) -> AsyncIterator[Client]:
    app = create_app(settings_for(write_url, write_rate_limit=GENEROUS_RATE_LIMIT))
    async with AsyncTestClient(app) as test_client:
        yield test_client


@pytest.fixture
async def db(write_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(plain_url(write_url))
    try:
        yield connection
    finally:
        await connection.close()


@pytest.fixture
def make_key(db: asyncpg.Connection) -> KeyFactory:
    """Insert an API key directly (as ``positions keys create`` would) and return its bearer header."""

    async def create(name: str, scope: str = "editor") -> dict[str, str]:
        return await insert_key(db, name, scope)

    return create


@pytest.fixture
async def editor(make_key: KeyFactory) -> dict[str, str]:
    return await make_key("Module Editor", "editor")


@pytest.fixture
async def admin(make_key: KeyFactory) -> dict[str, str]:
    return await make_key("Module Admin", "admin")


@pytest.fixture
def stance_body() -> Callable[..., dict[str, Any]]:
    """A valid new stance (Rama on the UK-Albania strategic partnership) with two evidence items."""

    def build(slug: str, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "slug": slug,
            "actor": "edi-rama",
            "policy": "uk-albania-strategic-partnership",
            "position": 1,
            "stated_on": date(2025, 5, 15).isoformat(),
            "summary": "Rama welcomed closer cooperation with the UK during Starmer's visit.",
            "evidence": [
                {
                    "kind": "paraphrase",
                    "text": "Rama said the two countries would deepen their cooperation.",
                    "source": "starmer-first-official-visit-to-albania-2025-05",
                },
                {
                    "kind": "reported_action",
                    "text": "Rama hosted Starmer in Tirana for talks.",
                    "source": "chris-mason-pms-albania-trip-shows-tricky-path-on-migration",
                    "speaker": "edi-rama",
                },
            ],
        }
        body.update(overrides)
        return body

    return build


@pytest.fixture
def in_thread() -> Callable[[Coroutine[Any, Any, httpx.Response]], Awaitable[httpx.Response]]:
    """Send a test-client request from a worker thread, leaving this event loop free meanwhile."""

    def run(request: Coroutine[Any, Any, httpx.Response]) -> Awaitable[httpx.Response]:
        return asyncio.to_thread(asyncio.run, request)

    return run


@pytest.fixture
def stored(db: asyncpg.Connection) -> Callable[[], Awaitable[dict[str, int]]]:
    """Counts of what a write leaves behind, to compare before and after a failed write."""

    async def count() -> dict[str, int]:
        row = await db.fetchrow(
            "SELECT (SELECT count(*) FROM stance) AS stances, (SELECT count(*) FROM evidence) AS evidence, "
            "(SELECT count(*) FROM revision) AS revisions, (SELECT count(*) FROM source) AS sources, "
            "(SELECT count(*) FROM idempotency_record) AS idempotency_records, "
            "(SELECT version FROM data_version WHERE id = 1) AS data_version"
        )
        assert row is not None
        return dict(row)

    return count


@pytest.fixture
def lock_waiters() -> Callable[[asyncpg.Connection, int], Awaitable[None]]:
    """Wait (polling ``pg_stat_activity``, no sleeps) until ``count`` other sessions wait on a lock.

    The poll may run inside the transaction holding the lock: PostgreSQL keeps one activity snapshot per
    transaction, so each poll clears it first.
    """

    async def wait(db: asyncpg.Connection, count: int) -> None:
        deadline = asyncio.get_running_loop().time() + 15
        waiting = 0
        while asyncio.get_running_loop().time() < deadline:
            await db.execute("SELECT pg_stat_clear_snapshot()")
            waiting = await db.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if waiting >= count:
                return
        raise AssertionError(f"expected {count} sessions waiting on a lock, saw {waiting}")

    return wait


@pytest.fixture
def problem() -> Callable[..., dict[str, Any]]:
    """``tests.problems.assert_problem``: assert ``response`` is a problem with ``status``, return its body."""
    return assert_problem

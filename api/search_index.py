"""The search indexer: fills in the search vectors that bulk imports leave null.

Editorial writes compute a stance's or an evidence's vector in the row (a trigger, migration 0007). Imports
insert with row triggers off, which is most of what makes them fast, so their rows arrive with a null vector;
until this indexer has filled it in, ``q=`` finds such a row by computing its vector on the fly
(``db.snapshots.search_matches``), so a search never misses a row: it is only slower while a backlog lasts.

The indexer works in short transactions of ``SEARCH_INDEX_BATCH`` rows, with ``positions.indexing`` on (no
revision, no new data version: a vector is derived data) and ``SKIP LOCKED``, so several API processes can
share a backlog. The API runs it in the background (every ``POSITIONS_SEARCH_INDEX_INTERVAL`` seconds, and at
once after an import it ran); ``positions import`` runs it after its import has committed.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress

import asyncpg
from litestar import Litestar

from api.database import is_connection_error

SEARCH_INDEX_BATCH = 5_000
VECTORS = {"stance": "to_tsvector('positions'::regconfig, summary)", "evidence": "positions_tsvector(text)"}
"""Each searched table and the expression its trigger (migration 0007) computes its vector with."""

log = logging.getLogger("positions.search_index")


async def backlog(conn: asyncpg.Connection) -> dict[str, int]:
    """How many rows of each searched table wait for their vector."""
    return {
        table: await conn.fetchval(f"SELECT count(*) FROM {table} WHERE search_vector IS NULL") for table in VECTORS
    }


async def index_batch(conn: asyncpg.Connection, table: str, limit: int = SEARCH_INDEX_BATCH) -> int:
    """Fill in the vectors of up to ``limit`` rows of ``table`` in one transaction; how many were filled."""
    async with conn.transaction():
        await conn.execute("SELECT set_config('positions.indexing', 'on', true)")
        status = await conn.execute(
            f"UPDATE {table} SET search_vector = {VECTORS[table]} WHERE id IN ("
            f"SELECT id FROM {table} WHERE search_vector IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)",
            limit,
        )
    return int(status.rsplit(" ", 1)[-1])


async def index_backlog(
    conn: asyncpg.Connection, tables: Iterable[str] = tuple(VECTORS), limit: int = SEARCH_INDEX_BATCH
) -> int:
    """Fill in every waiting vector of ``tables``, batch by batch; the number filled."""
    total = 0
    for table in tables:
        while filled := await index_batch(conn, table, limit):
            total += filled
    return total


def search_index_lifespan(interval: float) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """Run the indexer in the background of the API process, a round every ``interval`` seconds and whenever
    ``app.state.search_index_wake`` is set (``interval`` 0: never). A stop lets the batch under way finish."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        wake, stop = asyncio.Event(), asyncio.Event()
        app.state.search_index_wake = wake
        if interval <= 0:
            yield
            return
        task = asyncio.get_running_loop().create_task(_run(app, wake, stop, interval))
        try:
            yield
        finally:
            stop.set()
            wake.set()
            await asyncio.gather(task, return_exceptions=True)

    return lifespan


async def _run(app: Litestar, wake: asyncio.Event, stop: asyncio.Event, interval: float) -> None:
    while not stop.is_set():
        with suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=interval)
        wake.clear()
        if stop.is_set():
            return
        try:
            async with app.state.engine.connect() as connection:
                raw = await connection.get_raw_connection()
                filled = 0
                for table in VECTORS:
                    while not stop.is_set() and (batch := await index_batch(raw.driver_connection, table)):
                        filled += batch
            if filled:
                log.info("search index: filled %d vectors", filled)
        except Exception as error:  # the database may be down or busy: try again at the next round
            if not is_connection_error(error):
                log.exception("search index: a round failed")

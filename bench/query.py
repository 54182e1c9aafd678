"""The comparison query alone: the exact SQL the app sends, its EXPLAIN (ANALYZE, BUFFERS), and its cost
one query at a time."""

import asyncio
import contextlib
import random
import time
from datetime import date

import asyncpg
import psutil

from api.errors import UnknownSlugs
from bench.data import LAST_DAY, Shape
from bench.workload import random_day
from db.engine import plain_url


class _Recorder:
    """Stands in for the asyncpg connection to record the SQL the app sends."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[object, ...]]] = []

    async def fetch(self, sql: str, *args: object) -> list[object]:
        self.calls.append((sql, args))
        return []


async def record_app_comparison_sql() -> str:
    """The SQL ``actor_comparison_data`` sends for compare/actors (``$1`` the day, ``$2`` the actor slugs): the lean
    reference's."""
    from api.comparisons.queries import actor_comparison_data

    recorder = _Recorder()
    with contextlib.suppress(UnknownSlugs):  # the recorder answers no rows: every actor is unknown
        await actor_comparison_data(recorder, ["actor-1", "actor-2"], LAST_DAY)  # type: ignore[arg-type]
    ((sql, args),) = recorder.calls
    if args != (LAST_DAY, ["actor-1", "actor-2"]):
        raise RuntimeError(f"actor_comparison_data sends other parameters ({args!r}): update bench/reference_app.py")
    return sql


async def record_comparison_sql() -> str:
    """The SQL ``effective_stances`` sends for two actors (``$1`` the dates, ``$2`` the actor ids): the FastAPI
    reference's, which finds the actors' ids first, as a user writing it would."""
    from api.comparisons.queries import effective_stances

    recorder = _Recorder()
    await effective_stances(recorder, [LAST_DAY], actor_ids=[1, 2])  # type: ignore[arg-type]
    ((sql, args),) = recorder.calls
    if args != ([LAST_DAY], [1, 2]):
        raise RuntimeError(
            f"effective_stances now sends other parameters ({args!r}); update bench/reference_fastapi_data.py"
        )
    return sql


def app_comparison_sql() -> str:
    """``record_app_comparison_sql`` outside an event loop."""
    return asyncio.run(record_app_comparison_sql())


async def explain(url: str, sql: str, actor_slugs: list[str], as_of: date) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the comparison query exactly as ``actor_comparison_data`` sends it."""
    connection = await asyncpg.connect(plain_url(url))
    try:
        await connection.execute("SET plan_cache_mode = force_custom_plan")  # as on the app's connections
        for _ in range(3):  # warm the cache as a running server would have
            await connection.fetch(sql, as_of, actor_slugs)
        rows = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", as_of, actor_slugs)
    finally:
        await connection.close()
    return "\n".join(row[0] for row in rows)


async def _query_cost(url: str, sql: str, shape: Shape, count: int, local: bool) -> tuple[float | None, float]:
    connection = await asyncpg.connect(plain_url(url))
    try:
        backend = psutil.Process(await connection.fetchval("SELECT pg_backend_pid()")) if local else None
        rng = random.Random(shape.seed + 7)
        await connection.execute("SET plan_cache_mode = force_custom_plan")  # as on the app's connections
        calls = [
            ([f"actor-{n}" for n in rng.sample(range(1, shape.actors + 1), 2)], random_day(rng)) for _ in range(count)
        ]
        for slugs, day in calls[:20]:  # warm this backend's caches
            await connection.fetch(sql, day, slugs)
        cpu_before = sum(backend.cpu_times()[:2]) if backend else 0.0
        started = time.perf_counter()
        for slugs, day in calls:
            await connection.fetch(sql, day, slugs)
        wall = (time.perf_counter() - started) * 1000 / count
        cpu = (sum(backend.cpu_times()[:2]) - cpu_before) * 1000 / count if backend else None
    finally:
        await connection.close()
    return cpu, wall


def query_cost(url: str, sql: str, shape: Shape, *, local: bool, count: int = 300) -> tuple[float | None, float]:
    """The comparison query alone, one connection, one query at a time: backend CPU and wall ms per query."""
    return asyncio.run(_query_cost(url, sql, shape, count, local))

"""The app's own CPU per compare/actors answer, in-process: no HTTP server, no load generator, no other process.

    python -m bench.profile_app --reuse-cluster               # the bench database of the last `bench.run`
    python -m bench.profile_app --database-url postgresql+asyncpg://...  --profile 40

Builds the app with ``create_app`` (response cache off, as the uncached scenario), enters its lifespan, then calls
it as an ASGI app directly with the first ``--requests`` requests of the bench's list (random pairs and days),
one at a time, ``--rounds`` times. Prints this process's CPU ms per answer (user + system: the client side of the
driver, the framework, the answer's construction and encoding; PostgreSQL's CPU is another process's), the
wall ms, the mean answer size and the statements per answer. ``--profile N`` then prints cProfile's top ``N``
functions by total time over one more round.
"""

import argparse
import asyncio
import cProfile
import gc
import logging
import pstats
import resource
import time
from typing import Any

import asyncpg
from litestar import Litestar

from api.app import create_app
from api.settings import Settings
from bench.cluster import BENCH_PGDATA, MAIN_DATABASE, prewarm
from bench.data import Shape, with_database
from bench.workload import make_requests
from db.engine import asyncpg_url


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _call(app: Litestar, path: str) -> tuple[int, int]:
    """One GET through the ASGI interface: (status, body bytes)."""
    route, _, query = path.partition("?")
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": route,
        "raw_path": route.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"bench"), (b"accept", b"application/json")],
        "client": ("127.0.0.1", 1),
        "server": ("bench", 80),
        "state": {},
    }
    status = 0
    size = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, size
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            size += len(message.get("body", b""))

    await app(scope, receive, send)  # type: ignore[arg-type]
    return status, size


async def _run(args: argparse.Namespace, url: str) -> None:
    paths = make_requests(Shape(stances=args.stances, actors=args.actors), args.requests, args.seed).actors
    app = create_app(Settings(database_url=url, response_cache_bytes=0, log_level="WARNING"))
    statements = 0
    original_fetch = asyncpg.Connection.fetch

    async def counted_fetch(self: asyncpg.Connection, query: str, *params: object, **kwargs: Any) -> Any:  # noqa: ANN401
        nonlocal statements
        statements += 1
        return await original_fetch(self, query, *params, **kwargs)

    asyncpg.Connection.fetch = counted_fetch  # type: ignore[method-assign]
    async with app.lifespan():  # the engine and its pool
        for path in paths[:20]:  # warm: prepared statements, caches
            await _call(app, path)
        gc.collect()
        gc.freeze()
        for round_number in range(args.rounds):
            statements = 0
            size = 0
            cpu = _cpu()
            wall = time.perf_counter()
            for path in paths:
                status, length = await _call(app, path)
                if status != 200:
                    raise RuntimeError(f"{path}: {status}")
                size += length
            cpu_ms = (_cpu() - cpu) * 1000 / len(paths)
            wall_ms = (time.perf_counter() - wall) * 1000 / len(paths)
            print(
                f"round {round_number + 1}: app CPU {cpu_ms:.2f} ms/answer, wall {wall_ms:.2f} ms,"
                f" {size / len(paths) / 1024:.1f} KB/answer, {statements / len(paths):.1f} fetch()/answer",
                flush=True,
            )
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for path in paths:
                await _call(app, path)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
    asyncpg.Connection.fetch = original_fetch  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_app", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="the bench database; default: the embedded cluster in .pgdata-bench/")
    parser.add_argument("--stances", type=int, default=1_000_000, help="the shape the requests are drawn for")
    parser.add_argument("--actors", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, help="print cProfile's top N functions")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the access log of every request would be measured too
    if args.database_url:
        url = asyncpg_url(args.database_url)
    else:
        from db.embedded import start_embedded

        url = asyncpg_url(with_database(start_embedded(BENCH_PGDATA), MAIN_DATABASE))
        prewarm(url)
    asyncio.run(_run(args, url))


if __name__ == "__main__":
    main()

"""Benchmark the comparison endpoints against a framework-free reference, on synthetic data.

    python -m bench.run --stances 1000000 --actors 2000 --policies 200 --duration 15 --connections 32
    python -m bench.run --scale-check --reuse      # compare/actors p50 at 100,000 and at 1,000,000 stances

Fills a separate database (``positions_bench``) on an embedded cluster in ``.pgdata-bench/`` (or on the
server at ``--database-url``), starts the API, ``bench/reference_app.py`` and (with the ``bench-fastapi``
group installed) ``bench/reference_fastapi.py`` under granian with the same worker count, checks that all
answer the same stances and evidence, drives them with wrk (random requests from a pre-generated list) and
prints requests/s, p50 and p99 per scenario, CPU per request of the servers and of PostgreSQL, and server
memory. Every figure that has a target is a ratio to something measured in the same run, because the machine
is shared.
"""

import argparse
import json
import os
import sys
import time
from dataclasses import asdict

from bench.cluster import MAIN_DATABASE, prepare_database, server_url_for
from bench.main_run import main_run
from bench.scale_check import scale_check
from bench.servers import (
    LOG_DIR,
    PROJECT_ROOT,
)
from bench.workload import shape_from_args


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    size = parser.add_argument_group("data")
    size.add_argument("--stances", type=int, default=1_000_000)
    size.add_argument("--actors", type=int, default=2_000)
    size.add_argument("--policies", type=int, default=200)
    size.add_argument("--sources", type=int, default=1_000)
    size.add_argument("--summary-words", type=int, default=20, help="mean words per stance summary (seed data: 20)")
    size.add_argument("--evidence-words", type=int, default=20, help="mean words per quote (seed data: 20)")
    size.add_argument("--seed", type=int, default=1)
    db = parser.add_argument_group("database")
    db.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="a PostgreSQL server to use instead of the embedded cluster in .pgdata-bench/",
    )
    db.add_argument("--database", default=MAIN_DATABASE, help="name of the database to (re)create")
    db.add_argument("--reuse", action="store_true", help="keep the database when it already holds the same shape")
    db.add_argument("--load-only", action="store_true", help="fill the database, print the load figures, stop")
    load = parser.add_argument_group("load")
    load.add_argument("--duration", type=float, default=15.0, help="seconds per measured scenario")
    load.add_argument("--warmup", type=float, default=3.0, help="seconds of unmeasured load before each scenario")
    load.add_argument("--connections", type=int, default=32)
    load.add_argument("--threads", type=int, default=2, help="wrk threads")
    load.add_argument("--workers", type=int, default=2, help="granian workers, for the API and the references alike")
    load.add_argument("--requests", type=int, default=1000, help="distinct random requests per scenario")
    load.add_argument("--etags", type=int, default=200, help="requests whose ETag is fetched for the 304 scenario")
    load.add_argument(
        "--check-requests",
        type=int,
        default=20,
        help="requests on which the app and the references must answer the same stances and evidence",
    )
    load.add_argument("--tool", choices=["auto", "wrk", "asyncio"], default="auto")
    load.add_argument("--no-explain", dest="explain", action="store_false", help="do not print the query plan")
    load.add_argument(
        "--variants",
        action="store_true",
        help="also measure compare/actors under the what-if builds of bench/variants.py",
    )
    scale = parser.add_argument_group("scale check")
    scale.add_argument(
        "--scale-check", action="store_true", help="measure compare/actors p50 at --small-stances and at --stances"
    )
    scale.add_argument("--small-stances", type=int, default=100_000)
    scale.add_argument(
        "--scale-keep-actors",
        action="store_true",
        help="keep --actors at the small size too (sparser data, smaller answers)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    server_url, pg_pid = server_url_for(args)
    if args.load_only:
        shape = shape_from_args(args)
        _, report = prepare_database(server_url, args.database, shape, args.reuse, pg_pid)
        results: dict[str, object] = {
            "mode": "load",
            "shape": asdict(shape),
            "load": None if report is None else {**asdict(report), "stances_per_second": report.stances_per_second},
        }
    elif args.scale_check:
        results = scale_check(args, server_url, pg_pid)
    else:
        results = main_run(args, server_url, pg_pid)
    results["argv"] = sys.argv
    results["elapsed_s"] = time.perf_counter() - started
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    out = LOG_DIR / f"{results['mode']}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nresults written to {out.relative_to(PROJECT_ROOT)} ({results['elapsed_s']:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

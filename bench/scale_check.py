"""The scale check: compare/actors p50 at two table sizes with the same answer size."""

import argparse
import asyncio
from dataclasses import asdict, replace

from bench.cluster import prepare_database, prewarm
from bench.data import LAST_DAY
from bench.measure import HEADER, Scenario, measure
from bench.query import app_comparison_sql, explain, query_cost
from bench.servers import (
    PROJECT_TARGET,
    REFERENCE_TARGET,
    granian,
)
from bench.targets import MAX_SCALE_P50_RATIO, verdict
from bench.workload import make_requests, shape_from_args


def scale_check(args: argparse.Namespace, server_url: str, pg_pid: int | None) -> dict[str, object]:
    """compare/actors at two table sizes with the same answer size; the p50 ratio shows growth with the table."""
    big = shape_from_args(args)
    small_actors = (
        args.actors if args.scale_keep_actors else max(2, round(args.actors * args.small_stances / args.stances))
    )
    small = replace(big, stances=args.small_stances, actors=small_actors)
    results: dict[int, dict[str, Scenario]] = {}
    queries: dict[int, tuple[float | None, float]] = {}
    plans: dict[int, str] = {}
    sql = app_comparison_sql()
    for shape, name in ((small, f"{args.database}_{args.small_stances}"), (big, args.database)):
        url, _ = prepare_database(server_url, name, shape, args.reuse, pg_pid)
        prewarm(url)
        requests = make_requests(shape, args.requests, args.seed)
        queries[shape.stances] = query_cost(url, sql, shape, local=pg_pid is not None)
        plans[shape.stances] = asyncio.run(explain(url, sql, ["actor-1", "actor-2"], LAST_DAY))
        cpu, wall = queries[shape.stances]
        print(
            f"  the query alone, one at a time: {wall:.2f} ms per query"
            + (f", {cpu:.2f} ms PostgreSQL CPU" if cpu is not None else ""),
            flush=True,
        )
        with (
            granian("project", PROJECT_TARGET, url, workers=args.workers, ready_path="/ready", factory=True) as project,
            granian(
                "reference",
                REFERENCE_TARGET,
                url,
                workers=args.workers,
                ready_path="/",
                extra_env={"BENCH_REFERENCE_SQL": sql},
            ) as reference,
        ):
            print(HEADER, flush=True)
            results[shape.stances] = {
                "reference": measure(f"reference @ {shape.stances:,}", reference, requests.actors, args, pg_pid, url),
                "project": measure(f"compare/actors @ {shape.stances:,}", project, requests.actors, args, pg_pid, url),
            }
    project_ratio = results[big.stances]["project"].result.p50_ms / results[small.stances]["project"].result.p50_ms
    reference_ratio = (
        results[big.stances]["reference"].result.p50_ms / results[small.stances]["reference"].result.p50_ms
    )
    print(
        f"\nshapes: {small.stances:,} stances over {small.actors:,} actors vs {big.stances:,} over {big.actors:,}"
        f" ({'same actors' if args.scale_keep_actors else 'same stances per actor, so the same answer size'})"
    )
    print(
        f"p50 ratio {big.stances:,} / {small.stances:,}: compare/actors {project_ratio:.2f}"
        f" (target <= {MAX_SCALE_P50_RATIO}) {verdict(project_ratio <= MAX_SCALE_P50_RATIO)};"
        f" reference {reference_ratio:.2f}"
    )
    cpu_ratios = {
        server: (results[big.stances][server].db_cpu_ms or 0.0) / (results[small.stances][server].db_cpu_ms or 1.0)
        for server in ("project", "reference")
    }
    if pg_pid:
        print(
            f"PostgreSQL CPU per request under load: compare/actors {cpu_ratios['project']:.2f}x,"
            f" reference {cpu_ratios['reference']:.2f}x"
        )
    (small_cpu, small_wall), (big_cpu, big_wall) = queries[small.stances], queries[big.stances]
    print(
        f"the query alone, one at a time: {big_wall / small_wall:.2f}x the wall time"
        + (f", {big_cpu / small_cpu:.2f}x the PostgreSQL CPU" if big_cpu and small_cpu else "")
    )
    if args.explain:
        for stances, plan in plans.items():
            print(f"\nEXPLAIN (ANALYZE, BUFFERS) at {stances:,} stances, actor-1 and actor-2 as of {LAST_DAY}:\n{plan}")
    return {
        "mode": "scale-check",
        "shapes": [asdict(small), asdict(big)],
        "scenarios": [
            {**asdict(s), "rps": s.result.rps, "bytes_per_request": s.result.bytes_per_request}
            for by_server in results.values()
            for s in by_server.values()
        ],
        "p50_ratio_project": project_ratio,
        "p50_ratio_reference": reference_ratio,
        "db_cpu_ratios": cpu_ratios,
        "query_alone": {str(k): {"cpu_ms": v[0], "wall_ms": v[1]} for k, v in queries.items()},
        "explain": {str(k): v for k, v in plans.items()},
    }

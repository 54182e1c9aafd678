"""The main run: the reference, compare/actors (uncached and 304), compare/dates, the optional what-if
variants, the reference again; then the targets."""

import argparse
import asyncio
from dataclasses import asdict

from bench.cluster import prepare_database, prewarm, settings_summary
from bench.data import LAST_DAY
from bench.loadgen import wrk_available
from bench.measure import HEADER, MB, Scenario, measure
from bench.query import app_comparison_sql, explain
from bench.servers import (
    PROJECT_TARGET,
    REFERENCE_TARGET,
    granian,
    tree,
    tree_pss,
)
from bench.targets import MAX_P99_MS, MAX_SERVER_MB, MIN_304_SPEEDUP, MIN_LOAD_RATE, MIN_REFERENCE_RATIO, verdict
from bench.workload import Requests, check_same_data, fetch_etags, make_requests, shape_from_args

VARIANTS = (
    # name, granian target, extra environment, also measure the 304 path
    ("what-if pool_size=16", PROJECT_TARGET, {"POSITIONS_DB_POOL_SIZE": "16"}, False),
    ("what-if gc.freeze()", "bench.variants:gc_frozen", {}, False),
    ("what-if asyncpg pool+freeze", "bench.variants:asyncpg_pool", {}, True),
)


REPEATED = 20
"""Distinct requests in the repeated scenarios, as a newsroom's embeds produce them."""
UNCACHED = f"compare/actors, {REPEATED} repeated, no cache"
CACHED = f"compare/actors, {REPEATED} repeated, cache"
NO_RESPONSE_CACHE = {"POSITIONS_RESPONSE_CACHE_BYTES": "0"}


def measure_variants(
    args: argparse.Namespace, url: str, requests: Requests, etag_lines: list[str], pg_pid: int | None
) -> list[Scenario]:
    """compare/actors under the what-if builds of bench/variants.py (same database, same requests)."""
    measured = []
    for name, target, env, with_304 in VARIANTS:
        with granian(
            "variant", target, url, workers=args.workers, ready_path="/ready", factory=True, extra_env=env
        ) as server:
            measured.append(measure(name, server, requests.actors, args, pg_pid, url))
            if with_304:
                measured.append(measure(f"{name} 304", server, etag_lines, args, pg_pid, url))
    return measured


def main_run(args: argparse.Namespace, server_url: str, pg_pid: int | None) -> dict[str, object]:
    shape = shape_from_args(args)
    url, report = prepare_database(server_url, args.database, shape, args.reuse, pg_pid)
    prewarm(url)
    requests = make_requests(shape, args.requests, args.seed)
    settings = asyncio.run(settings_summary(url))
    sql = app_comparison_sql()
    plan = asyncio.run(explain(url, sql, ["actor-1", "actor-2"], LAST_DAY))
    scenarios: list[Scenario] = []
    with (
        granian(
            "project",
            PROJECT_TARGET,
            url,
            workers=args.workers,
            ready_path="/ready",
            factory=True,
            extra_env=NO_RESPONSE_CACHE,  # every answer computed: the uncached figures
        ) as project,
        granian(
            "reference",
            REFERENCE_TARGET,
            url,
            workers=args.workers,
            ready_path="/",
            extra_env={"BENCH_REFERENCE_SQL": sql},
        ) as reference,
    ):
        same = check_same_data(project, reference, requests.actors[0])
        print(f"same data check on {requests.actors[0]}: {same}", flush=True)
        etag_lines = fetch_etags(project, requests.actors[: args.etags])
        idle_rss_mb = project.sample_rss() / MB
        print(
            f"\nwrk: {args.connections} connections, {args.threads} threads, {args.duration:.0f} s per scenario after"
            f" {args.warmup:.0f} s warm-up; granian --workers {args.workers}"
            f"{'' if wrk_available() else ' (wrk missing: asyncio client)'}",
            flush=True,
        )
        print(HEADER, flush=True)
        scenarios.append(measure("reference (before)", reference, requests.actors, args, pg_pid, url))
        scenarios.append(measure("compare/actors", project, requests.actors, args, pg_pid, url))
        scenarios.append(measure("compare/actors 304", project, etag_lines, args, pg_pid, url))
        scenarios.append(measure("compare/dates", project, requests.dates, args, pg_pid, url))
        scenarios.append(measure(UNCACHED, project, requests.actors[:REPEATED], args, pg_pid, url))
        project_pss_mb = tree_pss(project.process.pid) / MB
        reference_pss_mb = tree_pss(reference.process.pid) / MB
        worker_count = len(tree(project.process.pid))
        project.process.terminate()  # out of the way of the variants
        with granian(
            "project-cached", PROJECT_TARGET, url, workers=args.workers, ready_path="/ready", factory=True
        ) as cached_project:
            scenarios.append(measure(CACHED, cached_project, requests.actors[:REPEATED], args, pg_pid, url))
        if args.variants:
            scenarios += measure_variants(args, url, requests, etag_lines, pg_pid)
        scenarios.append(measure("reference (after)", reference, requests.actors, args, pg_pid, url))

    by_name = {s.name: s for s in scenarios}
    ref_rps = (by_name["reference (before)"].result.rps + by_name["reference (after)"].result.rps) / 2
    actors = by_name["compare/actors"]
    cached = by_name["compare/actors 304"]
    ratio = actors.result.rps / ref_rps if ref_rps else 0.0
    speedup = cached.result.rps / actors.result.rps if actors.result.rps else 0.0
    repeated = by_name[CACHED].result.rps
    uncached_rps = max(actors.result.rps, 1e-9)
    same_uncached_rps = max(by_name[UNCACHED].result.rps, 1e-9)
    print(
        f"\nrepeated requests from the response cache: {repeated / uncached_rps:.1f}x compare/actors uncached,"
        f" {repeated / same_uncached_rps:.1f}x the same {REPEATED} requests uncached"
    )
    peak_mb = max(s.peak_rss_mb for s in scenarios if s.server == "project")
    print(
        f"\nproject server: {worker_count} processes, RSS idle {idle_rss_mb:.0f} MB, peak {peak_mb:.0f} MB,"
        f" PSS after the runs {project_pss_mb:.0f} MB (reference: PSS {reference_pss_mb:.0f} MB)"
    )
    print(f"load average during the runs: {', '.join(f'{s.load_after:.1f}' for s in scenarios)}")
    print("\ntargets")
    print(
        f"  compare/actors / reference throughput: {ratio:.2f} (target >= {MIN_REFERENCE_RATIO:.2f})"
        f" {verdict(ratio >= MIN_REFERENCE_RATIO)}"
    )
    print(
        f"  compare/actors p99: {actors.result.p99_ms:.1f} ms (target <= {MAX_P99_MS:.0f} ms)"
        f" {verdict(actors.result.p99_ms <= MAX_P99_MS)}"
    )
    print(
        f"  304 / uncached throughput: {speedup:.1f}x (target >= {MIN_304_SPEEDUP:.0f}x)"
        f" {verdict(speedup >= MIN_304_SPEEDUP)}"
    )
    if report is not None:
        print(
            f"  data load: {report.stances_per_second:,.0f} stances/s (target >= {MIN_LOAD_RATE:,})"
            f" {verdict(report.stances_per_second >= MIN_LOAD_RATE)}"
        )
    print(
        f"  server memory: peak RSS {peak_mb:.0f} MB (target < {MAX_SERVER_MB} MB) {verdict(peak_mb < MAX_SERVER_MB)}"
    )
    if args.explain:
        print(f"\nEXPLAIN (ANALYZE, BUFFERS), actors actor-1 and actor-2 as of {LAST_DAY}:\n{plan}")
    return {
        "mode": "main",
        "shape": asdict(shape),
        "load": None if report is None else {**asdict(report), "stances_per_second": report.stances_per_second},
        "settings": settings,
        "scenarios": [
            {**asdict(s), "rps": s.result.rps, "bytes_per_request": s.result.bytes_per_request} for s in scenarios
        ],
        "reference_rps": ref_rps,
        "ratio_to_reference": ratio,
        "speedup_304": speedup,
        "project_peak_rss_mb": peak_mb,
        "project_idle_rss_mb": idle_rss_mb,
        "project_pss_mb": project_pss_mb,
        "reference_pss_mb": reference_pss_mb,
        "explain": plan,
        "sql": sql,
    }

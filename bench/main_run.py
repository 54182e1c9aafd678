"""The main run: the lean and the FastAPI references, compare/actors (uncached and 304), compare/dates, the
optional what-if variants, both references again; then the targets."""

import argparse
import asyncio
from contextlib import ExitStack
from dataclasses import asdict

from bench.cluster import prepare_database, prewarm, settings_summary
from bench.data import LAST_DAY
from bench.loadgen import wrk_available
from bench.measure import HEADER, MB, Scenario, measure
from bench.query import app_comparison_sql, explain, record_comparison_sql
from bench.servers import (
    FASTAPI_GROUP,
    FASTAPI_TARGET,
    PROJECT_TARGET,
    REFERENCE_TARGET,
    Server,
    fastapi_installed,
    granian,
    tree,
    tree_pss,
)
from bench.targets import (
    MAX_P99_MS,
    MAX_P99_RATIO,
    MAX_SERVER_MB,
    MIN_304_SPEEDUP,
    MIN_FASTAPI_RATIO,
    MIN_LOAD_RATE,
    MIN_REFERENCE_RATIO,
    MIN_REPEATED_SPEEDUP,
    verdict,
)
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
UNCACHED_GZIP = f"{UNCACHED}, gzip"
CACHED_GZIP = f"{CACHED}, gzip"
"""The same with `Accept-Encoding: gzip`, as the browsers loading an embed (and CDNs) send it."""
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


def mean_of(scenarios: list[Scenario], *names: str) -> tuple[float, float]:
    """Mean requests/s and mean p99 of the named scenarios (a yardstick measured before and after)."""
    picked = [s for s in scenarios if s.name in names]
    return (
        sum(s.result.rps for s in picked) / len(picked),
        sum(s.result.p99_ms for s in picked) / len(picked),
    )


def cpu_per_answer(scenarios: list[Scenario], *names: str) -> float:
    """Mean CPU ms per answer of the server and of PostgreSQL over the named scenarios: steadier than req/s."""
    picked = [s for s in scenarios if s.name in names]
    return sum(s.app_cpu_ms + (s.db_cpu_ms or 0.0) for s in picked) / len(picked)


def main_run(args: argparse.Namespace, server_url: str, pg_pid: int | None) -> dict[str, object]:
    shape = shape_from_args(args)
    url, report = prepare_database(server_url, args.database, shape, args.reuse, pg_pid)
    prewarm(url)
    requests = make_requests(shape, args.requests, args.seed)
    settings = asyncio.run(settings_summary(url))
    sql = app_comparison_sql()
    plan = asyncio.run(explain(url, sql, ["actor-1", "actor-2"], LAST_DAY))
    with_fastapi = fastapi_installed()
    if not with_fastapi:
        print(
            f"\nFastAPI is not installed: running without the FastAPI reference (install it with `{FASTAPI_GROUP}`)",
            flush=True,
        )
    scenarios: list[Scenario] = []
    with ExitStack() as servers:
        project = servers.enter_context(
            granian(
                "project",
                PROJECT_TARGET,
                url,
                workers=args.workers,
                ready_path="/ready",
                factory=True,
                extra_env=NO_RESPONSE_CACHE,  # every answer computed: the uncached figures
            )
        )
        reference = servers.enter_context(
            granian(
                "reference",
                REFERENCE_TARGET,
                url,
                workers=args.workers,
                ready_path="/",
                extra_env={"BENCH_REFERENCE_SQL": sql},
            )
        )
        fastapi: Server | None = None
        if with_fastapi:
            fastapi = servers.enter_context(
                granian(
                    "fastapi",
                    FASTAPI_TARGET,
                    url,
                    workers=args.workers,
                    ready_path="/ready",
                    factory=True,
                    extra_env={"BENCH_REFERENCE_SQL": asyncio.run(record_comparison_sql())},
                )
            )
        compared = [project, reference] if fastapi is None else [project, reference, fastapi]
        same = check_same_data(compared, requests.actors[: args.check_requests])
        print(f"same data check: {same}", flush=True)
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
        if fastapi is not None:
            scenarios.append(measure("fastapi (before)", fastapi, requests.actors, args, pg_pid, url))
        scenarios.append(measure("compare/actors", project, requests.actors, args, pg_pid, url))
        scenarios.append(measure("compare/actors 304", project, etag_lines, args, pg_pid, url))
        scenarios.append(measure("compare/dates", project, requests.dates, args, pg_pid, url))
        scenarios.append(measure(UNCACHED, project, requests.actors[:REPEATED], args, pg_pid, url))
        gzipped = [f"{path}\t\tgzip" for path in requests.actors[:REPEATED]]
        scenarios.append(measure(UNCACHED_GZIP, project, gzipped, args, pg_pid, url))
        project_pss_mb = tree_pss(project.process.pid) / MB
        reference_pss_mb = tree_pss(reference.process.pid) / MB
        fastapi_pss_mb = None if fastapi is None else tree_pss(fastapi.process.pid) / MB
        worker_count = len(tree(project.process.pid))
        project.process.terminate()  # out of the way of the variants
        with granian(
            "project-cached", PROJECT_TARGET, url, workers=args.workers, ready_path="/ready", factory=True
        ) as cached_project:
            scenarios.append(measure(CACHED, cached_project, requests.actors[:REPEATED], args, pg_pid, url))
            scenarios.append(measure(CACHED_GZIP, cached_project, gzipped, args, pg_pid, url))
        if args.variants:
            scenarios += measure_variants(args, url, requests, etag_lines, pg_pid)
        scenarios.append(measure("reference (after)", reference, requests.actors, args, pg_pid, url))
        if fastapi is not None:
            scenarios.append(measure("fastapi (after)", fastapi, requests.actors, args, pg_pid, url))

    by_name = {s.name: s for s in scenarios}
    ref_rps, ref_p99 = mean_of(scenarios, "reference (before)", "reference (after)")
    fastapi_rps, fastapi_p99 = mean_of(scenarios, "fastapi (before)", "fastapi (after)") if fastapi else (0.0, 0.0)
    actors = by_name["compare/actors"]
    cached = by_name["compare/actors 304"]
    ratio = actors.result.rps / ref_rps if ref_rps else 0.0
    fastapi_ratio = actors.result.rps / fastapi_rps if fastapi_rps else None
    p99_ratio = actors.result.p99_ms / ref_p99 if ref_p99 else 0.0
    speedup = cached.result.rps / actors.result.rps if actors.result.rps else 0.0
    repeated = by_name[CACHED].result.rps
    uncached_rps = max(actors.result.rps, 1e-9)
    same_uncached_rps = max(by_name[UNCACHED].result.rps, 1e-9)
    print(
        f"\nrepeated requests from the response cache: {repeated / uncached_rps:.1f}x compare/actors uncached,"
        f" {repeated / same_uncached_rps:.1f}x the same {REPEATED} requests uncached"
    )
    gzip_repeated = by_name[CACHED_GZIP].result.rps
    print(
        f"with Accept-Encoding: gzip: {gzip_repeated / uncached_rps:.1f}x compare/actors uncached (plain),"
        f" {gzip_repeated / same_uncached_rps:.1f}x the same {REPEATED} requests uncached (plain),"
        f" {gzip_repeated / max(by_name[UNCACHED_GZIP].result.rps, 1e-9):.1f}x them uncached with gzip"
    )
    peak_mb = max(s.peak_rss_mb for s in scenarios if s.server == "project")
    print(
        f"\nproject server: {worker_count} processes, RSS idle {idle_rss_mb:.0f} MB, peak {peak_mb:.0f} MB,"
        f" PSS after the runs {project_pss_mb:.0f} MB (reference: PSS {reference_pss_mb:.0f} MB)"
    )
    print(f"load average during the runs: {', '.join(f'{s.load_after:.1f}' for s in scenarios)}")
    cpu = {
        "reference": cpu_per_answer(scenarios, "reference (before)", "reference (after)"),
        "fastapi": cpu_per_answer(scenarios, "fastapi (before)", "fastapi (after)") if fastapi else None,
        "compare/actors": cpu_per_answer(scenarios, "compare/actors"),
    }
    print("\nthree references in one run (the references: mean of before and after; CPU: server + PostgreSQL)")
    print(f"  lean reference: {ref_rps:.1f} req/s, p99 {ref_p99:.1f} ms, {cpu['reference']:.1f} ms CPU per answer")
    if fastapi_ratio is None:
        print(f"  FastAPI reference: not measured (`{FASTAPI_GROUP}` installs it)")
    else:
        print(f"  FastAPI reference: {fastapi_rps:.1f} req/s, p99 {fastapi_p99:.1f} ms, {cpu['fastapi']:.1f} ms CPU")
    print(
        f"  compare/actors: {actors.result.rps:.1f} req/s, p99 {actors.result.p99_ms:.1f} ms,"
        f" {cpu['compare/actors']:.1f} ms CPU"
    )
    print(
        f"  ratios: app/lean {ratio:.2f}, app/FastAPI {'-' if fastapi_ratio is None else f'{fastapi_ratio:.2f}'}"
        f" (req/s); app p99 / lean p99 {p99_ratio:.2f}"
    )
    print("\ntargets")
    print(
        f"  compare/actors / lean reference throughput: {ratio:.2f} (target >= {MIN_REFERENCE_RATIO:.2f})"
        f" {verdict(ratio >= MIN_REFERENCE_RATIO)}"
    )
    if fastapi_ratio is not None:
        print(
            f"  compare/actors / FastAPI reference throughput: {fastapi_ratio:.2f} (target >= {MIN_FASTAPI_RATIO:.2f})"
            f" {verdict(fastapi_ratio >= MIN_FASTAPI_RATIO)}"
        )
    print(
        f"  compare/actors p99 / lean reference p99: {p99_ratio:.2f} (target <= {MAX_P99_RATIO:.2f})"
        f" {verdict(p99_ratio <= MAX_P99_RATIO)}"
    )
    print(
        f"  compare/actors p99: {actors.result.p99_ms:.1f} ms (target <= {MAX_P99_MS:.0f} ms)"
        f" {verdict(actors.result.p99_ms <= MAX_P99_MS)}"
    )
    print(
        f"  304 / uncached throughput: {speedup:.1f}x (target >= {MIN_304_SPEEDUP:.0f}x)"
        f" {verdict(speedup >= MIN_304_SPEEDUP)}"
    )
    repeated_speedup = repeated / same_uncached_rps
    print(
        f"  {REPEATED} repeated requests, cache / uncached: {repeated_speedup:.1f}x"
        f" (target >= {MIN_REPEATED_SPEEDUP:.0f}x) {verdict(repeated_speedup >= MIN_REPEATED_SPEEDUP)}"
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
        "reference_p99_ms": ref_p99,
        "ratio_to_reference": ratio,
        "p99_ratio_to_reference": p99_ratio,
        "fastapi_rps": fastapi_rps if fastapi else None,
        "fastapi_p99_ms": fastapi_p99 if fastapi else None,
        "ratio_to_fastapi": fastapi_ratio,
        "fastapi_pss_mb": fastapi_pss_mb,
        "cpu_ms_per_answer": cpu,
        "speedup_304": speedup,
        "project_peak_rss_mb": peak_mb,
        "project_idle_rss_mb": idle_rss_mb,
        "project_pss_mb": project_pss_mb,
        "reference_pss_mb": reference_pss_mb,
        "explain": plan,
        "sql": sql,
    }

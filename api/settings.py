"""Typed settings, and the one place environment variables are read.

``Settings`` configures the app (tests build it directly); ``ServerSettings`` configures the command line
(where the server listens, where the embedded cluster lives, which database to use).
"""

import os
from dataclasses import dataclass
from pathlib import Path

from db.embedded import DEFAULT_PGDATA
from db.engine import asyncpg_url


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True, slots=True)
class Settings:
    """Runtime configuration. ``database_url`` is resolved by the caller (see ``db.embedded``)."""

    database_url: str
    pool_size: int = 16
    cors_origins: tuple[str, ...] = ("*",)
    max_body_bytes: int = 1_048_576
    log_level: str = "INFO"
    debug: bool = False
    write_rate_limit: int = 60
    # Time limits on the database, in seconds (see db.engine.make_engine and the README's Configuration).
    db_connect_timeout: float = 3.0
    db_pool_timeout: float = 3.0
    db_statement_timeout: float = 5.0
    db_idle_in_transaction_timeout: float = 30.0
    ready_timeout: float = 2.0
    # Bytes of encoded comparison answers each process keeps (api.response_cache); 0 switches the cache off.
    response_cache_bytes: int = 64 * 1024 * 1024
    # Cache-Control of comparison answers for a CDN (api.cdn): seconds fresh, then served stale while revalidating,
    # and served stale while the API fails.
    cdn_max_age: int = 5
    cdn_stale_while_revalidate: int = 60
    cdn_stale_if_error: int = 86400
    # Read replicas (api.replicas): ``DATABASE_READ_URL``, the longest lag a replica may have and still answer reads,
    # how often each process checks it, and how long a read carrying a write's LSN waits for a replica to reach it.
    database_read_urls: tuple[str, ...] = ()
    replica_max_lag: float = 5.0
    replica_check_interval: float = 0.5
    replica_lsn_wait: float = 0.2

    @classmethod
    def from_env(cls, database_url: str) -> "Settings":
        return cls(
            database_url=database_url,
            pool_size=int(os.environ.get("POSITIONS_DB_POOL_SIZE", "16")),
            cors_origins=_split(os.environ.get("POSITIONS_CORS_ORIGINS", "*")),
            max_body_bytes=int(os.environ.get("POSITIONS_MAX_BODY_BYTES", "1048576")),
            log_level=os.environ.get("POSITIONS_LOG_LEVEL", "INFO").upper(),
            debug=os.environ.get("POSITIONS_DEBUG", "") == "1",
            write_rate_limit=int(os.environ.get("POSITIONS_WRITE_RATE_LIMIT", "60")),
            db_connect_timeout=float(os.environ.get("POSITIONS_DB_CONNECT_TIMEOUT", "3")),
            db_pool_timeout=float(os.environ.get("POSITIONS_DB_POOL_TIMEOUT", "3")),
            db_statement_timeout=float(os.environ.get("POSITIONS_DB_STATEMENT_TIMEOUT", "5")),
            db_idle_in_transaction_timeout=float(os.environ.get("POSITIONS_DB_IDLE_IN_TRANSACTION_TIMEOUT", "30")),
            ready_timeout=float(os.environ.get("POSITIONS_READY_TIMEOUT", "2")),
            response_cache_bytes=int(os.environ.get("POSITIONS_RESPONSE_CACHE_BYTES", str(64 * 1024 * 1024))),
            cdn_max_age=int(os.environ.get("POSITIONS_CDN_MAX_AGE", "5")),
            cdn_stale_while_revalidate=int(os.environ.get("POSITIONS_CDN_STALE_WHILE_REVALIDATE", "60")),
            cdn_stale_if_error=int(os.environ.get("POSITIONS_CDN_STALE_IF_ERROR", "86400")),
            database_read_urls=tuple(asyncpg_url(url) for url in _split(os.environ.get("DATABASE_READ_URL", ""))),
            replica_max_lag=float(os.environ.get("POSITIONS_REPLICA_MAX_LAG", "5")),
            replica_check_interval=float(os.environ.get("POSITIONS_REPLICA_CHECK_INTERVAL", "0.5")),
            replica_lsn_wait=float(os.environ.get("POSITIONS_REPLICA_LSN_WAIT", "0.2")),
        )


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """What ``positions`` reads before any database exists: where to listen and which database to use."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    database_url: str | None = None
    """``DATABASE_URL``; unset means the embedded cluster in ``pgdata``."""
    pgdata: Path = DEFAULT_PGDATA
    memory_trace: float | None = None
    """``POSITIONS_MEMORY_TRACE`` (seconds): a debugging aid, see ``api.memtrace``; unset in production."""

    @classmethod
    def from_env(cls) -> "ServerSettings":
        return cls(
            host=os.environ.get("POSITIONS_HOST", "127.0.0.1"),
            port=int(os.environ.get("POSITIONS_PORT", "8000")),
            workers=int(os.environ.get("POSITIONS_WORKERS", "1")),
            database_url=os.environ.get("DATABASE_URL") or None,
            pgdata=Path(os.environ.get("POSITIONS_PGDATA", str(DEFAULT_PGDATA))),
            memory_trace=float(os.environ["POSITIONS_MEMORY_TRACE"])
            if os.environ.get("POSITIONS_MEMORY_TRACE")
            else None,
        )

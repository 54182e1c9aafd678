"""One typed settings object, read from environment variables once."""

import os
from dataclasses import dataclass


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
        )

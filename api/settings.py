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
        )

"""Engine and session factory over asyncpg."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def asyncpg_url(url: str) -> str:
    """Rewrite any PostgreSQL URL to the ``postgresql+asyncpg://`` scheme SQLAlchemy wants."""
    for prefix in ("postgresql+asyncpg://", "postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url.removeprefix(prefix)
    raise ValueError(f"not a PostgreSQL URL: {url!r}")


def plain_url(url: str) -> str:
    """The same URL with the plain ``postgresql://`` scheme, as asyncpg and libpq take it."""
    return "postgresql://" + asyncpg_url(url).removeprefix("postgresql+asyncpg://")


# The driver gives up this long after the server's own statement_timeout would have fired: the server
# cancels a slow statement cleanly (the connection stays usable); the driver's limit is for a server that
# does not answer at all (frozen, partitioned).
COMMAND_TIMEOUT_MARGIN = 1.0


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Time limits on the database, in seconds; ``None`` means no limit.

    The defaults suit the command line (migrations, seeding, bulk loads): a bounded connect and pool wait,
    no limit on statements. The API passes its own, tighter ones (``api.settings.Settings``).
    """

    connect: float = 10.0
    pool: float = 10.0
    statement: float | None = None
    idle_in_transaction: float | None = None


# Prepared statements kept per connection, by SQLAlchemy's asyncpg dialect (ORM queries) and by asyncpg
# itself (the comparison queries sent with ``connection.fetch``); each library's default is 100. Every
# cached statement holds its codecs and row description in the worker (and a plan in its backend), and
# every distinct SQL text is one entry: list filters, ``as_recorded`` and ``IN`` lists of other lengths
# all make new texts, so under a varied load each of the pool's connections fills both caches. 20 keeps
# the few hot statements of a request prepared and bounds the rest (bench/README.md, "Memory under a
# mixed soak").
STATEMENT_CACHE_SIZE = 20

# How the app's connections name themselves in the server's `pg_stat_activity` (on the primary and on replicas).
APPLICATION_NAME = "positions"


def _milliseconds(seconds: float) -> str:
    return str(max(1, round(seconds * 1000)))


def make_engine(url: str, *, pool_size: int = 16, echo: bool = False, timeouts: Timeouts | None = None) -> AsyncEngine:
    """A fixed-size pool (no overflow connections, which would be opened and closed under load).

    No pre-ping: a connection that fails because the server went away is invalidated by the request that
    saw it (see ``api.database``), so each request costs no extra round trip. Custom plans always: the
    comparison query's generic plan scans whole indexes. SQL parameters never appear in errors or logs
    (``hide_parameters``): they can carry an API key's hash or an editor's unpublished text.

    Time limits: ``connect`` bounds opening a connection (``timeout`` of asyncpg), ``pool`` the wait for a
    pooled one, ``statement`` each statement on the server (``statement_timeout``) and, a second later, in
    the driver (asyncpg's ``command_timeout``), and ``idle_in_transaction`` a transaction left idle
    (``idle_in_transaction_session_timeout``, a backstop: the server ends such a session).

    Statement caches: ``STATEMENT_CACHE_SIZE`` per connection in both the dialect and asyncpg.
    """
    limits = timeouts or Timeouts()
    server_settings = {"plan_cache_mode": "force_custom_plan", "application_name": APPLICATION_NAME}
    connect_args: dict[str, Any] = {
        "server_settings": server_settings,
        "timeout": limits.connect,
        "prepared_statement_cache_size": STATEMENT_CACHE_SIZE,
        "statement_cache_size": STATEMENT_CACHE_SIZE,
    }
    if limits.statement is not None:
        server_settings["statement_timeout"] = _milliseconds(limits.statement)
        connect_args["command_timeout"] = limits.statement + COMMAND_TIMEOUT_MARGIN
    if limits.idle_in_transaction is not None:
        server_settings["idle_in_transaction_session_timeout"] = _milliseconds(limits.idle_in_transaction)
    return create_async_engine(
        asyncpg_url(url),
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=limits.pool,
        pool_pre_ping=False,
        pool_recycle=1800,
        echo=echo,
        hide_parameters=True,
        connect_args=connect_args,
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)

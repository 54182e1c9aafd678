"""Engine lifecycle and the per-request session dependency."""

from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import asyncpg
from litestar import Litestar
from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncSession

from api.metrics import instrument_engine, log_raw_query
from api.settings import Settings
from db.engine import Timeouts, make_engine, make_sessionmaker


def api_timeouts(settings: Settings) -> Timeouts:
    """The API's time limits on the database, from its settings."""
    return Timeouts(
        connect=settings.db_connect_timeout,
        pool=settings.db_pool_timeout,
        statement=settings.db_statement_timeout,
        idle_in_transaction=settings.db_idle_in_transaction_timeout,
    )


def engine_lifespan(database_url: str, pool_size: int) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """Create the engine when the app starts and dispose of it when the app stops.

    The time limits come from the app's settings (``app.state.settings``).
    """

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        settings: Settings | None = app.state.get("settings")
        timeouts = api_timeouts(settings) if settings is not None else Timeouts()
        engine = make_engine(database_url, pool_size=pool_size, timeouts=timeouts)
        instrument_engine(engine)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        try:
            yield
        finally:
            await engine.dispose()

    return lifespan


CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    PoolTimeoutError,  # no pooled connection came free in time: the database is saturated or gone
    InterfaceError,
    ConnectionError,
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
)


# SQLSTATEs meaning "the database cannot serve you now": class 08 (connection exceptions), 57P01 admin
# shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting up, in recovery), 57014 a statement
# cancelled by statement_timeout (or by an operator), 25P03 a session ended by
# idle_in_transaction_session_timeout, 53300 too many connections.
UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "57014", "25P03", "53300"})


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc``, what SQLAlchemy wraps (``.orig``) and the driver's own error (``__cause__``), without cycles."""
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or any(current is known for known in seen) or len(seen) > 8:
            continue
        seen.append(current)
        pending.extend([getattr(current, "orig", None), current.__cause__])
    return seen


def is_connection_error(exc: BaseException) -> bool:
    """Whether ``exc`` means the database is unreachable, restarting or not answering in time (503), not a bug.

    asyncpg's errors often arrive wrapped in a plain SQLAlchemy ``DBAPIError``: the wrapped error and its
    SQLSTATE decide.
    """
    for error in _chain(exc):
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return True
        if isinstance(error, CONNECTION_ERRORS):
            return True
        sqlstate = getattr(error, "sqlstate", None)
        if isinstance(sqlstate, str) and (sqlstate.startswith("08") or sqlstate in UNAVAILABLE_SQLSTATES):
            return True
    return False


def needs_fresh_pool(exc: BaseException) -> bool:
    """Whether the server may have gone away, so pooled connections should be dropped.

    Not after a pool timeout (every connection is busy, not broken: a fresh pool would only add
    connections) nor after a statement the server itself cancelled (the connection is fine).
    """
    if isinstance(exc, PoolTimeoutError):
        return False
    if any(getattr(error, "sqlstate", None) == "57014" for error in _chain(exc)):
        return False
    return is_connection_error(exc)


async def drop_pool_if_server_gone(state: State, exc: BaseException) -> None:
    """After ``exc``: when the server may have gone away, give later requests a fresh pool."""
    if needs_fresh_pool(exc):
        await state.engine.dispose(close=False)


async def provide_session(state: State) -> AsyncGenerator[AsyncSession, None]:
    """One session per request; read handlers never commit, write handlers use ``session.begin()``."""
    async with state.sessionmaker() as session:
        try:
            yield session
        except BaseException as exc:
            await drop_pool_if_server_gone(state, exc)
            raise


async def provide_pg(state: State) -> AsyncGenerator[asyncpg.Connection, None]:
    """The raw asyncpg connection of a pooled SQLAlchemy connection, for the hot comparison queries."""
    async with state.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver: asyncpg.Connection = raw.driver_connection
        driver.add_query_logger(log_raw_query)
        try:
            yield driver
        except BaseException as exc:
            if needs_fresh_pool(exc):  # the server went away: this connection is dead too
                await connection.invalidate(exc if isinstance(exc, Exception) else None)
            await drop_pool_if_server_gone(state, exc)
            raise
        finally:
            driver.remove_query_logger(log_raw_query)


Session = NamedDependency[AsyncSession]
"""A handler parameter receiving the request's SQLAlchemy session (dependency ``session``)."""
Pg = NamedDependency[asyncpg.Connection]
"""A handler parameter receiving the request's raw asyncpg connection (dependency ``pg``)."""

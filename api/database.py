"""Engine lifecycle and the per-request session dependency."""

from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import asyncpg
from litestar import Litestar
from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import make_engine, make_sessionmaker


def engine_lifespan(database_url: str, pool_size: int) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """Create the engine when the app starts and dispose of it when the app stops."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        engine = make_engine(database_url, pool_size=pool_size)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        try:
            yield
        finally:
            await engine.dispose()

    return lifespan


CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
)


def is_connection_error(exc: BaseException) -> bool:
    """Whether ``exc`` means the database is unreachable or restarting (503), not a bug (500)."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, CONNECTION_ERRORS)


async def provide_session(state: State) -> AsyncGenerator[AsyncSession, None]:
    """One session per request; read handlers never commit, write handlers use ``session.begin()``."""
    async with state.sessionmaker() as session:
        try:
            yield session
        except BaseException as exc:
            if is_connection_error(exc):
                await state.engine.dispose(close=False)  # the server went away: a fresh pool for later requests
            raise


async def provide_pg(state: State) -> AsyncGenerator[asyncpg.Connection, None]:
    """The raw asyncpg connection of a pooled SQLAlchemy connection, for the hot comparison queries."""
    async with state.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        try:
            yield raw.driver_connection
        except BaseException as exc:
            if is_connection_error(exc):
                # The server went away: drop this connection, and start a fresh pool for later requests.
                await connection.invalidate(exc if isinstance(exc, Exception) else None)
                await state.engine.dispose(close=False)
            raise


Session = NamedDependency[AsyncSession]
"""A handler parameter receiving the request's SQLAlchemy session (dependency ``session``)."""
Pg = NamedDependency[asyncpg.Connection]
"""A handler parameter receiving the request's raw asyncpg connection (dependency ``pg``)."""

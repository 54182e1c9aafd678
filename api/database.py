"""Engine lifecycle and the per-request session dependency."""

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import asyncpg
from asyncpg.transaction import Transaction
from litestar import Litestar, Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from api.metrics import instrument_engine, log_raw_query
from api.replicas import READ_METHODS, Replica, ReplicaSet, label_of, requested_lsn, served
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
    """Create the engines when the app starts (the primary's, and one per read replica) and dispose of them when
    it stops.

    The time limits and the replicas (``DATABASE_READ_URL``) come from the app's settings (``app.state.settings``);
    with replicas, a first check runs before the app serves, then one every ``replica_check_interval``.
    """

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        settings: Settings | None = app.state.get("settings")
        timeouts = api_timeouts(settings) if settings is not None else Timeouts()
        engine = make_engine(database_url, pool_size=pool_size, timeouts=timeouts)
        instrument_engine(engine)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        replicas = None
        if settings is not None and settings.database_read_urls:
            replicas = ReplicaSet(
                primary_url=database_url,
                replicas=[
                    Replica(url, label_of(url), make_engine(url, pool_size=pool_size, timeouts=timeouts))
                    for url in settings.database_read_urls
                ],
                settings=settings,
            )
            for replica in replicas.replicas:
                instrument_engine(replica.engine, pool_gauges=False)
            await replicas.check()
            replicas.task = asyncio.get_running_loop().create_task(replicas.run())
        app.state.replicas = replicas
        try:
            yield
        finally:
            if replicas is not None:
                await replicas.close()
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


async def drop_pool_if_server_gone(state: State, exc: BaseException, engine: AsyncEngine | None = None) -> None:
    """After ``exc``: when the server may have gone away, give later requests a fresh pool (of ``engine``, by
    default the primary's)."""
    if needs_fresh_pool(exc):
        await (engine or state.engine).dispose(close=False)


async def _open_read_connection(request: Request[Any, Any, Any], state: State) -> AsyncConnection:
    """A connection for this request: the primary's for writes and when no replica suits, else a replica's.

    A GET or HEAD reads from a usable replica (``api.replicas``): one that answers (its reached LSN, asked on
    the connection the request will use, doubles as the check that the connection works) and, when the request
    carries a write's LSN, has replayed it or does within ``replica_lsn_wait``. A replica that fails here is
    marked down and the next one, or the primary, answers; one whose pool has no connection free in time stays
    in use, but this read goes elsewhere.
    """
    primary: AsyncEngine = state.engine
    replicas: ReplicaSet | None = state.get("replicas")
    if replicas is None or request.method not in READ_METHODS:
        return await primary.connect()
    settings: Settings = state.settings
    wanted = requested_lsn(request)
    deadline = asyncio.get_running_loop().time() + settings.replica_lsn_wait
    tried: list[Replica] = []
    reason = "no-usable-replica"
    while (replica := replicas.pick(wanted, tried)) is not None:
        tried.append(replica)
        connection: AsyncConnection | None = None
        try:
            connection = await replica.engine.connect()
            driver = await driver_of(connection)
            reached = await replicas.reached(replica, driver)
            if wanted is None or reached >= wanted or await replicas.wait_for(replica, driver, wanted, deadline):
                served(request, "replica", "lsn-reached" if wanted is not None else "usable")
                return connection
            reason = "replica-behind-lsn"
        except Exception as exc:
            if not is_connection_error(exc):
                if connection is not None:
                    await connection.close()
                raise
            if needs_fresh_pool(exc):  # gone, refusing or not answering: not until a check reaches it again
                if connection is not None:
                    await connection.invalidate(exc)
                await replica.engine.dispose(close=False)
                replicas.mark_down(replica, exc)
                reason = "replica-failed"
            else:  # its pool is saturated: this read goes elsewhere, the replica stays in use
                reason = "replica-busy"
        if connection is not None:
            await connection.close()
    served(request, "primary", reason)
    return await primary.connect()


async def driver_of(connection: AsyncConnection) -> asyncpg.Connection:
    """The asyncpg connection under a SQLAlchemy one, for queries sent without the ORM."""
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    if not isinstance(driver, asyncpg.Connection):
        raise TypeError(f"not an asyncpg connection: {driver!r}")
    return driver


@asynccontextmanager
async def read_connection(request: Request[Any, Any, Any], state: State) -> AsyncIterator[AsyncConnection]:
    """The request's one connection, on the server ``_open_read_connection`` chose; failures that mean the server
    went away drop that server's pool."""
    connection = await _open_read_connection(request, state)
    try:
        yield connection
    except BaseException as exc:
        if needs_fresh_pool(exc):  # the server went away: this connection is dead too
            await connection.invalidate(exc if isinstance(exc, Exception) else None)
        await drop_pool_if_server_gone(state, exc, connection.engine)
        raise
    finally:
        await connection.close()


async def provide_session(request: Request[Any, Any, Any], state: State) -> AsyncGenerator[AsyncSession, None]:
    """One session per request. A read's (GET, HEAD) is one read-only snapshot (``REPEATABLE READ``), on a replica
    or the primary; write handlers take ``write`` (``api.writing``) instead, always on the primary."""
    async with read_connection(request, state) as connection:
        if request.method in READ_METHODS:
            await connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        async with AsyncSession(bind=connection, expire_on_commit=False) as session:
            yield session


OWN_SNAPSHOT = "own_snapshot"
"""A handler ``opt`` flag: the handler opens ``snapshot(pg)`` itself where it needs one (a single statement is a
consistent snapshot already, and a transaction around it costs two more round trips)."""


def snapshot(driver: asyncpg.Connection) -> Transaction:
    """One read-only ``REPEATABLE READ`` snapshot: every statement inside it sees the same moment."""
    return driver.transaction(isolation="repeatable_read", readonly=True)


async def provide_pg(request: Request[Any, Any, Any], state: State) -> AsyncGenerator[asyncpg.Connection, None]:
    """The raw asyncpg connection of a pooled connection, for the hot comparison queries, inside one read-only
    snapshot: the data version an answer's ETag is made of and the data it shows come from the same moment, also
    on a replica that keeps replaying the primary's writes meanwhile. A handler flagged ``OWN_SNAPSHOT`` gets the
    connection outside any transaction and opens ``snapshot`` itself when it sends more than one statement."""
    async with read_connection(request, state) as connection:
        driver = await driver_of(connection)
        around = None if request.route_handler.opt.get(OWN_SNAPSHOT) else snapshot(driver)
        if around is not None:
            await around.start()
        driver.add_query_logger(log_raw_query)
        try:
            yield driver
        finally:
            driver.remove_query_logger(log_raw_query)
            try:
                if around is not None:
                    await around.rollback()
                left_open = driver.is_in_transaction()  # a handler's own snapshot left open: a bug
            except Exception:  # noqa: BLE001  (never hand the pool a connection with a transaction open)
                left_open = True
            if left_open and not connection.invalidated:
                await connection.invalidate()


Session = NamedDependency[AsyncSession]
"""A handler parameter receiving the request's SQLAlchemy session (dependency ``session``)."""
Pg = NamedDependency[asyncpg.Connection]
"""A handler parameter receiving the request's raw asyncpg connection (dependency ``pg``)."""

"""Engine and session factory over asyncpg."""

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


def make_engine(url: str, *, pool_size: int = 16, echo: bool = False) -> AsyncEngine:
    """A fixed-size pool (no overflow connections, which would be opened and closed under load).

    No pre-ping: a connection that fails because the server went away is invalidated by the request that
    saw it (see ``api.database``), so each request costs no extra round trip. Custom plans always: the
    comparison query's generic plan scans whole indexes.
    """
    return create_async_engine(
        asyncpg_url(url),
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=10,
        pool_pre_ping=False,
        pool_recycle=1800,
        echo=echo,
        connect_args={"server_settings": {"plan_cache_mode": "force_custom_plan"}},
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)

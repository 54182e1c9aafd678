"""Alembic environment: runs migrations over asyncpg against ``DATABASE_URL`` (or the embedded cluster)."""

import asyncio

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from alembic import context
from api.settings import ServerSettings
from db import models  # noqa: F401  (registers the tables on Base.metadata)
from db.base import Base
from db.embedded import database_url
from db.engine import asyncpg_url

config = context.config
target_metadata = Base.metadata


def do_run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    server = ServerSettings.from_env()
    url = config.attributes.get("database_url") or database_url(server.database_url, server.pgdata)
    engine = create_async_engine(asyncpg_url(url), poolclass=NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(do_run_migrations)
        await connection.commit()
    await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        do_run_migrations(connection)
    else:
        asyncio.run(run_async_migrations())


run_migrations_online()

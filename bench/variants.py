"""What-if builds of the API, to put numbers on the suggested fixes without editing the app (``--variants``).

Each is a granian factory (``--factory bench.variants:<name>``) around the production ``api.asgi.app``:

- ``gc_frozen``: after startup, ``gc.collect()`` then ``gc.freeze()``, so the collector stops re-scanning the
  ~130,000 long-lived objects of Litestar, SQLAlchemy and the app on every full collection.
- ``asyncpg_pool``: as ``gc_frozen``, and the ``pg`` dependency takes connections from a plain asyncpg pool
  instead of a SQLAlchemy engine with ``pool_pre_ping`` (three round trips per checkout: BEGIN, ``;``,
  ROLLBACK) and ``QueuePool`` overflow connections that are closed as soon as they are returned.

This module replaces ``api.database.provide_pg`` before ``api.app`` is imported; it is a measuring device only.
"""

import gc
import os
from collections.abc import AsyncGenerator

import asyncpg
from litestar import Litestar
from litestar.datastructures import State

import api.database


async def _provide_pg_from_pool(state: State) -> AsyncGenerator[asyncpg.Connection, None]:
    async with state.bench_pool.acquire() as connection:
        yield connection


def _freeze_after_startup(app: Litestar) -> Litestar:
    def freeze() -> None:
        gc.collect()
        gc.freeze()

    app.on_startup.append(freeze)
    return app


def gc_frozen() -> Litestar:
    from api.asgi import app

    return _freeze_after_startup(app())


def asyncpg_pool() -> Litestar:
    api.database.provide_pg = _provide_pg_from_pool  # type: ignore[assignment]
    from api.asgi import app as build
    from db.engine import plain_url

    app = build()

    async def open_pool(app: Litestar) -> None:
        size = int(os.environ.get("POSITIONS_DB_POOL_SIZE", "10"))
        app.state.bench_pool = await asyncpg.create_pool(
            plain_url(os.environ["DATABASE_URL"]), min_size=size, max_size=2 * size
        )

    async def close_pool(app: Litestar) -> None:
        await app.state.bench_pool.close()

    app.on_startup.insert(0, open_pool)
    app.on_shutdown.append(close_pool)
    return _freeze_after_startup(app)

"""The FastAPI reference: ``GET /v1/compare/actors`` as a FastAPI + SQLAlchemy + pydantic user would write it.

``granian --interface asgi --factory bench.reference_fastapi:create_app`` (needs the ``bench-fastapi`` group:
``python3 -m uv sync --group bench-fastapi``). The stack a user would otherwise pick: a SQLAlchemy 2 async
engine over asyncpg (a fixed pool of ``POSITIONS_DB_POOL_SIZE`` connections, 16 by default, no overflow: the
app's engine and the lean reference have the same), one ``AsyncSession`` per request from a ``Depends``
dependency, query parameters validated by FastAPI, pydantic v2 response models (``reference_fastapi_schemas``)
serialised by FastAPI from the return annotation.

Per request, like the app: one statement resolves the actor slugs (404 for an unknown one), then the comparison
query, the very SQL the app sends (``BENCH_REFERENCE_SQL``, recorded by ``bench.run`` from
``api.comparisons.queries.effective_stances``, as for the lean reference) run through ``text()`` with named
parameters. Nothing from the app is imported.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from bench.reference_fastapi_schemas import ComparisonOut, comparison_from_rows

ACTORS_SQL = text("SELECT id, slug, name, kind FROM actor WHERE slug = ANY(:slugs)")


def named_parameters(sql: str) -> TextClause:
    """The app's comparison SQL (asyncpg's ``$1`` the dates, ``$2`` the actor ids) as a ``text()`` clause with
    named parameters. ``CAST(... AS ...)`` rather than ``:name::type``, which ``text()`` would misread."""
    named = sql.replace("$1::date[]", "CAST(:dates AS date[])").replace("$2::bigint[]", "CAST(:actor_ids AS bigint[])")
    if "$" in named:
        raise ValueError("the comparison SQL has parameters other than $1::date[] and $2::bigint[]")
    return text(named)


def sqlalchemy_url(url: str) -> str:
    return "postgresql+asyncpg://" + url.split("://", 1)[1]


def create_app(database_url: str | None = None, sql: str | None = None) -> FastAPI:
    url = sqlalchemy_url(database_url or os.environ["DATABASE_URL"])
    comparison = named_parameters(sql or os.environ["BENCH_REFERENCE_SQL"])
    pool_size = int(os.environ.get("POSITIONS_DB_POOL_SIZE", "16"))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_async_engine(url, pool_size=pool_size, max_overflow=0)
        app.state.sessions = async_sessionmaker(engine, expire_on_commit=False)
        yield
        await engine.dispose()

    app = FastAPI(title="compare/actors, FastAPI reference", lifespan=lifespan)

    async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
        async with request.app.state.sessions() as session:
            yield session

    @app.get("/ready")
    async def ready() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/compare/actors")
    async def compare_actors(
        actors: Annotated[str, Query(description="actor slugs, comma-separated")],
        as_of: Annotated[date, Query(description="the day to compare on")],
        session: Annotated[AsyncSession, Depends(get_session)],
    ) -> ComparisonOut:
        slugs = actors.split(",")
        found = (await session.execute(ACTORS_SQL, {"slugs": slugs})).mappings().all()
        if len(found) != len(set(slugs)):
            raise HTTPException(status_code=404, detail="unknown actor")
        rows = await session.execute(comparison, {"dates": [as_of], "actor_ids": [actor["id"] for actor in found]})
        by_slug = {actor["slug"]: actor for actor in found}
        return comparison_from_rows(as_of, [by_slug[slug] for slug in slugs], rows.mappings())

    return app

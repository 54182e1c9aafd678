"""The FastAPI reference: ``GET /v1/compare/actors`` as a FastAPI + SQLAlchemy + pydantic user would write it.

``granian --interface asgi --factory bench.reference_fastapi:create_app`` (needs the ``bench-fastapi`` group:
``python3 -m uv sync --group bench-fastapi``). The stack a user would otherwise pick: a SQLAlchemy 2 async
engine over asyncpg (a fixed pool of ``POSITIONS_DB_POOL_SIZE`` connections, 16 by default, no overflow: the
app's engine and the lean reference have the same), one ``AsyncSession`` per request from a ``Depends``
dependency, query parameters validated by FastAPI, pydantic v2 response models serialised by FastAPI from the
return annotation. The models, the SQL and the work on the session are in ``reference_fastapi_data`` (importable
without FastAPI, for the tests).

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
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from bench.reference_fastapi_data import ComparisonOut, compare_actors, named_parameters, sqlalchemy_url


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
    async def compare(
        actors: Annotated[str, Query(description="actor slugs, comma-separated")],
        as_of: Annotated[date, Query(description="the day to compare on")],
        session: Annotated[AsyncSession, Depends(get_session)],
    ) -> ComparisonOut:
        answer = await compare_actors(session, comparison, actors.split(","), as_of)
        if answer is None:
            raise HTTPException(status_code=404, detail="unknown actor")
        return answer

    return app

"""The benchmark's references answer what the app answers, on the seed data: the lean reference
(bench/reference_app.py, raw ASGI + asyncpg) and the FastAPI reference (bench/reference_fastapi.py), both in
process, with the SQL ``bench.run`` hands them. The FastAPI reference's data path (pydantic models, SQLAlchemy
``text()``) is checked without FastAPI; the whole FastAPI app only where the ``bench-fastapi`` group is installed."""

import asyncio
import importlib.util
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from bench.query import record_app_comparison_sql, record_comparison_sql
from bench.reference_app import ReferenceApp
from bench.reference_fastapi_data import compare_actors, named_parameters, sqlalchemy_url
from bench.workload import app_content, fastapi_content, lean_content

Client = AsyncTestClient[Litestar]
ASGIApp = Any

PATH = "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-15"
needs_fastapi = pytest.mark.skipif(
    importlib.util.find_spec("fastapi") is None,
    reason="the bench-fastapi group is not installed (python3 -m uv sync --group bench-fastapi)",
)


@asynccontextmanager
async def served(app: ASGIApp) -> AsyncIterator[httpx.AsyncClient]:
    """An ASGI app with its lifespan run, behind an httpx client."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    lifespan = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}}, inbox.get, outbox.put))
    await inbox.put({"type": "lifespan.startup"})
    assert (await outbox.get())["type"] == "lifespan.startup.complete"
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            yield client
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        assert (await outbox.get())["type"] == "lifespan.shutdown.complete"
        await lifespan


async def app_answer(client: Client) -> dict[str, Any]:
    response = await client.get(PATH)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def lean_answer(seeded_url: str, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    monkeypatch.setenv("DATABASE_URL", seeded_url)
    monkeypatch.setenv("BENCH_REFERENCE_SQL", await record_app_comparison_sql())
    monkeypatch.setenv("POSITIONS_DB_POOL_SIZE", "1")
    async with served(ReferenceApp()) as reference:
        response = await reference.get(PATH)
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    return rows


async def test_the_lean_reference_answers_the_app_stances_and_evidence(
    client: Client, seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_content(await app_answer(client))
    assert len(app) >= 5
    assert any(len(stance.evidence) > 1 for stance in app.values())
    assert lean_content(await lean_answer(seeded_url, monkeypatch)) == app


async def test_the_fastapi_reference_data_answers_the_app_stances_and_evidence(
    client: Client, seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_async_engine(sqlalchemy_url(seeded_url), pool_size=1, max_overflow=0)
    try:
        async with AsyncSession(engine) as session:  # as the FastAPI reference's dependency opens it
            comparison = named_parameters(await record_comparison_sql())
            answer = await compare_actors(session, comparison, ["edi-rama", "keir-starmer"], date(2025, 5, 15))
            unknown = await compare_actors(session, comparison, ["edi-rama", "nobody"], date(2025, 5, 15))
    finally:
        await engine.dispose()
    assert answer is not None
    assert unknown is None
    assert [actor.slug for actor in answer.actors] == ["edi-rama", "keir-starmer"]
    fastapi = fastapi_content(json.loads(answer.model_dump_json()))
    assert fastapi == app_content(await app_answer(client))
    assert fastapi == lean_content(await lean_answer(seeded_url, monkeypatch))


@needs_fastapi
async def test_the_fastapi_app_answers_the_app_stances_and_evidence(client: Client, seeded_url: str) -> None:
    from bench.reference_fastapi import create_app

    async with served(create_app(seeded_url, await record_comparison_sql())) as reference:
        response = await reference.get(PATH)
        unknown = await reference.get("/v1/compare/actors?actors=edi-rama,nobody&as_of=2025-05-15")
    assert response.status_code == 200, response.text
    assert unknown.status_code == 404
    assert fastapi_content(response.json()) == app_content(await app_answer(client))

"""Imported rows wait for their search vectors (the indexer fills them in after the commit), and a search
finds them all the same; a database role that may not switch row triggers off imports the slow way."""

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.imports.jobs import import_now
from api.search_index import backlog, index_backlog
from db.engine import plain_url
from tests.integration.writes.conftest import KeyFactory, settings_for

NDJSON = {"Content-Type": "application/x-ndjson"}
SOURCE = "albania-return-hubs-2025"
STANCE = "edi-rama-on-uk-return-hubs-2025-06-01"


def levy_bundle(path: Path) -> Path:
    records: list[dict[str, Any]] = [
        {"type": "source", "slug": SOURCE, "kind": "news_article", "title": "Hubs"},
        {
            "type": "stance",
            "slug": STANCE,
            "actor": "edi-rama",
            "policy": "uk-return-hubs",
            "position": -2,
            "stated_on": "2025-06-01",
            "summary": "Rama refused the quayside turnstiles outright.",
            "evidence": [{"kind": "paraphrase", "text": "No marmalade depots on Albanian soil.", "source": SOURCE}],
        },
    ]
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


async def found(client: AsyncTestClient[Litestar], q: str) -> list[str]:
    response = await client.get("/v1/stances", params={"q": q})
    assert response.status_code == 200, response.text
    return [item["slug"] for item in response.json()["items"]]


async def test_imported_rows_are_searchable_before_and_after_their_vectors_are_filled_in(
    write_url: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    await import_now(db, levy_bundle(tmp_path / "b.jsonl"), author="Data Desk", key_id=None, admin=True)
    assert await backlog(db) == {"stance": 1, "evidence": 1}
    revisions = await db.fetchval("SELECT count(*) FROM revision")
    version = await db.fetchval("SELECT version FROM data_version")

    app = create_app(settings_for(write_url, search_index_interval=0))  # no background indexer
    async with AsyncTestClient(app) as client:
        assert await found(client, "turnstiles") == [STANCE]  # the summary, vector computed on the fly
        assert await found(client, "marmalade depots") == [STANCE]  # the evidence, the same
        assert (
            (await client.get("/v1/evidence", params={"q": "marmalade"}))
            .json()["items"][0]["text"]
            .startswith("No marmalade")
        )
        assert await index_backlog(db) == 2
        assert await backlog(db) == {"stance": 0, "evidence": 0}
        assert await found(client, "turnstiles") == [STANCE]  # now through the stored vector
        assert await found(client, "marmalade depots") == [STANCE]
    assert await db.fetchval("SELECT count(*) FROM revision") == revisions  # derived data: no revision
    assert await db.fetchval("SELECT version FROM data_version") == version  # nor a new data version
    stored = await db.fetchval("SELECT search_vector::text FROM stance WHERE slug = $1", STANCE)
    computed = await db.fetchval("SELECT to_tsvector('positions', summary)::text FROM stance WHERE slug = $1", STANCE)
    assert stored == computed


async def test_the_api_fills_in_the_vectors_of_its_own_imports(
    write_url: str, db: asyncpg.Connection, make_key: KeyFactory, tmp_path: Path
) -> None:
    key = await make_key("Data Desk", "editor")
    app = create_app(settings_for(write_url, search_index_interval=60))  # a round every minute, or when woken
    async with AsyncTestClient(app) as client:
        body = levy_bundle(tmp_path / "b.jsonl").read_bytes()
        response = await client.post("/v1/imports", content=body, headers=key | NDJSON)
        assert response.status_code == 200, response.text
        for _ in range(100):  # woken by the import, not by the 60 s interval
            if await backlog(db) == {"stance": 0, "evidence": 0}:
                break
            await asyncio.sleep(0.1)
        assert await backlog(db) == {"stance": 0, "evidence": 0}


async def test_a_role_that_may_not_switch_triggers_off_imports_with_them_on(
    write_url: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    role = f"importer_{uuid.uuid4().hex[:8]}"
    await db.execute(f"CREATE ROLE {role} LOGIN")
    try:
        await db.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
        await db.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}")
        database = await db.fetchval("SELECT current_database()")
        await db.execute(f'GRANT TEMPORARY ON DATABASE "{database}" TO {role}')
        conn = await asyncpg.connect(plain_url(write_url), user=role)
        try:
            assert not await conn.fetchval("SELECT has_parameter_privilege('session_replication_role', 'SET')")
            report = await import_now(conn, levy_bundle(tmp_path / "b.jsonl"), author="Desk", key_id=None, admin=True)
        finally:
            await conn.close()
        assert report.counts.stance is not None
        assert report.counts.stance.created == 1
        assert await backlog(db) == {"stance": 0, "evidence": 0}  # the row triggers computed them
        actions = await db.fetch(
            "SELECT entity_type, action FROM revision WHERE import_id = $1 ORDER BY entity_type", report.id
        )
        assert [(row["entity_type"], row["action"]) for row in actions] == [
            ("evidence", "create"), ("source", "create"), ("stance", "create"),
        ]  # fmt: skip
    finally:
        await db.execute(f"DROP OWNED BY {role}")
        await db.execute(f"DROP ROLE {role}")

"""A bulk import that rebuilds the indexes leaves every index as it was and every row searchable at once; a
database role that may not switch row triggers off imports the slower way with the same result."""

import json
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.imports import importer
from api.imports.jobs import import_now
from db.engine import plain_url

SOURCE = "albania-return-hubs-2025"


def hubs_bundle(path: Path, stances: int = 1) -> Path:
    records: list[dict[str, Any]] = [{"type": "source", "slug": SOURCE, "kind": "news_article", "title": "Hubs"}]
    records += [
        {
            "type": "stance",
            "slug": f"edi-rama-on-uk-return-hubs-2025-06-{n:05d}",
            "actor": "edi-rama",
            "policy": "uk-return-hubs",
            "position": -2,
            "stated_on": "2025-06-01",
            "summary": f"Rama refused the quayside turnstiles outright ({n}).",
            "evidence": [{"kind": "paraphrase", "text": "No marmalade depots on Albanian soil.", "source": SOURCE}],
        }
        for n in range(stances)
    ]
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


async def found(client: AsyncTestClient[Litestar], q: str) -> list[str]:
    response = await client.get("/v1/stances", params={"q": q, "limit": 100})
    assert response.status_code == 200, response.text
    return [item["slug"] for item in response.json()["items"]]


async def test_a_load_that_rebuilds_the_indexes_is_searchable_at_once(
    writer: AsyncTestClient[Litestar], db: asyncpg.Connection, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(importer, "REBUILD_FROM", 10)  # so that 60 new stances (more than the seed's) rebuild
    seeded = await found(writer, "marriage with Italy")
    assert seeded  # the seed's quotes, found before and after the rebuild
    indexes = "SELECT indexrelid::regclass::text, indexrelid FROM pg_index WHERE indrelid = 'stance'::regclass"
    before = dict(await db.fetch(indexes))
    report = await import_now(db, hubs_bundle(tmp_path / "b.jsonl", 60), author="Desk", key_id=None, admin=True)
    assert report.counts.stance is not None
    assert report.counts.stance.created == 60
    after = dict(await db.fetch(indexes))
    assert after.keys() == before.keys()  # the same indexes, all rebuilt but the primary key's
    assert [name for name in after if after[name] == before[name]] == ["pk_stance"]
    assert len(await found(writer, "turnstiles")) == 60
    assert len(await found(writer, "marmalade depots")) == 60
    assert await found(writer, "marriage with Italy") == seeded
    duplicate = await db.fetchval("SELECT count(*) FROM stance WHERE slug = 'edi-rama-on-uk-return-hubs-2025-06-00000'")
    assert duplicate == 1


async def test_a_role_that_may_not_switch_triggers_off_imports_with_them_on(
    write_url: str, db: asyncpg.Connection, writer: AsyncTestClient[Litestar], tmp_path: Path
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
            report = await import_now(conn, hubs_bundle(tmp_path / "b.jsonl"), author="Desk", key_id=None, admin=True)
        finally:
            await conn.close()
        assert report.counts.stance is not None
        assert report.counts.stance.created == 1
        actions = await db.fetch(
            "SELECT entity_type, action FROM revision WHERE import_id = $1 ORDER BY entity_type", report.id
        )
        assert [(row["entity_type"], row["action"]) for row in actions] == [
            ("evidence", "create"), ("source", "create"), ("stance", "create"),
        ]  # fmt: skip
        assert await found(writer, "turnstiles") == ["edi-rama-on-uk-return-hubs-2025-06-00000"]
    finally:
        await db.execute(f"DROP OWNED BY {role}")
        await db.execute(f"DROP ROLE {role}")

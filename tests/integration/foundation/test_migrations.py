"""Alembic migrations: upgrade, downgrade and upgrade again on an empty database; no drift from the models;
the data-version counter moves on real writes only."""

import asyncio
from typing import Any

import asyncpg
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection

from api.migrations import downgrade_to_base, head_revision, upgrade_to_head
from db import models  # noqa: F401  (registers every table on Base.metadata)
from db.base import Base
from db.engine import make_engine, plain_url

MODEL_TABLES = set(Base.metadata.tables)
DATA_TABLES = (
    "actor",
    "actor_alias",
    "actor_role",
    "topic",
    "policy",
    "policy_topic",
    "policy_relation",
    "source",
    "stance",
    "evidence",
    "division_policy",
)
# every write to a data table bumps the data version (the ETag of comparisons)
VERSION_TRIGGERS = {
    f"{table}_{event}_bumps_version" for table in DATA_TABLES for event in ("insert", "update", "delete")
}


async def fetch(url: str, query: str, *args: Any) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(plain_url(url))
    try:
        rows: list[asyncpg.Record] = await connection.fetch(query, *args)
        return rows
    finally:
        await connection.close()


async def public_tables(url: str) -> set[str]:
    return {row["tablename"] for row in await fetch(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


async def stamped_revision(url: str) -> str | None:
    if "alembic_version" not in await public_tables(url):
        return None
    rows = await fetch(url, "SELECT version_num FROM alembic_version")
    return rows[0]["version_num"] if rows else None


async def schema_objects(url: str) -> dict[str, bool]:
    """The objects the migration creates with raw SQL, which table reflection does not see."""
    rows = await fetch(
        url,
        """
        SELECT
            EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'positions') AS text_search_config,
            EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'bump_data_version') AS bump_function,
            (SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%_bumps_version') AS triggers
        """,
    )
    row = rows[0]
    return {
        "text_search_config": row["text_search_config"],
        "bump_function": row["bump_function"],
        "triggers": row["triggers"] > 0,
    }


async def test_upgrade_then_downgrade_then_upgrade_again_on_an_empty_database(databases: Any) -> None:
    url = await databases.empty("roundtrip")
    assert await public_tables(url) == set()

    await asyncio.to_thread(upgrade_to_head, url)  # Alembic runs its own event loop
    assert await public_tables(url) == MODEL_TABLES | {"alembic_version"}
    assert await stamped_revision(url) == head_revision()
    assert await schema_objects(url) == {"text_search_config": True, "bump_function": True, "triggers": True}
    triggers = {row["tgname"] for row in await fetch(url, "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
    assert triggers >= VERSION_TRIGGERS

    await asyncio.to_thread(downgrade_to_base, url)
    assert await public_tables(url) <= {"alembic_version"}
    assert await public_tables(url) & MODEL_TABLES == set()
    assert await stamped_revision(url) is None
    assert await schema_objects(url) == {"text_search_config": False, "bump_function": False, "triggers": False}

    await asyncio.to_thread(upgrade_to_head, url)
    assert await public_tables(url) == MODEL_TABLES | {"alembic_version"}
    assert await stamped_revision(url) == head_revision()
    assert await schema_objects(url) == {"text_search_config": True, "bump_function": True, "triggers": True}
    rows = await fetch(url, "SELECT id, version FROM data_version")
    assert [(row["id"], row["version"]) for row in rows] == [(1, 0)]


async def test_upgrade_to_head_twice_is_a_no_op(databases: Any) -> None:
    url = await databases.empty("twice")
    await asyncio.to_thread(upgrade_to_head, url)
    tables = await public_tables(url)

    await asyncio.to_thread(upgrade_to_head, url)

    assert await public_tables(url) == tables
    assert await stamped_revision(url) == head_revision()


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
    diff: list[Any] = compare_metadata(context, Base.metadata)
    return diff


async def test_migrated_schema_has_no_drift_from_the_models(databases: Any) -> None:
    url = await databases.empty("drift")
    await asyncio.to_thread(upgrade_to_head, url)
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(_diff)
            # the comparison is sharp enough to see a one-column change
            await connection.exec_driver_sql("ALTER TABLE actor ALTER COLUMN name TYPE varchar(100)")
            altered = await connection.run_sync(_diff)
            await connection.rollback()
    finally:
        await engine.dispose()

    assert diff == []
    assert [change[0][0] for change in altered] == ["modify_type"]


async def _version(connection: asyncpg.Connection) -> int:
    version: int = await connection.fetchval("SELECT version FROM data_version WHERE id = 1")
    return version


async def test_data_version_moves_on_real_writes_only(databases: Any) -> None:
    url = await databases.clone("version")
    connection = await asyncpg.connect(plain_url(url))
    try:
        start = await _version(connection)

        await connection.execute("UPDATE actor SET name = name WHERE false")
        await connection.execute("UPDATE topic SET name = 'x' WHERE slug = 'no-such-topic'")
        await connection.execute("DELETE FROM evidence WHERE slug = 'no-such-evidence'")
        await connection.execute("INSERT INTO topic (slug, name) SELECT slug, name FROM topic WHERE false")
        assert await _version(connection) == start, "a statement that changed no row moved the version"

        await connection.execute("INSERT INTO topic (slug, name) VALUES ('test-topic', 'Test topic')")
        after_insert = await _version(connection)
        assert after_insert == start + 1

        # one statement, however many rows, is one step
        await connection.execute("UPDATE actor SET description = description || '.' WHERE country = 'GB'")
        after_update = await _version(connection)
        assert after_update == after_insert + 1

        await connection.execute("DELETE FROM topic WHERE slug = 'test-topic'")
        assert await _version(connection) == after_update + 1
    finally:
        await connection.close()


async def test_data_version_changes_are_rolled_back_with_their_transaction(databases: Any) -> None:
    url = await databases.clone("version-rollback")
    connection = await asyncpg.connect(plain_url(url))
    try:
        start = await _version(connection)
        transaction = connection.transaction()
        await transaction.start()
        await connection.execute("INSERT INTO topic (slug, name) VALUES ('test-topic', 'Test topic')")
        assert await _version(connection) == start + 1
        await transaction.rollback()

        assert await _version(connection) == start
    finally:
        await connection.close()

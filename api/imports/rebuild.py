"""Dropping a table's secondary indexes and unique constraints for a bulk load, and building them again.

Maintaining a B-tree row by row costs several times what building it once from sorted rows costs, so a load
that at least doubles a table drops what it can rebuild, loads, and rebuilds (see ``api.imports.importer``);
the bench's loader (``bench.data``) does the same with foreign keys too. The definitions come from the catalog,
so what is rebuilt is exactly what the migrations made.
"""

import time
from dataclasses import dataclass

import asyncpg


@dataclass(frozen=True, slots=True)
class Definition:
    table: str
    name: str
    kind: str  # "unique", "index" or "foreign_key"
    sql: str


async def secondary_definitions(
    conn: asyncpg.Connection, tables: tuple[str, ...], *, foreign_keys: bool
) -> list[Definition]:
    """Every unique constraint and plain index on ``tables`` except the primary keys, and with
    ``foreign_keys`` every foreign key from or to them."""
    constraints = await conn.fetch(
        "SELECT c.conrelid::regclass::text AS tbl, c.conname, c.contype, pg_get_constraintdef(c.oid) AS def "
        "FROM pg_constraint c WHERE (c.contype = 'u' AND c.conrelid = ANY($1::regclass[])) OR ($2 AND "
        "c.contype = 'f' AND (c.conrelid = ANY($1::regclass[]) OR c.confrelid = ANY($1::regclass[])))",
        list(tables),
        foreign_keys,
    )
    indexes = await conn.fetch(
        "SELECT i.indrelid::regclass::text AS tbl, i.indexrelid::regclass::text AS name, "
        "pg_get_indexdef(i.indexrelid) AS def FROM pg_index i WHERE i.indrelid = ANY($1::regclass[]) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid "
        "AND c.contype IN ('p', 'u', 'x'))",
        list(tables),
    )
    found = [
        Definition(row["tbl"], row["conname"], "unique" if row["contype"] == "u" else "foreign_key", row["def"])
        for row in constraints
    ]
    found += [Definition(row["tbl"], row["name"], "index", row["def"]) for row in indexes]
    return found


async def drop(conn: asyncpg.Connection, definitions: list[Definition]) -> None:
    for item in sorted(definitions, key=lambda d: d.kind != "foreign_key"):  # foreign keys first
        if item.kind == "index":
            await conn.execute(f'DROP INDEX "{item.name}"')
        else:
            await conn.execute(f'ALTER TABLE "{item.table}" DROP CONSTRAINT "{item.name}"')


async def create(conn: asyncpg.Connection, item: Definition, timings: dict[str, float] | None = None) -> None:
    started = time.perf_counter()
    if item.kind == "index":
        await conn.execute(item.sql)
    else:
        await conn.execute(f'ALTER TABLE "{item.table}" ADD CONSTRAINT "{item.name}" {item.sql}')
    if timings is not None:
        timings[item.name] = round(time.perf_counter() - started, 2)

"""Seed corrections reach a database seeded earlier through `positions seed`, and the revision history says why.

A clone of the seeded template is put back to how a stance and one of its evidence texts read before a
correction (as a database seeded from the older files would hold them); loading the current files corrects
both, and the revisions record the loader as author and the stance's `correction_reason` as reason, in the
table and in `GET /v1/stances/{slug}/history` and `/v1/evidence/{slug}/history`.
"""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.settings import Settings
from db.engine import make_engine
from seeds.loader import load_dataset, read_dataset

DATASET = read_dataset()
REASONS = {stance.slug: stance.correction_reason for stance in DATASET.stances}
RAMA = "edi-rama-on-uk-return-hubs-2025-05-15"
MAHMOOD = "shabana-mahmood-on-uk-asylum-overhaul-2025-2025-11-17"
OLD_TEXT = (
    "Mahmood announced radical asylum reforms to MPs (reported, in the article's words, as the biggest reform of "
    "asylum laws since the Second World War)."
)


async def revisions(engine: AsyncEngine, entity_type: str, slug: str) -> list[tuple[str, str, str | None]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                f"SELECT r.action, r.author, r.reason FROM revision r JOIN {entity_type} t ON t.id = r.entity_id "
                "WHERE r.entity_type = :entity_type AND t.slug = :slug ORDER BY r.id"
            ),
            {"entity_type": entity_type, "slug": slug},
        )
        return [(row.action, row.author, row.reason) for row in rows]


@pytest.fixture(scope="module")
async def corrected(databases: Any) -> AsyncIterator[tuple[AsyncEngine, str]]:
    """A clone where Rama's stance and Mahmood's first evidence read as before their corrections, then reseeded."""
    url = await databases.clone("corrections")
    engine = make_engine(url, pool_size=2)
    async with engine.begin() as connection:
        await connection.execute(text("SELECT set_config('positions.author', 'seed-loader', true)"))
        await connection.execute(
            text(
                "UPDATE stance SET position = -2, ambiguity = NULL, summary = 'Rama ruled out return hubs.' "
                "WHERE slug = :slug"
            ),
            {"slug": RAMA},
        )
        await connection.execute(
            text("UPDATE evidence SET text = :old WHERE slug = :slug"), {"old": OLD_TEXT, "slug": f"{MAHMOOD}-e1"}
        )
    async with engine.begin() as connection:
        await load_dataset(connection, DATASET)
    try:
        yield engine, url
    finally:
        await engine.dispose()


async def test_every_corrected_stance_in_the_files_says_why() -> None:
    assert REASONS[RAMA]
    assert REASONS[MAHMOOD]
    assert sum(reason is not None for reason in REASONS.values()) >= 7


async def test_a_first_load_records_no_reason(databases: Any) -> None:
    engine = make_engine(await databases.clone("fresh-seed"), pool_size=1)
    try:
        assert await revisions(engine, "stance", RAMA) == [("create", "seed-loader", None)]
    finally:
        await engine.dispose()


async def test_the_loader_corrects_the_stance_and_records_its_reason(corrected: tuple[AsyncEngine, str]) -> None:
    engine, _ = corrected
    async with engine.connect() as connection:
        row = (
            await connection.execute(text("SELECT position, ambiguity FROM stance WHERE slug = :s"), {"s": RAMA})
        ).one()
    assert (row.position, row.ambiguity) == (None, "unclear")
    *_, (action, author, reason) = await revisions(engine, "stance", RAMA)
    assert (action, author, reason) == ("update", "seed-loader", REASONS[RAMA])


async def test_an_evidence_correction_records_its_stances_reason(corrected: tuple[AsyncEngine, str]) -> None:
    engine, _ = corrected
    *_, last = await revisions(engine, "evidence", f"{MAHMOOD}-e1")
    assert last == ("update", "seed-loader", REASONS[MAHMOOD])


async def test_the_reason_does_not_leak_to_later_writes(corrected: tuple[AsyncEngine, str]) -> None:
    engine, _ = corrected
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE actor SET description = description || '.' WHERE slug = 'edi-rama'"))
        reason = await connection.scalar(text("SELECT reason FROM revision ORDER BY id DESC LIMIT 1"))
    assert reason is None


async def test_history_endpoints_show_the_reason(corrected: tuple[AsyncEngine, str]) -> None:
    _, url = corrected
    app: Litestar = create_app(Settings.from_env(url))
    async with AsyncTestClient(app) as client:
        stance = (await client.get(f"/v1/stances/{RAMA}/history")).json()
        evidence = (await client.get(f"/v1/evidence/{MAHMOOD}-e1/history")).json()
    first, *_, last = stance["revisions"]
    assert first["reason"] is None
    assert last["reason"] == REASONS[RAMA]
    assert (last["before"]["position"], last["after"]["position"]) == (-2, None)
    assert evidence["revisions"][-1]["reason"] == REASONS[MAHMOOD]
    assert evidence["revisions"][-1]["before"]["text"] == OLD_TEXT

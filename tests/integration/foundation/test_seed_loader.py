"""The seed loader: counts match the YAML, a second load changes nothing, bad files fail naming the file and
the record, and a load that fails half-way leaves the database as it was (one transaction)."""

import asyncio
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import make_engine
from seeds.loader import DATA_DIR, SeedError, load_dataset, read_dataset
from seeds.schema import SeedDataset

PROJECT_ROOT = Path(__file__).resolve().parents[3]

# Every table the loader writes, with the columns that identify a row.
TABLES = {
    "topic": "id",
    "source": "id",
    "actor": "id",
    "actor_alias": "id",
    "actor_role": "id",
    "policy": "id",
    "policy_topic": "policy_id, topic_id",
    "policy_relation": "id",
    "stance": "id",
    "evidence": "id",
}
TIMESTAMPED = [table for table in TABLES if table != "policy_topic"]

Documents = dict[str, dict[str, Any]]


def read_yaml(directory: Path) -> Documents:
    return {path.name: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.yaml"))}


SEEDED = read_yaml(DATA_DIR)
ACTORS = SEEDED["actors.yaml"]["actors"]
POLICIES = SEEDED["policies.yaml"]["policies"]
STANCES = SEEDED["stances.yaml"]["stances"]


async def snapshot(engine: AsyncEngine) -> dict[str, Any]:
    """The data version and, per table, every row's key, ``xmin`` (changes whenever PostgreSQL rewrites the row)
    and ``updated_at``."""
    state: dict[str, Any] = {}
    async with engine.connect() as connection:
        state["data_version"] = (await connection.execute(text("SELECT version FROM data_version"))).scalar_one()
        for table, key in TABLES.items():
            updated = ", updated_at" if table in TIMESTAMPED else ""
            rows = await connection.execute(text(f"SELECT {key}, xmin::text{updated} FROM {table} ORDER BY {key}"))
            state[table] = [tuple(row) for row in rows]
    return state


async def count(engine: AsyncEngine, query: str) -> int:
    async with engine.connect() as connection:
        value: int = (await connection.execute(text(query))).scalar_one()
    return value


async def load(engine: AsyncEngine, dataset: SeedDataset) -> None:
    """What ``positions seed`` does: the whole dataset in one transaction."""
    async with engine.begin() as connection:
        await load_dataset(connection, dataset)


@pytest.fixture
async def engine(databases: Any) -> Any:
    """An engine on a fresh clone of the seeded template (seeded once already)."""
    engine = make_engine(await databases.clone("seed"), pool_size=2)
    yield engine
    await engine.dispose()


def copy_data_dir(tmp_path: Path, change: Callable[[Documents], None]) -> Path:
    """A copy of ``seeds/data`` with ``change`` applied to its parsed YAML documents."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    documents = read_yaml(target)
    change(documents)
    for name, document in documents.items():
        (target / name).write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


# --- Counts and idempotence ------------------------------------------------------------------------


async def test_seeded_counts_match_the_yaml(engine: AsyncEngine) -> None:
    evidence = sum(len(stance["evidence"]) for stance in STANCES)
    expected = {
        "topic": len(SEEDED["policies.yaml"]["topics"]),
        "source": len(SEEDED["sources.yaml"]["sources"]),
        "actor": len(ACTORS),
        "actor_alias": sum(len(actor["aliases"]) for actor in ACTORS),
        "actor_role": sum(len(actor["roles"]) for actor in ACTORS),
        "policy": len(POLICIES),
        "policy_topic": sum(len(policy["topics"]) for policy in POLICIES),
        "policy_relation": len(SEEDED["policies.yaml"]["relations"]),
        "stance": len(STANCES),
        "evidence": evidence,
    }

    assert {table: await count(engine, f"SELECT count(*) FROM {table}") for table in TABLES} == expected
    assert expected["actor"] >= 12
    assert expected["policy"] >= 8
    assert expected["stance"] >= 25


async def test_every_stance_has_at_least_one_piece_of_evidence(engine: AsyncEngine) -> None:
    query = "SELECT count(*) FROM stance s WHERE NOT EXISTS (SELECT 1 FROM evidence e WHERE e.stance_id = s.id)"
    bare = await count(engine, query)

    assert bare == 0
    assert all(stance["evidence"] for stance in STANCES)


async def test_loading_the_same_dataset_again_changes_nothing(engine: AsyncEngine) -> None:
    before = await snapshot(engine)

    await load(engine, read_dataset())

    after = await snapshot(engine)
    assert after["data_version"] == before["data_version"]
    for table in TABLES:
        assert after[table] == before[table], f"{table} changed on an idempotent load"


async def test_loading_a_changed_record_writes_that_record_only(engine: AsyncEngine, tmp_path: Path) -> None:
    def edit_rama(documents: Documents) -> None:
        rama = next(a for a in documents["actors.yaml"]["actors"] if a["slug"] == "edi-rama")
        rama["description"] = "Prime Minister of Albania since 2013."

    before = await snapshot(engine)

    await load(engine, read_dataset(copy_data_dir(tmp_path, edit_rama)))

    after = await snapshot(engine)
    assert after["data_version"] == before["data_version"] + 1
    async with engine.connect() as connection:
        description = await connection.scalar(text("SELECT description FROM actor WHERE slug = 'edi-rama'"))
    assert description == "Prime Minister of Albania since 2013."
    rewritten = [new for old, new in zip(before["actor"], after["actor"], strict=True) if old != new]
    assert len(rewritten) == 1
    assert all(after[table] == before[table] for table in TABLES if table != "actor")


async def test_loading_a_changed_record_moves_its_updated_at(engine: AsyncEngine, tmp_path: Path) -> None:
    def edit_rama(documents: Documents) -> None:
        rama = next(a for a in documents["actors.yaml"]["actors"] if a["slug"] == "edi-rama")
        rama["description"] = "Prime Minister of Albania since 2013."

    query = "SELECT updated_at FROM actor WHERE slug = 'edi-rama'"
    async with engine.connect() as connection:
        before = (await connection.execute(text(query))).scalar_one()

    await load(engine, read_dataset(copy_data_dir(tmp_path, edit_rama)))

    async with engine.connect() as connection:
        after = (await connection.execute(text(query))).scalar_one()
    assert after > before


# --- Bad seed files --------------------------------------------------------------------------------


def _stance(documents: Documents, index: int = 0) -> dict[str, Any]:
    stance: dict[str, Any] = documents["stances.yaml"]["stances"][index]
    return stance


def _unknown_actor(documents: Documents) -> None:
    _stance(documents)["actor"] = "nobody-at-all"


def _bad_actor_kind(documents: Documents) -> None:
    next(a for a in documents["actors.yaml"]["actors"] if a["slug"] == "edi-rama")["kind"] = "alien"


def _unknown_topic(documents: Documents) -> None:
    policy = next(p for p in documents["policies.yaml"]["policies"] if p["slug"] == "uk-return-hubs")
    policy["topics"].append("no-topic")


def _unknown_source(documents: Documents) -> None:
    _stance(documents)["evidence"][1]["source"] = "no-such-source"


def _position_and_ambiguity(documents: Documents) -> None:
    _stance(documents)["ambiguity"] = "mixed"


def _position_out_of_range(documents: Documents) -> None:
    _stance(documents)["position"] = 3


def _duplicate_source(documents: Documents) -> None:
    sources = documents["sources.yaml"]["sources"]
    sources.append(dict(sources[0]))


def _unknown_field(documents: Documents) -> None:
    _stance(documents)["mood"] = "cheerful"


def _no_evidence(documents: Documents) -> None:
    _stance(documents)["evidence"] = []


FIRST_STANCE = STANCES[0]["slug"]
BAD_SEEDS = {
    "unknown-actor": (_unknown_actor, ["stances.yaml", FIRST_STANCE, "unknown actor 'nobody-at-all'"]),
    "bad-enum": (_bad_actor_kind, ["actors.yaml", "edi-rama", "alien", "kind"]),
    "unknown-topic": (_unknown_topic, ["policies.yaml", "uk-return-hubs", "no-topic"]),
    "unknown-source": (_unknown_source, ["stances.yaml", FIRST_STANCE, "evidence #2", "no-such-source"]),
    "position-and-ambiguity": (_position_and_ambiguity, ["stances.yaml", FIRST_STANCE]),
    "position-out-of-range": (_position_out_of_range, ["stances.yaml", FIRST_STANCE, "position"]),
    "duplicate-slug": (_duplicate_source, ["sources.yaml", SEEDED["sources.yaml"]["sources"][0]["slug"], "duplicate"]),
    "unknown-field": (_unknown_field, ["stances.yaml", FIRST_STANCE, "mood"]),
    "no-evidence": (_no_evidence, ["stances.yaml", FIRST_STANCE, "evidence"]),
}


@pytest.mark.parametrize(("change", "mentions"), list(BAD_SEEDS.values()), ids=list(BAD_SEEDS))
def test_a_bad_seed_record_raises_seed_error_naming_the_file_and_the_record(
    tmp_path: Path, change: Callable[[Documents], None], mentions: list[str]
) -> None:
    data_dir = copy_data_dir(tmp_path, change)

    with pytest.raises(SeedError) as raised:
        read_dataset(data_dir)

    message = str(raised.value)
    assert message.startswith(mentions[0] + ":")
    for mention in mentions:
        assert mention in message


def test_a_seed_file_that_is_not_yaml_raises_seed_error_naming_the_file(tmp_path: Path) -> None:
    data_dir = copy_data_dir(tmp_path, lambda _: None)
    (data_dir / "policies.yaml").write_text("policies: [unclosed\n", encoding="utf-8")

    with pytest.raises(SeedError, match=r"^policies\.yaml: not valid YAML"):
        read_dataset(data_dir)


def test_a_missing_seed_file_raises_seed_error_naming_the_file(tmp_path: Path) -> None:
    data_dir = copy_data_dir(tmp_path, lambda _: None)
    (data_dir / "sources.yaml").unlink()

    with pytest.raises(SeedError, match=r"^sources\.yaml: file not found"):
        read_dataset(data_dir)


# --- A load that fails half-way --------------------------------------------------------------------

NEW_ACTOR = {
    "slug": "test-new-actor",
    "name": "Test New Actor",
    "kind": "person",
    "description": "Only in the broken dataset.",
    "country": "GB",
    "aliases": ["Tester"],
    "roles": [],
}


def _valid_yaml_failing_at_insert(documents: Documents) -> None:
    """Actor changes the loader writes early, and a blank evidence text only the database's CHECK rejects."""
    actors = documents["actors.yaml"]["actors"]
    next(a for a in actors if a["slug"] == "edi-rama")["description"] = "Changed by a load that fails."
    actors.append(dict(NEW_ACTOR))
    evidence = _stance(documents, -1)["evidence"][0]
    evidence["text"] = "   "


async def test_a_load_that_fails_half_way_leaves_the_database_unchanged(engine: AsyncEngine, tmp_path: Path) -> None:
    dataset = read_dataset(copy_data_dir(tmp_path, _valid_yaml_failing_at_insert))  # passes file validation
    before = await snapshot(engine)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "after_cursor_execute", record)
    try:
        with pytest.raises(IntegrityError, match="ck_evidence_text_not_blank"):
            await load(engine, dataset)
    finally:
        event.remove(engine.sync_engine, "after_cursor_execute", record)

    # The failure came late: the actors (and stances) had already been written inside the transaction.
    assert any(statement.startswith("INSERT INTO actor ") for statement in statements)
    assert any(statement.startswith("INSERT INTO stance ") for statement in statements)
    assert await snapshot(engine) == before
    assert await count(engine, "SELECT count(*) FROM actor WHERE slug = 'test-new-actor'") == 0


# --- The CLI ---------------------------------------------------------------------------------------


async def run_cli(url: str, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api.cli",
        *args,
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, stderr.decode()


@pytest.fixture
async def clone_url(databases: Any) -> str:
    url: str = await databases.clone("cli")
    return url


async def test_cli_seed_with_a_bad_record_exits_1_naming_the_file_and_record(clone_url: str, tmp_path: Path) -> None:
    engine = make_engine(clone_url, pool_size=1)
    try:
        before = await snapshot(engine)
        code, stderr = await run_cli(clone_url, "seed", "--data-dir", str(copy_data_dir(tmp_path, _unknown_actor)))
        after = await snapshot(engine)
    finally:
        await engine.dispose()

    assert code == 1
    assert f"seed error: stances.yaml: stance {FIRST_STANCE}: unknown actor 'nobody-at-all'" in stderr
    assert "Traceback" not in stderr
    assert after == before


async def test_cli_seed_of_the_shipped_data_is_idempotent(clone_url: str) -> None:
    engine = make_engine(clone_url, pool_size=1)
    try:
        before = await snapshot(engine)
        code, stderr = await run_cli(clone_url, "seed")
        after = await snapshot(engine)
    finally:
        await engine.dispose()

    evidence = sum(len(stance["evidence"]) for stance in STANCES)
    assert code == 0, stderr
    assert (
        f"seeded {len(SEEDED['sources.yaml']['sources'])} sources, {len(ACTORS)} actors, {len(POLICIES)} policies, "
        f"{len(STANCES)} stances, {evidence} pieces of evidence"
    ) in stderr
    assert after == before


async def test_cli_seed_that_fails_half_way_exits_non_zero_and_writes_nothing(clone_url: str, tmp_path: Path) -> None:
    engine = make_engine(clone_url, pool_size=1)
    try:
        before = await snapshot(engine)
        data_dir = copy_data_dir(tmp_path, _valid_yaml_failing_at_insert)
        code, stderr = await run_cli(clone_url, "seed", "--data-dir", str(data_dir))
        after = await snapshot(engine)
    finally:
        await engine.dispose()

    assert code == 1
    assert "ck_evidence_text_not_blank" in stderr
    assert after == before

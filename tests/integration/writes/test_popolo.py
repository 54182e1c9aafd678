"""Popolo in and out through the bundle importer, and the CSV of every table.

The round trip runs with the file's identifiers (matched on re-import) and without them (matched by name).
"""

import copy
import csv
import json
from pathlib import Path
from typing import Any

import asyncpg
import msgspec

from api.imports.bundle import ActorRecord
from api.imports.csv_export import export_csv
from api.imports.popolo import PopoloBundle, existing_actors, export_popolo, import_popolo, popolo_records
from tests.integration.writes.conftest import Client
from tests.popolo_sample import SAMPLE


async def load(db: asyncpg.Connection, document: dict[str, Any], *, identifiers: bool = True) -> Any:
    bundle = popolo_records(json.dumps(document).encode(), await existing_actors(db))
    if not identifiers:
        records = [
            msgspec.structs.replace(r, identifiers=[]) if isinstance(r, ActorRecord) else r for r in bundle.records
        ]
        bundle = PopoloBundle(records=records, origins=bundle.origins)
    return await import_popolo(db, bundle, author="popolo-test", key_id=None, admin=True)


def substance(document: dict[str, Any], *, identifiers: bool = True) -> dict[str, Any]:
    """What must survive a round trip, keyed by names (ids are slugs when identifiers are not stored)."""
    names = {item["id"]: item["name"] for item in document["persons"] + document["organizations"]}
    persons = sorted(
        (
            person["name"],
            sorted(other["name"] for other in person.get("other_names", [])),
            sorted((i["scheme"], i["identifier"]) for i in person.get("identifiers", [])) if identifiers else [],
            person["id"] if identifiers else None,
        )
        for person in document["persons"]
    )
    parties = sorted(o["name"] for o in document["organizations"] if o.get("classification") == "party")
    memberships = sorted(
        (
            names[m["person_id"]],
            m.get("role"),
            names.get(m.get("organization_id", "")),
            names.get(m.get("on_behalf_of_id", "")),
            m.get("post_id"),
            m.get("start_date"),
            m.get("end_date"),
        )
        for m in document["memberships"]
    )
    return {"persons": persons, "parties": parties, "memberships": memberships}


async def sample_export(db: asyncpg.Connection) -> dict[str, Any]:
    exported = json.loads(msgspec.json.encode(await export_popolo(db)))
    names = {m["person_id"] for m in exported["memberships"]}
    sample_people = {p["id"] for p in exported["persons"] if p["name"] in {"Ann Example", "Bob Sample"}}
    mine = [m for m in exported["memberships"] if m["person_id"] in sample_people]
    keep = sample_people | {m.get("organization_id") for m in mine} | {m.get("on_behalf_of_id") for m in mine}
    assert sample_people <= names
    return {
        "persons": [p for p in exported["persons"] if p["id"] in sample_people],
        "organizations": [o for o in exported["organizations"] if o["id"] in keep],
        "memberships": [m for m in exported["memberships"] if m["person_id"] in sample_people],
    }


async def test_popolo_round_trip_without_identifiers_and_a_second_import_changes_nothing(
    db: asyncpg.Connection,
) -> None:
    first = await load(db, SAMPLE, identifiers=False)
    assert first.counts.actor.created == 6
    assert first.counts.role.created == 7
    exported = await sample_export(db)
    assert substance(exported, identifiers=False) == substance(SAMPLE, identifiers=False)
    version = await db.fetchval("SELECT version FROM data_version")
    second = await load(db, SAMPLE, identifiers=False)
    assert (second.counts.actor.created, second.counts.actor.updated, second.counts.actor.unchanged) == (0, 0, 6)
    assert (second.counts.role.created, second.counts.role.updated, second.counts.role.unchanged) == (0, 0, 7)
    assert await db.fetchval("SELECT version FROM data_version") == version
    again = await load(db, exported, identifiers=False)  # the export loads back onto the same actors
    assert again.counts.actor.created == 0
    assert again.counts.role.created == 0


async def test_popolo_round_trip_with_identifiers(db: asyncpg.Connection) -> None:
    await load(db, SAMPLE)
    exported = await sample_export(db)
    assert substance(exported) == substance(SAMPLE)
    changed = copy.deepcopy(SAMPLE)
    changed["persons"][0]["name"] = "Ann Example-Smith"  # matched by its Popolo id, not by its name
    second = await load(db, changed)
    assert (second.counts.actor.created, second.counts.actor.updated) == (0, 1)
    assert await db.fetchval("SELECT name FROM actor WHERE slug = 'ann-example'") == "Ann Example-Smith"


async def test_get_export_popolo(writer: Client, db: asyncpg.Connection) -> None:
    await load(db, SAMPLE, identifiers=False)
    response = await writer.get("/v1/export/popolo")
    assert response.status_code == 200, response.text
    body = response.json()
    assert substance(
        {
            "persons": [p for p in body["persons"] if p["name"] in {"Ann Example", "Bob Sample"}],
            "organizations": [
                o for o in body["organizations"] if o["name"] in {"Red Party", "Blue Party", "House of Commons"}
            ],
            "memberships": [
                m for m in body["memberships"] if m["person_id"] in {"ann-example", "ann-example-2", "bob-sample"}
            ],
        },
        identifiers=False,
    ) == substance(SAMPLE, identifiers=False)
    assert (await writer.get("/v1/export/popolo", params={"scheme": "Not A Scheme"})).status_code == 400


async def test_csv_of_every_table_reads_back_with_the_seed_counts(db: asyncpg.Connection, tmp_path: Path) -> None:
    counts = await export_csv(db, tmp_path)
    tables = {
        "actors": "actor", "aliases": "actor_alias", "roles": "actor_role", "topics": "topic", "policies": "policy",
        "policy_topics": "policy_topic", "relations": "policy_relation", "sources": "source", "stances": "stance",
        "evidence": "evidence",
    }  # fmt: skip
    for name, table in tables.items():
        with (tmp_path / f"{name}.csv").open(newline="", encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
        assert len(rows) == counts[name] == await db.fetchval(f"SELECT count(*) FROM {table}"), name
        assert counts[name] > 0 or name in {"aliases", "relations"}, name
    identifiers = sum(
        [await db.fetchval(f"SELECT count(*) FROM {kind}_identifier") for kind in ("actor", "policy", "source")]
    )
    with (tmp_path / "identifiers.csv").open(newline="", encoding="utf-8") as file:
        assert len(list(csv.DictReader(file))) == identifiers
    with (tmp_path / "stances.csv").open(newline="", encoding="utf-8") as file:
        stance = next(csv.DictReader(file))
    assert set(stance) >= {"slug", "actor", "policy", "position", "stated_on"}
    assert await db.fetchval("SELECT count(*) FROM actor WHERE slug = $1", stance["actor"]) == 1
    raw = (tmp_path / "actors.csv").read_bytes()
    assert raw.startswith(b"slug,name,kind,description,country,speaks_for_organisation,speaks_for_title\r\n")

"""Bulk import and export: the bundle format, all or nothing, partial, dry run, authors, one data-version bump,
one revision batch, the rate limit, async jobs, and an export that imports into an empty database unchanged."""

import asyncio
import gzip
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.imports.jobs import fail_interrupted_jobs, import_now
from api.migrations import upgrade_to_head
from db.engine import plain_url
from tests.integration.writes.conftest import GENEROUS_RATE_LIMIT, KeyFactory, settings_for
from tests.keys import insert_key
from tests.problems import assert_problem

Client = AsyncTestClient[Litestar]
NDJSON = {"Content-Type": "application/x-ndjson"}
SOURCE = "starmer-first-official-visit-to-albania-2025-05"


def bundle(*records: dict[str, Any]) -> bytes:
    return b"".join(json.dumps(record).encode() + b"\n" for record in records)


def newsroom_records() -> list[dict[str, Any]]:
    return [
        {"type": "topic", "slug": "border-security", "name": "Border security"},
        {
            "type": "actor",
            "slug": "jane-minister",
            "name": "Jane Minister",
            "kind": "person",
            "aliases": ["J. Minister"],
        },
        {"type": "role", "actor": "jane-minister", "title": "Minister", "organisation": "uk-government"},
        {
            "type": "policy",
            "slug": "uk-border-levy",
            "title": "A levy on border crossings",
            "jurisdiction": "GB",
            "topics": ["border-security"],
        },
        {"type": "relation", "subject": "uk-border-levy", "kind": "compared_with", "policy": "uk-return-hubs"},
        {"type": "source", "slug": "levy-report-2025", "kind": "news_article", "title": "Levy report"},
        {
            "type": "stance",
            "slug": "jane-minister-on-uk-border-levy-2025-05-15",
            "actor": "jane-minister",
            "policy": "uk-border-levy",
            "position": 1,
            "stated_on": "2025-05-15",
            "summary": "She backed the levy.",
            "evidence": [{"kind": "paraphrase", "text": "She backed the levy.", "source": "levy-report-2025"}],
        },
    ]


async def test_a_bundle_is_one_transaction_one_bump_one_revision_batch(
    writer: Client, make_key: KeyFactory, db: asyncpg.Connection
) -> None:
    key = await make_key("Data Desk", "admin")
    version = await db.fetchval("SELECT version FROM data_version")
    response = await writer.post("/v1/imports", content=bundle(*newsroom_records()), headers=key | NDJSON)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["records"] == 7
    assert body["errors"] == []
    assert body["state"] == "succeeded"
    assert {kind: counts["created"] for kind, counts in body["counts"].items()} == {
        "topic": 1, "actor": 1, "role": 1, "policy": 1, "relation": 1, "source": 1, "stance": 1, "evidence": 1,
    }  # fmt: skip
    assert await db.fetchval("SELECT version FROM data_version") == version + 1
    rows = await db.fetch("SELECT DISTINCT author, import_id FROM revision WHERE import_id IS NOT NULL")
    assert [(row["author"], row["import_id"]) for row in rows] == [("Data Desk", body["id"])]
    assert (
        await db.fetchval("SELECT count(*) FROM revision WHERE import_id = $1", body["id"]) == 8
    )  # every record, the topic included
    feed: list[dict[str, Any]] = []
    params = {"limit": 100}
    while page := (await writer.get("/v1/changes", params=params)).json():
        if not page["items"]:
            break
        feed += page["items"]
        params = {"limit": 100, "since": page["next_cursor"]}
    assert {item["import_id"] for item in feed if item["author"] == "Data Desk"} == {body["id"]}

    stance = (await writer.get("/v1/stances/jane-minister-on-uk-border-levy-2025-05-15")).json()
    assert stance["position"] == 1
    again = (await writer.post("/v1/imports", content=bundle(*newsroom_records()), headers=key | NDJSON)).json()
    assert all(counts["created"] == counts["updated"] == 0 for counts in again["counts"].values()), again
    assert await db.fetchval("SELECT version FROM data_version") == version + 1

    changed = newsroom_records()
    changed[-1]["position"] = 2
    third = (await writer.post("/v1/imports", content=bundle(*changed), headers=key | NDJSON)).json()
    assert third["counts"]["stance"] == {"created": 0, "updated": 1, "unchanged": 0, "rejected": 0}
    history = (await writer.get("/v1/stances/jane-minister-on-uk-border-levy-2025-05-15/history")).json()
    assert [(r["action"], r["author"]) for r in history["revisions"]] == [("create", "Data Desk")] * 1 + [
        ("update", "Data Desk")
    ]


async def test_all_or_nothing_names_every_bad_line(
    writer: Client, make_key: KeyFactory, stored: Callable[[], Awaitable[dict[str, int]]]
) -> None:
    key = await make_key("Data Desk", "admin")
    records = newsroom_records()
    records[6]["actor"] = "nobody-at-all"
    records.append({"type": "stance", "slug": "Bad Slug"})
    records.append({"type": "source", "slug": "levy-report-2025", "kind": "news_article", "title": "Twice"})
    before = await stored()
    response = await writer.post("/v1/imports", content=bundle(*records), headers=key | NDJSON)
    problem = assert_problem(response, 422, "validation-failed")
    names = [error["name"] for error in problem["errors"]]
    assert "line 7 (stance jane-minister-on-uk-border-levy-2025-05-15): actor" in names
    assert any(name.startswith("line 8 (stance Bad Slug): slug") for name in names)
    assert any(name.startswith("line 9 (source levy-report-2025)") for name in names)
    assert await stored() == before

    partial = await writer.post("/v1/imports?partial=true", content=bundle(*records), headers=key | NDJSON)
    assert partial.status_code == 200, partial.text
    report = partial.json()
    assert [error["line"] for error in report["errors"]] == [7, 8, 9]
    assert report["counts"]["stance"]["rejected"] == 2
    assert report["counts"]["actor"]["created"] == 1
    assert (await writer.get("/v1/actors/jane-minister")).status_code == 200


async def test_a_second_holder_of_a_sole_holder_office_is_a_line_error_naming_the_holder(
    writer: Client, make_key: KeyFactory, stored: Callable[[], Awaitable[dict[str, int]]]
) -> None:
    key = await make_key("Data Desk", "admin")
    prime_minister = {"title": "Prime Minister of the United Kingdom", "organisation": "uk-government"}
    records = [
        {"type": "actor", "slug": "jane-minister", "name": "Jane Minister", "kind": "person"},
        {"type": "actor", "slug": "john-minister", "name": "John Minister", "kind": "person"},
        # Starmer holds it (seed) since 5 July 2024: a holder from 2025 overlaps him
        {"type": "role", "actor": "jane-minister", **prime_minister, "started_on": "2025-01-01", "sole_holder": True},
        # before Sunak (seed, from 25 October 2022): no clash with a stored holder...
        {"type": "role", "actor": "john-minister", **prime_minister, "started_on": "2019-07-24",
         "ended_on": "2022-09-06", "sole_holder": True},
        # ...but this one overlaps the line above
        {"type": "role", "actor": "jane-minister", **prime_minister, "started_on": "2022-01-01",
         "ended_on": "2022-03-01", "sole_holder": True},
    ]  # fmt: skip
    before = await stored()
    response = await writer.post("/v1/imports", content=bundle(*records), headers=key | NDJSON)
    problem = assert_problem(response, 422, "validation-failed")
    messages = {error["name"].split(" ")[1]: error["message"] for error in problem["errors"]}
    assert set(messages) == {"3", "5"}
    assert "keir-starmer holds it from 2024-07-05 to now" in messages["3"]
    assert "john-minister holds it from 2019-07-24 to 2022-09-06" in messages["5"]
    assert "constraint" not in response.text  # no internal name
    assert await stored() == before

    partial = await writer.post("/v1/imports?partial=true", content=bundle(*records), headers=key | NDJSON)
    assert partial.status_code == 200, partial.text
    assert [error["line"] for error in partial.json()["errors"]] == [3, 5]
    roles = (await writer.get("/v1/actors/john-minister")).json()["roles"]
    assert [(role["title"], role["started_on"]) for role in roles] == [(prime_minister["title"], "2019-07-24")]


async def test_a_rejected_line_restating_a_stored_holder_leaves_that_holders_period_in_force(
    writer: Client, make_key: KeyFactory
) -> None:
    key = await make_key("Data Desk", "admin")
    prime_minister = {"title": "Prime Minister of the United Kingdom", "organisation": "uk-government"}
    records = [
        {"type": "actor", "slug": "jane-minister", "name": "Jane Minister", "kind": "person"},
        # restates Sunak's stored period (same start) with an open end: it overlaps Starmer, so it is rejected...
        {"type": "role", "actor": "rishi-sunak", **prime_minister, "started_on": "2022-10-25", "sole_holder": True},
        # ...so Sunak's stored period (to 5 July 2024) stays, and this one overlaps it
        {"type": "role", "actor": "jane-minister", **prime_minister, "started_on": "2023-01-01",
         "ended_on": "2023-06-01", "sole_holder": True},
    ]  # fmt: skip
    partial = await writer.post("/v1/imports?partial=true", content=bundle(*records), headers=key | NDJSON)
    assert partial.status_code == 200, partial.text
    errors = partial.json()["errors"]
    assert [error["line"] for error in errors] == [2, 3]
    assert "keir-starmer holds it" in errors[0]["errors"][0]["message"]
    assert "rishi-sunak holds it from 2022-10-25 to 2024-07-05" in errors[1]["errors"][0]["message"]


async def test_restating_a_stored_holders_role_is_not_a_clash(writer: Client, make_key: KeyFactory) -> None:
    key = await make_key("Data Desk", "admin")
    role = {"type": "role", "actor": "keir-starmer", "title": "Prime Minister of the United Kingdom",
            "organisation": "uk-government", "started_on": "2024-07-05", "sole_holder": True}  # fmt: skip
    response = await writer.post("/v1/imports", content=bundle(role), headers=key | NDJSON)
    assert response.status_code == 200, response.text
    assert response.json()["errors"] == []


async def test_dry_run_counts_and_stores_nothing(
    writer: Client, make_key: KeyFactory, stored: Callable[[], Awaitable[dict[str, int]]]
) -> None:
    key = await make_key("Data Desk", "admin")
    before = await stored()
    response = await writer.post("/v1/imports?dry_run=true", content=bundle(*newsroom_records()), headers=key | NDJSON)
    assert response.status_code == 200, response.text
    assert response.json()["dry_run"] is True
    assert response.json()["id"] is None
    assert response.json()["counts"]["stance"]["created"] == 1
    assert await stored() == before


async def test_an_editor_key_imports_sources_and_stances_only(writer: Client, make_key: KeyFactory) -> None:
    key = await make_key("Reporter", "editor")
    response = await writer.post("/v1/imports", content=bundle(*newsroom_records()[:2]), headers=key | NDJSON)
    problem = assert_problem(response, 422, "validation-failed")
    assert all("needs an admin key" in error["message"] for error in problem["errors"])
    assert_problem(await writer.post("/v1/imports", content=b"{}", headers=key), 415)
    assert_problem(await writer.post("/v1/imports", content=b"{}", headers=NDJSON), 401)


async def test_an_import_is_one_write_against_the_keys_own_limit(write_url: str, db: asyncpg.Connection) -> None:
    key = await insert_key(db, "Bulk", "admin", rate_limit=1)
    app = create_app(settings_for(write_url, write_rate_limit=GENEROUS_RATE_LIMIT))
    async with AsyncTestClient(app) as client:
        first = await client.post("/v1/imports", content=bundle(*newsroom_records()), headers=key | NDJSON)
        assert first.status_code == 200, first.text
        assert first.headers["RateLimit-Policy"].startswith("1;")
        second = await client.post("/v1/imports", content=bundle(*newsroom_records()), headers=key | NDJSON)
        assert_problem(second, 429, "rate-limited")


async def test_respond_async_gives_a_job_to_follow(
    writer: Client, make_key: KeyFactory, db: asyncpg.Connection
) -> None:
    key = await make_key("Data Desk", "admin")
    headers = key | NDJSON | {"Prefer": "respond-async"}
    response = await writer.post("/v1/imports", content=bundle(*newsroom_records()), headers=headers)
    assert response.status_code == 202, response.text
    location = response.headers["location"]
    assert response.json()["state"] == "pending"
    for _ in range(200):
        job = (await writer.get(location)).json()
        if job["state"] in ("succeeded", "failed"):
            break
        await asyncio.sleep(0.05)
    assert job["state"] == "succeeded", job
    assert job["counts"]["stance"]["created"] == 1
    bad = await writer.post("/v1/imports", content=b'{"type": "nope"}\n', headers=headers)
    for _ in range(200):
        job = (await writer.get(bad.headers["location"])).json()
        if job["state"] in ("succeeded", "failed"):
            break
        await asyncio.sleep(0.05)
    assert job["state"] == "failed"
    assert job["errors"][0]["line"] == 1
    assert_problem(await writer.get("/v1/imports/999999"), 404)

    # A job whose process died (no session holds its lock) is marked failed on start.
    await db.execute("INSERT INTO import_job (state, author) VALUES ('running', 'crashed')")
    assert await fail_interrupted_jobs(db) == 1
    assert await db.fetchval("SELECT state FROM import_job WHERE author = 'crashed'") == "failed"


async def test_the_exported_seed_imports_into_an_empty_database_with_identical_answers(
    writer: Client, databases: Any, tmp_path: Path
) -> None:
    response = await writer.get("/v1/export", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    exported = response.content  # the test client undoes Content-Encoding: gzip
    assert response.headers.get("content-encoding") == "gzip" or exported[:2] != b"\x1f\x8b"
    if exported[:2] == b"\x1f\x8b":
        exported = gzip.decompress(exported)
    path = tmp_path / "seed.jsonl"
    path.write_bytes(exported)
    assert sum(1 for line in exported.splitlines() if b'"type":"stance"' in line) == 47

    empty = await databases.empty("import_roundtrip")
    await asyncio.to_thread(upgrade_to_head, empty)
    conn = await asyncpg.connect(plain_url(empty))
    try:
        report = await import_now(conn, path, author="cli-import", key_id=None, admin=True)
    finally:
        await conn.close()
    assert report.counts.stance is not None
    assert report.counts.stance.created == 47
    assert report.counts.evidence is not None
    assert report.counts.evidence.created == 111

    requests = [
        ("/v1/compare/actors", {"actors": "edi-rama,keir-starmer", "as_of": "2025-05-15"}),
        ("/v1/compare/actors", {"actors": "chris-philp,downing-street,keir-starmer,edi-rama", "as_of": "2025-05-16"}),
        ("/v1/compare/dates", {"actor": "keir-starmer", "from": "2024-07-05", "to": "2025-05-16"}),
        ("/v1/compare/actors", {"actors": "edi-rama,keir-starmer", "as_of": "2025-12-31", "format": "csv"}),
        ("/v1/policies/uk-return-hubs", {}),
    ]
    async with AsyncTestClient(create_app(settings_for(empty))) as copy:
        for path_, params in requests:
            original, loaded = await writer.get(path_, params=params), await copy.get(path_, params=params)
            assert original.status_code == loaded.status_code == 200
            assert original.content == loaded.content, path_
        assert (await copy.get("/v1/export")).content == exported

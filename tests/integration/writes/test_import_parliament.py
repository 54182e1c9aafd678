"""Parliamentary data in bundles: members with external identifiers, references by identifier, divisions with
their facts, division-policy links and recorded votes, validated as the write API validates them, through
``POST /v1/imports`` and ``positions import``, and exported so that an empty database loads the same answers."""

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.imports.jobs import import_now
from api.migrations import upgrade_to_head
from db.engine import plain_url
from tests.integration.writes.conftest import KeyFactory, settings_for
from tests.problems import assert_problem

Client = AsyncTestClient[Litestar]
NDJSON = {"Content-Type": "application/x-ndjson"}
PROJECT_ROOT = Path(__file__).resolve().parents[3]
DIVISION = "commons-division-203-2025-05-14"
DAY = "2025-05-14"
POLICY = "uk-return-hubs"
PERSON = "uk.org.publicwhip/person/"


def member(number: int) -> dict[str, str]:
    return {"scheme": "parlparse", "identifier": f"{PERSON}{number}"}


def vote(slug: str, actor: Any, option: str, position: int, source: Any = DIVISION) -> dict[str, Any]:
    return {
        "type": "stance",
        "slug": slug,
        "actor": actor,
        "policy": POLICY,
        "position": position,
        "stated_on": DAY,
        "summary": f"Voted {option} on the return-hubs amendment.",
        "evidence": [
            {"kind": "recorded_vote", "source": source, "text": slug.split("-on-", maxsplit=1)[0], "vote": option}
        ],
    }


def parliament_records() -> list[dict[str, Any]]:
    return [
        {"type": "actor", "slug": "blue-party", "name": "Blue Party", "kind": "party"},
        *(
            {"type": "actor", "slug": slug, "name": name, "kind": "person", "identifiers": [member(number)]}
            for slug, name, number in (
                ("ann-member", "Ann Member", 10001),
                ("bob-member", "Bob Member", 10002),
                ("cat-member", "Cat Member", 10003),
            )
        ),
        {"type": "role", "actor": member(10001), "title": "Member", "organisation": "blue-party",
         "started_on": "2024-07-04"},
        {
            "type": "source",
            "slug": DIVISION,
            "kind": "parliamentary_division",
            "title": "Division 203: amendment 12",
            "publisher": "House of Commons",
            "published_on": DAY,
            "division": {"number": 203, "chamber": "House of Commons", "question": "That the amendment be made.",
                         "declared_ayes": 2, "declared_noes": 1},
            "identifiers": [{"scheme": "commons-divisions", "identifier": "2030"}],
        },
        {"type": "division_policy", "division": {"scheme": "commons-divisions", "identifier": "2030"},
         "policy": POLICY, "aye_position": 2, "note": "The amendment enables return hubs."},
        vote("ann-member-on-uk-return-hubs-2025-05-14", member(10001), "aye", 2),
        vote("bob-member-on-uk-return-hubs-2025-05-14", "bob-member", "aye", 1,
             source={"scheme": "commons-divisions", "identifier": "2030"}),
        vote("cat-member-on-uk-return-hubs-2025-05-14", member(10003), "no", -2),
    ]  # fmt: skip


def bundle(*records: dict[str, Any]) -> bytes:
    return b"".join(json.dumps(record).encode() + b"\n" for record in records)


async def positions_import(url: str, path: Path) -> tuple[int, dict[str, Any]]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "api.cli", "import", str(path), "--quiet",
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stdout.decode() + stderr.decode()
    return process.returncode, json.loads(stdout)


async def test_a_parliament_bundle_imports_twice_unchanged_and_round_trips(
    writer: Client, make_key: KeyFactory, db: asyncpg.Connection, write_url: str, databases: Any, tmp_path: Path
) -> None:
    key = await make_key("Data Desk", "admin")
    response = await writer.post("/v1/imports", content=bundle(*parliament_records()), headers=key | NDJSON)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["errors"] == []
    assert {kind: counts["created"] for kind, counts in body["counts"].items() if counts["created"]} == {
        "actor": 4, "role": 1, "source": 1, "division_policy": 1, "stance": 3, "evidence": 3,
    }  # fmt: skip

    source = (await writer.get(f"/v1/sources/{DIVISION}")).json()
    division = source["division"]
    assert source["identifiers"] == [{"scheme": "commons-divisions", "identifier": "2030"}]
    assert division["tally"]["ayes"] == 2
    assert division["tally"]["noes"] == 1
    assert division["tally"]["totals_match"] is True
    assert [link["aye_position"] for link in division["policies"]] == [2]
    assert len(division["votes"]) == 3
    ann = (await writer.get("/v1/actors", params={"identifier": f"parlparse:{PERSON}10001"})).json()
    assert [item["slug"] for item in ann["items"]] == ["ann-member"]
    roles = await db.fetch(
        "SELECT r.title, o.slug FROM actor_role r JOIN actor a ON a.id = r.actor_id "
        "JOIN actor o ON o.id = r.organisation_id WHERE a.slug = 'ann-member'"
    )
    assert [(row["title"], row["slug"]) for row in roles] == [("Member", "blue-party")]

    # The same bundle again, from the command line: nothing changes, not even the data version.
    version = await db.fetchval("SELECT version FROM data_version")
    path = tmp_path / "parliament.jsonl"
    path.write_bytes(bundle(*parliament_records()))
    _, report = await positions_import(write_url, path)
    assert report["errors"] == []
    assert all(counts["created"] == counts["updated"] == 0 for counts in report["counts"].values()), report
    assert await db.fetchval("SELECT version FROM data_version") == version

    # Export, then import into an empty database: the same division and the same comparison.
    exported = (await writer.get("/v1/export")).content
    lines = [json.loads(line) for line in exported.splitlines()]
    assert [line for line in lines if line["type"] == "division_policy"] == [
        {"type": "division_policy", "policy": POLICY, "aye_position": 2, "note": "The amendment enables return hubs.",
         "division": DIVISION}
    ]  # fmt: skip
    ann_line = next(line for line in lines if line.get("slug") == "ann-member")
    assert ann_line["identifiers"] == [member(10001)]
    copy_path = tmp_path / "export.jsonl"
    copy_path.write_bytes(exported)
    empty = await databases.empty("import_parliament")
    await asyncio.to_thread(upgrade_to_head, empty)
    conn = await asyncpg.connect(plain_url(empty))
    try:
        await import_now(conn, copy_path, author="cli-import", key_id=None, admin=True)
    finally:
        await conn.close()
    requests = [
        (f"/v1/sources/{DIVISION}", {}),
        ("/v1/compare/actors", {"actors": "ann-member,bob-member,cat-member", "as_of": "2025-05-15"}),
        ("/v1/actors/ann-member", {}),
    ]
    async with AsyncTestClient(create_app(settings_for(empty))) as copy:
        for path_, params in requests:
            original, loaded = await writer.get(path_, params=params), await copy.get(path_, params=params)
            assert original.status_code == loaded.status_code == 200, loaded.text
            assert original.json() == loaded.json(), path_
        assert (await copy.get("/v1/export")).content == exported


async def test_bundle_votes_links_and_identifiers_are_checked_as_the_write_api_checks_them(
    writer: Client, make_key: KeyFactory, db: asyncpg.Connection
) -> None:
    key = await make_key("Data Desk", "admin")
    records = parliament_records()
    records += [
        # 11: Cat again, with a different vote in the same division: one member, one vote.
        vote("cat-member-on-uk-return-hubs-2025-05-14-again", "cat-member", "aye", 1),
        # 12: a vote that contradicts the stance it backs (an aye means +2).
        {**vote("dan-on-uk-return-hubs", "keir-starmer", "aye", -1)},
        # 13: an identifier nobody carries.
        vote("nobody-on-uk-return-hubs", member(99999), "aye", 2),
        # 14: an identifier another actor of the bundle already gives.
        {"type": "actor", "slug": "dup-member", "name": "Dup Member", "kind": "person", "identifiers": [member(10002)]},
        # 15: a division without its facts.
        {"type": "source", "slug": "bare-division", "kind": "parliamentary_division", "title": "Division 204",
         "published_on": DAY},
        # 16: a link whose aye means nothing.
        {"type": "division_policy", "division": DIVISION, "policy": "uk-rwanda-scheme", "aye_position": 0},
    ]  # fmt: skip
    response = await writer.post("/v1/imports", content=bundle(*records), headers=key | NDJSON)
    assert response.status_code == 422, response.text
    assert await db.fetchval("SELECT count(*) FROM source WHERE kind = 'parliamentary_division'") == 0
    response = await writer.post("/v1/imports?partial=true", content=bundle(*records), headers=key | NDJSON)
    assert response.status_code == 200, response.text
    errors = {error["line"]: error["errors"] for error in response.json()["errors"]}
    assert sorted(errors) == [11, 12, 13, 14, 15, 16], errors
    assert errors[11][0]["name"] == "evidence[0].vote"
    assert "on line 10" in errors[11][0]["message"]
    assert errors[12][0]["name"] == "evidence[0].vote"
    assert "contradicts" in errors[12][0]["message"]
    assert errors[13] == [
        {"name": "actor", "location": "body", "message": f"no actor has the identifier 'parlparse:{PERSON}99999'"}
    ]
    assert errors[14][0]["name"] == "identifiers[0]"
    assert f"parlparse:{PERSON}10002" in errors[14][0]["message"]
    assert "bob-member" in errors[14][0]["message"]
    assert errors[15][0]["name"] == "division"
    assert errors[16][0]["name"] == "aye_position"
    assert await db.fetchval("SELECT count(*) FROM source WHERE kind = 'parliamentary_division'") == 1

    # A stored actor keeps its identifier: another actor of a later bundle cannot take it.
    assert (await writer.post("/v1/imports", content=bundle(*parliament_records()), headers=key | NDJSON)).is_success
    clash = {
        "type": "actor",
        "slug": "eve-member",
        "name": "Eve Member",
        "kind": "person",
        "identifiers": [member(10001)],
    }
    response = await writer.post("/v1/imports", content=bundle(clash), headers=key | NDJSON)
    [error] = assert_problem(response, 422, "validation-failed")["errors"]
    assert error["name"] == "line 1 (actor eve-member): identifiers[0]"
    assert error["message"] == f"'parlparse:{PERSON}10001' already identifies actor 'ann-member'"
    # A later bundle that changes the link so that it contradicts stored votes is refused, naming the stance.
    flipped = {"type": "division_policy", "division": DIVISION, "policy": POLICY, "aye_position": -2}
    response = await writer.post("/v1/imports", content=bundle(flipped), headers=key | NDJSON)
    [error] = assert_problem(response, 422, "validation-failed")["errors"]
    assert error["name"].endswith(": aye_position")
    assert "ann-member-on-uk-return-hubs-2025-05-14" in error["message"]

    # A later bundle refers to stored records by identifier, and may move an identifier from one record to another.
    later = [
        {"type": "role", "actor": member(10003), "title": "Whip", "organisation": "blue-party"},
        {"type": "actor", "slug": "bob-member", "name": "Bob Member", "kind": "person"},
        {"type": "actor", "slug": "eve-member", "name": "Eve Member", "kind": "person", "identifiers": [member(10002)]},
    ]
    response = await writer.post("/v1/imports", content=bundle(*later), headers=key | NDJSON)
    assert response.status_code == 200, response.text
    assert (
        await db.fetchval("SELECT a.slug FROM actor_role r JOIN actor a ON a.id = r.actor_id WHERE r.title = 'Whip'")
        == "cat-member"
    )
    moved = (await writer.get("/v1/actors", params={"identifier": f"parlparse:{PERSON}10002"})).json()
    assert [item["slug"] for item in moved["items"]] == ["eve-member"]


async def test_an_editor_key_imports_divisions_links_and_votes(writer: Client, make_key: KeyFactory) -> None:
    key = await make_key("Desk Editor", "editor")
    records = [
        parliament_records()[5],
        parliament_records()[6],
        vote("philp-on-uk-return-hubs", "chris-philp", "no", -2),
    ]
    dry = await writer.post("/v1/imports?dry_run=true", content=bundle(*records), headers=key | NDJSON)
    assert dry.status_code == 200, dry.text
    assert dry.json()["counts"]["division_policy"]["created"] == 1
    assert (await writer.get(f"/v1/sources/{DIVISION}")).status_code == 404
    response = await writer.post("/v1/imports", content=bundle(*records), headers=key | NDJSON)
    assert response.status_code == 200, response.text
    tally = (await writer.get(f"/v1/sources/{DIVISION}")).json()["division"]["tally"]
    assert (tally["ayes"], tally["noes"], tally["noes_difference"]) == (0, 1, 0)

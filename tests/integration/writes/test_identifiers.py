"""External identifiers on actors, policies and sources: shown, set on create, replaced on update, filterable
(`identifier=scheme:identifier`, split on the first colon), unique per scheme within each kind of record (a
clash is a 409 naming the identifier), and looked up in bulk by ``ids_by_identifier``."""

from typing import Any

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from api.identifiers import ids_by_identifier
from db.engine import make_engine, make_sessionmaker
from db.models import Actor, Policy, Source
from tests.problems import assert_problem

Client = AsyncTestClient[Litestar]

MP = {"scheme": "parlparse", "identifier": "uk.org.publicwhip/person/10001"}
WIKIDATA = {"scheme": "wikidata", "identifier": "Q12345"}
COLON = {"scheme": "hansard", "identifier": "urn:uk:member:4321"}


def actor(slug: str, *identifiers: dict[str, str]) -> dict[str, Any]:
    return {"slug": slug, "name": slug.replace("-", " ").title(), "kind": "person", "identifiers": list(identifiers)}


async def test_an_actor_carries_identifiers_in_lists_and_detail(writer: Client, admin: dict[str, str]) -> None:
    created = await writer.post("/v1/actors", json=actor("ann-member", MP, COLON), headers=admin)
    assert created.status_code == 201, created.text
    expected = sorted([MP, COLON], key=lambda item: (item["scheme"], item["identifier"]))
    assert created.json()["identifiers"] == expected
    assert (await writer.get("/v1/actors/ann-member")).json()["identifiers"] == expected

    listed = (await writer.get("/v1/actors", params={"identifier": "parlparse:uk.org.publicwhip/person/10001"})).json()
    assert [(item["slug"], item["identifiers"]) for item in listed["items"]] == [("ann-member", expected)]
    # split on the first colon: the identifier itself may hold colons
    by_urn = (await writer.get("/v1/actors", params={"identifier": "hansard:urn:uk:member:4321"})).json()
    assert [item["slug"] for item in by_urn["items"]] == ["ann-member"]
    nobody = (await writer.get("/v1/actors", params={"identifier": "parlparse:uk.org.publicwhip/person/1"})).json()
    assert nobody["items"] == []
    spaced = await writer.get("/v1/actors", params={"identifier": "parlparse: uk.org.publicwhip/person/10001 "})
    assert spaced.status_code == 200  # no record can carry it: it matches nothing, it is not malformed
    assert spaced.json()["items"] == []
    # seed actors have none
    assert (await writer.get("/v1/actors/edi-rama")).json()["identifiers"] == []


@pytest.mark.parametrize("value", ["parlparse", ":10001", "parlparse:", "Bad Scheme:1"])
async def test_a_malformed_identifier_filter_is_a_400(writer: Client, value: str) -> None:
    body = assert_problem(await writer.get("/v1/actors", params={"identifier": value}), 400, "invalid-parameter")
    assert [error["name"] for error in body["errors"]] == ["identifier"]


async def test_an_update_replaces_the_list(writer: Client, admin: dict[str, str]) -> None:
    await writer.post("/v1/actors", json=actor("ann-member", MP), headers=admin)
    updated = await writer.patch("/v1/actors/ann-member", json={"identifiers": [WIKIDATA]}, headers=admin)
    assert updated.status_code == 200, updated.text
    assert updated.json()["identifiers"] == [WIKIDATA]
    # another change leaves them alone; an empty list removes them
    renamed = await writer.patch("/v1/actors/ann-member", json={"name": "Ann Member MP"}, headers=admin)
    assert renamed.json()["identifiers"] == [WIKIDATA]
    cleared = await writer.patch("/v1/actors/ann-member", json={"identifiers": []}, headers=admin)
    assert cleared.json()["identifiers"] == []
    # the freed identifier can go to another actor
    moved = await writer.post("/v1/actors", json=actor("bob-member", WIKIDATA), headers=admin)
    assert moved.status_code == 201, moved.text


async def test_a_clash_is_a_409_naming_the_identifier(
    writer: Client, admin: dict[str, str], db: asyncpg.Connection
) -> None:
    await writer.post("/v1/actors", json=actor("ann-member", MP), headers=admin)
    before = await db.fetchval("SELECT count(*) FROM actor")
    body = assert_problem(
        await writer.post("/v1/actors", json=actor("bob-member", WIKIDATA, MP), headers=admin), 409, "conflict"
    )
    assert "parlparse:uk.org.publicwhip/person/10001" in body["detail"]
    assert body["errors"] == [
        {
            "name": "identifiers[1]",
            "location": "body",
            "message": "'parlparse:uk.org.publicwhip/person/10001' already identifies actor 'ann-member'",
        }
    ]
    assert "uq_" not in body["detail"]
    assert await db.fetchval("SELECT count(*) FROM actor") == before  # nothing stored
    # on update too; the same identifier on the record itself is no clash
    await writer.post("/v1/actors", json=actor("bob-member"), headers=admin)
    assert_problem(await writer.patch("/v1/actors/bob-member", json={"identifiers": [MP]}, headers=admin), 409)
    same = await writer.patch("/v1/actors/ann-member", json={"identifiers": [MP, WIKIDATA]}, headers=admin)
    assert same.status_code == 200, same.text


async def test_a_duplicate_in_the_list_or_a_bad_scheme_is_a_422(writer: Client, admin: dict[str, str]) -> None:
    duplicate = assert_problem(
        await writer.post("/v1/actors", json=actor("ann-member", MP, MP), headers=admin), 422, "validation-failed"
    )
    assert [error["name"] for error in duplicate["errors"]] == ["identifiers[1]"]
    bad = {"scheme": "Parl Parse", "identifier": " 1"}
    invalid = assert_problem(await writer.post("/v1/actors", json=actor("ann-member", bad), headers=admin), 422)
    assert {error["name"] for error in invalid["errors"]} == {"identifiers[0].scheme", "identifiers[0].identifier"}


async def test_unique_per_kind_of_record_on_policies_and_sources(
    writer: Client, admin: dict[str, str], editor: dict[str, str]
) -> None:
    shared = {"scheme": "gov-uk", "identifier": "immigration-white-paper-2025"}
    policy = await writer.post(
        "/v1/policies",
        json={
            "slug": "uk-white-paper",
            "title": "Immigration white paper",
            "jurisdiction": "GB",
            "identifiers": [shared],
        },
        headers=admin,
    )
    assert policy.status_code == 201, policy.text
    assert policy.json()["identifiers"] == [shared]
    # the same pair on a source is fine: uniqueness is per kind of record
    source = await writer.post(
        "/v1/sources",
        json={"slug": "white-paper-text", "kind": "statement", "title": "Restoring control", "identifiers": [shared]},
        headers=editor,
    )
    assert source.status_code == 201, source.text
    assert source.json()["identifiers"] == [shared]
    listed = (await writer.get("/v1/policies", params={"identifier": "gov-uk:immigration-white-paper-2025"})).json()
    assert [item["slug"] for item in listed["items"]] == ["uk-white-paper"]
    assert listed["items"][0]["identifiers"] == [shared]
    sources = (await writer.get("/v1/sources", params={"identifier": "gov-uk:immigration-white-paper-2025"})).json()
    assert [item["slug"] for item in sources["items"]] == ["white-paper-text"]
    assert (await writer.get("/v1/policies/uk-white-paper")).json()["identifiers"] == [shared]
    # replaced on update
    patched = await writer.patch("/v1/sources/white-paper-text", json={"identifiers": [WIKIDATA]}, headers=editor)
    assert patched.json()["identifiers"] == [WIKIDATA]
    clash = await writer.post(
        "/v1/policies",
        json={"slug": "uk-other", "title": "Other", "jurisdiction": "GB", "identifiers": [shared]},
        headers=admin,
    )
    assert "gov-uk:immigration-white-paper-2025" in assert_problem(clash, 409, "conflict")["detail"]


async def test_ids_by_identifier_finds_records_in_one_query(
    writer: Client, admin: dict[str, str], write_url: str
) -> None:
    await writer.post("/v1/actors", json=actor("ann-member", MP, WIKIDATA), headers=admin)
    await writer.post("/v1/actors", json=actor("bob-member", COLON), headers=admin)
    pairs = [(MP["scheme"], MP["identifier"]), (COLON["scheme"], COLON["identifier"]), ("parlparse", "nobody")]
    engine = make_engine(write_url, pool_size=1)  # in this test's event loop, unlike the app's own engine
    try:
        async with make_sessionmaker(engine)() as session:
            found = await ids_by_identifier(session, Actor, pairs)
            slugs = dict((await session.execute(select(Actor.id, Actor.slug))).all())
            assert {pair: slugs[actor_id] for pair, actor_id in found.items()} == {
                pairs[0]: "ann-member",
                pairs[1]: "bob-member",
            }
            assert await ids_by_identifier(session, Policy, pairs) == {}
            assert await ids_by_identifier(session, Source, []) == {}
    finally:
        await engine.dispose()

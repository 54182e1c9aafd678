"""Admin writes (actors, roles, policies, relations) and editor writes to sources: each change is visible through
the read API afterwards and recorded, with its author, in the change feed."""

from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]
Problem = Callable[[httpx.Response, int], dict[str, Any]]
Change = tuple[str, str | None, str, str]


async def feed_end(writer: Client) -> str:
    """The change feed's cursor after everything recorded so far."""
    cursor: str | None = None
    while True:
        page = (
            await writer.get("/v1/changes", params={"limit": "100", **({"since": cursor} if cursor else {})})
        ).json()
        cursor = page["next_cursor"]
        if not page["items"]:
            assert cursor is not None
            return cursor


async def changes_since(writer: Client, cursor: str) -> list[Change]:
    page = (await writer.get("/v1/changes", params={"since": cursor, "limit": "100"})).json()
    return [(i["entity_type"], i["slug"], i["action"], i["author"]) for i in page["items"]]


def names(body: dict[str, Any]) -> list[str]:
    return [error["name"] for error in body["errors"]]


# --- actors ---------------------------------------------------------------------------------------------


async def test_an_admin_creates_an_actor(writer: Client, admin: dict[str, str], problem: Problem) -> None:
    cursor = await feed_end(writer)
    actor = {
        "slug": "ana-example",
        "name": "Ana Example",
        "kind": "person",
        "description": "Albanian minister, for the tests.",
        "country": "AL",
        "aliases": ["Ms Example", "Ana", "Ana"],
    }

    created = await writer.post("/v1/actors", json=actor, headers=admin)

    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["slug"], body["name"], body["kind"], body["country"]) == ("ana-example", "Ana Example", "person", "AL")
    assert body["aliases"] == ["Ana", "Ms Example"]
    assert body["roles"] == []
    assert (await writer.get("/v1/actors/ana-example")).json() == body
    listed = (await writer.get("/v1/actors", params={"q": "Ms Example"})).json()
    assert "ana-example" in [item["slug"] for item in listed["items"]]
    assert await changes_since(writer, cursor) == [("actor", "ana-example", "create", "Module Admin")]

    problem(await writer.post("/v1/actors", json=actor, headers=admin), 409)
    invalid = await writer.post(
        "/v1/actors", json={"slug": "bad-actor", "name": "", "kind": "alien", "country": "gb"}, headers=admin
    )
    assert sorted(names(problem(invalid, 422))) == ["country", "kind", "name"]
    assert await changes_since(writer, cursor) == [("actor", "ana-example", "create", "Module Admin")]


async def test_an_actor_correction_replaces_its_aliases(
    writer: Client, admin: dict[str, str], problem: Problem, db: asyncpg.Connection
) -> None:
    created = await writer.post(
        "/v1/actors",
        json={"slug": "ben-example", "name": "Ben Example", "kind": "person", "aliases": ["B. Example", "Ben"]},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    cursor = await feed_end(writer)
    before = await db.fetchval("SELECT clock_timestamp()")

    updated = await writer.patch(
        "/v1/actors/ben-example",
        json={"name": "Benjamin Example", "country": "GB", "aliases": ["Benjamin", "Ben"]},
        headers=admin,
    )

    assert updated.status_code == 200, updated.text
    current = (await writer.get("/v1/actors/ben-example")).json()
    assert current == updated.json()
    assert (current["name"], current["country"], current["kind"]) == ("Benjamin Example", "GB", "person")
    assert current["aliases"] == ["Ben", "Benjamin"]
    assert await changes_since(writer, cursor) == [("actor", "ben-example", "update", "Module Admin")]
    then = (await writer.get("/v1/actors", params={"as_recorded": before.isoformat(), "country": "GB"})).json()
    assert "ben-example" not in [item["slug"] for item in then["items"]]
    was = (await writer.get("/v1/actors", params={"as_recorded": before.isoformat(), "q": "Ben Example"})).json()
    assert [item["name"] for item in was["items"] if item["slug"] == "ben-example"] == ["Ben Example"]

    problem(await writer.patch("/v1/actors/no-such-actor", json={"name": "X"}, headers=admin), 404)


async def test_an_alias_only_correction_is_recorded_in_the_feed(writer: Client, admin: dict[str, str]) -> None:
    created = await writer.post(
        "/v1/actors", json={"slug": "cleo-example", "name": "Cleo Example", "kind": "person"}, headers=admin
    )
    assert created.status_code == 201, created.text
    cursor = await feed_end(writer)

    updated = await writer.patch("/v1/actors/cleo-example", json={"aliases": ["Cleo"]}, headers=admin)

    assert updated.status_code == 200, updated.text
    assert updated.json()["aliases"] == ["Cleo"]
    assert await changes_since(writer, cursor) != []


# --- roles ----------------------------------------------------------------------------------------------


async def test_put_roles_replaces_the_list(writer: Client, admin: dict[str, str], problem: Problem) -> None:
    created = await writer.post(
        "/v1/actors", json={"slug": "dora-example", "name": "Dora Example", "kind": "person"}, headers=admin
    )
    assert created.status_code == 201, created.text
    cursor = await feed_end(writer)
    roles = [
        {
            "title": "Minister of Examples",
            "organisation": "government-of-albania",
            "started_on": "2021-09-01",
            "ended_on": "2023-09-01",
        },
        {"title": "Party adviser"},
    ]

    first = await writer.put("/v1/actors/dora-example/roles", json={"roles": roles}, headers=admin)

    assert first.status_code == 200, first.text
    shown = (await writer.get("/v1/actors/dora-example")).json()["roles"]
    assert shown == first.json()["roles"]
    assert sorted(
        (r["title"], r["organisation"]["slug"] if r["organisation"] else None, r["started_on"]) for r in shown
    ) == [
        ("Minister of Examples", "government-of-albania", "2021-09-01"),
        ("Party adviser", None, None),
    ]
    assert await changes_since(writer, cursor) == [
        ("actor_role", None, "create", "Module Admin"),
        ("actor_role", None, "create", "Module Admin"),
    ]

    cursor = await feed_end(writer)
    second = await writer.put(
        "/v1/actors/dora-example/roles",
        json={"roles": [{"title": "Ambassador", "started_on": "2024-01-01"}]},
        headers=admin,
    )
    assert second.status_code == 200, second.text
    shown = (await writer.get("/v1/actors/dora-example")).json()["roles"]
    assert [(r["title"], r["organisation"], r["started_on"], r["ended_on"]) for r in shown] == [
        ("Ambassador", None, "2024-01-01", None)
    ]
    changes = await changes_since(writer, cursor)
    assert sorted(changes) == sorted(
        [
            ("actor_role", None, "delete", "Module Admin"),
            ("actor_role", None, "delete", "Module Admin"),
            ("actor_role", None, "create", "Module Admin"),
        ]
    )

    assert (await writer.put("/v1/actors/dora-example/roles", json={"roles": []}, headers=admin)).json()["roles"] == []


async def test_put_roles_with_an_unknown_organisation_is_422_and_changes_nothing(
    writer: Client, admin: dict[str, str], problem: Problem
) -> None:
    before = (await writer.get("/v1/actors/keir-starmer")).json()
    cursor = await feed_end(writer)

    response = await writer.put(
        "/v1/actors/keir-starmer/roles",
        json={
            "roles": [
                {"title": "Leader of Nowhere", "organisation": "no-such-organisation"},
                {"title": "Backwards", "started_on": "2024-01-02", "ended_on": "2024-01-01"},
            ]
        },
        headers=admin,
    )

    body = problem(response, 422)
    assert names(body) == ["roles[0].organisation", "roles[1].ended_on"]
    assert "no-such-organisation" in body["errors"][0]["message"]
    assert (await writer.get("/v1/actors/keir-starmer")).json() == before
    assert await changes_since(writer, cursor) == []
    problem(await writer.put("/v1/actors/no-such-actor/roles", json={"roles": []}, headers=admin), 404)


# --- policies and relations -------------------------------------------------------------------------------


async def test_an_admin_creates_and_corrects_a_policy(writer: Client, admin: dict[str, str], problem: Problem) -> None:
    cursor = await feed_end(writer)
    created = await writer.post(
        "/v1/policies",
        json={
            "slug": "uk-example-deterrent",
            "title": "An example deterrent",
            "summary": "For the tests.",
            "jurisdiction": "GB",
            "topics": ["asylum-returns"],
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    assert [t["slug"] for t in created.json()["topics"]] == ["asylum-returns"]
    assert created.json()["relations"] == []
    assert (await writer.get("/v1/policies/uk-example-deterrent")).json() == created.json()
    listed = (await writer.get("/v1/policies", params={"topic": "asylum-returns"})).json()
    assert "uk-example-deterrent" in [item["slug"] for item in listed["items"]]

    updated = await writer.patch(
        "/v1/policies/uk-example-deterrent",
        json={
            "title": "An example deterrent (revised)",
            "jurisdiction": "GB-AL",
            "topics": ["legal-migration", "illegal-migration"],
        },
        headers=admin,
    )
    assert updated.status_code == 200, updated.text
    current = (await writer.get("/v1/policies/uk-example-deterrent")).json()
    assert current == updated.json()
    assert (current["title"], current["jurisdiction"]) == ("An example deterrent (revised)", "GB-AL")
    assert sorted(t["slug"] for t in current["topics"]) == ["illegal-migration", "legal-migration"]
    assert await changes_since(writer, cursor) == [
        ("policy", "uk-example-deterrent", "create", "Module Admin"),
        ("policy", "uk-example-deterrent", "update", "Module Admin"),
    ]
    problem(
        await writer.post(
            "/v1/policies", json={"slug": "uk-example-deterrent", "title": "Again", "jurisdiction": "GB"}, headers=admin
        ),
        409,
    )


async def test_an_unknown_topic_is_422_and_stores_nothing(
    writer: Client, admin: dict[str, str], problem: Problem
) -> None:
    cursor = await feed_end(writer)
    created = await writer.post(
        "/v1/policies",
        json={
            "slug": "uk-topicless",
            "title": "Topicless",
            "jurisdiction": "GB",
            "topics": ["asylum-returns", "no-such-topic"],
        },
        headers=admin,
    )
    body = problem(created, 422)
    assert names(body) == ["topics"]
    assert "no-such-topic" in body["errors"][0]["message"]
    assert (await writer.get("/v1/policies/uk-topicless")).status_code == 404  # the policy row was rolled back too

    before = (await writer.get("/v1/policies/uk-return-hubs")).json()
    updated = await writer.patch(
        "/v1/policies/uk-return-hubs", json={"title": "Renamed", "topics": ["no-such-topic"]}, headers=admin
    )
    assert names(problem(updated, 422)) == ["topics"]
    assert (await writer.get("/v1/policies/uk-return-hubs")).json() == before
    assert await changes_since(writer, cursor) == []


async def test_put_relations_replaces_the_outgoing_list(
    writer: Client, admin: dict[str, str], problem: Problem
) -> None:
    created = await writer.post(
        "/v1/policies", json={"slug": "uk-example-hubs-lite", "title": "Hubs lite", "jurisdiction": "GB"}, headers=admin
    )
    assert created.status_code == 201, created.text
    cursor = await feed_end(writer)

    response = await writer.put(
        "/v1/policies/uk-example-hubs-lite/relations",
        json={
            "relations": [
                {"kind": "compared_with", "policy": "uk-rwanda-scheme", "note": "Called 'Rwanda-lite'."},
                {"kind": "alternative_to", "policy": "uk-return-hubs"},
            ]
        },
        headers=admin,
    )

    assert response.status_code == 200, response.text
    relations = (await writer.get("/v1/policies/uk-example-hubs-lite")).json()["relations"]
    assert relations == response.json()["relations"]
    assert sorted((r["kind"], r["direction"], r["policy"]["slug"], r["note"]) for r in relations) == [
        ("alternative_to", "outgoing", "uk-return-hubs", ""),
        ("compared_with", "outgoing", "uk-rwanda-scheme", "Called 'Rwanda-lite'."),
    ]
    incoming = (await writer.get("/v1/policies/uk-rwanda-scheme")).json()["relations"]
    assert ("compared_with", "incoming", "uk-example-hubs-lite") in [
        (r["kind"], r["direction"], r["policy"]["slug"]) for r in incoming
    ]
    assert await changes_since(writer, cursor) == [("policy_relation", None, "create", "Module Admin")] * 2

    replaced = await writer.put(
        "/v1/policies/uk-example-hubs-lite/relations",
        json={"relations": [{"kind": "successor_of", "policy": "uk-rwanda-scheme"}]},
        headers=admin,
    )
    assert [(r["kind"], r["policy"]["slug"]) for r in replaced.json()["relations"]] == [
        ("successor_of", "uk-rwanda-scheme")
    ]


@pytest.mark.parametrize(
    ("relations", "expected"),
    [
        ([{"kind": "compared_with", "policy": "no-such-policy"}], ["relations[0].policy"]),
        (
            [{"kind": "compared_with", "policy": "uk-rwanda-scheme"}, {"kind": "part_of", "policy": "uk-return-hubs"}],
            ["relations[1].policy"],
        ),
        (
            [{"kind": "part_of", "policy": "uk-rwanda-scheme"}, {"kind": "part_of", "policy": "uk-rwanda-scheme"}],
            ["relations"],
        ),
        ([{"kind": "rhymes_with", "policy": "uk-rwanda-scheme"}], ["relations[0].kind"]),
    ],
    ids=["unknown-policy", "self-relation", "duplicate", "unknown-kind"],
)
async def test_bad_relations_are_422_and_change_nothing(
    writer: Client, admin: dict[str, str], problem: Problem, relations: list[dict[str, str]], expected: list[str]
) -> None:
    before = (await writer.get("/v1/policies/uk-return-hubs")).json()
    cursor = await feed_end(writer)
    response = await writer.put("/v1/policies/uk-return-hubs/relations", json={"relations": relations}, headers=admin)
    body = problem(response, 422)
    assert names(body) == expected
    if expected == ["relations[1].policy"]:
        assert "itself" in body["errors"][0]["message"]
    assert (await writer.get("/v1/policies/uk-return-hubs")).json() == before
    assert await changes_since(writer, cursor) == []


# --- sources (editor) -----------------------------------------------------------------------------------


async def test_an_editor_creates_and_corrects_a_source(
    writer: Client, editor: dict[str, str], problem: Problem
) -> None:
    cursor = await feed_end(writer)
    source = {
        "slug": "example-gazette-2025-05-17",
        "kind": "news_article",
        "title": "Example Gazette report",
        "publisher": "Example Gazette",
        "author": "A. Reporter",
        "url": "https://example.org/report",
        "published_on": "2025-05-17",
        "provenance_note": "Test source.",
    }

    created = await writer.post("/v1/sources", json=source, headers=editor)

    assert created.status_code == 201, created.text
    assert {key: created.json()[key] for key in source} == source
    assert created.json()["title_inferred"] is False
    assert (await writer.get(f"/v1/sources/{source['slug']}")).json() == created.json()

    updated = await writer.patch(
        f"/v1/sources/{source['slug']}",
        json={
            "title": "Example Gazette report (corrected)",
            "published_on": "2025-05-18",
            "published_on_inferred": True,
        },
        headers=editor,
    )
    assert updated.status_code == 200, updated.text
    current = (await writer.get(f"/v1/sources/{source['slug']}")).json()
    assert current == updated.json()
    assert (current["title"], current["published_on"], current["published_on_inferred"], current["publisher"]) == (
        "Example Gazette report (corrected)",
        "2025-05-18",
        True,
        "Example Gazette",
    )
    listed = (await writer.get("/v1/sources", params={"publisher": "Example Gazette"})).json()
    assert [item["slug"] for item in listed["items"]] == [source["slug"]]
    assert await changes_since(writer, cursor) == [
        ("source", source["slug"], "create", "Module Editor"),
        ("source", source["slug"], "update", "Module Editor"),
    ]

    problem(await writer.post("/v1/sources", json=source, headers=editor), 409)
    problem(await writer.patch("/v1/sources/no-such-source", json={"title": "X"}, headers=editor), 404)
    bad = await writer.post(
        "/v1/sources",
        json={**source, "slug": "bad-url-source", "url": "ftp://example.org", "kind": "rumour"},
        headers=editor,
    )
    assert sorted(names(problem(bad, 422))) == ["kind", "url"]

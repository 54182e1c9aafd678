"""The read API over the seed data: actors (list, search, filters, detail).

Moved from ``tests/integration/foundation/test_read_api.py`` unchanged; the expectations come from the seed
files (``seed_files.py``).
"""

from typing import Any

import pytest

from tests.integration.read_api.seed_files import (
    ACTOR_BY_SLUG,
    ACTORS,
    Client,
    get_json,
    list_all,
    slugs,
)

# --- Actors --------------------------------------------------------------------------------------


async def test_actor_list_returns_every_seeded_actor_ordered_by_slug(client: Client) -> None:
    items = await list_all(client, "/v1/actors")

    assert slugs(items) == sorted(actor["slug"] for actor in ACTORS)
    rama = next(item for item in items if item["slug"] == "edi-rama")
    assert rama == {
        "slug": "edi-rama",
        "name": "Edi Rama",
        "kind": "person",
        "country": "AL",
        "description": ACTOR_BY_SLUG["edi-rama"]["description"],
        "identifiers": [],
    }


async def test_actor_search_by_part_of_a_name_finds_edi_rama(client: Client) -> None:
    assert slugs(await list_all(client, "/v1/actors", q="rama")) == ["edi-rama"]


async def test_actor_search_is_case_insensitive(client: Client) -> None:
    assert slugs(await list_all(client, "/v1/actors", q="RAMA")) == ["edi-rama"]


async def test_actor_search_by_alias_sir_keir_finds_keir_starmer(client: Client) -> None:
    assert "Sir Keir" in ACTOR_BY_SLUG["keir-starmer"]["aliases"]
    assert "Sir Keir" not in ACTOR_BY_SLUG["keir-starmer"]["name"]

    assert slugs(await list_all(client, "/v1/actors", q="Sir Keir")) == ["keir-starmer"]


async def test_actor_search_by_an_alias_that_shares_no_word_with_the_name(client: Client) -> None:
    # "Tirana" is only an alias of the Albanian government.
    assert slugs(await list_all(client, "/v1/actors", q="Tirana")) == ["government-of-albania"]


async def test_actor_search_forgives_the_typo_starmr(client: Client) -> None:
    assert "keir-starmer" in slugs(await list_all(client, "/v1/actors", q="starmr"))


async def test_actor_search_with_no_match_gives_an_empty_page(client: Client) -> None:
    page = await get_json(client, "/v1/actors", q="zzzqqqxxx")
    assert page == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("kind", ["person", "office", "government", "party", "organisation", "anonymous_source"])
async def test_actor_kind_filter_returns_exactly_the_actors_of_that_kind(client: Client, kind: str) -> None:
    items = await list_all(client, "/v1/actors", kind=kind)

    assert sorted(slugs(items)) == sorted(actor["slug"] for actor in ACTORS if actor["kind"] == kind)
    assert all(item["kind"] == kind for item in items)


@pytest.mark.parametrize(("country", "expected_country"), [("AL", "AL"), ("IT", "IT"), ("gb", "GB")])
async def test_actor_country_filter_returns_exactly_that_countrys_actors(
    client: Client, country: str, expected_country: str
) -> None:
    items = await list_all(client, "/v1/actors", country=country)

    expected = sorted(actor["slug"] for actor in ACTORS if actor.get("country") == expected_country)
    assert expected
    assert sorted(slugs(items)) == expected


async def test_actor_filters_combine_kind_and_country(client: Client) -> None:
    items = await list_all(client, "/v1/actors", kind="person", country="GB")

    expected = sorted(a["slug"] for a in ACTORS if a["kind"] == "person" and a.get("country") == "GB")
    assert "keir-starmer" in expected
    assert "edi-rama" not in expected
    assert sorted(slugs(items)) == expected


async def test_actor_detail_includes_aliases_and_roles_with_their_organisation(client: Client) -> None:
    detail = await get_json(client, "/v1/actors/keir-starmer")

    assert detail["slug"] == "keir-starmer"
    assert detail["name"] == "Keir Starmer"
    assert detail["kind"] == "person"
    assert detail["country"] == "GB"
    assert sorted(detail["aliases"]) == sorted(ACTOR_BY_SLUG["keir-starmer"]["aliases"])
    assert detail["roles"] == [
        {
            "title": "Leader of the Labour Party",
            "organisation": {"slug": "labour-party", "name": "Labour Party", "kind": "party"},
            "started_on": "2020-04-04",
            "ended_on": None,
            "sole_holder": False,
        },
        {
            "title": "Prime Minister of the United Kingdom",
            "organisation": {"slug": "uk-government", "name": "UK Government", "kind": "government"},
            "started_on": "2024-07-05",
            "ended_on": None,
            "sole_holder": True,  # one Prime Minister at a time
        },
    ]
    assert detail["speaks_for"] is None


async def test_actor_detail_shows_ended_roles_and_roles_without_dates(client: Client) -> None:
    sunak = await get_json(client, "/v1/actors/rishi-sunak")
    spokesman = await get_json(client, "/v1/actors/prime-ministers-spokesman")

    assert {(role["title"], role["ended_on"]) for role in sunak["roles"]} == {
        ("Leader of the Conservative Party", "2024-11-02"),
        ("Prime Minister of the United Kingdom", "2024-07-05"),
    }
    assert spokesman["roles"] == [
        {
            "title": "Prime Minister's Official Spokesman",
            "organisation": {"slug": "downing-street", "name": "Downing Street", "kind": "office"},
            "started_on": None,
            "ended_on": None,
            "sole_holder": False,
        }
    ]
    assert spokesman["speaks_for"] == {
        "organisation": {"slug": "uk-government", "name": "UK Government", "kind": "government"},
        "title": "Prime Minister of the United Kingdom",
    }


@pytest.mark.parametrize("actor", ACTORS, ids=lambda actor: actor["slug"])
async def test_actor_detail_matches_the_seed_file(client: Client, actor: dict[str, Any]) -> None:
    detail = await get_json(client, f"/v1/actors/{actor['slug']}")

    assert detail["name"] == actor["name"]
    assert detail["description"] == actor["description"]
    assert sorted(detail["aliases"]) == sorted(actor["aliases"])
    assert sorted(
        (role["title"], role["organisation"]["slug"] if role["organisation"] else None) for role in detail["roles"]
    ) == sorted((role["title"], role.get("organisation")) for role in actor["roles"])

"""The read API over the seed data: lists, filters, search and detail for every resource.

Expectations come from ``seeds/data/*.yaml`` read with plain ``yaml.safe_load`` (not the seed loader), so
these tests check the whole path from the files to the JSON the API returns.
"""

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from litestar import Litestar
from litestar.testing import AsyncTestClient

DATA_DIR = Path(__file__).resolve().parents[3] / "seeds" / "data"


def _load(file_name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((DATA_DIR / file_name).read_text(encoding="utf-8"))
    return document


ACTORS: list[dict[str, Any]] = _load("actors.yaml")["actors"]
POLICY_FILE = _load("policies.yaml")
TOPICS: list[dict[str, Any]] = POLICY_FILE["topics"]
POLICIES: list[dict[str, Any]] = POLICY_FILE["policies"]
RELATIONS: list[dict[str, Any]] = POLICY_FILE["relations"]
SOURCES: list[dict[str, Any]] = _load("sources.yaml")["sources"]
STANCES: list[dict[str, Any]] = _load("stances.yaml")["stances"]
ACTOR_BY_SLUG = {actor["slug"]: actor for actor in ACTORS}
POLICY_BY_SLUG = {policy["slug"]: policy for policy in POLICIES}
STANCE_BY_SLUG = {stance["slug"]: stance for stance in STANCES}

EVIDENCE: list[dict[str, Any]] = [
    {**evidence, "slug": f"{stance['slug']}-e{index}", "stance": stance}
    for stance in STANCES
    for index, evidence in enumerate(stance["evidence"], start=1)
]

Client = AsyncTestClient[Litestar]


async def get_json(client: Client, path: str, **params: Any) -> Any:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


async def list_all(client: Client, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item, in pages of 100 (the seed's evidence no longer fits in one)."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(10):
        page = await get_json(client, path, limit=100, **params, **({"cursor": cursor} if cursor else {}))
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError(f"{path}: more than 10 pages")


def slugs(items: list[dict[str, Any]]) -> list[str]:
    return [item["slug"] for item in items]


def _subset(actual: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    """The keys of ``actual`` that ``expected`` names, so new response fields do not break these checks."""
    return {key: actual.get(key) for key in expected}


def _evidence_texts(stance: dict[str, Any]) -> list[str]:
    return [evidence["text"] for evidence in stance["evidence"]]


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


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
        },
        {
            "title": "Prime Minister of the United Kingdom",
            "organisation": {"slug": "uk-government", "name": "UK Government", "kind": "government"},
            "started_on": "2024-07-05",
            "ended_on": None,
        },
    ]


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
        }
    ]


@pytest.mark.parametrize("actor", ACTORS, ids=lambda actor: actor["slug"])
async def test_actor_detail_matches_the_seed_file(client: Client, actor: dict[str, Any]) -> None:
    detail = await get_json(client, f"/v1/actors/{actor['slug']}")

    assert detail["name"] == actor["name"]
    assert detail["description"] == actor["description"]
    assert sorted(detail["aliases"]) == sorted(actor["aliases"])
    assert sorted(
        (role["title"], role["organisation"]["slug"] if role["organisation"] else None) for role in detail["roles"]
    ) == sorted((role["title"], role.get("organisation")) for role in actor["roles"])


# --- Policies and topics ---------------------------------------------------------------------------


async def test_topic_list_returns_every_seeded_topic(client: Client) -> None:
    page = await get_json(client, "/v1/topics")

    assert page == {"items": sorted(({"slug": t["slug"], "name": t["name"]} for t in TOPICS), key=lambda t: t["slug"])}


async def test_policy_list_returns_every_seeded_policy_with_its_topics(client: Client) -> None:
    items = await list_all(client, "/v1/policies")

    assert slugs(items) == sorted(policy["slug"] for policy in POLICIES)
    for item in items:
        seeded = POLICY_BY_SLUG[item["slug"]]
        assert item["title"] == seeded["title"]
        assert item["jurisdiction"] == seeded["jurisdiction"]
        assert item["topics"] == sorted(seeded["topics"])


@pytest.mark.parametrize("topic", [topic["slug"] for topic in TOPICS])
async def test_policy_topic_filter_returns_exactly_the_policies_with_that_topic(client: Client, topic: str) -> None:
    items = await list_all(client, "/v1/policies", topic=topic)

    expected = sorted(policy["slug"] for policy in POLICIES if topic in policy["topics"])
    assert expected
    assert slugs(items) == expected
    assert all(topic in item["topics"] for item in items)


async def test_policy_jurisdiction_filter(client: Client) -> None:
    items = await list_all(client, "/v1/policies", jurisdiction="GB-AL")

    assert slugs(items) == sorted(p["slug"] for p in POLICIES if p["jurisdiction"] == "GB-AL")


async def test_policy_search_matches_title_words(client: Client) -> None:
    items = await list_all(client, "/v1/policies", q="Rwanda")

    assert "uk-rwanda-scheme" in slugs(items)


async def test_policy_detail_shows_uk_return_hubs_compared_with_uk_rwanda_scheme(client: Client) -> None:
    detail = await get_json(client, "/v1/policies/uk-return-hubs")

    compared = [
        relation
        for relation in detail["relations"]
        if relation["kind"] == "compared_with" and relation["policy"]["slug"] == "uk-rwanda-scheme"
    ]
    assert len(compared) == 1
    assert compared[0]["direction"] == "outgoing"
    assert compared[0]["policy"]["title"] == POLICY_BY_SLUG["uk-rwanda-scheme"]["title"]
    assert "Rwanda-lite" in compared[0]["note"]
    assert [topic["slug"] for topic in detail["topics"]] == sorted(POLICY_BY_SLUG["uk-return-hubs"]["topics"])


async def test_policy_detail_shows_incoming_relations_from_the_other_side(client: Client) -> None:
    detail = await get_json(client, "/v1/policies/uk-rwanda-scheme")

    incoming = {
        (relation["kind"], relation["policy"]["slug"])
        for relation in detail["relations"]
        if relation["direction"] == "incoming"
    }
    assert ("compared_with", "uk-return-hubs") in incoming
    assert ("alternative_to", "uk-return-hubs") in incoming


@pytest.mark.parametrize("policy", POLICIES, ids=lambda policy: policy["slug"])
async def test_policy_detail_lists_every_seeded_relation_in_both_directions(
    client: Client, policy: dict[str, Any]
) -> None:
    detail = await get_json(client, f"/v1/policies/{policy['slug']}")

    expected = sorted(
        [(r["kind"], "outgoing", r["object"]) for r in RELATIONS if r["subject"] == policy["slug"]]
        + [(r["kind"], "incoming", r["subject"]) for r in RELATIONS if r["object"] == policy["slug"]]
    )
    assert sorted((r["kind"], r["direction"], r["policy"]["slug"]) for r in detail["relations"]) == expected


# --- Stances ---------------------------------------------------------------------------------------


def _stance_slugs(predicate: Any) -> list[str]:
    """Seeded stance slugs matching ``predicate``, in the API's order (stated_on, then slug)."""
    return [s["slug"] for s in sorted(STANCES, key=lambda s: (s["stated_on"], s["slug"])) if predicate(s)]


async def test_stance_list_returns_every_stance_in_date_order(client: Client) -> None:
    items = await list_all(client, "/v1/stances")

    assert slugs(items) == _stance_slugs(lambda _: True)
    assert [item["stated_on"] for item in items] == sorted(item["stated_on"] for item in items)


@pytest.mark.parametrize("actor", ["edi-rama", "keir-starmer", "chris-philp", "giorgia-meloni"])
async def test_stance_actor_filter_returns_exactly_that_actors_stances(client: Client, actor: str) -> None:
    items = await list_all(client, "/v1/stances", actor=actor)

    assert slugs(items) == _stance_slugs(lambda s: s["actor"] == actor)
    assert {item["actor"]["slug"] for item in items} == {actor}
    assert {item["actor"]["name"] for item in items} == {ACTOR_BY_SLUG[actor]["name"]}


@pytest.mark.parametrize("policy", ["uk-return-hubs", "uk-rwanda-scheme", "italy-albania-migrant-centres"])
async def test_stance_policy_filter_returns_exactly_the_stances_on_that_policy(client: Client, policy: str) -> None:
    items = await list_all(client, "/v1/stances", policy=policy)

    assert slugs(items) == _stance_slugs(lambda s: s["policy"] == policy)
    assert {item["policy"]["slug"] for item in items} == {policy}


@pytest.mark.parametrize("topic", [topic["slug"] for topic in TOPICS])
async def test_stance_topic_filter_returns_the_stances_on_policies_with_that_topic(client: Client, topic: str) -> None:
    items = await list_all(client, "/v1/stances", topic=topic)

    assert slugs(items) == _stance_slugs(lambda s: topic in POLICY_BY_SLUG[s["policy"]]["topics"])


async def test_stance_filters_combine_actor_and_policy(client: Client) -> None:
    items = await list_all(client, "/v1/stances", actor="edi-rama", policy="uk-return-hubs")

    assert slugs(items) == ["edi-rama-on-uk-return-hubs-2025-05-15"]


@pytest.mark.parametrize(
    ("stated_from", "stated_to"),
    [
        ("2025-05-01", "2025-05-31"),
        ("2025-05-15", "2025-05-15"),
        ("2025-05-16", None),
        (None, "2024-07-01"),
        ("2022-01-01", "2022-12-31"),
    ],
)
async def test_stance_date_range_filters_are_inclusive(
    client: Client, stated_from: str | None, stated_to: str | None
) -> None:
    params = {key: value for key, value in (("stated_from", stated_from), ("stated_to", stated_to)) if value}
    items = await list_all(client, "/v1/stances", **params)

    low = date.fromisoformat(stated_from) if stated_from else date.min
    high = date.fromisoformat(stated_to) if stated_to else date.max
    expected = _stance_slugs(lambda s: low <= s["stated_on"] <= high)
    assert expected
    assert slugs(items) == expected


async def test_stance_date_range_with_no_stances_gives_an_empty_page(client: Client) -> None:
    page = await get_json(client, "/v1/stances", stated_from="2030-01-01", stated_to="2030-12-31")
    assert page == {"items": [], "next_cursor": None}


async def test_stance_full_text_search_marriage_with_italy_finds_edi_rama(client: Client) -> None:
    items = await list_all(client, "/v1/stances", q="marriage with Italy")

    assert "edi-rama-on-uk-return-hubs-2025-05-15" in slugs(items)
    # Rama's words, also cited for the Albanian government he spoke for.
    assert {item["actor"]["slug"] for item in items} == {"edi-rama", "government-of-albania"}
    expected = _stance_slugs(
        lambda s: any({"marriage", "italy"} <= _words(text) for text in [s["summary"], *_evidence_texts(s)])
    )
    assert slugs(items) == expected


async def test_stance_full_text_search_stems_words(client: Client) -> None:
    # "scrapping" and "scrapped" share the stem "scrap".
    items = await list_all(client, "/v1/stances", q="scrap")

    assert "keir-starmer-on-uk-rwanda-scheme-2024-07" in slugs(items)


async def test_stance_detail_embeds_its_evidence_with_sources(client: Client) -> None:
    slug = "edi-rama-on-uk-return-hubs-2025-05-15"
    detail = await get_json(client, f"/v1/stances/{slug}")
    seeded = STANCE_BY_SLUG[slug]

    assert detail["actor"] == {"slug": "edi-rama", "name": "Edi Rama", "kind": "person"}
    assert detail["policy"] == {"slug": "uk-return-hubs", "title": POLICY_BY_SLUG["uk-return-hubs"]["title"]}
    assert detail["position"] is None  # on return hubs as a whole; what he opposed is Albania hosting one
    assert detail["label"] == "unclear"
    assert detail["stated_on"] == "2025-05-15"
    assert detail["stated_on_precision"] == "day"
    assert detail["stated_on_inferred"] is False
    assert detail["summary"] == seeded["summary"]
    assert detail["retracted"] is False
    assert [e["slug"] for e in detail["evidence"]] == [f"{slug}-e{i}" for i in range(1, len(seeded["evidence"]) + 1)]
    assert [(e["kind"], e["source"]["slug"]) for e in detail["evidence"]] == [
        (e["kind"], e["source"]) for e in seeded["evidence"]
    ]


async def test_stance_without_a_position_is_labelled_with_its_ambiguity(client: Client) -> None:
    mixed = await get_json(client, "/v1/stances/chris-philp-on-uk-albania-strategic-partnership-2025-05-15")
    unclear = await get_json(client, "/v1/stances/downing-street-on-uk-albania-return-hub-hosting-2025-05-15")

    assert (mixed["position"], mixed["label"]) == (None, "mixed")
    assert (unclear["position"], unclear["label"]) == (None, "unclear")


async def test_evidence_text_comes_back_exactly_as_seeded_for_every_stance(client: Client) -> None:
    items = await list_all(client, "/v1/stances")

    returned = {e["slug"]: e["text"] for item in items for e in item["evidence"]}
    assert returned == {e["slug"]: e["text"] for e in EVIDENCE}


async def test_direct_quotes_keep_typographic_quote_marks_byte_for_byte(client: Client) -> None:
    slug = "keir-starmer-on-uk-return-hubs-2025-05-15"
    quote = STANCE_BY_SLUG[slug]["evidence"][2]
    assert quote["kind"] == "direct_quote"
    assert "they\u2019re" in quote["text"]  # RIGHT SINGLE QUOTATION MARK, not an ASCII apostrophe

    response = await client.get(f"/v1/evidence/{slug}-e3")
    assert response.status_code == 200
    assert response.json()["text"] == quote["text"]
    assert quote["text"].encode("utf-8") in response.content
    assert b"they're" not in response.content

    direct_quotes = [e for e in EVIDENCE if e["kind"] == "direct_quote"]
    items = await list_all(client, "/v1/evidence", kind="direct_quote")
    assert {e["slug"]: e["text"] for e in items} == {e["slug"]: e["text"] for e in direct_quotes}
    assert any(any(mark in e["text"] for mark in "\u2018\u2019\u201c\u201d\u2014\u2026") for e in items)


# --- Evidence --------------------------------------------------------------------------------------


async def test_evidence_list_returns_every_piece_ordered_by_slug(client: Client) -> None:
    items = await list_all(client, "/v1/evidence")

    assert slugs(items) == sorted(e["slug"] for e in EVIDENCE)
    assert {item["stance"]["slug"] for item in items} == set(STANCE_BY_SLUG)


@pytest.mark.parametrize("kind", ["direct_quote", "paraphrase", "reported_action"])
async def test_evidence_kind_filter_returns_exactly_that_kind(client: Client, kind: str) -> None:
    items = await list_all(client, "/v1/evidence", kind=kind)

    assert slugs(items) == sorted(e["slug"] for e in EVIDENCE if e["kind"] == kind)
    assert {item["kind"] for item in items} == {kind}


@pytest.mark.parametrize("source", [source["slug"] for source in SOURCES])
async def test_evidence_source_filter_returns_exactly_that_sources_evidence(client: Client, source: str) -> None:
    items = await list_all(client, "/v1/evidence", source=source)

    assert slugs(items) == sorted(e["slug"] for e in EVIDENCE if e["source"] == source)
    assert {item["source"]["slug"] for item in items} == {source}


@pytest.mark.parametrize("speaker", ["chris-philp", "edi-rama", "prime-ministers-spokesman", "giorgia-meloni"])
async def test_evidence_speaker_filter_counts_the_stance_actor_when_no_speaker_is_named(
    client: Client, speaker: str
) -> None:
    items = await list_all(client, "/v1/evidence", speaker=speaker)

    expected = sorted(e["slug"] for e in EVIDENCE if (e.get("speaker") or e["stance"]["actor"]) == speaker)
    assert expected
    assert slugs(items) == expected


async def test_evidence_names_a_speaker_other_than_the_stance_actor(client: Client) -> None:
    items = await list_all(client, "/v1/evidence", speaker="prime-ministers-spokesman")

    assert len(items) == 1
    item = items[0]
    assert item["speaker"] == {
        "slug": "prime-ministers-spokesman",
        "name": "The Prime Minister's Official Spokesman",
        "kind": "office",
    }
    assert item["stance"]["actor"]["slug"] == "downing-street"
    assert item["text"] == "by using tactics such as starting a family"


async def test_evidence_full_text_search_marriage_with_italy_finds_edi_ramas_quotes(client: Client) -> None:
    items = await list_all(client, "/v1/evidence", q="marriage with Italy")

    assert slugs(items) == sorted(e["slug"] for e in EVIDENCE if {"marriage", "italy"} <= _words(e["text"]))
    assert {(item["speaker"] or item["stance"]["actor"])["slug"] for item in items} == {"edi-rama"}
    assert "I remain faithful to my marriage with Italy" in {item["text"] for item in items}


async def test_evidence_full_text_search_accepts_web_search_syntax(client: Client) -> None:
    phrase = await list_all(client, "/v1/evidence", q='"return hubs"')
    excluded = await list_all(client, "/v1/evidence", q='"return hubs" -Rwanda')

    assert phrase
    assert set(slugs(excluded)) < set(slugs(phrase))
    assert all("rwanda" not in item["text"].lower() for item in excluded)


async def test_evidence_full_text_search_ignores_accents(client: Client) -> None:
    items = await list_all(client, "/v1/evidence", q="Durres")

    assert [item["slug"] for item in items] == sorted(e["slug"] for e in EVIDENCE if "Durr\u00ebs" in e["text"])
    assert items


async def test_evidence_detail_includes_its_stance_and_source(client: Client) -> None:
    slug = "edi-rama-on-uk-return-hubs-2025-05-15-e2"
    detail = await get_json(client, f"/v1/evidence/{slug}")

    assert detail["slug"] == slug
    assert detail["kind"] == "direct_quote"
    assert detail["text"] == "I remain faithful to my marriage with Italy"
    assert detail["speaker"] is None
    assert detail["char_start"] is None
    assert detail["char_end"] is None
    assert detail["source"]["slug"] == "starmer-first-official-visit-to-albania-2025-05"
    assert detail["source"]["published_on_inferred"] is True
    expected_stance = {
        "slug": "edi-rama-on-uk-return-hubs-2025-05-15",
        "actor": {"slug": "edi-rama", "name": "Edi Rama", "kind": "person"},
        "policy": {"slug": "uk-return-hubs", "title": POLICY_BY_SLUG["uk-return-hubs"]["title"]},
        "position": None,
        "label": "unclear",
        "stated_on": "2025-05-15",
        "retracted": False,
    }
    assert _subset(detail["stance"], expected_stance) == expected_stance


# --- Sources ---------------------------------------------------------------------------------------


def _expected_source(seeded: dict[str, Any]) -> dict[str, Any]:
    return {
        "slug": seeded["slug"],
        "kind": seeded["kind"],
        "title": seeded["title"],
        "title_inferred": seeded["title_inferred"],
        "publisher": seeded["publisher"],
        "publisher_inferred": seeded["publisher_inferred"],
        "author": seeded["author"],
        "url": seeded["url"],
        "published_on": seeded["published_on"].isoformat() if seeded["published_on"] else None,
        "published_on_precision": seeded["published_on_precision"],
        "published_on_inferred": seeded["published_on_inferred"],
        "provenance_note": seeded["provenance_note"],
        "content_sha256": seeded["content_sha256"],
    }


async def test_source_list_returns_every_seeded_source(client: Client) -> None:
    items = await list_all(client, "/v1/sources")

    expected = [_expected_source(s) for s in sorted(SOURCES, key=lambda s: s["slug"])]
    assert [_subset(item, source) for item, source in zip(items, expected, strict=True)] == expected


@pytest.mark.parametrize("source", SOURCES, ids=lambda source: source["slug"])
async def test_source_detail_shows_what_was_inferred(client: Client, source: dict[str, Any]) -> None:
    expected = _expected_source(source)

    assert _subset(await get_json(client, f"/v1/sources/{source['slug']}"), expected) == expected


async def test_source_detail_distinguishes_stated_from_inferred_metadata(client: Client) -> None:
    mason = await get_json(client, "/v1/sources/chris-mason-pms-albania-trip-shows-tricky-path-on-migration")
    visit = await get_json(client, "/v1/sources/starmer-first-official-visit-to-albania-2025-05")

    assert (mason["title_inferred"], mason["published_on_inferred"], mason["author"]) == (False, False, "Chris Mason")
    assert (visit["title_inferred"], visit["published_on_inferred"]) == (True, True)
    assert (visit["published_on"], visit["published_on_precision"]) == ("2025-05-01", "month")


async def test_source_filters_by_kind_and_publication_date(client: Client) -> None:
    analyses = await list_all(client, "/v1/sources", kind="news_analysis")
    may = await list_all(client, "/v1/sources", published_from="2025-05-01", published_to="2025-05-31")
    independent = await list_all(client, "/v1/sources", publisher="independent")

    assert slugs(analyses) == ["chris-mason-pms-albania-trip-shows-tricky-path-on-migration"]
    assert slugs(may) == sorted(
        s["slug"] for s in SOURCES if s["published_on"] and date(2025, 5, 1) <= s["published_on"] <= date(2025, 5, 31)
    )
    assert slugs(independent) == ["independent-starmer-to-announce-crackdown-on-people-smugglers-2025-05-15"]

"""The read API over the seed data: stances (list, filters, full-text search, detail with evidence).

Moved from ``tests/integration/foundation/test_read_api.py`` unchanged; the expectations come from the seed
files (``seed_files.py``).
"""

from datetime import date
from typing import Any

import pytest

from tests.integration.read_api.seed_files import (
    ACTOR_BY_SLUG,
    EVIDENCE,
    POLICY_BY_SLUG,
    STANCE_BY_SLUG,
    STANCES,
    TOPICS,
    Client,
    _evidence_texts,
    _words,
    get_json,
    list_all,
    slugs,
)

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

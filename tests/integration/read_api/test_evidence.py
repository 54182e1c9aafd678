"""The read API over the seed data: evidence (list, filters, speakers, full-text search, detail).

Moved from ``tests/integration/foundation/test_read_api.py`` unchanged; the expectations come from the seed
files (``seed_files.py``).
"""

import pytest

from tests.integration.read_api.seed_files import (
    EVIDENCE,
    POLICY_BY_SLUG,
    SOURCES,
    STANCE_BY_SLUG,
    Client,
    _subset,
    _words,
    get_json,
    list_all,
    slugs,
)

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

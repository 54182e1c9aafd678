"""The read API over the seed data: policies and topics (list, filters, search, detail with relations).

Moved from ``tests/integration/foundation/test_read_api.py`` unchanged; the expectations come from the seed
files (``seed_files.py``).
"""

from typing import Any

import pytest

from tests.integration.read_api.seed_files import (
    POLICIES,
    POLICY_BY_SLUG,
    RELATIONS,
    TOPICS,
    Client,
    get_json,
    list_all,
    slugs,
)

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

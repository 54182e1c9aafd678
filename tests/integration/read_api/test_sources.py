"""The read API over the seed data: sources (list, detail, inferred metadata, filters).

Moved from ``tests/integration/foundation/test_read_api.py`` unchanged; the expectations come from the seed
files (``seed_files.py``).
"""

from datetime import date
from typing import Any

import pytest

from tests.integration.read_api.seed_files import (
    SOURCES,
    Client,
    _subset,
    get_json,
    list_all,
    slugs,
)

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

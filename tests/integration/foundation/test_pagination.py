"""Keyset pagination: following ``next_cursor`` visits every item once, in order; bad page parameters give 400."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.problems import assert_problem

DATA_DIR = Path(__file__).resolve().parents[3] / "seeds" / "data"

Client = AsyncTestClient[Litestar]


def _load(file_name: str, key: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = yaml.safe_load((DATA_DIR / file_name).read_text(encoding="utf-8"))[key]
    return records


ACTORS = _load("actors.yaml", "actors")
POLICIES = _load("policies.yaml", "policies")
SOURCES = _load("sources.yaml", "sources")
STANCES = _load("stances.yaml", "stances")

# The order each list promises, computed from the seed files.
EXPECTED_ORDER: dict[str, list[str]] = {
    "/v1/actors": sorted(a["slug"] for a in ACTORS),
    "/v1/policies": sorted(p["slug"] for p in POLICIES),
    "/v1/sources": sorted(s["slug"] for s in SOURCES),
    "/v1/stances": [s["slug"] for s in sorted(STANCES, key=lambda s: (s["stated_on"], s["slug"]))],
    "/v1/evidence": sorted(f"{s['slug']}-e{i}" for s in STANCES for i in range(1, len(s["evidence"]) + 1)),
}


async def walk(client: Client, path: str, *, limit: int, **params: Any) -> list[list[str]]:
    """Follow ``next_cursor`` from the first page to the last; return each page's slugs."""
    pages: list[list[str]] = []
    cursor: str | None = None
    for _ in range(1000):  # a bound, so a cursor that never ends fails instead of hanging
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = await client.get(path, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["items"]) <= limit
        pages.append([item["slug"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
    pytest.fail(f"{path}: next_cursor never became null")


@pytest.mark.parametrize("path", ["/v1/actors", "/v1/stances", "/v1/policies", "/v1/sources", "/v1/evidence"])
async def test_walking_pages_of_two_visits_every_item_exactly_once_in_order(client: Client, path: str) -> None:
    pages = await walk(client, path, limit=2)
    visited = [slug for page in pages for slug in page]

    assert len(visited) == len(set(visited)), "an item appeared on two pages"
    assert visited == EXPECTED_ORDER[path]
    assert all(len(page) == 2 for page in pages[:-1])
    assert 1 <= len(pages[-1]) <= 2
    assert len(pages) == -(-len(EXPECTED_ORDER[path]) // 2)


@pytest.mark.parametrize("path", ["/v1/actors", "/v1/stances"])
async def test_paged_walk_matches_a_single_large_page(client: Client, path: str) -> None:
    single = await walk(client, path, limit=100)
    paged = await walk(client, path, limit=3)

    assert len(single) == 1
    assert [slug for page in paged for slug in page] == single[0]


async def test_stance_pages_keep_date_order_across_page_boundaries(client: Client) -> None:
    dates: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = (await client.get("/v1/stances", params=params)).json()
        dates.extend(item["stated_on"] for item in body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert len(dates) == len(STANCES)
    assert dates == sorted(dates)


async def test_walking_a_filtered_list_stays_within_the_filter(client: Client) -> None:
    pages = await walk(client, "/v1/stances", limit=2, actor="keir-starmer")
    visited = [slug for page in pages for slug in page]

    assert visited == [s for s in EXPECTED_ORDER["/v1/stances"] if s.startswith("keir-starmer-on-")]
    assert len(pages) > 1


async def test_a_page_exactly_as_large_as_the_list_has_no_next_cursor(client: Client) -> None:
    total = len(SOURCES)
    exact = (await client.get("/v1/sources", params={"limit": total})).json()
    short = (await client.get("/v1/sources", params={"limit": total - 1})).json()

    assert len(exact["items"]) == total
    assert exact["next_cursor"] is None
    assert len(short["items"]) == total - 1
    assert short["next_cursor"] is not None


async def test_default_page_size_is_fifty(client: Client) -> None:
    body = (await client.get("/v1/evidence")).json()

    assert len(EXPECTED_ORDER["/v1/evidence"]) > 50
    assert len(body["items"]) == 50
    assert body["next_cursor"] is not None


@pytest.mark.parametrize("limit", [1, 100])
async def test_limits_at_the_bounds_are_accepted(client: Client, limit: int) -> None:
    response = await client.get("/v1/evidence", params={"limit": limit})

    assert response.status_code == 200
    assert len(response.json()["items"]) == min(limit, len(EXPECTED_ORDER["/v1/evidence"]))


def assert_problem_naming(response: Any, name: str) -> None:
    problem = assert_problem(response, 400, "invalid-parameter")
    assert f"'{name}'" in problem["detail"]
    assert name in {error["name"] for error in problem["errors"]}
    assert {error["location"] for error in problem["errors"] if error["name"] == name} == {"query"}


@pytest.mark.parametrize("path", ["/v1/actors", "/v1/stances", "/v1/evidence"])
async def test_limit_above_one_hundred_is_a_400_naming_limit(client: Client, path: str) -> None:
    assert_problem_naming(await client.get(path, params={"limit": 101}), "limit")


@pytest.mark.parametrize("limit", ["0", "-1", "ten"])
async def test_limit_below_one_or_not_a_number_is_a_400_naming_limit(client: Client, limit: str) -> None:
    assert_problem_naming(await client.get("/v1/actors", params={"limit": limit}), "limit")


@pytest.mark.parametrize("cursor", ["garbage!!", "bm90IGpzb24", "WzFd", "W10"])
@pytest.mark.parametrize("path", ["/v1/actors", "/v1/stances"])
async def test_garbage_cursor_is_a_400_naming_cursor(client: Client, path: str, cursor: str) -> None:
    # "bm90IGpzb24" is base64 of "not json"; "WzFd" of [1] (wrong types); "W10" of [] (wrong length).
    assert_problem_naming(await client.get(path, params={"cursor": cursor}), "cursor")


async def test_a_cursor_from_one_list_is_rejected_by_a_list_with_a_different_key(client: Client) -> None:
    actors_cursor = (await client.get("/v1/actors", params={"limit": 1})).json()["next_cursor"]
    assert actors_cursor is not None

    assert_problem_naming(await client.get("/v1/stances", params={"cursor": actors_cursor}), "cursor")

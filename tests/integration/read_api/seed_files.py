"""What the read API tests expect, and how they ask: the seed files and small request helpers.

Expectations come from ``seeds/data/*.yaml`` read with plain ``yaml.safe_load`` (not the seed loader), so
these tests check the whole path from the files to the JSON the API returns.
"""

import re
from pathlib import Path
from typing import Any

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

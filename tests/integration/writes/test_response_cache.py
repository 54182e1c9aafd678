"""The response cache: a repeated comparison is served from the process's cache, byte for byte the answer a
fresh computation gives, and a write makes every process compute anew (the key carries the data version)."""

import asyncio
import dataclasses
import gzip
from collections.abc import Callable
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.response_cache import CachedAnswer, ResponseCache
from tests.conftest import running_server
from tests.integration.writes.conftest import GENEROUS_RATE_LIMIT, settings_for

COMPARE = "/v1/compare/actors"
PAIR = {"actors": "edi-rama,keir-starmer", "as_of": "2025-12-31"}
POSITIONS = "/v1/policies/uk-albania-strategic-partnership/positions"


def cache_of(client: AsyncTestClient[Litestar]) -> ResponseCache:
    cache = client.app.state.response_cache
    assert isinstance(cache, ResponseCache)
    return cache


def _policy_row(body: dict[str, Any], policy: str) -> dict[str, Any]:
    return next(row for row in body["rows"] if row["policy"]["slug"] == policy)


async def test_a_repeated_comparison_is_served_from_the_cache_as_computed(
    writer: AsyncTestClient[Litestar], write_url: str
) -> None:
    cache = cache_of(writer)
    first = await writer.get(COMPARE, params=PAIR)
    second = await writer.get(COMPARE, params=PAIR)
    csv = await writer.get(COMPARE, params=PAIR | {"format": "csv"})
    csv_again = await writer.get(COMPARE, params=PAIR | {"format": "csv"})
    assert (cache.misses, cache.hits) == (2, 2)
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]
    assert csv_again.content == csv.content
    assert csv_again.headers["content-type"] == csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv_again.headers["content-disposition"] == csv.headers["content-disposition"]

    uncached = create_app(settings_for(write_url, response_cache_bytes=0))
    async with AsyncTestClient(uncached) as plain:
        assert uncached.state.response_cache is None
        fresh = await plain.get(COMPARE, params=PAIR)
        fresh_csv = await plain.get(COMPARE, params=PAIR | {"format": "csv"})
    assert fresh.content == first.content
    assert {name: fresh.headers[name] for name in ("etag", "content-type", "cache-control", "vary")} == {
        name: second.headers[name] for name in ("etag", "content-type", "cache-control", "vary")
    }
    assert fresh_csv.content == csv.content


async def test_a_write_is_seen_at_once_through_the_cache(
    writer: AsyncTestClient[Litestar], editor: dict[str, str], stance_body: Callable[..., dict[str, Any]]
) -> None:
    before = (await writer.get(POSITIONS, params={"as_of": "2025-05-20"})).json()
    assert (await writer.get(POSITIONS, params={"as_of": "2025-05-20"})).json() == before
    assert cache_of(writer).hits == 1
    slug = "edi-rama-on-uk-albania-strategic-partnership-cache-1"
    created = await writer.post("/v1/stances", json=stance_body(slug), headers=editor)
    assert created.status_code == 201, created.text
    after = (await writer.get(POSITIONS, params={"as_of": "2025-05-20"})).json()
    rama = next(row for row in after["positions"] if row["actor"]["slug"] == "edi-rama")
    assert rama["stance"]["slug"] == slug


def test_the_cache_keeps_within_its_byte_budget_dropping_the_least_recently_used() -> None:
    cache = ResponseCache(max_bytes=10)
    for key in ("a", "b", "c"):
        cache.put(key, CachedAnswer(b"1234", "application/json", {}))
    assert len(cache) == 2  # 12 bytes would not fit: "a" went first
    assert cache.get("a") is None
    assert cache.get("b") is not None  # "b" is now the most recently used
    cache.put("d", CachedAnswer(b"1234", "application/json", {}))
    assert cache.get("c") is None
    assert cache.get("b") is not None
    cache.put("huge", CachedAnswer(b"x" * 11, "application/json", {}))  # larger than the whole budget
    assert cache.get("huge") is None
    assert cache.size == 8
    assert (cache.hits, cache.misses) == (2, 3)


def test_a_gzip_coded_body_is_compressed_once_and_counts_against_the_budget() -> None:
    body = b'{"rows": []}' * 200
    cache = ResponseCache(max_bytes=len(body) + 200)
    answer = CachedAnswer(body, "application/json", {})
    cache.put("a", answer)
    coded = cache.gzipped("a", answer)
    assert gzip.decompress(coded) == body
    assert cache.gzipped("a", answer) is coded  # kept, not compressed again
    assert cache.size == len(body) + len(coded)
    other = CachedAnswer(b"x" * 150, "application/json", {})
    cache.put("b", other)  # over budget with "a" and its gzip bytes: "a" goes, with both
    assert (len(cache), cache.size) == (1, 150)


async def test_every_worker_answers_a_write_at_once(
    write_url: str, editor: dict[str, str], stance_body: Callable[..., dict[str, Any]]
) -> None:
    env = {"POSITIONS_WRITE_RATE_LIMIT": str(GENEROUS_RATE_LIMIT)}

    def two_workers(port: int) -> list[str]:
        import sys

        return [sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "api.asgi:app",
                "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]  # fmt: skip

    async with running_server(write_url, env, command=two_workers) as base, httpx.AsyncClient(base_url=base) as http:
        params = {"as_of": "2025-05-20"}
        warm = await asyncio.gather(*(http.get(POSITIONS, params=params) for _ in range(40)))
        assert {response.headers["etag"] for response in warm} == {warm[0].headers["etag"]}
        slug = "edi-rama-on-uk-albania-strategic-partnership-cache-2"
        created = await http.post("/v1/stances", json=stance_body(slug), headers=editor)
        assert created.status_code == 201, created.text
        answers = await asyncio.gather(*(http.get(POSITIONS, params=params) for _ in range(40)))
        for response in answers:
            rama = next(row for row in response.json()["positions"] if row["actor"]["slug"] == "edi-rama")
            assert rama["stance"]["slug"] == slug
        assert {response.headers["etag"] for response in answers} != {warm[0].headers["etag"]}


def test_settings_read_the_cache_budget(monkeypatch: Any) -> None:
    from api.settings import Settings

    monkeypatch.setenv("POSITIONS_RESPONSE_CACHE_BYTES", "0")
    assert Settings.from_env("postgresql://x").response_cache_bytes == 0
    assert dataclasses.replace(Settings.from_env("postgresql://x"), response_cache_bytes=5).response_cache_bytes == 5

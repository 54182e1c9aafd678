"""Hostile request bodies on every write: 400/415 problems, never a 500, and nothing stored.

Decoding untrusted JSON raises more than ``msgspec.DecodeError``: nesting 1,000 deep raises ``RecursionError``
and invalid UTF-8 inside a string ``UnicodeDecodeError``. Duplicate keys decode silently (the last wins), and a
``Content-Encoding: gzip`` body used to be stored undecoded. A malformed chunked body is sent to the app under
granian over a raw socket.
"""

import asyncio
import gzip
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import running_server

Client = AsyncTestClient[Litestar]
Problem = Callable[[httpx.Response, int], dict[str, Any]]
Stored = Callable[[], Awaitable[dict[str, int]]]
Body = Callable[..., dict[str, Any]]

JSON = {"Content-Type": "application/json"}
STANCE = "keir-starmer-on-uk-return-hubs-2025-05-15"
# (method, path, the resource to read an ETag from for If-Match, or None)
WRITES = [
    ("POST", "/v1/stances", None),
    ("PATCH", f"/v1/stances/{STANCE}", f"/v1/stances/{STANCE}"),
    ("POST", f"/v1/stances/{STANCE}/retraction", f"/v1/stances/{STANCE}"),
    ("PATCH", f"/v1/evidence/{STANCE}-e1", f"/v1/evidence/{STANCE}-e1"),
    ("POST", "/v1/sources", None),
    ("PATCH", "/v1/sources/starmer-first-official-visit-to-albania-2025-05", None),
    ("POST", "/v1/actors", None),
    ("PATCH", "/v1/actors/edi-rama", None),
    ("PUT", "/v1/actors/edi-rama/roles", None),
    ("POST", "/v1/policies", None),
    ("PATCH", "/v1/policies/uk-return-hubs", None),
    ("PUT", "/v1/policies/uk-return-hubs/relations", None),
]
DEEP = b'{"summary": ' + b"[" * 1000 + b"]" * 1000 + b"}"
INVALID_UTF8 = b'{"summary": "caf\xc3\x28 \xff\xfe"}'


async def send(
    writer: Client, admin: dict[str, str], method: str, path: str, etag_from: str | None, body: bytes, **headers: str
) -> httpx.Response:
    sent = {**admin, **JSON, **headers}
    if etag_from is not None:
        sent["If-Match"] = (await writer.get(etag_from)).headers["etag"]
    return await writer.request(method, path, content=body, headers=sent)


@pytest.mark.parametrize(("method", "path", "etag_from"), WRITES)
@pytest.mark.parametrize("body", [DEEP, INVALID_UTF8], ids=["nested-1000-deep", "invalid-utf8"])
async def test_a_hostile_body_is_a_400_malformed_json_problem_on_every_write(
    writer: Client,
    admin: dict[str, str],
    problem: Problem,
    stored: Stored,
    method: str,
    path: str,
    etag_from: str | None,
    body: bytes,
) -> None:
    before = await stored()
    answer = problem(await send(writer, admin, method, path, etag_from, body), 400)
    assert answer["type"].endswith("/malformed-json"), answer
    assert await stored() == before


async def test_nesting_below_the_decoders_limit_is_refused_too(
    writer: Client, admin: dict[str, str], problem: Problem
) -> None:
    body = b'{"summary": ' + b"[" * 100 + b"]" * 100 + b"}"
    answer = problem(await send(writer, admin, "PATCH", "/v1/actors/edi-rama", None, body), 400)
    assert "nested too deeply" in answer["detail"]


@pytest.mark.parametrize(("method", "path", "etag_from"), WRITES[:2])
async def test_a_duplicate_key_is_a_400_naming_the_key(
    writer: Client,
    admin: dict[str, str],
    problem: Problem,
    stored: Stored,
    method: str,
    path: str,
    etag_from: str | None,
) -> None:
    before = await stored()
    body = b'{"summary": "One.", "position": 1, "summary": "Two."}'
    answer = problem(await send(writer, admin, method, path, etag_from, body), 400)
    assert answer["type"].endswith("/malformed-json")
    assert "'summary'" in answer["detail"]
    assert [error["name"] for error in answer["errors"]] == ["summary"]
    assert await stored() == before


async def test_a_duplicate_key_in_a_nested_object_is_found(
    writer: Client, admin: dict[str, str], problem: Problem
) -> None:
    body = json.dumps({"slug": "x", "evidence": [{"kind": "paraphrase"}]}).replace(
        '"kind": "paraphrase"', '"kind": "paraphrase", "text": "a", "text": "b"'
    )
    answer = problem(await send(writer, admin, "POST", "/v1/stances", None, body.encode()), 400)
    assert "'text'" in answer["detail"]


async def test_equal_keys_in_different_objects_are_fine(writer: Client, admin: dict[str, str]) -> None:
    body = {"aliases": ["Edi"], "name": "Edi Rama"}
    response = await writer.request(
        "PATCH", "/v1/actors/edi-rama", content=json.dumps({**body, "nested": {"name": 1}}), headers={**admin, **JSON}
    )
    assert response.status_code == 422, response.text  # `nested` is unknown: past decoding, no duplicate found


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
async def test_a_content_encoded_body_is_refused_with_415(
    writer: Client, admin: dict[str, str], problem: Problem, stored: Stored, encoding: str
) -> None:
    before = await stored()
    body = gzip.compress(json.dumps({"summary": "Compressed."}).encode())
    response = await send(writer, admin, "PATCH", "/v1/actors/edi-rama", None, body, **{"Content-Encoding": encoding})
    answer = problem(response, 415)
    assert encoding in answer["detail"]
    assert response.headers["accept-encoding"] == "identity"
    assert await stored() == before


async def test_identity_content_encoding_is_accepted(writer: Client, admin: dict[str, str]) -> None:
    response = await send(
        writer, admin, "PATCH", "/v1/actors/edi-rama", None, b"{}", **{"Content-Encoding": "identity"}
    )
    assert response.status_code == 200, response.text


async def raw_exchange(base: str, request: bytes) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(request)
        await writer.drain()
        return await asyncio.wait_for(reader.read(65536), timeout=10)
    finally:
        writer.close()


async def test_a_malformed_chunked_body_is_not_a_server_error(write_url: str, admin: dict[str, str]) -> None:
    head = (
        "PATCH /v1/actors/edi-rama HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: {admin['Authorization']}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode()
    async with running_server(write_url, {"POSITIONS_WRITE_RATE_LIMIT": "100000"}) as base:
        for chunks in (b"zz\r\n{}\r\n0\r\n\r\n", b"5\r\n{}\r\n0\r\n\r\n", b"2\r\n{}XX0\r\n\r\n"):
            answer = await raw_exchange(base, head + chunks)
            status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else None
            print("CHUNK", chunks, answer[:60], answer[-120:])
            assert status is None or 400 <= status < 500, (chunks, answer)


TOMORROW_EVERYWHERE = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()


@pytest.mark.parametrize("stated_on", ["0001-01-01", "1799-12-31", TOMORROW_EVERYWHERE])
async def test_an_absurd_stated_on_is_a_422_naming_the_field(
    writer: Client, editor: dict[str, str], stance_body: Body, problem: Problem, stored: Stored, stated_on: str
) -> None:
    before = await stored()
    body = stance_body(f"edi-rama-on-uk-albania-strategic-partnership-{stated_on}", stated_on=stated_on)
    answer = problem(await writer.post("/v1/stances", json=body, headers=editor), 422)
    assert [error["name"] for error in answer["errors"]] == ["stated_on"], answer

    etag = (await writer.get(f"/v1/stances/{STANCE}")).headers["etag"]
    patched = await writer.patch(
        f"/v1/stances/{STANCE}", json={"stated_on": stated_on}, headers={**editor, "If-Match": etag}
    )
    assert [error["name"] for error in problem(patched, 422)["errors"]] == ["stated_on"]
    assert await stored() == before


@pytest.mark.parametrize("published_on", ["0001-01-01", TOMORROW_EVERYWHERE])
async def test_an_absurd_published_on_is_a_422_naming_the_field(
    writer: Client, editor: dict[str, str], problem: Problem, stored: Stored, published_on: str
) -> None:
    before = await stored()
    source = {"slug": f"a-source-{published_on}", "kind": "news_article", "title": "T", "published_on": published_on}
    answer = problem(await writer.post("/v1/sources", json=source, headers=editor), 422)
    assert [error["name"] for error in answer["errors"]] == ["published_on"], answer
    patched = await writer.patch(
        "/v1/sources/starmer-first-official-visit-to-albania-2025-05",
        json={"published_on": published_on},
        headers=editor,
    )
    assert [error["name"] for error in problem(patched, 422)["errors"]] == ["published_on"]
    assert await stored() == before


async def test_plausible_dates_at_the_bounds_are_accepted(
    writer: Client, editor: dict[str, str], stance_body: Body
) -> None:
    today = datetime.now(UTC).date().isoformat()
    for slug, published_on in (("an-old-pamphlet", "1800-01-01"), ("todays-statement", today)):
        source = {"slug": slug, "kind": "statement", "title": slug, "published_on": published_on}
        assert (await writer.post("/v1/sources", json=source, headers=editor)).status_code == 201
    body = stance_body(f"edi-rama-on-uk-albania-strategic-partnership-{today}", stated_on=today)
    body["evidence"] = [{"kind": "paraphrase", "text": "Rama spoke today.", "source": "todays-statement"}]
    response = await writer.post("/v1/stances", json=body, headers=editor)
    assert response.status_code == 201, response.text

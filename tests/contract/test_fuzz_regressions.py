"""Requests Schemathesis found the API mishandling (tests/contract/test_fuzz.py), replayed against the app.

Each test pins the correct behaviour for one finding. A finding not fixed yet is marked ``xfail(strict=True)``
with the reason, so the suite reports it as expected-to-fail and turns red the moment the fix lands (then the
marker goes). Fixed so far: NUL characters (500, then a 400 naming no parameter), `since` errors naming `cursor`,
numbers accepted as `as_recorded` timestamps, and OPTIONS answering with one route handler's methods.
"""

import json
import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from db.embedded import PROJECT_ROOT
from tests.problems import assert_problem

OPENAPI = PROJECT_ROOT / "openapi" / "openapi.json"
HTTP_METHODS = {"get", "put", "post", "delete", "patch"}

# A NUL character (%00) in a path or query parameter. PostgreSQL text cannot hold NUL, so before the fix the value
# reached asyncpg and every one of these answered 500 ("invalid byte sequence for encoding UTF8: 0x00").
NUL_REQUESTS = [
    ("/v1/actors?q=%00", "q", "query"),
    ("/v1/actors/a%00b", "slug", "path"),
    ("/v1/policies?jurisdiction=%00", "jurisdiction", "query"),
    ("/v1/policies/%00/timeline", "slug", "path"),
    ("/v1/stances?q=a%00", "q", "query"),
    ("/v1/stances?actor=%00", "actor", "query"),
    ("/v1/evidence?policy=%00", "policy", "query"),
    ("/v1/evidence?q=%00", "q", "query"),
    ("/v1/sources?publisher=%00", "publisher", "query"),
    ("/v1/compare/actors?actors=edi-rama,keir%00", "actors", "query"),
    ("/v1/compare/dates?actor=%00&from=2024-01-01&to=2025-01-01", "actor", "query"),
]


@pytest.mark.parametrize(("url", "parameter", "location"), NUL_REQUESTS)
async def test_a_nul_character_in_a_parameter_is_not_a_server_error(
    client: AsyncTestClient[Litestar], url: str, parameter: str, location: str
) -> None:
    response = await client.get(url)
    assert response.status_code in {200, 400, 404}, (url, response.status_code, response.text)
    if response.status_code >= 400:
        assert_problem(response, response.status_code)


@pytest.mark.parametrize(("url", "parameter", "location"), NUL_REQUESTS)
async def test_a_rejected_nul_character_names_its_parameter(
    client: AsyncTestClient[Litestar], url: str, parameter: str, location: str
) -> None:
    response = await client.get(url)
    if response.status_code != 400:
        return  # accepting the request (200, or 404 for a slug that cannot exist) is fine too
    assert [(error["name"], error["location"]) for error in response.json()["errors"]] == [(parameter, location)]


async def test_a_bad_change_feed_position_names_the_since_parameter(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/v1/changes", params={"since": "not-a-cursor"})
    body = assert_problem(response, 400, "invalid-parameter")
    assert [(error["name"], error["location"]) for error in body["errors"]] == [("since", "query")]


@pytest.mark.parametrize("value", ["0.5", "1", "-1", "1e10"])
async def test_as_recorded_must_be_a_date_time(client: AsyncTestClient[Litestar], value: str) -> None:
    response = await client.get("/v1/actors", params={"as_recorded": value})
    assert response.status_code == 400, response.text
    assert [error["name"] for error in response.json()["errors"]] == ["as_recorded"]


async def test_options_allows_every_documented_method(client: AsyncTestClient[Litestar]) -> None:
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))
    mismatches = []
    for template, item in document["paths"].items():
        documented = {method.upper() for method in item if method in HTTP_METHODS}
        path = re.sub(r"\{[^}]+\}", "x", template)
        response = await client.options(path)
        allowed = {method.strip() for method in response.headers.get("allow", "").split(",") if method.strip()}
        if response.status_code not in {200, 204} or not documented <= allowed:
            mismatches.append(
                f"OPTIONS {path}: {response.status_code}, Allow: {sorted(allowed)}, documented: {sorted(documented)}"
            )
    assert not mismatches, "\n".join(mismatches)

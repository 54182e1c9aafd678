"""``as_recorded`` at the edges of the calendar: a moment whose UTC time falls before year 1 or after 9999
is before or after every revision, not a server error (found by the fuzzer: ``0001-01-01T01:00:00+03:05``)."""

from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]

READS = [
    "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-15",
    "/v1/compare/dates?actor=keir-starmer&from=2024-07-05&to=2025-05-16",
    "/v1/policies/uk-return-hubs/positions?as_of=2025-05-16",
    "/v1/policies/uk-return-hubs/timeline?include_retracted=true",
    "/v1/policies/uk-offshoring-asylum-seekers/changes?from=2024-07-05&to=2025-05-16",
    "/v1/actors?limit=100",
    "/v1/policies?limit=100",
    "/v1/sources?limit=100",
    "/v1/stances?limit=100",
    "/v1/evidence?limit=100",
    "/v1/evidence?limit=100&q=Italy",
]


def entries(body: dict[str, object]) -> object:
    for key in ("rows", "entries", "changes", "positions", "items"):
        if key in body:
            return body[key]
    raise AssertionError(body)


@pytest.mark.parametrize("path", READS)
async def test_a_moment_before_year_one_in_utc_is_before_every_revision(client: Client, path: str) -> None:
    response = await client.get(f"{path}&as_recorded={quote('0001-01-01T01:00:00+03:05')}")

    assert response.status_code == 200, response.text
    assert entries(response.json()) == []


@pytest.mark.parametrize("path", READS)
async def test_a_moment_after_9999_in_utc_is_after_every_revision(client: Client, path: str) -> None:
    now = await client.get(path)
    response = await client.get(f"{path}&as_recorded={quote('9999-12-31T23:00:00-03:00')}")

    assert response.status_code == 200, response.text
    assert entries(response.json()) == entries(now.json())
    assert entries(response.json()) != []

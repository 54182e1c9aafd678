"""Content negotiation on the JSON endpoints: an Accept header that rules out JSON gets 406 problem details."""

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.problems import assert_problem

Client = AsyncTestClient[Litestar]


@pytest.mark.parametrize("accept", ["application/xml", "text/html", "application/json;q=0", "image/*"])
async def test_an_accept_header_ruling_out_json_is_406(client: Client, accept: str) -> None:
    response = await client.get("/v1/actors", headers={"Accept": accept})
    assert_problem(response, 406, "not-acceptable")


@pytest.mark.parametrize("accept", ["application/json", "*/*", "application/*", "text/html, */*;q=0.1", ""])
async def test_an_accept_header_allowing_json_gets_json(client: Client, accept: str) -> None:
    response = await client.get("/v1/actors/edi-rama", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.json()["slug"] == "edi-rama"


async def test_comparisons_still_negotiate_csv_themselves(client: Client) -> None:
    response = await client.get(
        "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-15", headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")

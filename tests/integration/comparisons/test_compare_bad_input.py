"""Bad input to the comparison endpoints: always an `application/problem+json` 4xx naming the culprit, never a 500."""

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.problems import assert_problem

Client = AsyncTestClient[Litestar]

ELEVEN_ACTORS = [
    "edi-rama",
    "keir-starmer",
    "shabana-mahmood",
    "chris-philp",
    "rishi-sunak",
    "giorgia-meloni",
    "nigel-farage",
    "uk-government",
    "downing-street",
    "home-office",
    "labour-party",
]


def named(body: dict[str, Any]) -> set[str]:
    return {error["name"] for error in body.get("errors", [])}


# --- unknown slugs --------------------------------------------------------------------------------------------


async def test_unknown_actor_is_404_naming_it(client: Client) -> None:
    response = await client.get("/v1/compare/actors", params={"actors": "edi-rama,no-such-actor"})
    body = assert_problem(response, 404)
    assert "no-such-actor" in body["detail"]
    assert "edi-rama" not in body["detail"]
    assert named(body) == {"actors"}
    assert [e["message"] for e in body["errors"]] == ["unknown actor 'no-such-actor'"]


async def test_every_unknown_actor_is_named(client: Client) -> None:
    response = await client.get(
        "/v1/compare/actors", params={"actors": "ghost-one,edi-rama,ghost-two,keir-starmer,ghost-three"}
    )
    body = assert_problem(response, 404)
    for slug in ("ghost-one", "ghost-two", "ghost-three"):
        assert slug in body["detail"]
        assert any(slug in e["message"] for e in body["errors"]), slug
    assert len(body["errors"]) == 3
    assert named(body) == {"actors"}
    assert all(e["location"] == "query" for e in body["errors"])


async def test_unknown_actor_in_compare_dates_is_404(client: Client) -> None:
    response = await client.get(
        "/v1/compare/dates", params={"actor": "no-such-actor", "from": "2025-01-01", "to": "2025-06-01"}
    )
    body = assert_problem(response, 404)
    assert "no-such-actor" in body["detail"]
    assert named(body) == {"actor"}


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/compare/actors", {"actors": "edi-rama,keir-starmer", "policies": "uk-return-hubs,no-such-policy"}),
        ("/v1/compare/dates", {"actor": "keir-starmer", "from": "2025-01-01", "to": "2025-06-01", "policies": "nope"}),
    ],
)
async def test_unknown_policy_filter_is_404(client: Client, path: str, params: dict[str, str]) -> None:
    body = assert_problem(await client.get(path, params=params), 404)
    unknown = params["policies"].split(",")[-1]
    assert unknown in body["detail"]
    assert named(body) == {"policies"}
    assert len(body["errors"]) == 1


async def test_every_unknown_policy_is_named(client: Client) -> None:
    response = await client.get(
        "/v1/compare/actors", params={"actors": "edi-rama,keir-starmer", "policies": "nope-a,uk-return-hubs,nope-b"}
    )
    body = assert_problem(response, 404)
    assert "nope-a" in body["detail"]
    assert "nope-b" in body["detail"]
    assert len(body["errors"]) == 2


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/compare/actors", {"actors": "edi-rama,keir-starmer", "topic": "no-such-topic"}),
        ("/v1/compare/dates", {"actor": "keir-starmer", "from": "2025-01-01", "to": "2025-06-01", "topic": "nope"}),
    ],
)
async def test_unknown_topic_is_404(client: Client, path: str, params: dict[str, str]) -> None:
    body = assert_problem(await client.get(path, params=params), 404)
    assert params["topic"] in body["detail"]
    assert named(body) == {"topic"}


@pytest.mark.parametrize("view", ["positions", "timeline", "changes?from=2025-01-01&to=2025-06-01"])
async def test_unknown_policy_path_is_404(client: Client, view: str) -> None:
    body = assert_problem(await client.get(f"/v1/policies/no-such-policy/{view}"), 404)
    assert "no-such-policy" in body["detail"]


# --- the actors list ------------------------------------------------------------------------------------------


async def test_duplicate_actors_are_400_naming_actors(client: Client) -> None:
    response = await client.get("/v1/compare/actors", params={"actors": "edi-rama,keir-starmer,edi-rama"})
    body = assert_problem(response, 400)
    assert named(body) == {"actors"}
    assert "edi-rama" in body["errors"][0]["message"]


async def test_eleven_actors_are_400(client: Client) -> None:
    response = await client.get("/v1/compare/actors", params={"actors": ",".join(ELEVEN_ACTORS)})
    body = assert_problem(response, 400)
    assert named(body) == {"actors"}
    assert "10" in body["errors"][0]["message"]


async def test_eleven_actors_are_400_even_when_unknown(client: Client) -> None:
    response = await client.get("/v1/compare/actors", params={"actors": ",".join(f"ghost-{i}" for i in range(11))})
    assert named(assert_problem(response, 400)) == {"actors"}


@pytest.mark.parametrize("actors", ["edi-rama", "keir-starmer", "no-such-actor"])
async def test_single_actor_is_400(client: Client, actors: str) -> None:
    body = assert_problem(await client.get("/v1/compare/actors", params={"actors": actors}), 400)
    assert named(body) == {"actors"}


@pytest.mark.parametrize("actors", ["edi-rama,", ",edi-rama", "edi-rama,,keir-starmer", ",,,", "", "ab"])
async def test_malformed_actor_lists_are_400(client: Client, actors: str) -> None:
    body = assert_problem(await client.get("/v1/compare/actors", params={"actors": actors}), 400)
    assert "actors" in body["detail"]


# --- dates ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/v1/compare/dates?actor=keir-starmer", "/v1/policies/uk-offshoring-asylum-seekers/changes?"]
)
async def test_from_after_to_is_400_naming_from(client: Client, path: str) -> None:
    body = assert_problem(await client.get(f"{path}&from=2025-06-01&to=2025-01-01"), 400)
    assert named(body) == {"from"}
    assert "'from'" in body["detail"]


@pytest.mark.parametrize("bad", ["2025-02-30", "2025-13-01", "2025-00-10", "not-a-date"])
@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/v1/compare/actors?actors=edi-rama,keir-starmer", "as_of"),
        ("/v1/policies/uk-return-hubs/positions?", "as_of"),
        ("/v1/compare/dates?actor=keir-starmer&to=2025-06-01", "from"),
        ("/v1/compare/dates?actor=keir-starmer&from=2024-01-01", "to"),
        ("/v1/policies/uk-return-hubs/changes?to=2025-06-01", "from"),
        ("/v1/policies/uk-return-hubs/changes?from=2024-01-01", "to"),
    ],
)
async def test_impossible_date_is_400_naming_the_parameter(client: Client, path: str, parameter: str, bad: str) -> None:
    body = assert_problem(await client.get(f"{path}&{parameter}={bad}"), 400)
    assert named(body) == {parameter}
    assert f"'{parameter}'" in body["detail"]


@pytest.mark.parametrize("bad", ["2025-02-30", "2025-13-01"])
@pytest.mark.parametrize(
    "path",
    [
        "/v1/compare/dates?actor=keir-starmer&to=2025-06-01&from=",
        "/v1/compare/dates?actor=keir-starmer&from=2024-01-01&to=",
        "/v1/policies/uk-return-hubs/changes?to=2025-06-01&from=",
        "/v1/policies/uk-return-hubs/changes?from=2024-01-01&to=",
    ],
)
async def test_impossible_from_or_to_is_400(client: Client, path: str, bad: str) -> None:
    body = assert_problem(await client.get(path + bad), 400)
    assert len(body["errors"]) == 1


# --- missing parameters and bad formats -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "missing"),
    [
        ("/v1/compare/actors", "actors"),
        ("/v1/compare/actors?as_of=2025-05-16", "actors"),
        ("/v1/compare/dates?from=2025-01-01&to=2025-06-01", "actor"),
        ("/v1/compare/dates?actor=keir-starmer&to=2025-06-01", "from"),
        ("/v1/compare/dates?actor=keir-starmer&from=2025-01-01", "to"),
        ("/v1/policies/uk-return-hubs/changes?to=2025-06-01", "from"),
        ("/v1/policies/uk-return-hubs/changes?from=2025-01-01", "to"),
        ("/v1/policies/uk-return-hubs/changes", "from"),
    ],
)
async def test_missing_required_parameter_is_400(client: Client, path: str, missing: str) -> None:
    body = assert_problem(await client.get(path), 400)
    assert f"'{missing}'" in body["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/compare/actors?actors=edi-rama,keir-starmer",
        "/v1/compare/dates?actor=keir-starmer&from=2025-01-01&to=2025-06-01",
        "/v1/policies/uk-return-hubs/positions?",
        "/v1/policies/uk-return-hubs/timeline?",
        "/v1/policies/uk-return-hubs/changes?from=2025-01-01&to=2025-06-01",
    ],
)
@pytest.mark.parametrize("value", ["xml", "CSV", "", "json,csv"])
async def test_bad_format_is_400_naming_format(client: Client, path: str, value: str) -> None:
    body = assert_problem(await client.get(f"{path}&format={value}"), 400)
    assert named(body) == {"format"}


# --- never a 500 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/v1/compare/actors?actors=" + "a" * 5000,
        "/v1/compare/actors?actors=edi-rama,keir-starmer&policies=" + ",".join(f"p{i}" for i in range(51)),
        "/v1/compare/actors?actors=edi-rama,keir-starmer&policies=uk-return-hubs,uk-return-hubs",
        "/v1/compare/actors?actors=edi-rama,keir-starmer&policies=,",
        "/v1/compare/actors?actors=edi-rama,keir-starmer&topic=" + "t" * 500,
        "/v1/compare/actors?actors=EDI-RAMA,keir-starmer",
        "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=99999-01-01",
        "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=0000-01-01",
        "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-16T00:00:00",
        "/v1/compare/dates?actor=&from=2025-01-01&to=2025-06-01",
        "/v1/policies/" + "x" * 500 + "/positions",
        "/v1/policies/uk-return-hubs/timeline?include_retracted=maybe",
    ],
)
async def test_odd_input_is_a_4xx_problem(client: Client, path: str) -> None:
    response = await client.get(path)
    assert 400 <= response.status_code < 500, response.text
    assert_problem(response, response.status_code)


@pytest.mark.parametrize(
    "path",
    [
        "/v1/compare/actors?actors=edi-rama%00,keir-starmer",
        "/v1/compare/actors?actors=edi-rama,keir-starmer&policies=uk-return-hubs%00",
        "/v1/compare/actors?actors=edi-rama,keir-starmer&topic=asylum-returns%00",
        "/v1/compare/dates?actor=keir-starmer%00&from=2025-01-01&to=2025-06-01",
        "/v1/policies/uk-return-hubs%00/positions",
        "/v1/policies/uk-return-hubs%00/timeline",
        "/v1/policies/uk-return-hubs%00/changes?from=2025-01-01&to=2025-06-01",
    ],
)
async def test_nul_byte_in_a_slug_is_a_4xx_problem(client: Client, path: str) -> None:
    response = await client.get(path)
    assert 400 <= response.status_code < 500, response.text
    assert_problem(response, response.status_code)

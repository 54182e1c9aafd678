"""Office-aware attribution on the seed data: with `attribution=holder`, Downing Street's and the PM's spokesman's
stances count for the person who was Prime Minister on the stance's day, marked as attributed through the role."""

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.problems import assert_problem

Client = AsyncTestClient[Litestar]
PM = "Prime Minister of the United Kingdom"


async def get(client: Client, path: str) -> dict[str, Any]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def cells(body: dict[str, Any], actor: str) -> dict[str, dict[str, Any]]:
    return {
        row["policy"]["slug"]: cell["stance"]
        for row in body["rows"]
        for cell in row["positions"]
        if cell["actor"] == actor and cell["stance"] is not None
    }


async def test_downing_street_on_15_may_2025_is_starmer(client: Client) -> None:
    path = "/v1/compare/actors?actors=downing-street,edi-rama&as_of=2025-05-15"
    as_stated = await get(client, path)
    holder = await get(client, path + "&attribution=holder")

    assert [a["slug"] for a in as_stated["actors"]] == ["downing-street", "edi-rama"]
    assert [a["slug"] for a in holder["actors"]] == ["keir-starmer", "edi-rama"]
    assert holder["attributed"] == [
        {
            "office": {"slug": "downing-street", "name": "Downing Street", "kind": "office"},
            "role": PM,
            "holder": {"slug": "keir-starmer", "name": "Keir Starmer", "kind": "person"},
        }
    ]
    assert "attribution=holder" in holder["method"]

    # Downing Street's stance that day is now in Starmer's row, marked as attributed through the role.
    number10 = cells(as_stated, "downing-street")
    starmer = cells(holder, "keir-starmer")
    attributed = {slug: stance for slug, stance in starmer.items() if stance["attributed_via"] is not None}
    assert attributed
    for slug, stance in attributed.items():
        assert stance["attributed_via"] == {
            "office": {"slug": "downing-street", "name": "Downing Street", "kind": "office"},
            "role": PM,
        }
        assert stance["slug"] == number10[slug]["slug"]


async def test_a_persons_own_stance_wins_over_an_attributed_one_on_the_same_day(client: Client) -> None:
    own = cells(await get(client, "/v1/compare/actors?actors=keir-starmer,edi-rama&as_of=2025-05-15"), "keir-starmer")
    holder = cells(
        await get(client, "/v1/compare/actors?actors=keir-starmer,edi-rama&as_of=2025-05-15&attribution=holder"),
        "keir-starmer",
    )
    for policy, stance in own.items():
        if stance["stated_on"] == "2025-05-15":
            assert holder[policy]["slug"] == stance["slug"]
            assert holder[policy]["attributed_via"] is None


async def test_before_starmer_took_office_downing_street_was_sunak(client: Client) -> None:
    body = await get(client, "/v1/compare/actors?actors=downing-street,edi-rama&as_of=2023-06-01&attribution=holder")
    assert [a["slug"] for a in body["actors"]] == ["rishi-sunak", "edi-rama"]
    assert body["attributed"][0]["holder"]["slug"] == "rishi-sunak"


async def test_as_stated_is_the_default_and_marks_nothing(client: Client) -> None:
    body = await get(client, "/v1/compare/actors?actors=downing-street,edi-rama&as_of=2025-05-15")
    assert body["attributed"] == []
    for row in body["rows"]:
        for cell in row["positions"]:
            assert cell["stance"] is None or cell["stance"]["attributed_via"] is None


async def test_policy_positions_move_office_stances_to_their_holders(client: Client) -> None:
    path = "/v1/policies/uk-rwanda-scheme/positions?as_of=2025-05-16"
    as_stated = {item["actor"]["slug"]: item["stance"] for item in (await get(client, path))["positions"]}
    holder = {
        item["actor"]["slug"]: item["stance"] for item in (await get(client, path + "&attribution=holder"))["positions"]
    }
    assert "downing-street" in as_stated
    assert "downing-street" not in holder  # Downing Street's stance is the Prime Minister's that day
    assert "keir-starmer" in holder


async def test_two_names_for_one_holder_is_a_422(client: Client) -> None:
    response = await client.get(
        "/v1/compare/actors?actors=downing-street,keir-starmer&as_of=2025-05-15&attribution=holder"
    )
    assert_problem(response, 422)
    assert "keir-starmer" in response.text


async def test_an_unknown_attribution_is_a_400(client: Client) -> None:
    assert_problem(await client.get("/v1/compare/actors?actors=downing-street,edi-rama&attribution=whoever"), 400)


async def test_how_starmer_moved_counts_downing_streets_words_as_his_with_holder(client: Client) -> None:
    path = "/v1/compare/dates?actor=keir-starmer&from=2024-07-05&to=2025-05-16"
    own = {row["policy"]["slug"] for row in (await get(client, path))["rows"]}
    holder = await get(client, path + "&attribution=holder")
    attributed = {
        row["policy"]["slug"]
        for row in holder["rows"]
        if row["to_stance"] is not None and row["to_stance"]["attributed_via"] is not None
    }
    assert attributed  # Downing Street spoke for him on a policy by 16 May 2025
    assert own | attributed == {row["policy"]["slug"] for row in holder["rows"]}
    assert "attribution=holder" in holder["method"]

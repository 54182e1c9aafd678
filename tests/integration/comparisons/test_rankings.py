"""Rankings on the seed data: the actors most and least aligned with an actor, checked against the pairwise
comparisons they summarise, and a policy's positions ranked from the strongest support or opposition."""

import csv
import io
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.problems import assert_problem

Client = AsyncTestClient[Litestar]
AS_OF = "2025-11-20"


async def get(client: Client, path: str) -> dict[str, Any]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def all_actors(client: Client) -> list[dict[str, Any]]:
    actors: list[dict[str, Any]] = []
    cursor = ""
    while True:
        page = await get(client, f"/v1/actors?limit=100{cursor}")
        actors += page["items"]
        if not page["next_cursor"]:
            return actors
        cursor = f"&cursor={page['next_cursor']}"


async def pairwise(client: Client, actor: str, others: list[str]) -> dict[str, dict[str, Any]]:
    """Each other actor's pair summary with ``actor`` from /v1/compare/actors, the figure a ranking must repeat."""
    found = {}
    for other in others:
        body = await get(client, f"/v1/compare/actors?actors={actor},{other}&as_of={AS_OF}")
        found[other] = body["summary"][0]
    return found


@pytest.mark.parametrize("min_shared", [1, 2])
async def test_alignment_repeats_every_pairwise_score_that_rests_on_enough_policies(
    client: Client, min_shared: int
) -> None:
    body = await get(client, f"/v1/actors/keir-starmer/alignment?as_of={AS_OF}&min_shared={min_shared}&limit=100")
    others = [a["slug"] for a in await all_actors(client) if a["slug"] != "keir-starmer"]
    pairs = await pairwise(client, "keir-starmer", others)
    expected = {slug for slug, pair in pairs.items() if pair["policies_compared"] >= min_shared}
    assert expected  # the seed has actors sharing policies with Starmer
    assert {item["actor"]["slug"] for item in body["most_aligned"]} == expected
    assert body["actors_compared"] == len(expected)
    for item in body["most_aligned"]:
        pair = pairs[item["actor"]["slug"]]
        assert item["score"] == pytest.approx(pair["score"])
        assert item["policies_compared"] == pair["policies_compared"]
        assert (item["agree"], item["disagree"]) == (pair["agree"], pair["disagree"])
        assert item["agree"] + item["disagree"] + item["partial"] == item["policies_compared"]
        assert item["strength"] == pair["strength"]  # the same evidence, counted and labelled the same way


async def test_the_lists_are_ordered_and_cut_at_the_limit(client: Client) -> None:
    full = await get(client, f"/v1/actors/keir-starmer/alignment?as_of={AS_OF}&min_shared=1&limit=100")
    most = [(-i["score"], -i["policies_compared"], i["actor"]["slug"]) for i in full["most_aligned"]]
    least = [(i["score"], -i["policies_compared"], i["actor"]["slug"]) for i in full["least_aligned"]]
    assert most == sorted(most)
    assert least == sorted(least)
    assert full["min_shared"] == 1
    assert full["actor"]["slug"] == "keir-starmer"
    assert "min_shared" in full["method"]

    cut = await get(client, f"/v1/actors/keir-starmer/alignment?as_of={AS_OF}&min_shared=1&limit=2")
    assert cut["most_aligned"] == full["most_aligned"][:2]
    assert cut["least_aligned"] == full["least_aligned"][:2]
    assert cut["actors_compared"] == full["actors_compared"]


async def test_one_shared_policy_does_not_top_the_list_by_default(client: Client) -> None:
    body = await get(client, f"/v1/actors/keir-starmer/alignment?as_of={AS_OF}")
    assert body["min_shared"] == 2
    assert all(item["policies_compared"] >= 2 for item in body["most_aligned"] + body["least_aligned"])


async def test_kind_keeps_only_that_kind_of_actor(client: Client) -> None:
    body = await get(client, f"/v1/actors/keir-starmer/alignment?as_of={AS_OF}&min_shared=1&kind=person&limit=100")
    assert body["most_aligned"]
    assert {item["actor"]["kind"] for item in body["most_aligned"]} == {"person"}


async def test_alignment_strength_follows_the_evidence_as_of_the_day(client: Client) -> None:
    """Years later the same stances are stale evidence: the labels weaken and the ages grow by the days between."""
    now = await get(client, f"/v1/actors/keir-starmer/alignment?as_of={AS_OF}&limit=100")
    later = await get(client, "/v1/actors/keir-starmer/alignment?as_of=2029-11-20&limit=100")
    by_slug = {item["actor"]["slug"]: item["strength"] for item in later["most_aligned"]}
    for item in now["most_aligned"]:
        stale = by_slug[item["actor"]["slug"]]
        assert stale["label"] == "weak"  # four years on, every stance's newest evidence is over two years old
        assert stale["evidence"] == item["strength"]["evidence"]
        assert stale["newest_age_days"] == item["strength"]["newest_age_days"] + 1461


async def test_alignment_csv_lists_both_rankings(client: Client) -> None:
    path = f"/v1/actors/keir-starmer/alignment?as_of={AS_OF}&min_shared=1&limit=3"
    body = await get(client, path)
    response = await client.get(path + "&format=csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["list"], r["rank"], r["other_actor_slug"]) for r in rows] == [
        *[("most_aligned", str(n), i["actor"]["slug"]) for n, i in enumerate(body["most_aligned"], 1)],
        *[("least_aligned", str(n), i["actor"]["slug"]) for n, i in enumerate(body["least_aligned"], 1)],
    ]
    first = body["most_aligned"][0]["strength"]
    assert (rows[0]["strength"], rows[0]["direct_quotes"]) == (first["label"], str(first["evidence"]["direct_quote"]))


@pytest.mark.parametrize(
    ("query", "status", "name"),
    [
        ("min_shared=0", 400, "min_shared"),
        ("limit=101", 400, "limit"),
        ("kind=robot", 400, "kind"),
        ("as_of=2025-02-30", 400, "as_of"),
    ],
)
async def test_bad_alignment_parameters_are_problems(client: Client, query: str, status: int, name: str) -> None:
    response = await client.get(f"/v1/actors/keir-starmer/alignment?{query}")
    problem = assert_problem(response, status)
    assert name in response.text, problem


async def test_an_actor_with_no_position_yet_has_empty_lists(client: Client) -> None:
    body = await get(client, "/v1/actors/keir-starmer/alignment?as_of=2000-01-01")
    assert (body["actors_compared"], body["most_aligned"], body["least_aligned"]) == (0, [], [])


async def test_unknown_actor_is_a_404_naming_it(client: Client) -> None:
    response = await client.get("/v1/actors/nobody-at-all/alignment")
    assert_problem(response, 404)
    assert "nobody-at-all" in response.text


@pytest.mark.parametrize(("order", "sign"), [("strongest_support", -1), ("strongest_opposition", 1)])
async def test_policy_positions_ranked_by_strength_of_position(client: Client, order: str, sign: int) -> None:
    plain = await get(client, f"/v1/policies/uk-return-hubs/positions?as_of={AS_OF}")
    ranked = await get(client, f"/v1/policies/uk-return-hubs/positions?as_of={AS_OF}&order={order}")
    slugs = [item["actor"]["slug"] for item in plain["positions"]]
    assert slugs == sorted(slugs)  # the default order is by actor
    assert sorted(i["actor"]["slug"] for i in ranked["positions"]) == slugs  # the same actors, reordered
    positions = [item["stance"]["position"] for item in ranked["positions"]]
    numbered = [p for p in positions if p is not None]
    assert positions[: len(numbered)] == numbered  # no position (mixed, unclear) last
    assert [sign * p for p in numbered] == sorted(sign * p for p in numbered)
    assert len(set(numbered)) > 1  # the seed has more than one position on this policy


async def test_an_unknown_order_is_a_400(client: Client) -> None:
    assert_problem(await client.get("/v1/policies/uk-return-hubs/positions?order=loudest"), 400)

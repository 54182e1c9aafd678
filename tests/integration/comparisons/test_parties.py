"""Party roll-ups on the seed data: members are the people holding a role in a party's actor on the day, their
effective stances are rolled up per policy, the party's own stance is shown apart, and parties are compared."""

import csv
import io
import statistics
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.problems import assert_problem

Client = AsyncTestClient[Litestar]
AS_OF = "2025-05-16"
PARTIES = f"/v1/compare/parties?parties=labour-party,conservative-party&as_of={AS_OF}"


async def get(client: Client, path: str) -> dict[str, Any]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def party_cell(body: dict[str, Any], policy: str, party: str) -> dict[str, Any]:
    row = next(row for row in body["rows"] if row["policy"]["slug"] == policy)
    cell: dict[str, Any] = next(item for item in row["parties"] if item["party"] == party)
    return cell


async def members_stances(client: Client, members: list[str], policy: str) -> list[dict[str, Any]]:
    """The members' own effective stances on the policy, read from the actor comparison."""
    stances = []
    for member in members:
        body = await get(client, f"/v1/compare/actors?actors={member},edi-rama&as_of={AS_OF}&policies={policy}")
        for row in body["rows"]:
            cell = next(p["stance"] for p in row["positions"] if p["actor"] == member)
            if cell is not None:
                stances.append(cell)
    return stances


async def test_labour_and_conservatives_on_the_rwanda_scheme(client: Client) -> None:
    body = await get(client, PARTIES)
    assert [party["slug"] for party in body["parties"]] == ["labour-party", "conservative-party"]
    assert "members" in body["method"]

    # On 16 May 2025 Labour's members by role are Starmer (leader) and Mahmood; the Conservatives', Philp
    # (Sunak's leadership ended in November 2024).
    for party, members in (
        ("labour-party", ["keir-starmer", "shabana-mahmood"]),
        ("conservative-party", ["chris-philp"]),
    ):
        cell = party_cell(body, "uk-rwanda-scheme", party)
        assert cell["members"] == len(members)
        stances = await members_stances(client, members, "uk-rwanda-scheme")
        numbers = [s["position"] for s in stances if s["position"] is not None]
        assert cell["members_with_stance"] == len(stances)
        assert cell["mean"] == (pytest.approx(statistics.fmean(numbers)) if numbers else None)
        assert cell["support"] == sum(n > 0 for n in numbers)
        assert cell["oppose"] == sum(n < 0 for n in numbers)
        assert cell["no_position"] == len(stances) - len(numbers)

        strength = cell["strength"]
        assert strength["stances"] == len(stances)
        for kind in ("direct_quote", "paraphrase", "reported_action", "recorded_vote"):
            assert strength["evidence"][kind] == sum(s["strength"]["evidence"][kind] for s in stances)
        labels = [s["strength"]["label"] for s in stances]
        if not labels or 2 * labels.count("weak") > len(labels):
            assert strength["label"] == "weak"
        else:
            assert strength["label"] in {"moderate", "strong"}

    conservatives = party_cell(body, "uk-rwanda-scheme", "conservative-party")
    assert conservatives["mean"] == 2  # Philp backs the Rwanda deterrent
    assert conservatives["own_stance"] is not None  # the party's own stance, shown apart
    labour = party_cell(body, "uk-rwanda-scheme", "labour-party")
    assert labour["own_stance"]["position"] < 0  # Labour scrapped it


async def test_the_party_matrix_compares_means(client: Client) -> None:
    body = await get(client, PARTIES)
    matrix = body["matrix"]
    assert matrix["actors"] == ["labour-party", "conservative-party"]
    distances = []
    for row in body["rows"]:
        means = [item["mean"] for item in row["parties"]]
        if None not in means:
            distances.append(abs(means[0] - means[1]))
    assert matrix["counts"][0][1] == matrix["counts"][1][0] == len(distances)
    assert matrix["strengths"][0][0] is None
    assert matrix["strengths"][0][1] == matrix["strengths"][1][0]
    weaker = [
        min((item["strength"]["label"] for item in row["parties"]), key=["weak", "moderate", "strong"].index)
        for row in body["rows"]
        if None not in [item["mean"] for item in row["parties"]]
    ]
    if not weaker or 2 * weaker.count("weak") > len(weaker):
        assert matrix["strengths"][0][1] == "weak"
    else:
        assert matrix["strengths"][0][1] in {"moderate", "strong"}
    if distances:
        assert matrix["scores"][0][1] == pytest.approx(1 - statistics.fmean(distances) / 4, abs=1e-4)
    else:
        assert matrix["scores"][0][1] is None


async def test_party_csv_has_one_row_per_policy_and_party(client: Client) -> None:
    body = await get(client, PARTIES)
    response = await client.get(PARTIES + "&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 2 * len(body["rows"])
    rwanda = {r["party_slug"]: r for r in rows if r["policy_slug"] == "uk-rwanda-scheme"}
    assert rwanda["conservative-party"]["mean"] == "2.0"
    cell = party_cell(body, "uk-rwanda-scheme", "conservative-party")
    assert rwanda["conservative-party"]["strength"] == cell["strength"]["label"]
    assert rwanda["conservative-party"]["direct_quotes"] == str(cell["strength"]["evidence"]["direct_quote"])


async def test_positions_grouped_by_party(client: Client) -> None:
    body = await get(client, f"/v1/policies/uk-rwanda-scheme/positions?as_of={AS_OF}&group_by=party")
    assert body["parties"] is not None
    [row] = body["parties"]
    assert row["policy"]["slug"] == "uk-rwanda-scheme"
    by_party = {item["party"]: item for item in row["parties"]}
    compared = await get(client, PARTIES + "&policies=uk-rwanda-scheme")
    for party in ("labour-party", "conservative-party"):
        expected = party_cell(compared, "uk-rwanda-scheme", party)
        assert by_party[party] == expected
    plain = await get(client, f"/v1/policies/uk-rwanda-scheme/positions?as_of={AS_OF}")
    assert plain["parties"] is None


async def test_positions_grouped_by_party_as_csv_are_the_roll_up_table(client: Client) -> None:
    path = f"/v1/policies/uk-rwanda-scheme/positions?as_of={AS_OF}&group_by=party"
    body = await get(client, path)
    response = await client.get(path + "&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == len(body["parties"][0]["parties"])
    tories = next(row for row in rows if row["party_slug"] == "conservative-party")
    cell = next(item for item in body["parties"][0]["parties"] if item["party"] == "conservative-party")
    assert (tories["policy_slug"], tories["party_name"], tories["mean"], tories["strength"]) == (
        "uk-rwanda-scheme",
        "Conservative Party",
        str(cell["mean"]),
        cell["strength"]["label"],
    )
    assert cell["party_name"] == "Conservative Party"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("parties=labour-party", 422),  # one party
        ("parties=labour-party,labour-party", 422),  # one party twice
        ("parties=labour-party,keir-starmer", 422),  # not a party
        ("parties=labour-party,no-such-party", 404),
    ],
)
async def test_bad_party_comparisons_are_problems(client: Client, query: str, status: int) -> None:
    assert_problem(await client.get(f"/v1/compare/parties?{query}"), status)

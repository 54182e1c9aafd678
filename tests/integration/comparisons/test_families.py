"""Policy families on the seed data: the tree under a policy through `part_of` and `successor_of`, and
`family=true` on positions, timeline, changes and comparisons, each row naming the member it is about."""

import csv
import io
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.problems import assert_problem

Client = AsyncTestClient[Litestar]
HUBS = "uk-return-hubs"
HOSTING = "uk-albania-return-hub-hosting"


async def get(client: Client, path: str) -> dict[str, Any]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def members(body: dict[str, Any]) -> list[tuple[str, str | None, str | None, int]]:
    return [(m["policy"]["slug"], m["parent"], m["relation"], m["depth"]) for m in body["members"]]


async def test_the_hosting_question_is_in_the_return_hubs_family(client: Client) -> None:
    body = await get(client, f"/v1/policies/{HUBS}/family")
    assert members(body) == [(HUBS, None, None, 0), (HOSTING, HUBS, "part_of", 1)]
    assert "part_of" in body["method"]


async def test_a_family_is_a_tree_in_depth_first_order(client: Client) -> None:
    body = await get(client, "/v1/policies/uk-offshoring-asylum-seekers/family")
    assert members(body) == [
        ("uk-offshoring-asylum-seekers", None, None, 0),
        (HUBS, "uk-offshoring-asylum-seekers", "part_of", 1),
        (HOSTING, HUBS, "part_of", 2),
        ("uk-rwanda-scheme", "uk-offshoring-asylum-seekers", "part_of", 1),
    ]


async def test_a_policy_with_nothing_below_is_its_own_family(client: Client) -> None:
    body = await get(client, f"/v1/policies/{HOSTING}/family")
    assert members(body) == [(HOSTING, None, None, 0)]


async def test_positions_with_family_include_the_members_each_row_naming_its_policy(client: Client) -> None:
    alone = await get(client, f"/v1/policies/{HUBS}/positions?as_of=2025-05-16")
    family = await get(client, f"/v1/policies/{HUBS}/positions?as_of=2025-05-16&family=true")
    assert [p["slug"] for p in alone["family"]] == [HUBS]
    assert {item["policy"]["slug"] for item in alone["positions"]} == {HUBS}
    assert [p["slug"] for p in family["family"]] == [HUBS, HOSTING]
    rows = {(item["actor"]["slug"], item["policy"]["slug"]): item["stance"] for item in family["positions"]}
    assert rows[("edi-rama", HOSTING)]["position"] == -2  # Rama rules out hosting a hub in Albania
    assert {key for key in rows if key[1] == HUBS} == {(item["actor"]["slug"], HUBS) for item in alone["positions"]}
    keys = [(item["actor"]["slug"], item["policy"]["slug"]) for item in family["positions"]]
    assert keys == sorted(keys)


async def test_positions_csv_names_each_rows_policy(client: Client) -> None:
    response = await client.get(f"/v1/policies/{HUBS}/positions?as_of=2025-05-16&family=true&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {row["policy_slug"] for row in rows} == {HUBS, HOSTING}


async def test_timeline_and_changes_with_family(client: Client) -> None:
    timeline = await get(client, f"/v1/policies/{HUBS}/timeline?family=true")
    policies = {entry["policy"]["slug"] for entry in timeline["entries"]}
    assert policies == {HUBS, HOSTING}
    days = [entry["stance"]["stated_on"] for entry in timeline["entries"]]
    assert days == sorted(days)
    plain = await get(client, f"/v1/policies/{HUBS}/timeline")
    assert {entry["policy"]["slug"] for entry in plain["entries"]} == {HUBS}

    changes = await get(client, f"/v1/policies/{HUBS}/changes?from=2025-01-01&to=2025-05-16&family=true")
    changed = {(item["actor"]["slug"], item["policy"]["slug"], item["change"]) for item in changes["changes"]}
    assert ("edi-rama", HOSTING, "new") in changed


async def test_a_comparison_can_be_asked_for_a_family(client: Client) -> None:
    path = f"/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-16&policies={HUBS}"
    alone = await get(client, path)
    family = await get(client, path + "&family=true")
    assert [row["policy"]["slug"] for row in alone["rows"]] == [HUBS]
    assert [row["policy"]["slug"] for row in family["rows"]] == [HOSTING, HUBS]


async def test_families_of_several_policies_are_merged_each_member_once(client: Client) -> None:
    path = "/v1/compare/actors?actors=chris-philp,keir-starmer&as_of=2025-05-16&family=true"
    both = await get(client, path + f"&policies={HUBS},uk-offshoring-asylum-seekers")
    wider = await get(client, path + "&policies=uk-offshoring-asylum-seekers")
    assert [row["policy"]["slug"] for row in both["rows"]] == [row["policy"]["slug"] for row in wider["rows"]]
    assert both["rows"] == wider["rows"]  # the return-hubs family lies inside the offshoring one


async def test_family_without_policies_compares_every_policy_as_before(client: Client) -> None:
    path = "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-16"
    assert (await get(client, path + "&family=true"))["rows"] == (await get(client, path))["rows"]


async def test_unknown_policy_family_is_a_404(client: Client) -> None:
    assert_problem(await client.get("/v1/policies/no-such-policy/family"), 404)


async def test_family_csv(client: Client) -> None:
    response = await client.get(f"/v1/policies/{HUBS}/family?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["policy_slug"], r["parent_slug"], r["relation"], r["depth"]) for r in rows] == [
        (HUBS, "", "", "0"),
        (HOSTING, HUBS, "part_of", "1"),
    ]

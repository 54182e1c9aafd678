"""The comparison endpoints on the seed data: dates, matrices, filters, per-policy views and retractions.

Expected values come from seeds/data/*.yaml, read here, so the tests say which rows the seed implies.
Retraction tests write to their own database (``databases.clone``) and run a second app over it.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import yaml
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.settings import Settings
from db.engine import plain_url

Client = AsyncTestClient[Litestar]
DATA_DIR = Path(__file__).resolve().parents[3] / "seeds" / "data"
STANCES: list[dict[str, Any]] = yaml.safe_load((DATA_DIR / "stances.yaml").read_text())["stances"]
POLICIES: list[dict[str, Any]] = yaml.safe_load((DATA_DIR / "policies.yaml").read_text())["policies"]


def effective(actor: str, policy: str, as_of: date) -> dict[str, Any] | None:
    """The seed's effective stance (latest stated on or before ``as_of``; ties: later in the file)."""
    candidates = [s for s in STANCES if s["actor"] == actor and s["policy"] == policy and s["stated_on"] <= as_of]
    return max(enumerate(candidates), key=lambda item: (item[1]["stated_on"], item[0]))[1] if candidates else None


def actors_on(policy: str, as_of: date) -> dict[str, int | None]:
    """Every actor with an effective stance on ``policy`` as of the day, and its position."""
    actors = {s["actor"] for s in STANCES if s["policy"] == policy}
    found = {actor: effective(actor, policy, as_of) for actor in actors}
    return {actor: stance["position"] for actor, stance in found.items() if stance is not None}


def policies_with_topic(topic: str) -> set[str]:
    return {p["slug"] for p in POLICIES if topic in p["topics"]}


def row_slugs(body: dict[str, Any]) -> list[str]:
    return [row["policy"]["slug"] for row in body["rows"]]


async def compare_actors(client: Client, actors: str, **params: str) -> dict[str, Any]:
    response = await client.get("/v1/compare/actors", params={"actors": actors, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def get_json(client: Client, path: str, **params: str) -> dict[str, Any]:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# --- dates before any stance --------------------------------------------------------------------------------


async def test_as_of_before_any_stance_gives_no_rows(client: Client) -> None:
    body = await compare_actors(client, "edi-rama,keir-starmer", as_of="2020-01-01")
    assert body["as_of"] == "2020-01-01"
    assert body["rows"] == []
    (summary,) = body["summary"]
    assert summary["score"] is None
    assert summary["policies_compared"] == 0
    assert (summary["agree"], summary["disagree"], summary["partial"], summary["unknown"]) == (0, 0, 0, 0)
    assert body["matrix"]["scores"] == [[1.0, None], [None, 1.0]]


async def test_as_of_when_only_one_actor_had_a_stance_gives_null_stance(client: Client) -> None:
    """In 2023 only Rama had a stance (the December 2022 returns agreement); Starmer's cell is null."""
    body = await compare_actors(client, "edi-rama,keir-starmer", as_of="2023-01-01")
    assert row_slugs(body) == ["uk-albania-returns-agreement-2022"]
    (row,) = body["rows"]
    cells = {p["actor"]: p["stance"] for p in row["positions"]}
    assert cells["keir-starmer"] is None
    assert cells["edi-rama"]["position"] == 2
    (pair,) = row["pairs"]
    assert (pair["actors"], pair["agreement"], pair["distance"]) == (["edi-rama", "keir-starmer"], "unknown", None)
    assert (pair["strength"]["label"], pair["strength"]["stances"]) == ("weak", 1)  # one side has nothing
    assert body["summary"][0]["unknown"] == 1
    assert body["summary"][0]["score"] is None


async def test_policy_positions_before_any_stance_is_empty(client: Client) -> None:
    body = await get_json(client, "/v1/policies/uk-return-hubs/positions", as_of="2025-05-14")
    assert body["policy"]["slug"] == "uk-return-hubs"
    assert body["as_of"] == "2025-05-14"
    assert body["positions"] == []


async def test_compare_dates_before_any_stance_is_empty(client: Client) -> None:
    span = {"from": "2020-01-01", "to": "2021-01-01"}
    body = await get_json(client, "/v1/compare/dates", actor="keir-starmer", **span)
    assert body["rows"] == []
    assert set(body["counts"].values()) == {0}


# --- more than two actors -------------------------------------------------------------------------------------


def check_matrix(body: dict[str, Any]) -> None:
    slugs = [actor["slug"] for actor in body["actors"]]
    matrix = body["matrix"]
    size = len(slugs)
    assert matrix["actors"] == slugs
    assert len(matrix["scores"]) == size
    assert all(len(line) == size for line in matrix["scores"])
    assert len(body["summary"]) == size * (size - 1) // 2
    for i in range(size):
        assert matrix["scores"][i][i] == 1.0
        for j in range(size):
            assert matrix["scores"][i][j] == matrix["scores"][j][i]
            assert matrix["counts"][i][j] == matrix["counts"][j][i]
    for summary in body["summary"]:
        i, j = (slugs.index(slug) for slug in summary["actors"])
        assert i < j
        assert matrix["scores"][i][j] == summary["score"]
        assert matrix["counts"][i][j] == summary["policies_compared"]
        pairs = [pair for row in body["rows"] for pair in row["pairs"] if pair["actors"] == summary["actors"]]
        assert len(pairs) == len(body["rows"])
        distances = [pair["distance"] for pair in pairs if pair["distance"] is not None]
        assert summary["policies_compared"] == len(distances)
        if distances:
            assert summary["score"] == pytest.approx(1 - sum(distances) / len(distances) / 4, abs=1e-4)
        else:
            assert summary["score"] is None


async def test_three_actors_give_a_symmetric_matrix(client: Client) -> None:
    body = await compare_actors(client, "edi-rama,keir-starmer,chris-philp", as_of="2025-05-16")
    assert [actor["slug"] for actor in body["actors"]] == ["edi-rama", "keir-starmer", "chris-philp"]
    check_matrix(body)
    for row in body["rows"]:
        assert [p["actor"] for p in row["positions"]] == ["edi-rama", "keir-starmer", "chris-philp"]
        assert [pair["actors"] for pair in row["pairs"]] == [
            ["edi-rama", "keir-starmer"],
            ["edi-rama", "chris-philp"],
            ["keir-starmer", "chris-philp"],
        ]
    scores = body["matrix"]["scores"]
    # Rama-Starmer share a number only on the strategic partnership (0): Rama's stance on return hubs as a
    # whole is unclear (what he opposed is Albania hosting one, on which Starmer has no stance).
    assert scores[0][1] == 1.0
    # Rama-Philp share only the 2022 returns agreement (+2, +2).
    assert scores[0][2] == 1.0
    # Starmer-Philp: return hubs (3) and Rwanda (4); Philp's view of the net-migration crackdown is unclear.
    assert scores[1][2] == pytest.approx(1 - 3.5 / 4, abs=1e-4)


async def test_ten_actors_are_allowed(client: Client) -> None:
    ten = [
        "edi-rama",
        "keir-starmer",
        "chris-philp",
        "downing-street",
        "uk-government",
        "conservative-party",
        "labour-party",
        "government-of-albania",
        "uk-officials",
        "whitehall-insider",
    ]
    body = await compare_actors(client, ",".join(ten), as_of="2025-05-16")
    check_matrix(body)
    assert len(body["matrix"]["scores"]) == 10


async def test_actor_order_follows_the_request(client: Client) -> None:
    forward = await compare_actors(client, "edi-rama,keir-starmer", as_of="2025-05-16")
    backward = await compare_actors(client, "keir-starmer,edi-rama", as_of="2025-05-16")
    assert [a["slug"] for a in backward["actors"]] == ["keir-starmer", "edi-rama"]
    assert row_slugs(forward) == row_slugs(backward)
    assert backward["summary"][0]["score"] == forward["summary"][0]["score"]


# --- policies= and topic= ---------------------------------------------------------------------------------


async def test_policies_filter_restricts_rows(client: Client) -> None:
    body = await compare_actors(
        client, "edi-rama,keir-starmer", as_of="2025-05-16", policies="uk-rwanda-scheme,uk-return-hubs"
    )
    # Rama has no Rwanda stance, but Starmer has: the row is there, with Rama's cell null. On return hubs as
    # a whole Rama's stance is unclear (he ruled out Albania hosting one): partial, with no distance.
    assert row_slugs(body) == ["uk-return-hubs", "uk-rwanda-scheme"]
    rwanda = body["rows"][1]
    assert {p["actor"]: p["stance"] is None for p in rwanda["positions"]} == {"edi-rama": True, "keir-starmer": False}
    (summary,) = body["summary"]
    assert summary["policies_compared"] == 0
    assert summary["score"] is None
    assert (summary["partial"], summary["unknown"]) == (1, 1)


async def test_policies_filter_with_no_stance_gives_no_rows(client: Client) -> None:
    body = await compare_actors(
        client, "edi-rama,keir-starmer", as_of="2025-05-16", policies="uk-removal-of-failed-asylum-families"
    )
    assert body["rows"] == []


@pytest.mark.parametrize("topic", ["defence-cooperation", "offshore-processing", "legal-migration"])
async def test_topic_filter_restricts_rows(client: Client, topic: str) -> None:
    everything = await compare_actors(client, "edi-rama,keir-starmer,chris-philp", as_of="2025-05-16")
    filtered = await compare_actors(client, "edi-rama,keir-starmer,chris-philp", as_of="2025-05-16", topic=topic)
    expected = [slug for slug in row_slugs(everything) if slug in policies_with_topic(topic)]
    assert expected, f"the seed should give rows for {topic}"
    assert row_slugs(filtered) == expected
    assert len(filtered["rows"]) < len(everything["rows"])


async def test_topic_and_policies_filters_combine(client: Client) -> None:
    body = await compare_actors(
        client,
        "edi-rama,keir-starmer",
        as_of="2025-05-16",
        topic="defence-cooperation",
        policies="uk-return-hubs,uk-albania-strategic-partnership",
    )
    assert row_slugs(body) == ["uk-albania-strategic-partnership"]


async def test_compare_dates_filters(client: Client) -> None:
    params = {"actor": "keir-starmer", "from": "2024-07-05", "to": "2025-05-16"}
    by_policy = await get_json(client, "/v1/compare/dates", **params, policies="uk-offshoring-asylum-seekers")
    changes = [(r["policy"]["slug"], r["change"]) for r in by_policy["rows"]]
    # Unclear in 2024 (the articles record him against the Rwanda scheme only), hedged support (+1) in 2025.
    assert changes == [("uk-offshoring-asylum-seekers", "strengthened")]
    assert by_policy["counts"]["strengthened"] == 1
    assert sum(by_policy["counts"].values()) == 1

    by_topic = await get_json(client, "/v1/compare/dates", **params, topic="people-smuggling")
    assert {r["policy"]["slug"] for r in by_topic["rows"]} <= policies_with_topic("people-smuggling")
    assert {r["policy"]["slug"] for r in by_topic["rows"]} == {
        "joint-migration-task-force-expansion",
        "uk-albania-law-enforcement-cooperation",
        "uk-smash-the-gangs",
    }


# --- per-policy views -------------------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", ["2025-01-01", "2025-05-15", "2025-05-16", "2025-12-01"])
@pytest.mark.parametrize("policy", ["uk-return-hubs", "uk-offshoring-asylum-seekers"])
async def test_policy_positions_match_the_seed(client: Client, policy: str, as_of: str) -> None:
    body = await get_json(client, f"/v1/policies/{policy}/positions", as_of=as_of)
    assert body["policy"]["slug"] == policy
    assert body["as_of"] == as_of
    assert body["method"]
    got = {item["actor"]["slug"]: item["stance"]["position"] for item in body["positions"]}
    assert got == actors_on(policy, date.fromisoformat(as_of))
    slugs = [item["actor"]["slug"] for item in body["positions"]]
    assert slugs == sorted(slugs)
    for item in body["positions"]:
        assert item["stance"]["evidence"], item["stance"]["slug"]


async def test_policy_positions_follow_the_move_to_support(client: Client) -> None:
    before = await get_json(client, "/v1/policies/uk-offshoring-asylum-seekers/positions", as_of="2025-05-14")
    after = await get_json(client, "/v1/policies/uk-offshoring-asylum-seekers/positions", as_of="2025-05-15")
    assert [(i["actor"]["slug"], i["stance"]["label"]) for i in before["positions"]] == [("keir-starmer", "unclear")]
    assert [(i["actor"]["slug"], i["stance"]["position"]) for i in after["positions"]] == [("keir-starmer", 1)]


@pytest.mark.parametrize(
    "policy", ["uk-return-hubs", "uk-offshoring-asylum-seekers", "uk-albania-strategic-partnership", "uk-rwanda-scheme"]
)
async def test_timeline_lists_every_stance_in_date_order(client: Client, policy: str) -> None:
    body = await get_json(client, f"/v1/policies/{policy}/timeline")
    assert body["policy"]["slug"] == policy
    entries = body["entries"]
    assert sorted(e["stance"]["slug"] for e in entries) == sorted(s["slug"] for s in STANCES if s["policy"] == policy)
    days = [e["stance"]["stated_on"] for e in entries]
    assert days == sorted(days)
    assert not any(e["retracted"] for e in entries)
    for entry in entries:
        (seed,) = [s for s in STANCES if s["slug"] == entry["stance"]["slug"]]
        assert entry["actor"]["slug"] == seed["actor"]
        assert entry["stance"]["position"] == seed["position"]
        assert len(entry["stance"]["evidence"]) == len(seed["evidence"])


async def test_timeline_of_the_move_to_support(client: Client) -> None:
    body = await get_json(client, "/v1/policies/uk-offshoring-asylum-seekers/timeline")
    assert [(e["actor"]["slug"], e["stance"]["stated_on"], e["stance"]["position"]) for e in body["entries"]] == [
        ("keir-starmer", "2024-07-01", None),
        ("keir-starmer", "2025-05-15", 1),
    ]


def change_list(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(item["actor"]["slug"], item["change"]) for item in body["changes"]]


async def test_changes_on_offshoring_show_the_move_to_support(client: Client) -> None:
    body = await get_json(
        client, "/v1/policies/uk-offshoring-asylum-seekers/changes", **{"from": "2024-07-05", "to": "2025-05-16"}
    )
    assert (body["from"], body["to"]) == ("2024-07-05", "2025-05-16")
    assert change_list(body) == [("keir-starmer", "strengthened")]
    (item,) = body["changes"]
    assert (item["from_stance"]["position"], item["from_stance"]["label"]) == (None, "unclear")
    assert item["to_stance"]["position"] == 1
    assert item["from_stance"]["evidence"]
    assert item["to_stance"]["evidence"]


async def test_changes_on_offshoring_from_before_any_stance_is_new(client: Client) -> None:
    body = await get_json(
        client, "/v1/policies/uk-offshoring-asylum-seekers/changes", **{"from": "2024-06-01", "to": "2024-07-05"}
    )
    assert change_list(body) == [("keir-starmer", "new")]
    assert body["changes"][0]["from_stance"] is None


async def test_changes_on_return_hubs_are_all_new_across_the_visit(client: Client) -> None:
    body = await get_json(client, "/v1/policies/uk-return-hubs/changes", **{"from": "2025-05-14", "to": "2025-05-16"})
    expected = sorted(actors_on("uk-return-hubs", date(2025, 5, 16)))
    assert len(expected) == 8
    assert change_list(body) == [(actor, "new") for actor in expected]


@pytest.mark.parametrize(
    ("policy", "start", "end"),
    [
        ("uk-return-hubs", "2025-05-16", "2025-06-01"),
        ("uk-offshoring-asylum-seekers", "2025-05-16", "2025-12-01"),
        ("uk-return-hubs", "2025-05-16", "2025-05-16"),
        # Rama restated +2 in November 2025: a new stance, but not a changed position.
        ("uk-albania-strategic-partnership", "2025-05-16", "2025-12-01"),
    ],
)
async def test_changes_leave_out_unchanged_actors(client: Client, policy: str, start: str, end: str) -> None:
    body = await get_json(client, f"/v1/policies/{policy}/changes", **{"from": start, "to": end})
    assert body["changes"] == []


async def test_changes_on_rwanda_list_only_the_newcomers(client: Client) -> None:
    """Starmer and Labour held -2 throughout; Philp, the Conservatives and Downing Street spoke in May 2025."""
    body = await get_json(client, "/v1/policies/uk-rwanda-scheme/changes", **{"from": "2024-12-01", "to": "2025-05-16"})
    assert change_list(body) == [
        ("chris-philp", "new"),
        ("conservative-party", "new"),
        ("downing-street", "new"),
    ]


# --- retractions --------------------------------------------------------------------------------------------

RAMA_ON_HUBS = "edi-rama-on-uk-return-hubs-2025-05-15"
STARMER_ON_OFFSHORING_2025 = "keir-starmer-on-uk-offshoring-asylum-seekers-2025-05-15"
STARMER_ON_OFFSHORING_2024 = "keir-starmer-on-uk-offshoring-asylum-seekers-2024-07"
PAST = "2025-05-16"


@dataclass
class Retracted:
    client: Client
    today: date


@pytest.fixture(scope="module")
async def retracted(databases: Any) -> AsyncIterator[Retracted]:
    """A cloned database where two stances were retracted just now, and an app over it."""
    url = await databases.clone("retract")
    connection = await asyncpg.connect(plain_url(url))
    try:
        status = await connection.execute(
            "UPDATE stance SET retracted_at = now(), retraction_reason = 'test' WHERE slug = ANY($1::text[])",
            [RAMA_ON_HUBS, STARMER_ON_OFFSHORING_2025],
        )
        assert status == "UPDATE 2"
        db_today = await connection.fetchval("SELECT (now() AT TIME ZONE 'UTC')::date")
    finally:
        await connection.close()
    today = datetime.now(UTC).date()
    if db_today != today:  # pragma: no cover - only around midnight UTC or with a skewed server clock
        pytest.skip(f"database day {db_today} differs from the app's day {today}")
    async with AsyncTestClient(create_app(Settings.from_env(url))) as client:
        yield Retracted(client=client, today=today)


async def test_retracted_stance_does_not_count_as_of_today(retracted: Retracted) -> None:
    client, today = retracted.client, retracted.today
    for params in ({"as_of": today.isoformat()}, {}):  # as_of defaults to today
        body = await compare_actors(client, "edi-rama,keir-starmer", policies="uk-return-hubs", **params)
        (row,) = body["rows"]
        cells = {p["actor"]: p["stance"] for p in row["positions"]}
        assert cells["edi-rama"] is None
        assert cells["keir-starmer"]["position"] == 2
        assert row["pairs"][0]["agreement"] == "unknown"

    positions = await get_json(client, "/v1/policies/uk-return-hubs/positions", as_of=today.isoformat())
    assert "edi-rama" not in {item["actor"]["slug"] for item in positions["positions"]}
    assert len(positions["positions"]) == 7


async def test_retracted_stance_still_counts_before_the_day_of_retraction(retracted: Retracted) -> None:
    client, today = retracted.client, retracted.today
    for day in (PAST, (today - timedelta(days=1)).isoformat()):
        body = await compare_actors(client, "edi-rama,keir-starmer", policies="uk-return-hubs", as_of=day)
        cells = {p["actor"]: p["stance"] for p in body["rows"][0]["positions"]}
        assert cells["edi-rama"]["slug"] == RAMA_ON_HUBS
        assert body["rows"][0]["pairs"][0]["agreement"] == "partial"  # Rama: unclear on return hubs as a whole
        positions = await get_json(client, "/v1/policies/uk-return-hubs/positions", as_of=day)
        assert "edi-rama" in {item["actor"]["slug"] for item in positions["positions"]}


async def test_start_stance_retracted_by_the_end_is_dropped(retracted: Retracted) -> None:
    client, today = retracted.client, retracted.today
    body = await get_json(client, "/v1/compare/dates", actor="edi-rama", **{"from": PAST, "to": today.isoformat()})
    (row,) = [r for r in body["rows"] if r["policy"]["slug"] == "uk-return-hubs"]
    assert row["change"] == "dropped"
    assert row["from_stance"]["slug"] == RAMA_ON_HUBS
    assert row["to_stance"] is None
    assert body["counts"]["dropped"] == 1

    changes = await get_json(client, "/v1/policies/uk-return-hubs/changes", **{"from": PAST, "to": today.isoformat()})
    assert change_list(changes) == [("edi-rama", "dropped")]
    assert changes["changes"][0]["from_stance"]["slug"] == RAMA_ON_HUBS
    assert changes["changes"][0]["to_stance"] is None


async def test_retracted_stance_falls_back_to_the_earlier_one(retracted: Retracted) -> None:
    """Starmer's 2025 offshoring stance is retracted: as of today his 2024 stance is the effective one."""
    client, today = retracted.client, retracted.today
    positions = await get_json(client, "/v1/policies/uk-offshoring-asylum-seekers/positions", as_of=today.isoformat())
    (item,) = positions["positions"]
    assert item["stance"]["slug"] == STARMER_ON_OFFSHORING_2024
    assert item["stance"]["label"] == "unclear"


async def test_start_stance_retracted_by_the_end_is_dropped_even_with_an_earlier_stance(retracted: Retracted) -> None:
    client, today = retracted.client, retracted.today
    span = {"from": PAST, "to": today.isoformat()}
    body = await get_json(
        client, "/v1/compare/dates", actor="keir-starmer", policies="uk-offshoring-asylum-seekers", **span
    )
    (row,) = body["rows"]
    assert row["from_stance"]["slug"] == STARMER_ON_OFFSHORING_2025
    assert row["change"] == "dropped"

    changes = await get_json(client, "/v1/policies/uk-offshoring-asylum-seekers/changes", **span)
    assert change_list(changes) == [("keir-starmer", "dropped")]


async def test_timeline_hides_retracted_stances_unless_asked(retracted: Retracted) -> None:
    client = retracted.client
    default = await get_json(client, "/v1/policies/uk-return-hubs/timeline")
    assert RAMA_ON_HUBS not in {e["stance"]["slug"] for e in default["entries"]}
    assert len(default["entries"]) == 7

    everything = await get_json(client, "/v1/policies/uk-return-hubs/timeline", include_retracted="true")
    flags = {e["stance"]["slug"]: e["retracted"] for e in everything["entries"]}
    assert len(flags) == 8
    assert flags[RAMA_ON_HUBS] is True
    assert sum(flags.values()) == 1


async def test_retraction_does_not_touch_the_shared_database(client: Client) -> None:
    body = await get_json(client, "/v1/policies/uk-return-hubs/timeline")
    assert RAMA_ON_HUBS in {e["stance"]["slug"] for e in body["entries"]}

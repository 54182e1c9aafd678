"""Evidence strength on the seed data: every cell and agreement figure says what it rests on, in JSON and CSV,
rated as of the day asked about by the rule every answer states in `method`."""

import csv
import io
from collections import Counter
from datetime import date
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.comparisons.strength import STRENGTH_RULE

Client = AsyncTestClient[Litestar]
COMPARE = "/v1/compare/actors?actors=edi-rama,keir-starmer,chris-philp,downing-street&as_of=2025-05-16"


async def get(client: Client, path: str) -> dict[str, Any]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def check_cell(stance: dict[str, Any], as_of: str) -> None:
    """A cell's strength counts exactly its own evidence, dated by the stance, aged from `as_of`."""
    strength = stance["strength"]
    kinds = Counter(item["kind"] for item in stance["evidence"])
    assert strength["stances"] == 1
    assert strength["evidence"] == {
        kind: kinds[kind] for kind in ("direct_quote", "paraphrase", "reported_action", "recorded_vote")
    }
    assert strength["evidence_from"] == strength["evidence_to"] == stance["stated_on"]
    age = (date.fromisoformat(as_of) - date.fromisoformat(stance["stated_on"])).days
    assert strength["newest_age_days"] == age
    verbatim = kinds["direct_quote"] + kinds["recorded_vote"]
    expected = (
        "weak" if not verbatim or age > 730 else "strong" if sum(kinds.values()) >= 2 and age <= 365 else "moderate"
    )
    assert strength["label"] == expected


async def test_every_cell_pair_and_score_of_a_comparison_says_what_it_rests_on(client: Client) -> None:
    body = await get(client, COMPARE)
    assert STRENGTH_RULE in body["method"]
    labels: Counter[str] = Counter()
    for row in body["rows"]:
        cells = {p["actor"]: p["stance"] for p in row["positions"]}
        for stance in cells.values():
            if stance is not None:
                check_cell(stance, "2025-05-16")
                labels[stance["strength"]["label"]] += 1
        for pair in row["pairs"]:
            sides = [cells[actor] for actor in pair["actors"]]
            present = [side["strength"] for side in sides if side is not None]
            strength = pair["strength"]
            assert strength["stances"] == len(present)
            for kind in ("direct_quote", "paraphrase", "reported_action", "recorded_vote"):
                assert strength["evidence"][kind] == sum(side["evidence"][kind] for side in present)
            order = ["weak", "moderate", "strong"]
            weakest = "weak" if len(present) < 2 else min((side["label"] for side in present), key=order.index)
            assert strength["label"] == weakest
    assert labels["strong"], labels  # the seed has strong cells …
    assert labels["weak"], labels  # … and weak ones
    for summary in body["summary"]:
        assert summary["strength"]["stances"] == 2 * summary["policies_compared"]
        assert summary["strength"]["label"] in {"strong", "moderate", "weak"}


async def test_a_paraphrase_only_position_is_weak(client: Client) -> None:
    """Rama's 2022 returns agreement rests on a reported action only."""
    body = await get(client, "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2023-01-01")
    (row,) = body["rows"]
    rama = next(p["stance"] for p in row["positions"] if p["actor"] == "edi-rama")
    assert rama["strength"]["evidence"]["direct_quote"] == 0
    assert rama["strength"]["label"] == "weak"


async def test_the_same_evidence_grows_weak_with_age(client: Client) -> None:
    then = await get(client, "/v1/policies/uk-return-hubs/positions?as_of=2025-05-16")
    later = await get(client, "/v1/policies/uk-return-hubs/positions?as_of=2028-01-01")
    for item in then["positions"]:
        check_cell(item["stance"], "2025-05-16")
    for item in later["positions"]:
        check_cell(item["stance"], "2028-01-01")
        assert item["stance"]["strength"]["label"] == "weak"  # more than two years old
    assert any(item["stance"]["strength"]["label"] == "strong" for item in then["positions"])


async def test_date_comparison_rates_each_end_as_of_its_own_date(client: Client) -> None:
    body = await get(client, "/v1/compare/dates?actor=keir-starmer&from=2024-07-05&to=2025-05-16")
    assert STRENGTH_RULE in body["method"]
    ends = 0
    for row in body["rows"]:
        if row["from_stance"] is not None:
            check_cell(row["from_stance"], "2024-07-05")
            ends += 1
        if row["to_stance"] is not None:
            check_cell(row["to_stance"], "2025-05-16")
            ends += 1
    assert ends


async def test_timeline_entries_are_rated_as_of_the_day_they_were_stated(client: Client) -> None:
    body = await get(client, "/v1/policies/uk-return-hubs/timeline")
    assert body["entries"]
    for entry in body["entries"]:
        check_cell(entry["stance"], entry["stance"]["stated_on"])


async def test_csv_has_the_strength_columns_of_the_json(client: Client) -> None:
    body = await get(client, COMPARE)
    response = await client.get(COMPARE + "&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    cells = {(r["policy"]["slug"], p["actor"]): p["stance"] for r in body["rows"] for p in r["positions"]}
    pairs = {(r["policy"]["slug"], *pair["actors"]): pair for r in body["rows"] for pair in r["pairs"]}
    assert rows
    for row in rows:
        stance = cells[(row["policy_slug"], row["actor_slug"])]
        if stance is None:
            assert row["strength"] == ""
        else:
            strength = stance["strength"]
            assert row["strength"] == strength["label"]
            assert int(row["direct_quotes"]) == strength["evidence"]["direct_quote"]
            assert int(row["paraphrases"]) == strength["evidence"]["paraphrase"]
            assert int(row["reported_actions"]) == strength["evidence"]["reported_action"]
            assert int(row["recorded_votes"]) == strength["evidence"]["recorded_vote"]
            assert (row["evidence_from"], row["evidence_to"]) == (strength["evidence_from"], strength["evidence_to"])
            assert int(row["newest_evidence_age_days"]) == strength["newest_age_days"]
        key = (row["policy_slug"], row["actor_slug"], row["other_actor_slug"])
        pair = pairs.get(key) or pairs[(row["policy_slug"], row["other_actor_slug"], row["actor_slug"])]
        assert row["agreement_strength"] == pair["strength"]["label"]

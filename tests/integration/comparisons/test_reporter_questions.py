"""The three questions the product is known for, answered from the seed data (seeds/data/stances.yaml)."""

import csv
import io
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]


def row_for(body: dict[str, Any], policy: str) -> dict[str, Any]:
    rows = [row for row in body["rows"] if row["policy"]["slug"] == policy]
    assert len(rows) == 1, f"expected one row for {policy}, got {[r['policy']['slug'] for r in body['rows']]}"
    return rows[0]


def stance_of(row: dict[str, Any], actor: str) -> dict[str, Any] | None:
    (position,) = [p for p in row["positions"] if p["actor"] == actor]
    stance: dict[str, Any] | None = position["stance"]
    return stance


def texts(stance: dict[str, Any] | None) -> list[str]:
    assert stance is not None
    return [item["text"] for item in stance["evidence"]]


def check_summary_against_rows(body: dict[str, Any]) -> None:
    """Each pair's summary (score, counts) is what its per-row agreements and distances add up to."""
    for summary in body["summary"]:
        pair_rows = [pair for row in body["rows"] for pair in row["pairs"] if pair["actors"] == summary["actors"]]
        assert len(pair_rows) == len(body["rows"])
        distances = [pair["distance"] for pair in pair_rows if pair["distance"] is not None]
        assert summary["policies_compared"] == len(distances)
        for kind in ("agree", "disagree", "partial", "unknown"):
            assert summary[kind] == sum(pair["agreement"] == kind for pair in pair_rows), kind
        if distances:
            assert abs(summary["score"] - (1 - sum(distances) / len(distances) / 4)) < 1e-4
        else:
            assert summary["score"] is None


async def test_rama_and_starmer_disagree_on_return_hubs(client: Client) -> None:
    """(a) As of 15 May 2025 Rama (-2) and Starmer (+2) disagree on UK return hubs, with Rama's quote."""
    response = await client.get("/v1/compare/actors", params={"actors": "edi-rama,keir-starmer", "as_of": "2025-05-15"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["as_of"] == "2025-05-15"
    assert [actor["slug"] for actor in body["actors"]] == ["edi-rama", "keir-starmer"]

    row = row_for(body, "uk-return-hubs")
    assert [p["actor"] for p in row["positions"]] == ["edi-rama", "keir-starmer"]
    rama, starmer = stance_of(row, "edi-rama"), stance_of(row, "keir-starmer")
    assert rama is not None
    assert starmer is not None
    assert rama["position"] == -2
    assert rama["label"] == "strongly_oppose"
    assert rama["stated_on"] == "2025-05-15"
    assert starmer["position"] == 2
    assert starmer["label"] == "strongly_support"
    assert row["pairs"] == [{"actors": ["edi-rama", "keir-starmer"], "agreement": "disagree", "distance": 4}]

    rama_quotes = [e for e in rama["evidence"] if e["kind"] == "direct_quote"]
    assert any("marriage with Italy" in e["text"] for e in rama_quotes)
    assert "I remain faithful to my marriage with Italy" in texts(rama)
    assert all(e["source"]["slug"] and e["source"]["title"] for e in rama["evidence"])
    assert any("return hubs" in text for text in texts(starmer))

    # The summary is consistent with the rows; on the seed data the pair shares positions on exactly
    # two policies: the strategic partnership (both +2) and return hubs (+2 vs -2), so the score is 0.5.
    check_summary_against_rows(body)
    (summary,) = body["summary"]
    assert summary["actors"] == ["edi-rama", "keir-starmer"]
    assert summary["policies_compared"] == 2
    assert summary["score"] == 0.5
    assert summary["agree"] == 1
    assert summary["disagree"] == 1
    assert summary["partial"] == 1  # Italy-Albania centres: Starmer's stance is unclear
    assert summary["unknown"] == len(body["rows"]) - 3
    assert body["matrix"]["scores"] == [[1.0, 0.5], [0.5, 1.0]]
    assert body["matrix"]["counts"][0][1] == body["matrix"]["counts"][1][0] == 2


async def test_starmer_u_turn_on_offshoring(client: Client) -> None:
    """(b) Between July 2024 and 16 May 2025 Starmer reversed on offshoring, with evidence at both ends."""
    response = await client.get(
        "/v1/compare/dates", params={"actor": "keir-starmer", "from": "2024-07-05", "to": "2025-05-16"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["actor"]["slug"] == "keir-starmer"
    assert (body["from"], body["to"]) == ("2024-07-05", "2025-05-16")

    (row,) = [r for r in body["rows"] if r["policy"]["slug"] == "uk-offshoring-asylum-seekers"]
    assert row["change"] == "reversed"
    before, after = row["from_stance"], row["to_stance"]
    assert before["position"] == -2
    assert before["stated_on"] == "2024-07-01"
    assert before["stated_on_precision"] == "month"
    assert after["position"] == 2
    assert after["stated_on"] == "2025-05-15"

    earlier = texts(before)
    assert any("Rwanda" in text and "gimmick" in text and "scrapped" in text for text in earlier)
    assert any("scrapping the controversial Rwanda scheme" in text for text in earlier)
    later = texts(after)
    assert any("return hubs" in text for text in later)
    assert any(e["kind"] == "direct_quote" and "return hubs" in e["text"] for e in after["evidence"])

    # The rest of his record over the same span, from the seed data.
    changes = {r["policy"]["slug"]: r["change"] for r in body["rows"]}
    assert changes["uk-rwanda-scheme"] == "unchanged"  # -2 throughout
    assert changes["italy-albania-migrant-centres"] == "unchanged"  # unclear throughout
    assert changes["uk-return-hubs"] == "new"
    assert changes["uk-smash-the-gangs"] == "new"
    assert body["counts"] == {"unchanged": 2, "new": 6, "dropped": 0, "strengthened": 0, "weakened": 0, "reversed": 1}
    assert sum(body["counts"].values()) == len(body["rows"])


async def test_philp_and_downing_street_on_rwanda(client: Client) -> None:
    """(c) Philp (+2) and Downing Street (-1) on the Rwanda scheme, and on return hubs, with their quotes."""
    response = await client.get(
        "/v1/compare/actors", params={"actors": "chris-philp,downing-street", "as_of": "2025-05-16"}
    )
    assert response.status_code == 200, response.text
    body = response.json()

    rwanda = row_for(body, "uk-rwanda-scheme")
    philp, number10 = stance_of(rwanda, "chris-philp"), stance_of(rwanda, "downing-street")
    assert philp is not None
    assert number10 is not None
    assert philp["position"] == 2
    assert number10["position"] == -1
    assert any("he should never have scrapped the Rwanda deterrent" in text for text in texts(philp))
    assert "entirely different" in texts(number10)
    assert any(e["kind"] == "direct_quote" and e["text"] == "entirely different" for e in number10["evidence"])
    assert rwanda["pairs"] == [{"actors": ["chris-philp", "downing-street"], "agreement": "disagree", "distance": 3}]

    hubs = row_for(body, "uk-return-hubs")
    philp_hubs, number10_hubs = stance_of(hubs, "chris-philp"), stance_of(hubs, "downing-street")
    assert philp_hubs is not None
    assert number10_hubs is not None
    assert philp_hubs["position"] == -1
    assert number10_hubs["position"] == 2
    assert any("weak imitation" in text for text in texts(philp_hubs))
    assert hubs["pairs"] == [{"actors": ["chris-philp", "downing-street"], "agreement": "disagree", "distance": 3}]

    check_summary_against_rows(body)
    (summary,) = body["summary"]
    assert summary["policies_compared"] == 2
    assert summary["score"] == 0.25
    assert summary["disagree"] == 2
    assert summary["agree"] == 0


async def test_philp_and_downing_street_quotes_in_csv(client: Client) -> None:
    """The same answer as a spreadsheet: each cell's first direct quote is in `evidence_text`."""
    response = await client.get(
        "/v1/compare/actors",
        params={"actors": "chris-philp,downing-street", "as_of": "2025-05-16", "policies": "uk-rwanda-scheme"},
        headers={"Accept": "text/csv"},
    )
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    by_actor = {row["actor_slug"]: row for row in rows}
    assert set(by_actor) == {"chris-philp", "downing-street"}
    assert "he should never have scrapped the Rwanda deterrent" in by_actor["chris-philp"]["evidence_text"]
    assert by_actor["downing-street"]["evidence_text"] == "entirely different"
    assert by_actor["chris-philp"]["position"] == "2"
    assert by_actor["downing-street"]["position"] == "-1"
    assert by_actor["chris-philp"]["other_actor_slug"] == "downing-street"
    assert by_actor["chris-philp"]["agreement_with_other"] == "disagree"

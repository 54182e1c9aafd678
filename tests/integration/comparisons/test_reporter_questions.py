"""The three questions the product is known for, answered from the seed data (seeds/data/stances.yaml)."""

import csv
import io
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]


def relations(row: dict[str, Any]) -> list[tuple[list[str], str, int | None]]:
    """Each pair's actors, agreement and distance on one policy row (its evidence strength aside)."""
    return [(pair["actors"], pair["agreement"], pair["distance"]) for pair in row["pairs"]]


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


async def test_rama_and_starmer_on_uk_return_hubs_in_albania(client: Client) -> None:
    """(a) As of 15 May 2025 Rama strongly opposes Albania hosting a UK return hub (-2), a part of the return-hub
    policy that Starmer strongly supports (+2). Neither is on record on the other's policy: Rama gave no view on
    return hubs as a whole (unclear), and the articles carry no words of Starmer on a hub in Albania (Downing
    Street said one was never planned). So the disagreement is read across the `part_of` relation, not as a
    `disagree` pair on one policy."""
    policy = (await client.get("/v1/policies/uk-albania-return-hub-hosting")).json()
    assert {"kind": "part_of", "direction": "outgoing", "slug": "uk-return-hubs"} in [
        {"kind": r["kind"], "direction": r["direction"], "slug": r["policy"]["slug"]} for r in policy["relations"]
    ]

    response = await client.get(
        "/v1/compare/actors",
        params={
            "actors": "edi-rama,keir-starmer",
            "as_of": "2025-05-15",
            "policies": "uk-return-hubs,uk-albania-return-hub-hosting",
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["as_of"] == "2025-05-15"
    assert [actor["slug"] for actor in body["actors"]] == ["edi-rama", "keir-starmer"]

    hosting = row_for(body, "uk-albania-return-hub-hosting")
    rama = stance_of(hosting, "edi-rama")
    assert rama is not None
    assert (rama["position"], rama["label"], rama["stated_on"]) == (-2, "strongly_oppose", "2025-05-15")
    rama_quotes = [e["text"] for e in rama["evidence"] if e["kind"] == "direct_quote"]
    assert any("one-off with Italy" in text for text in rama_quotes)
    assert any("we said no" in text for text in rama_quotes)
    assert all(e["source"]["slug"] and e["source"]["title"] for e in rama["evidence"])
    assert stance_of(hosting, "keir-starmer") is None
    assert relations(hosting) == [(["edi-rama", "keir-starmer"], "unknown", None)]
    assert (hosting["pairs"][0]["strength"]["label"], hosting["pairs"][0]["strength"]["stances"]) == ("weak", 1)

    hubs = row_for(body, "uk-return-hubs")
    starmer, rama_on_hubs = stance_of(hubs, "keir-starmer"), stance_of(hubs, "edi-rama")
    assert starmer is not None
    assert (starmer["position"], starmer["label"]) == (2, "strongly_support")
    assert any(e["kind"] == "direct_quote" and "return hubs" in e["text"] for e in starmer["evidence"])
    assert any("silver bullet" in text for text in texts(starmer))  # his hedge travels with the position
    assert rama_on_hubs is not None
    assert (rama_on_hubs["position"], rama_on_hubs["label"]) == (None, "unclear")
    assert relations(hubs) == [(["edi-rama", "keir-starmer"], "partial", None)]

    check_summary_against_rows(body)
    (summary,) = body["summary"]
    assert (summary["policies_compared"], summary["score"]) == (0, None)


async def test_rama_and_starmer_overall_as_of_the_visit(client: Client) -> None:
    """On every policy as of 15 May 2025 the pair shares a number only on the strategic partnership (both +2)."""
    response = await client.get("/v1/compare/actors", params={"actors": "edi-rama,keir-starmer", "as_of": "2025-05-15"})
    assert response.status_code == 200, response.text
    body = response.json()
    check_summary_against_rows(body)
    (summary,) = body["summary"]
    assert summary["actors"] == ["edi-rama", "keir-starmer"]
    assert (summary["policies_compared"], summary["score"]) == (1, 1.0)
    assert (summary["agree"], summary["disagree"]) == (1, 0)
    assert summary["partial"] == 2  # return hubs (Rama unclear) and the Italy-Albania centres (Starmer unclear)
    assert summary["unknown"] == len(body["rows"]) - 3
    assert body["matrix"]["scores"] == [[1.0, 1.0], [1.0, 1.0]]


async def test_starmer_on_offshoring_from_unclear_to_hedged_support(client: Client) -> None:
    """(b) Between July 2024 and 16 May 2025 Starmer's position on offshoring in general strengthened, from
    unclear (the articles record his 2024 opposition to the Rwanda scheme only) to hedged support (+1) for
    sending failed asylum seekers abroad. What the press called his U-turn shows across two policies: the
    Rwanda scheme (-2, unchanged) and return hubs (+2, new)."""
    response = await client.get(
        "/v1/compare/dates", params={"actor": "keir-starmer", "from": "2024-07-05", "to": "2025-05-16"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["actor"]["slug"] == "keir-starmer"
    assert (body["from"], body["to"]) == ("2024-07-05", "2025-05-16")

    (row,) = [r for r in body["rows"] if r["policy"]["slug"] == "uk-offshoring-asylum-seekers"]
    assert row["change"] == "strengthened"
    before, after = row["from_stance"], row["to_stance"]
    assert (before["position"], before["label"]) == (None, "unclear")
    assert before["stated_on"] == "2024-07-01"
    assert before["stated_on_precision"] == "month"
    assert (after["position"], after["label"]) == (1, "support")
    assert after["stated_on"] == "2025-05-15"

    earlier = texts(before)
    assert any("Rwanda" in text and "gimmick" in text and "scrapped" in text for text in earlier)
    assert any("scrapping the controversial Rwanda scheme" in text for text in earlier)
    assert any(e["kind"] == "direct_quote" and "if we can" in e["text"] for e in after["evidence"])
    assert any("silver bullet" in text for text in texts(after))

    # The rest of his record over the same span, from the seed data.
    changes = {r["policy"]["slug"]: r["change"] for r in body["rows"]}
    assert changes["uk-rwanda-scheme"] == "unchanged"  # -2 throughout
    assert changes["italy-albania-migrant-centres"] == "unchanged"  # unclear throughout
    assert changes["uk-return-hubs"] == "new"
    assert changes["uk-smash-the-gangs"] == "new"
    expected = {"unchanged": 2, "new": 6, "dropped": 0, "strengthened": 1, "weakened": 0, "reversed": 0}
    assert body["counts"] == expected
    assert sum(body["counts"].values()) == len(body["rows"])


async def test_philp_and_downing_street_on_rwanda(client: Client) -> None:
    """(c) Philp (+2) on the Rwanda scheme; Downing Street only compared its plans with it ("entirely different"),
    which is no judgement of the scheme (unclear). On return hubs they disagree (-1 and +2)."""
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
    assert (number10["position"], number10["label"]) == (None, "unclear")
    assert any("he should never have scrapped the Rwanda deterrent" in text for text in texts(philp))
    assert "entirely different" in texts(number10)
    assert any(e["kind"] == "direct_quote" and e["text"] == "entirely different" for e in number10["evidence"])
    assert relations(rwanda) == [(["chris-philp", "downing-street"], "partial", None)]
    assert rwanda["pairs"][0]["strength"]["stances"] == 2

    hubs = row_for(body, "uk-return-hubs")
    philp_hubs, number10_hubs = stance_of(hubs, "chris-philp"), stance_of(hubs, "downing-street")
    assert philp_hubs is not None
    assert number10_hubs is not None
    assert philp_hubs["position"] == -1
    assert number10_hubs["position"] == 2
    assert any("weak imitation" in text for text in texts(philp_hubs))
    assert relations(hubs) == [(["chris-philp", "downing-street"], "disagree", 3)]

    check_summary_against_rows(body)
    (summary,) = body["summary"]
    assert summary["policies_compared"] == 1
    assert summary["score"] == 0.25
    assert summary["disagree"] == 1
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
    assert by_actor["downing-street"]["position"] == ""
    assert by_actor["chris-philp"]["other_actor_slug"] == "downing-street"
    assert by_actor["chris-philp"]["agreement_with_other"] == "partial"

"""CSV dates show their precision: a month-precise date is `2025-05`, a year-precise one `2025`."""

import csv
import io
from datetime import date
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.comparisons.csv_export import precise_date
from db.enums import DatePrecision

Client = AsyncTestClient[Litestar]


@pytest.mark.parametrize(
    ("day", "precision", "cell"),
    [
        (date(2025, 5, 15), DatePrecision.DAY, "2025-05-15"),
        (date(2025, 5, 1), DatePrecision.MONTH, "2025-05"),
        (date(2025, 1, 1), DatePrecision.YEAR, "2025"),
        (date(987, 3, 1), DatePrecision.MONTH, "0987-03"),
        (None, DatePrecision.DAY, ""),
    ],
)
def test_a_date_is_written_as_precisely_as_it_is_known(day: date | None, precision: DatePrecision, cell: str) -> None:
    assert precise_date(day, precision) == cell


def as_cell(value: str | None, precision: str) -> str:
    if value is None:
        return ""
    return {"day": value, "month": value[:7], "year": value[:4]}[precision]


def first_evidence(stance: dict[str, Any]) -> dict[str, Any] | None:
    quotes = [e for e in stance["evidence"] if e["kind"] == "direct_quote"]
    candidates = quotes or stance["evidence"]
    return candidates[0] if candidates else None


async def test_timeline_csv_dates_follow_the_precision_in_the_json(client: Client) -> None:
    """Every stance's `stated_on` and its source's `source_published_on`, over every timeline of the seed data."""
    policies = (await client.get("/v1/policies", params={"limit": 100})).json()["items"]
    seen: set[tuple[str, str]] = set()
    for policy in policies:
        path = f"/v1/policies/{policy['slug']}/timeline?include_retracted=true"
        entries = (await client.get(path)).json()["entries"]
        response = await client.get(path + "&format=csv")
        assert response.status_code == 200, response.text
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [row["stance_slug"] for row in rows] == [entry["stance"]["slug"] for entry in entries]
        for row, entry in zip(rows, entries, strict=True):
            stance = entry["stance"]
            assert row["stated_on"] == as_cell(stance["stated_on"], stance["stated_on_precision"])
            assert row["stated_on_precision"] == stance["stated_on_precision"]
            seen.add(("stance", stance["stated_on_precision"]))
            evidence = first_evidence(stance)
            if evidence is None:
                assert row["source_published_on"] == ""
                continue
            source = evidence["source"]
            assert "published_on_precision" in source  # the JSON carries it, for the dashboard too
            assert row["source_published_on"] == as_cell(source["published_on"], source["published_on_precision"])
            seen.add(("source", source["published_on_precision"]))
    # the seed data has month-precise stances and sources, so the rule above was really exercised
    assert {("stance", "month"), ("source", "month"), ("stance", "day")} <= seen


async def test_compare_csv_writes_month_precise_dates_as_the_month(client: Client) -> None:
    params = {"actors": "edi-rama,keir-starmer", "as_of": "2025-05-16"}
    comparison = (await client.get("/v1/compare/actors", params=params)).json()
    stances = {
        position["stance"]["slug"]: position["stance"]
        for row in comparison["rows"]
        for position in row["positions"]
        if position["stance"]
    }
    response = await client.get("/v1/compare/actors", params={**params, "format": "csv"})
    rows = [row for row in csv.DictReader(io.StringIO(response.text)) if row["stance_slug"]]
    month_cells = 0
    for row in rows:
        stance = stances[row["stance_slug"]]
        evidence = first_evidence(stance)
        assert evidence is not None
        source = evidence["source"]
        assert row["source_published_on"] == as_cell(source["published_on"], source["published_on_precision"])
        assert row["stated_on"] == as_cell(stance["stated_on"], stance["stated_on_precision"])
        month_cells += source["published_on_precision"] == "month"
        if source["published_on_precision"] == "month":
            assert len(row["source_published_on"]) == len("2025-05")
    assert month_cells, "the seed data should cite a source published in a month, not on a day"

"""JSON or CSV, 406 for anything else, strong ETags with 304 Not Modified, and Cache-Control."""

import csv
import io
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.settings import Settings
from db.engine import plain_url
from tests.problems import assert_problem

Client = AsyncTestClient[Litestar]
CSV_COLUMNS = {
    "policy_slug",
    "actor_slug",
    "position",
    "label",
    "evidence_text",
    "source_title",
    "publisher",
    "source_url",
}
COMPARE = "/v1/compare/actors?actors=edi-rama,keir-starmer,chris-philp&as_of=2025-05-16"
ENDPOINTS = [
    COMPARE,
    "/v1/compare/dates?actor=keir-starmer&from=2024-07-05&to=2025-05-16",
    "/v1/policies/uk-return-hubs/positions?as_of=2025-05-16",
    "/v1/policies/uk-return-hubs/timeline?",
    "/v1/policies/uk-offshoring-asylum-seekers/changes?from=2024-07-05&to=2025-05-16",
]


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


def parse_csv(response: httpx.Response) -> tuple[list[str], list[dict[str, str]]]:
    assert response.status_code == 200, response.text
    assert media_type(response) == "text/csv"
    reader = csv.DictReader(io.StringIO(response.text))
    rows = list(reader)
    assert reader.fieldnames is not None
    return list(reader.fieldnames), rows


def etag_of(response: httpx.Response) -> str:
    etag = response.headers.get("etag")
    assert etag, f"no ETag on {response.request.url}"
    return etag


# --- CSV ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["format", "accept"])
async def test_compare_actors_csv_has_one_row_per_actor_policy_and_other_actor(client: Client, how: str) -> None:
    as_json = (await client.get(COMPARE)).json()
    if how == "format":
        response = await client.get(COMPARE + "&format=csv")
    else:
        response = await client.get(COMPARE, headers={"Accept": "text/csv"})
    header, rows = parse_csv(response)
    assert set(header) >= CSV_COLUMNS
    assert {"as_of", "policy_title", "actor_name", "summary", "stated_on"} <= set(header)
    assert {"other_actor_slug", "other_actor_name", "agreement_with_other", "distance_to_other"} <= set(header)
    assert not [column for column in header if column.startswith("agreement_with_") and column.endswith("starmer")]
    actors = [actor["slug"] for actor in as_json["actors"]]
    assert len(actors) == 3
    assert len(as_json["rows"]) > 0
    assert len(rows) == len(as_json["rows"]) * len(actors) * (len(actors) - 1)
    expected = {(row["policy"]["slug"], p["actor"]): p["stance"] for row in as_json["rows"] for p in row["positions"]}
    pairs = {
        (row["policy"]["slug"], *ordered): pair
        for row in as_json["rows"]
        for pair in row["pairs"]
        for ordered in (pair["actors"], pair["actors"][::-1])
    }
    assert {(r["policy_slug"], r["actor_slug"], r["other_actor_slug"]) for r in rows} == {
        (policy, actor, other) for policy, actor in expected for other in actors if other != actor
    }
    for row in rows:
        stance = expected[(row["policy_slug"], row["actor_slug"])]
        assert row["as_of"] == "2025-05-16"
        if stance is None:
            assert row["position"] == row["label"] == row["evidence_text"] == ""
        else:
            assert row["position"] == ("" if stance["position"] is None else str(stance["position"]))
            assert row["label"] == stance["label"]
            assert row["evidence_text"] in {e["text"] for e in stance["evidence"]}
            assert row["source_title"]
        other = expected[(row["policy_slug"], row["other_actor_slug"])]
        assert row["other_label"] == ("" if other is None else other["label"])
        assert row["other_position"] == ("" if other is None or other["position"] is None else str(other["position"]))
        pair = pairs[(row["policy_slug"], row["actor_slug"], row["other_actor_slug"])]
        assert row["agreement_with_other"] == pair["agreement"]
        assert row["distance_to_other"] == ("" if pair["distance"] is None else str(pair["distance"]))
    assert response.headers["content-disposition"].startswith("inline")
    assert ".csv" in response.headers["content-disposition"]


async def test_compare_actors_csv_for_two_actors_names_the_other_in_each_row(client: Client) -> None:
    response = await client.get(
        "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-16&format=csv&policies=uk-return-hubs"
    )
    header, rows = parse_csv(response)
    assert header[-7:] == [
        "other_actor_slug",
        "other_actor_name",
        "other_position",
        "other_label",
        "agreement_with_other",
        "distance_to_other",
        "agreement_strength",
    ]
    assert [(row["actor_slug"], row["other_actor_slug"]) for row in rows] == [
        ("edi-rama", "keir-starmer"),
        ("keir-starmer", "edi-rama"),
    ]
    assert [row["other_actor_name"] for row in rows] == ["Keir Starmer", "Edi Rama"]
    assert rows[0]["other_position"] == rows[1]["position"]
    assert rows[1]["other_position"] == rows[0]["position"]
    assert rows[0]["agreement_with_other"] == rows[1]["agreement_with_other"]


async def test_csv_by_format_and_by_accept_agree(client: Client) -> None:
    by_format = await client.get(COMPARE + "&format=csv")
    by_accept = await client.get(COMPARE, headers={"Accept": "text/csv"})
    assert by_format.text == by_accept.text


async def test_csv_quote_cells_survive_commas_and_quotes(client: Client) -> None:
    """Evidence and summaries contain commas, quotes and curly quotes; the csv module reads them back intact."""
    response = await client.get(
        "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-16&policies=uk-return-hubs&format=csv"
    )
    _, rows = parse_csv(response)
    by_actor = {row["actor_slug"]: row for row in rows}
    assert by_actor["edi-rama"]["evidence_text"] == "I remain faithful to my marriage with Italy"
    assert by_actor["edi-rama"]["summary"].startswith("On UK return hubs as a whole Rama gave no view: everything")
    assert '("if we can"; no single measure is "a silver bullet")' in by_actor["keir-starmer"]["summary"]
    assert by_actor["edi-rama"]["other_actor_slug"] == "keir-starmer"
    assert by_actor["edi-rama"]["agreement_with_other"] == "partial"
    assert by_actor["keir-starmer"]["other_actor_slug"] == "edi-rama"
    assert by_actor["keir-starmer"]["agreement_with_other"] == "partial"


@pytest.mark.parametrize(
    ("path", "count"),
    [
        ("/v1/compare/dates?actor=keir-starmer&from=2024-07-05&to=2025-05-16", lambda body: len(body["rows"])),
        ("/v1/policies/uk-return-hubs/positions?as_of=2025-05-16", lambda body: len(body["positions"])),
        ("/v1/policies/uk-return-hubs/timeline?", lambda body: len(body["entries"])),
        (
            "/v1/policies/uk-offshoring-asylum-seekers/changes?from=2024-07-05&to=2025-05-16",
            lambda body: len(body["changes"]),
        ),
        ("/v1/policies/uk-rwanda-scheme/changes?from=2024-12-01&to=2025-05-16", lambda body: len(body["changes"])),
    ],
)
async def test_other_endpoints_csv_has_one_row_per_item(client: Client, path: str, count: Any) -> None:
    as_json = (await client.get(path)).json()
    header, rows = parse_csv(await client.get(path, headers={"Accept": "text/csv"}))
    assert count(as_json) > 0
    assert len(rows) == count(as_json)
    assert "policy_slug" in header
    assert "actor_slug" in header
    assert any(column.endswith("evidence_text") for column in header)
    assert any(column.endswith("source_url") for column in header)
    assert any(column.endswith("publisher") for column in header)


async def test_empty_comparison_csv_is_just_the_header(client: Client) -> None:
    path = "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2020-01-01&format=csv"
    header, rows = parse_csv(await client.get(path))
    assert set(header) >= CSV_COLUMNS
    assert rows == []


async def test_csv_content_type_names_the_charset_once(client: Client) -> None:
    response = await client.get(COMPARE + "&format=csv")
    assert response.headers["content-type"].replace(" ", "").lower() == "text/csv;charset=utf-8"


# --- negotiation ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("accept", ["application/xml", "text/html", "image/png", "application/problem+json"])
async def test_accept_naming_neither_json_nor_csv_is_406(client: Client, path: str, accept: str) -> None:
    response = await client.get(path, headers={"Accept": accept})
    body = assert_problem(response, 406, "not-acceptable")
    assert "text/csv" in body["detail"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        ("text/csv", "text/csv"),
        ("application/xml, text/csv;q=0.5", "text/csv"),
        ("application/xml;q=0.9, application/json;q=0.1", "application/json"),
    ],
)
async def test_accept_picks_json_or_csv(client: Client, accept: str, expected: str) -> None:
    response = await client.get(COMPARE, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert media_type(response) == expected
    assert "Accept" in response.headers["vary"]


async def test_format_overrides_accept(client: Client) -> None:
    as_json = await client.get(COMPARE + "&format=json", headers={"Accept": "application/xml"})
    assert as_json.status_code == 200
    assert media_type(as_json) == "application/json"
    as_csv = await client.get(COMPARE + "&format=csv", headers={"Accept": "application/json"})
    assert as_csv.status_code == 200
    assert media_type(as_csv) == "text/csv"


async def test_accept_with_q_zero_is_406(client: Client) -> None:
    response = await client.get(COMPARE, headers={"Accept": "text/csv;q=0, application/json;q=0"})
    assert response.status_code == 406


# --- ETags, 304 and Cache-Control ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("accept", ["application/json", "text/csv"])
async def test_strong_etag_and_304(client: Client, path: str, accept: str) -> None:
    first = await client.get(path, headers={"Accept": accept})
    assert first.status_code == 200, first.text
    etag = etag_of(first)
    assert not etag.startswith("W/")
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert first.headers.get("cache-control")

    second = await client.get(path, headers={"Accept": accept})
    assert etag_of(second) == etag

    cached = await client.get(path, headers={"Accept": accept, "If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.content == b""
    assert etag_of(cached) == etag
    assert cached.headers.get("cache-control") == first.headers["cache-control"]


async def test_if_none_match_lists_and_weak_forms(client: Client) -> None:
    etag = etag_of(await client.get(COMPARE))
    for header in (f'"0-nope", {etag}', f"W/{etag}", "*"):
        response = await client.get(COMPARE, headers={"If-None-Match": header})
        assert response.status_code == 304, header
    stale = await client.get(COMPARE, headers={"If-None-Match": '"0-0000000000000000"'})
    assert stale.status_code == 200
    assert stale.json()["rows"]


async def test_cache_control_is_present(client: Client) -> None:
    response = await client.get(COMPARE)
    cache_control = response.headers["cache-control"]
    assert "max-age" in cache_control
    assert "no-store" not in cache_control


async def test_etag_differs_between_json_and_csv(client: Client) -> None:
    as_json = etag_of(await client.get(COMPARE))
    via_accept = etag_of(await client.get(COMPARE, headers={"Accept": "text/csv"}))
    via_format = etag_of(await client.get(COMPARE + "&format=csv"))
    assert as_json != via_accept
    assert as_json != via_format
    # A JSON validator must not revalidate the CSV representation, and vice versa.
    response = await client.get(COMPARE, headers={"Accept": "text/csv", "If-None-Match": as_json})
    assert response.status_code == 200
    assert media_type(response) == "text/csv"


async def test_etag_differs_between_as_of_dates(client: Client) -> None:
    base = "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of="
    tags = {etag_of(await client.get(base + day)) for day in ("2025-05-14", "2025-05-15", "2025-05-16")}
    assert len(tags) == 3
    positions = "/v1/policies/uk-return-hubs/positions?as_of="
    assert etag_of(await client.get(positions + "2025-05-14")) != etag_of(await client.get(positions + "2025-05-16"))


async def test_etag_ignores_query_parameter_order(client: Client) -> None:
    one = await client.get("/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-16")
    other = await client.get("/v1/compare/actors?as_of=2025-05-16&actors=edi-rama,keir-starmer")
    assert etag_of(one) == etag_of(other)


async def test_etag_differs_between_actor_orders(client: Client) -> None:
    one = await client.get("/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-16")
    other = await client.get("/v1/compare/actors?actors=keir-starmer,edi-rama&as_of=2025-05-16")
    assert one.json()["actors"] != other.json()["actors"]
    assert etag_of(one) != etag_of(other)


async def test_default_as_of_etag_is_stable(client: Client) -> None:
    path = "/v1/compare/actors?actors=edi-rama,keir-starmer"
    etag = etag_of(await client.get(path))
    assert (await client.get(path, headers={"If-None-Match": etag})).status_code == 304


async def test_errors_carry_no_etag(client: Client) -> None:
    response = await client.get("/v1/compare/actors?actors=edi-rama,no-such-actor")
    assert response.status_code == 404
    assert "etag" not in response.headers


@pytest.mark.parametrize(
    "path",
    ["/v1/compare/actors?actors=ghost-one,ghost-two", "/v1/policies/no-such-policy/positions"],
)
async def test_if_none_match_star_does_not_hide_a_404(client: Client, path: str) -> None:
    response = await client.get(path, headers={"If-None-Match": "*"})
    assert response.status_code == 404


# --- ETags follow the data --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def writable(databases: Any) -> AsyncIterator[tuple[Client, str]]:
    url = await databases.clone("etag")
    async with AsyncTestClient(create_app(Settings.from_env(url))) as client:
        yield client, plain_url(url)


async def test_etag_changes_after_a_write(writable: tuple[Client, str]) -> None:
    client, url = writable
    paths = [
        "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-16",
        "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-16&format=csv",
        "/v1/compare/dates?actor=edi-rama&from=2025-01-01&to=2025-05-16",
        "/v1/policies/uk-return-hubs/positions?as_of=2025-05-16",
        "/v1/policies/uk-return-hubs/timeline?",
        "/v1/policies/uk-return-hubs/changes?from=2025-01-01&to=2025-05-16",
    ]
    before = {path: etag_of(await client.get(path)) for path in paths}
    for path, etag in before.items():
        assert (await client.get(path, headers={"If-None-Match": etag})).status_code == 304, path

    connection = await asyncpg.connect(url)
    try:
        status = await connection.execute(
            "UPDATE stance SET summary = summary || ' (edited by a test)' WHERE slug = $1",
            "edi-rama-on-uk-return-hubs-2025-05-15",
        )
        assert status == "UPDATE 1"
    finally:
        await connection.close()

    for path, old in before.items():
        fresh = await client.get(path, headers={"If-None-Match": old})
        assert fresh.status_code == 200, path
        new = etag_of(fresh)
        assert new != old, path
        assert not new.startswith("W/")
        assert "(edited by a test)" in fresh.text, path
        assert (await client.get(path, headers={"If-None-Match": new})).status_code == 304, path


async def test_etag_changes_after_a_write_elsewhere(writable: tuple[Client, str]) -> None:
    """The validator is the whole data version: an edit to any stance invalidates every comparison."""
    client, url = writable
    path = "/v1/compare/actors?actors=chris-philp,downing-street&as_of=2025-05-16"
    old = etag_of(await client.get(path))
    connection = await asyncpg.connect(url)
    try:
        status = await connection.execute(
            "UPDATE evidence SET text = text || ' [edited]' WHERE slug = $1",
            "shabana-mahmood-on-uk-asylum-overhaul-2025-2025-11-17-e1",
        )
        assert status == "UPDATE 1"
    finally:
        await connection.close()
    response = await client.get(path, headers={"If-None-Match": old})
    assert response.status_code == 200
    assert etag_of(response) != old

"""Creating a stance with its evidence: one transaction, every bad field named at once, and the newsroom rules
(no stance dated after its source, no direct quote that is not in the source's stored text)."""

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.problems import assert_problem

Client = AsyncTestClient[Litestar]
Problem = Callable[[httpx.Response, int], dict[str, Any]]
Body = Callable[..., dict[str, Any]]
Stored = Callable[[], Awaitable[dict[str, int]]]

JSON = {"Content-Type": "application/json"}


def error_names(body: dict[str, Any]) -> list[str]:
    return [error["name"] for error in body["errors"]]


async def test_a_stance_with_two_evidence_items_is_created(
    writer: Client, editor: dict[str, str], stance_body: Body, db: asyncpg.Connection
) -> None:
    slug = "edi-rama-on-uk-albania-strategic-partnership-2025-05-14"
    response = await writer.post("/v1/stances", json=stance_body(slug, stated_on="2025-05-14"), headers=editor)

    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/v1/stances/{slug}"
    assert response.headers["etag"] == f'"{slug}-v1"'
    created = response.json()
    assert created["slug"] == slug
    assert created["actor"]["slug"] == "edi-rama"
    assert created["policy"]["slug"] == "uk-albania-strategic-partnership"
    assert (created["position"], created["label"], created["version"], created["retracted"]) == (1, "support", 1, False)
    assert [(e["slug"], e["kind"], e["source"]["slug"]) for e in created["evidence"]] == [
        (f"{slug}-e1", "paraphrase", "starmer-first-official-visit-to-albania-2025-05"),
        (f"{slug}-e2", "reported_action", "chris-mason-pms-albania-trip-shows-tricky-path-on-migration"),
    ]
    assert created["evidence"][1]["speaker"]["slug"] == "edi-rama"

    fetched = await writer.get(response.headers["location"])
    assert fetched.status_code == 200
    assert fetched.json() == created
    assert fetched.headers["etag"] == response.headers["etag"]
    evidence = await writer.get(f"/v1/evidence/{slug}-e2")
    assert evidence.status_code == 200
    assert evidence.json()["stance"]["slug"] == slug
    listed = (await writer.get("/v1/stances", params={"actor": "edi-rama", "stated_from": "2025-05-14"})).json()
    assert slug in [item["slug"] for item in listed["items"]]
    assert (
        await db.fetchval("SELECT count(*) FROM evidence e JOIN stance s ON s.id = e.stance_id WHERE s.slug = $1", slug)
        == 2
    )


async def test_an_unknown_source_in_the_second_evidence_stores_nothing(
    writer: Client, editor: dict[str, str], stance_body: Body, problem: Problem, stored: Stored
) -> None:
    slug = "edi-rama-on-unknown-source-2025-05-15"
    body = stance_body(slug)
    body["evidence"][1]["source"] = "no-such-source"
    before = await stored()

    response = await writer.post("/v1/stances", json=body, headers=editor)

    problem_body = problem(response, 422)
    assert error_names(problem_body) == ["evidence[1].source"]
    assert "no-such-source" in problem_body["errors"][0]["message"]
    assert await stored() == before  # no stance, no evidence, no revision, data_version unchanged
    assert (await writer.get(f"/v1/stances/{slug}")).status_code == 404
    assert (await writer.get(f"/v1/evidence/{slug}-e1")).status_code == 404


def blank_second_evidence(stance_body: Body, slug: str) -> dict[str, Any]:
    """Valid for msgspec (3 characters) and the app's checks, but `ck_evidence_text_not_blank` rejects it after
    the stance row and the first evidence row were already inserted."""
    body = stance_body(slug)
    body["evidence"][1]["text"] = "   "
    return body


async def test_a_write_the_database_rejects_half_way_leaves_nothing_behind(
    writer: Client, editor: dict[str, str], stance_body: Body, stored: Stored, db: asyncpg.Connection
) -> None:
    slug = "edi-rama-on-blank-evidence-2025-05-15"
    before = await stored()

    response = await writer.post("/v1/stances", json=blank_second_evidence(stance_body, slug), headers=editor)

    assert response.status_code >= 400
    assert_problem(response, response.status_code)
    assert await stored() == before
    assert await db.fetchval("SELECT count(*) FROM stance WHERE slug = $1", slug) == 0
    assert (await writer.get(f"/v1/stances/{slug}")).status_code == 404


async def test_a_blank_evidence_text_is_a_422_naming_the_field_not_a_500(
    writer: Client, editor: dict[str, str], stance_body: Body, problem: Problem
) -> None:
    slug = "edi-rama-on-blank-evidence-422-2025-05-15"
    response = await writer.post("/v1/stances", json=blank_second_evidence(stance_body, slug), headers=editor)
    assert response.status_code != 500, response.text
    assert "evidence[1].text" in error_names(problem(response, 422))


async def test_422_lists_every_bad_field_at_once(
    writer: Client, editor: dict[str, str], problem: Problem, stored: Stored
) -> None:
    before = await stored()
    body = {
        "slug": "Not A Slug!",
        "actor": "edi-rama",
        "policy": "uk-return-hubs",
        "position": 5,
        "stated_on": "2025-05-15",
        "colour": "red",
        "evidence": [
            {
                "kind": "rumour",
                "text": "He said so.",
                "source": "chris-mason-pms-albania-trip-shows-tricky-path-on-migration",
            }
        ],
    }

    response = await writer.post("/v1/stances", json=body, headers=editor)

    problem_body = problem(response, 422)
    assert problem_body["type"].endswith("/validation-failed")
    assert sorted(error_names(problem_body)) == sorted(["slug", "position", "evidence[0].kind", "summary", "colour"])
    assert all(error["location"] == "body" for error in problem_body["errors"])
    messages = {error["name"]: error["message"] for error in problem_body["errors"]}
    assert "rumour" in messages["evidence[0].kind"]
    assert messages["summary"] == "required field is missing"
    assert messages["colour"] == "unknown field"
    for name in ("slug", "position", "evidence[0].kind", "summary", "colour"):
        assert f"'{name}'" in problem_body["detail"]
    assert await stored() == before


async def test_domain_errors_are_also_listed_together(
    writer: Client, editor: dict[str, str], stance_body: Body, problem: Problem
) -> None:
    body = stance_body("nobody-on-nothing-2025-05-15", actor="nobody", policy="no-policy", position=None)
    body["evidence"][0]["speaker"] = "no-speaker"
    body["evidence"][1]["source"] = "no-source"
    response = await writer.post("/v1/stances", json=body, headers=editor)
    assert sorted(error_names(problem(response, 422))) == sorted(
        ["ambiguity", "actor", "policy", "evidence[0].speaker", "evidence[1].source"]
    )


@pytest.mark.parametrize("content", [b'{"slug": ', b"{'slug': 'single-quotes'}", b"", b"\xff\xfe"])
async def test_malformed_json_is_400(writer: Client, editor: dict[str, str], problem: Problem, content: bytes) -> None:
    response = await writer.post("/v1/stances", content=content, headers={**editor, **JSON})
    assert problem(response, 400)["type"].endswith("/malformed-json")


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None]
)
async def test_a_body_that_is_not_json_is_415(
    writer: Client, editor: dict[str, str], stance_body: Body, problem: Problem, content_type: str | None
) -> None:
    headers = {**editor, **({"Content-Type": content_type} if content_type else {})}
    content = json.dumps(stance_body("edi-rama-on-text-plain-2025-05-15")).encode()
    response = await writer.post("/v1/stances", content=content, headers=headers)
    assert problem(response, 415)["type"].endswith("/unsupported-media-type")
    assert (await writer.get("/v1/stances/edi-rama-on-text-plain-2025-05-15")).status_code == 404


async def test_a_json_content_type_with_parameters_or_a_json_suffix_is_accepted(
    writer: Client, editor: dict[str, str], stance_body: Body
) -> None:
    for index, content_type in enumerate(["application/json; charset=utf-8", "application/merge-patch+json"]):
        slug = f"edi-rama-on-content-type-{index}-2025-05-15"
        response = await writer.post(
            "/v1/stances",
            content=json.dumps(stance_body(slug)).encode(),
            headers={**editor, "Content-Type": content_type},
        )
        assert response.status_code == 201, (content_type, response.text)


async def test_a_body_over_the_limit_is_413(
    writer: Client, editor: dict[str, str], stance_body: Body, problem: Problem, stored: Stored
) -> None:
    limit = writer.app.state.settings.max_body_bytes
    assert limit == 1_048_576
    body = stance_body("edi-rama-on-a-huge-body-2025-05-15", summary="x" * (2 * limit))
    before = await stored()

    response = await writer.post("/v1/stances", content=json.dumps(body).encode(), headers={**editor, **JSON})

    assert problem(response, 413)["type"].endswith("/payload-too-large")
    assert await stored() == before


async def test_a_duplicate_slug_is_409(
    writer: Client, editor: dict[str, str], stance_body: Body, problem: Problem, stored: Stored
) -> None:
    slug = "edi-rama-on-duplicate-2025-05-15"
    assert (await writer.post("/v1/stances", json=stance_body(slug), headers=editor)).status_code == 201
    before = await stored()

    again = await writer.post("/v1/stances", json=stance_body(slug, summary="Another summary."), headers=editor)
    body = problem(again, 409)
    assert body["type"].endswith("/conflict")
    assert slug in body["detail"]

    seeded = await writer.post(
        "/v1/stances", json=stance_body("keir-starmer-on-uk-return-hubs-2025-05-15"), headers=editor
    )
    problem(seeded, 409)
    assert await stored() == before
    assert (await writer.get(f"/v1/stances/{slug}")).json()["summary"] != "Another summary."


async def test_a_stance_dated_after_its_sources_publication_is_422(
    writer: Client, editor: dict[str, str], stance_body: Body, problem: Problem
) -> None:
    # chris-mason-... was published on 2025-05-15 (day precision)
    slug = "edi-rama-on-after-publication-2025-05-16"
    response = await writer.post("/v1/stances", json=stance_body(slug, stated_on="2025-05-16"), headers=editor)
    body = problem(response, 422)
    assert error_names(body) == ["stated_on"]
    assert "chris-mason-pms-albania-trip-shows-tricky-path-on-migration" in body["errors"][0]["message"]
    assert (await writer.get(f"/v1/stances/{slug}")).status_code == 404


async def test_a_month_precise_publication_allows_any_day_of_that_month(
    writer: Client, editor: dict[str, str], stance_body: Body, problem: Problem
) -> None:
    # starmer-first-official-visit-to-albania-2025-05 is dated May 2025 (month precision)
    def only_monthly_source(slug: str, stated_on: str) -> dict[str, Any]:
        body = stance_body(slug, stated_on=stated_on)
        body["evidence"] = body["evidence"][:1]
        return body

    accepted = await writer.post(
        "/v1/stances", json=only_monthly_source("edi-rama-on-month-end-2025-05-31", "2025-05-31"), headers=editor
    )
    assert accepted.status_code == 201, accepted.text
    refused = await writer.post(
        "/v1/stances", json=only_monthly_source("edi-rama-on-month-after-2025-06-01", "2025-06-01"), headers=editor
    )
    assert error_names(problem(refused, 422)) == ["stated_on"]


SOURCE_TEXT = (
    "TIRANA \u2014 Asked about the plan, Mr Rama said: \u201cWe  won\u2019t be a\n"
    "return hub for anyone.\u201d He added that Albania\u2019s deal with Italy was \u201cexclusive\u201d."
)
PARAPHRASE_IN_SOURCE = 'He added that Albania\'s deal with Italy was "exclusive".'


@pytest.fixture
async def source_with_text(writer: Client, editor: dict[str, str]) -> str:
    slug = "rama-press-statement-with-text-2025-05-20"
    response = await writer.post(
        "/v1/sources",
        json={
            "slug": slug,
            "kind": "statement",
            "title": "Rama statement on return hubs",
            "published_on": "2025-05-20",
            "text": SOURCE_TEXT,
        },
        headers=editor,
    )
    assert response.status_code == 201, response.text
    assert response.json()["content_sha256"] is not None
    return slug


def quoting(stance_body: Body, slug: str, source: str, quote: str) -> dict[str, Any]:
    return stance_body(
        slug,
        policy="uk-albania-return-hub-hosting",
        position=-2,
        evidence=[{"kind": "direct_quote", "text": quote, "source": source}],
    )


async def test_a_direct_quote_not_in_the_sources_stored_text_is_422(
    writer: Client, editor: dict[str, str], stance_body: Body, problem: Problem, source_with_text: str
) -> None:
    slug = "edi-rama-on-misquoted-2025-05-15"
    body = quoting(stance_body, slug, source_with_text, "We will never host a return hub")
    response = await writer.post("/v1/stances", json=body, headers=editor)
    problem_body = problem(response, 422)
    assert error_names(problem_body) == ["evidence[0].text"]
    assert (await writer.get(f"/v1/stances/{slug}")).status_code == 404


@pytest.mark.parametrize("kind", ["paraphrase", "reported_action"])
async def test_a_paraphrase_or_reported_action_must_be_the_sources_own_words(
    writer: Client, editor: dict[str, str], stance_body: Body, problem: Problem, source_with_text: str, kind: str
) -> None:
    slug = f"edi-rama-on-{kind.replace('_', '-')}-2025-05-15"
    body = quoting(stance_body, slug, source_with_text, "Rama ruled out a hub.")
    body["evidence"][0]["kind"] = kind
    problem_body = problem(await writer.post("/v1/stances", json=body, headers=editor), 422)
    assert error_names(problem_body) == ["evidence[0].text"]
    assert "source's own words" in problem_body["errors"][0]["message"]

    body["evidence"][0]["text"] = PARAPHRASE_IN_SOURCE
    response = await writer.post("/v1/stances", json=body, headers=editor)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "quote",
    [
        "We won't be a return hub for anyone.",  # straight apostrophe, single spaces, no line break
        "We  won\u2019t be a\nreturn hub for anyone.",  # exactly as stored
        "  We won\u2019t be a return hub for anyone.  ",  # surrounding whitespace
        'Albania\'s deal with Italy was "exclusive"',  # straight double quotes for typographic ones
        "TIRANA - Asked about the plan",  # hyphen for the em dash
    ],
)
async def test_a_quote_differing_only_in_quote_marks_or_whitespace_is_accepted(
    writer: Client, editor: dict[str, str], stance_body: Body, source_with_text: str, quote: str
) -> None:
    slug = f"edi-rama-on-quoted-{hashlib.sha1(quote.encode()).hexdigest()[:8]}-2025-05-15"
    response = await writer.post(
        "/v1/stances", json=quoting(stance_body, slug, source_with_text, quote), headers=editor
    )
    assert response.status_code == 201, response.text
    assert response.json()["evidence"][0]["text"] == quote  # stored as given


async def test_a_nul_character_in_a_body_field_is_a_client_error_not_a_500(
    writer: Client, editor: dict[str, str], stance_body: Body, stored: Stored
) -> None:
    before = await stored()
    response = await writer.post(
        "/v1/stances", json=stance_body("edi-rama-on-nul-2025-05-15", summary="Rama\u0000 said no."), headers=editor
    )
    assert await stored() == before
    assert 400 <= response.status_code < 500, response.text
    assert_problem(response, response.status_code)


async def test_a_correction_that_dates_a_stance_after_its_source_is_422(
    writer: Client, editor: dict[str, str], problem: Problem
) -> None:
    # its sources were published on 15 May, in May (month precision) and on 16 May 2025
    slug = "keir-starmer-on-uk-smash-the-gangs-2025-05-15"
    etag = (await writer.get(f"/v1/stances/{slug}")).headers["etag"]
    response = await writer.patch(
        f"/v1/stances/{slug}", json={"stated_on": "2026-01-01"}, headers={**editor, "If-Match": etag}
    )
    assert error_names(problem(response, 422)) == ["stated_on"]

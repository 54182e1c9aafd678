"""A sole-holder office has one holder at a time: a role whose period overlaps another holder's is a 409 naming
the clash (the database's exclusion constraint refuses it too), and an office can say whose office it speaks for."""

from typing import Any

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.problems import assert_problem

Client = AsyncTestClient[Litestar]
PM = "Prime Minister of the United Kingdom"


def pm_role(started_on: str | None, ended_on: str | None = None, **more: Any) -> dict[str, Any]:
    return {
        "title": PM,
        "organisation": "uk-government",
        "started_on": started_on,
        "ended_on": ended_on,
        "sole_holder": True,
        **more,
    }


async def test_a_second_prime_minister_at_the_same_time_is_a_409_naming_the_holder(
    writer: Client, admin: dict[str, str], db: asyncpg.Connection
) -> None:
    before = await db.fetchval("SELECT count(*) FROM actor_role")
    response = await writer.put("/v1/actors/chris-philp/roles", json={"roles": [pm_role("2025-01-01")]}, headers=admin)
    problem = assert_problem(response, 409, "conflict")
    assert "keir-starmer" in problem["detail"]
    assert "2024-07-05" in problem["detail"]
    assert await db.fetchval("SELECT count(*) FROM actor_role") == before  # nothing stored, not even a delete


async def test_a_holder_after_the_last_one_left_is_fine(writer: Client, admin: dict[str, str]) -> None:
    """Periods are half-open: Sunak's ended on 5 July 2024, the day Starmer's started; a role ending before it is
    fine too."""
    response = await writer.put(
        "/v1/actors/chris-philp/roles",
        json={"roles": [pm_role("2010-01-01", "2022-10-25")]},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    assert response.json()["roles"][0]["sole_holder"] is True


async def test_the_same_title_without_sole_holder_may_overlap(writer: Client, admin: dict[str, str]) -> None:
    member = {"title": "Member of the Conservative Party", "organisation": "conservative-party"}
    response = await writer.put("/v1/actors/rishi-sunak/roles", json={"roles": [member]}, headers=admin)
    assert response.status_code == 200, response.text


async def test_two_overlapping_periods_in_one_list_are_a_422(writer: Client, admin: dict[str, str]) -> None:
    roles = [pm_role("2030-01-01", "2031-01-01"), pm_role("2030-06-01", "2032-01-01")]
    response = await writer.put("/v1/actors/chris-philp/roles", json={"roles": roles}, headers=admin)
    problem = assert_problem(response, 422)
    assert [error["name"] for error in problem["errors"]] == ["roles[1]"]


async def test_the_database_refuses_an_overlap_the_api_did_not_see(db: asyncpg.Connection) -> None:
    philp = await db.fetchval("SELECT id FROM actor WHERE slug = 'chris-philp'")
    government = await db.fetchval("SELECT id FROM actor WHERE slug = 'uk-government'")
    with pytest.raises(asyncpg.ExclusionViolationError):
        await db.execute(
            "INSERT INTO actor_role (actor_id, title, organisation_id, started_on, sole_holder) "
            "VALUES ($1, $2, $3, '2025-01-01', true)",
            philp,
            PM,
            government,
        )


async def test_an_office_says_whose_office_it_speaks_for(writer: Client, admin: dict[str, str]) -> None:
    body = {
        "slug": "treasury-spokesman",
        "name": "Treasury spokesman",
        "kind": "office",
        "speaks_for": {"organisation": "uk-government", "title": "Chancellor of the Exchequer"},
    }
    created = await writer.post("/v1/actors", json=body, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["speaks_for"]["title"] == "Chancellor of the Exchequer"
    cleared = await writer.patch("/v1/actors/treasury-spokesman", json={"speaks_for": None}, headers=admin)
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["speaks_for"] is None


async def test_speaking_for_an_unknown_organisation_is_a_422(writer: Client, admin: dict[str, str]) -> None:
    body = {
        "slug": "nobodys-spokesman",
        "name": "Spokesman",
        "kind": "office",
        "speaks_for": {"organisation": "no-such-actor", "title": "Minister"},
    }
    problem = assert_problem(await writer.post("/v1/actors", json=body, headers=admin), 422)
    assert problem["errors"][0]["name"] == "speaks_for.organisation"


async def test_a_writes_answer_is_never_stored_by_a_cache(writer: Client, admin: dict[str, str]) -> None:
    member = {"title": "Member of the Conservative Party", "organisation": "conservative-party"}
    response = await writer.put("/v1/actors/rishi-sunak/roles", json={"roles": [member]}, headers=admin)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"

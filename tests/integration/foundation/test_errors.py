"""Every error is an RFC 9457 problem (``application/problem+json``) of one shape; health and readiness probes."""

from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.migrations import head_revision
from api.settings import Settings

PROBLEM_BASE = "https://positions.example.org/problems/"

Client = AsyncTestClient[Litestar]


@dataclass(frozen=True)
class ErrorCase:
    method: str
    path: str
    params: dict[str, str]
    status: int
    problem: str  # the last segment of the problem ``type``
    name: str | None = None  # the field ``errors[]`` must name
    mentions: tuple[str, ...] = ()  # strings ``detail`` must contain


def unknown_slug(path: str, slug: str) -> ErrorCase:
    return ErrorCase("GET", f"{path}/{slug}", {}, 404, "unknown-slug", "slug", (f"'{slug}'",))


def unknown_filter(path: str, name: str, slug: str) -> ErrorCase:
    return ErrorCase("GET", path, {name: slug}, 404, "unknown-slug", name, (f"'{slug}'",))


def invalid(path: str, params: dict[str, str], name: str, *mentions: str) -> ErrorCase:
    return ErrorCase("GET", path, params, 400, "invalid-parameter", name, (f"'{name}'", *mentions))


ERROR_CASES: dict[str, ErrorCase] = {
    # unknown slug on every detail route
    "actor-detail": unknown_slug("/v1/actors", "no-such-actor"),
    "policy-detail": unknown_slug("/v1/policies", "no-such-policy"),
    "stance-detail": unknown_slug("/v1/stances", "no-such-stance"),
    "evidence-detail": unknown_slug("/v1/evidence", "no-such-evidence-e1"),
    "source-detail": unknown_slug("/v1/sources", "no-such-source"),
    # unknown slug in a filter
    "stances-actor": unknown_filter("/v1/stances", "actor", "nobody"),
    "stances-policy": unknown_filter("/v1/stances", "policy", "no-policy"),
    "stances-topic": unknown_filter("/v1/stances", "topic", "no-topic"),
    "policies-topic": unknown_filter("/v1/policies", "topic", "no-topic"),
    "evidence-speaker": unknown_filter("/v1/evidence", "speaker", "nobody"),
    "evidence-source": unknown_filter("/v1/evidence", "source", "no-source"),
    # values that do not parse or make no sense
    "actors-bad-kind": invalid("/v1/actors", {"kind": "alien"}, "kind", "alien"),
    "evidence-bad-kind": invalid("/v1/evidence", {"kind": "rumour"}, "kind", "rumour"),
    "sources-bad-kind": invalid("/v1/sources", {"kind": "tabloid"}, "kind", "tabloid"),
    "actors-bad-country": invalid("/v1/actors", {"country": "GBR"}, "country"),
    "impossible-date": invalid("/v1/stances", {"stated_from": "2025-02-30"}, "stated_from"),
    "not-a-date": invalid("/v1/evidence", {"stated_to": "yesterday"}, "stated_to"),
    "stances-range-reversed": invalid(
        "/v1/stances", {"stated_from": "2025-06-01", "stated_to": "2025-01-01"}, "stated_from", "stated_to"
    ),
    "evidence-range-reversed": invalid(
        "/v1/evidence", {"stated_from": "2025-06-01", "stated_to": "2025-01-01"}, "stated_from", "stated_to"
    ),
    "sources-range-reversed": invalid(
        "/v1/sources", {"published_from": "2025-06-01", "published_to": "2025-01-01"}, "published_from", "published_to"
    ),
    "bad-boolean": invalid("/v1/stances", {"include_retracted": "perhaps"}, "include_retracted"),
    "empty-search": invalid("/v1/actors", {"q": ""}, "q"),
    # routing
    "unknown-route": ErrorCase("GET", "/v1/no-such-resource", {}, 404, "not-found"),
    "unknown-nested-route": ErrorCase("GET", "/v1/actors/edi-rama/friends", {}, 404, "not-found"),
    "post-on-topics": ErrorCase("POST", "/v1/topics", {}, 405, "method-not-allowed"),
    "patch-on-actor-list": ErrorCase("PATCH", "/v1/actors", {}, 405, "method-not-allowed"),
    "post-on-health": ErrorCase("POST", "/health", {}, 405, "method-not-allowed"),
}


@pytest.mark.parametrize("case", list(ERROR_CASES.values()), ids=list(ERROR_CASES))
async def test_every_error_path_returns_a_problem_of_one_shape(client: Client, case: ErrorCase) -> None:
    response = await client.request(case.method, case.path, params=case.params)

    assert response.status_code == case.status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= problem.keys()
    assert problem["type"] == PROBLEM_BASE + case.problem
    assert problem["status"] == response.status_code
    assert isinstance(problem["title"], str)
    assert problem["title"]
    assert isinstance(problem["detail"], str)
    assert problem["detail"]
    assert problem["instance"] == case.path
    for mention in case.mentions:
        assert mention in problem["detail"]
    errors = problem.get("errors", [])
    if case.name is None:
        assert errors == []
    else:
        named = [error for error in errors if error["name"] == case.name]
        assert named, f"errors does not name {case.name!r}: {errors}"
        assert all(error["location"] == ("path" if case.name == "slug" else "query") for error in named)
        if case.problem == "unknown-slug":
            slug = case.path.rsplit("/", 1)[1] if case.name == "slug" else case.params[case.name]
            assert any(slug in error["message"] for error in named)
    if case.status == 405:
        assert "GET" in response.headers["allow"]


async def test_unknown_actor_slug_gives_404_naming_the_slug(client: Client) -> None:
    response = await client.get("/v1/actors/edi-ramaa")

    problem = response.json()
    assert response.status_code == 404
    assert problem["detail"] == "No actor with slug 'edi-ramaa'."
    assert problem["errors"] == [{"name": "slug", "location": "path", "message": "unknown actor 'edi-ramaa'"}]


async def test_health_answers_200(client: Client) -> None:
    response = await client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_answers_200_on_the_migrated_database(client: Client) -> None:
    response = await client.get("/ready")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "database": True,
        "schema_revision": head_revision(),
        "expected_revision": head_revision(),
        "detail": "ok",
    }
    assert "retry-after" not in response.headers


async def test_ready_answers_503_with_retry_after_on_an_unmigrated_database(databases: Any) -> None:
    url = await databases.empty("unmigrated")
    app = create_app(Settings.from_env(url))

    async with AsyncTestClient(app) as unmigrated:
        ready = await unmigrated.get("/ready")
        health = await unmigrated.get("/health")

    assert ready.status_code == 503
    assert int(ready.headers["retry-after"]) > 0
    body = ready.json()
    assert body["status"] == "not_ready"
    assert body["schema_revision"] is None
    assert body["expected_revision"] == head_revision()
    assert health.status_code == 200

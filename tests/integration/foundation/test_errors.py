"""Every error is an RFC 9457 problem (``application/problem+json``) of one shape; health and readiness probes.

Three walks, each checking every response with ``tests.problems.assert_problem``:

1. every read error path, on the shared seeded database (unknown slugs, bad parameters, routing, 406);
2. every write error path (400, 401, 403, 409, 412, 413, 415, 422, 428, 429) on a database and keys of its own,
   and a database that cannot be reached (503);
3. every registered problem type, through the app's own exception handlers, including those no request can
   provoke from outside (a 500, a COMMIT whose outcome is unknown).

The last tests check that the walks reach every entry of ``api.errors.PROBLEM_TYPES`` and that the README lists
every one of them.
"""

import dataclasses
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import pytest
from litestar import Litestar, get
from litestar.exceptions import HTTPException, ValidationException
from litestar.params import Parameter
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.errors import (
    EXCEPTION_HANDLERS,
    FRAMEWORK_STATUSES,
    PROBLEM_BASE,
    PROBLEM_TYPES,
    ApiError,
    InvalidParameter,
    Unauthorized,
    UnknownSlugs,
    WriteOutcomeUnknown,
)
from api.migrations import head_revision
from api.settings import Settings
from tests.keys import create_key
from tests.problems import assert_problem

Client = AsyncTestClient[Litestar]
README = Path(__file__).resolve().parents[3] / "README.md"
SEED_STANCE = "chris-philp-on-uk-return-hubs-2025-05-15"
SEED_SOURCE = "starmer-first-official-visit-to-albania-2025-05"
UNREACHABLE_DATABASE = "postgresql+asyncpg://positions@127.0.0.1:1/unreachable"


@dataclass(frozen=True)
class ErrorCase:
    method: str
    path: str
    params: dict[str, str]
    status: int
    problem: str  # the last segment of the problem ``type``
    name: str | None = None  # the field ``errors[]`` must name
    mentions: tuple[str, ...] = ()  # strings ``detail`` must contain
    headers: dict[str, str] = field(default_factory=dict)
    location: str | None = None  # where the named field is; by default ``path`` for a slug, else ``query``


def unknown_slug(path: str, slug: str) -> ErrorCase:
    return ErrorCase("GET", f"{path}/{slug}", {}, 404, "unknown-slug", "slug", (f"'{slug}'",))


def unknown_filter(path: str, name: str, slug: str) -> ErrorCase:
    return ErrorCase("GET", path, {name: slug}, 404, "unknown-slug", name, (f"'{slug}'",))


def invalid(path: str, params: dict[str, str], name: str, *mentions: str) -> ErrorCase:
    return ErrorCase("GET", path, params, 400, "invalid-parameter", name, (f"'{name}'", *mentions))


def not_acceptable(path: str, params: dict[str, str]) -> ErrorCase:
    return ErrorCase("GET", path, params, 406, "not-acceptable", headers={"Accept": "application/xml"})


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
    "put-on-topics": ErrorCase("PUT", "/v1/topics", {}, 405, "method-not-allowed"),
    "patch-on-actor-list": ErrorCase("PATCH", "/v1/actors", {}, 405, "method-not-allowed"),
    "post-on-health": ErrorCase("POST", "/health", {}, 405, "method-not-allowed"),
    # content negotiation: refused before the handler (JSON only) and by a comparison (JSON or CSV)
    "accept-rules-out-json": not_acceptable("/v1/actors", {}),
    "accept-rules-out-json-and-csv": not_acceptable("/v1/compare/actors", {"actors": "edi-rama,keir-starmer"}),
}


def check(response: Any, case: ErrorCase) -> dict[str, Any]:
    problem = assert_problem(response, case.status, case.problem)
    assert problem["instance"] == case.path
    for mention in case.mentions:
        assert mention in problem["detail"]
    errors = problem.get("errors", [])
    if case.name is None:
        assert errors == []
    else:
        named = [error for error in errors if error["name"] == case.name]
        assert named, f"errors does not name {case.name!r}: {errors}"
        location = case.location or ("path" if case.name == "slug" else "query")
        assert all(error["location"] == location for error in named)
        if case.problem == "unknown-slug":
            slug = case.path.rsplit("/", 1)[1] if case.name == "slug" else case.params[case.name]
            assert any(slug in error["message"] for error in named)
    if case.status == 405:
        assert "GET" in response.headers["allow"]
    return problem


@pytest.mark.parametrize("case", list(ERROR_CASES.values()), ids=list(ERROR_CASES))
async def test_every_error_path_returns_a_problem_of_one_shape(client: Client, case: ErrorCase) -> None:
    response = await client.request(case.method, case.path, params=case.params, headers=case.headers)

    check(response, case)


# --- writes: keys of their own, a database of their own -------------------------------------------------------


@dataclass(frozen=True)
class WriteCase:
    case: ErrorCase
    key: str | None = "editor"  # the scope of the key sent, if any
    json: Any = None
    content: bytes | None = None
    rate_limited: bool = False  # sent with a key that has used up its one write this minute


JSON = {"Content-Type": "application/json"}
STALE = {"If-Match": '"stale"'}


def write(method: str, path: str, status: int, problem: str, name: str | None = None, **kwargs: Any) -> WriteCase:
    headers = kwargs.pop("headers", {})
    return WriteCase(ErrorCase(method, path, {}, status, problem, name, headers=headers, location="body"), **kwargs)


def source(slug: str) -> dict[str, str]:
    return {"slug": slug, "kind": "statement", "title": f"Statement {slug}"}


WRITE_CASES: dict[str, WriteCase] = {
    "no-key": write("POST", "/v1/sources", 401, "unauthorized", key=None, json=source("no-key")),
    "editor-on-admin-write": write(
        "POST", "/v1/actors", 403, "forbidden", json={"slug": "x", "name": "X", "kind": "person"}
    ),
    "malformed-json": write("POST", "/v1/sources", 400, "malformed-json", content=b'{"slug": ', headers=JSON),
    "not-json": write(
        "POST", "/v1/sources", 415, "unsupported-media-type", content=b"slug=x", headers={"Content-Type": "text/plain"}
    ),
    "too-large": write(
        "POST",
        "/v1/stances",
        413,
        "payload-too-large",
        content=b'{"summary": "' + b"x" * 2_000_000 + b'"}',
        headers=JSON,
    ),
    "invalid-body": write("POST", "/v1/sources", 422, "validation-failed", "title", json={"slug": "no-title"}),
    "slug-taken": write("POST", "/v1/sources", 409, "conflict", json=source(SEED_SOURCE)),
    "no-if-match": write("PATCH", f"/v1/stances/{SEED_STANCE}", 428, "precondition-required", json={"position": 0}),
    "stale-if-match": write(
        "PATCH", f"/v1/stances/{SEED_STANCE}", 412, "precondition-failed", json={"position": 0}, headers=STALE
    ),
    "rate-limited": write("POST", "/v1/sources", 429, "rate-limited", json=source("one-too-many"), rate_limited=True),
    "no-stored-text": write("GET", f"/v1/sources/{SEED_SOURCE}/text", 404, "no-stored-text"),
}


@pytest.fixture(scope="module")
async def write_url(databases: Any) -> str:
    url: str = await databases.clone("errors")
    return url


@pytest.fixture(scope="module")
async def writer(write_url: str) -> AsyncIterator[Client]:
    settings = dataclasses.replace(Settings.from_env(write_url), write_rate_limit=100_000)
    async with AsyncTestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
async def limited(write_url: str) -> AsyncIterator[Client]:
    """An app allowing each key one write a minute."""
    settings = dataclasses.replace(Settings.from_env(write_url), write_rate_limit=1)
    async with AsyncTestClient(create_app(settings)) as test_client:
        yield test_client


async def new_key(write_url: str, scope: str) -> dict[str, str]:
    return await create_key(write_url, f"errors {scope} {uuid.uuid4().hex[:8]}", scope)


async def send(client: Client, item: WriteCase, headers: dict[str, str]) -> Any:
    case = item.case
    return await client.request(
        case.method, case.path, json=item.json, content=item.content, headers={**case.headers, **headers}
    )


@pytest.mark.parametrize("item", list(WRITE_CASES.values()), ids=list(WRITE_CASES))
async def test_every_write_error_path_returns_a_problem_of_one_shape(
    writer: Client, limited: Client, write_url: str, item: WriteCase
) -> None:
    headers = await new_key(write_url, item.key) if item.key else {}
    if item.rate_limited:
        # the window is a calendar minute: a first write and the refused one may straddle its end, but not twice
        for attempt in range(3):
            headers = await new_key(write_url, "editor")
            used = await limited.post("/v1/sources", json=source(f"the-one-write-{attempt}"), headers=headers)
            assert used.status_code == 201, used.text
            response = await send(limited, item, headers)
            if response.status_code == 429:
                break
    else:
        response = await send(writer, item, headers)

    check(response, item.case)
    if item.case.status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")
    if item.case.status == 429:
        assert int(response.headers["retry-after"]) > 0


async def test_an_unreachable_database_is_a_503_problem_with_retry_after() -> None:
    async with AsyncTestClient(create_app(Settings.from_env(UNREACHABLE_DATABASE))) as down:
        for path in ("/v1/actors", "/v1/stances/anything"):
            response = await down.get(path)
            check(response, ErrorCase("GET", path, {}, 503, "database-unavailable"))


# --- every registered problem type, through the app's exception handlers ---------------------------------------


def api_error_classes() -> list[type[ApiError]]:
    found: list[type[ApiError]] = []
    pending = [ApiError]
    while pending:
        cls = pending.pop()
        if cls.__module__.startswith("api."):  # not the classes the registry test below refuses
            found.append(cls)
        pending.extend(cls.__subclasses__())
    return sorted(found, key=lambda cls: cls.__name__)


def sample(cls: type[ApiError]) -> ApiError:
    """One instance of each domain error (a new subclass with its own signature needs a line here)."""
    special: dict[type[ApiError], ApiError] = {
        UnknownSlugs: UnknownSlugs("actor", ["nobody"]),
        InvalidParameter: InvalidParameter("limit", "must be at most 100"),
        Unauthorized: Unauthorized("No API key was sent."),
        WriteOutcomeUnknown: WriteOutcomeUnknown(),
    }
    return special.get(cls) or cls("Something was wrong with the request.")


@get("/domain/{index:int}", sync_to_thread=False)
def raise_domain_error(index: Annotated[int, Parameter(description="Which error.")]) -> None:
    raise sample(api_error_classes()[index])


@get("/framework/{status:int}", sync_to_thread=False)
def raise_framework_error(status: Annotated[int, Parameter(description="Which status.")]) -> None:
    if status == 0:
        raise ValidationException(detail="Validation failed", extra=[{"key": "limit", "message": "too big"}])
    raise HTTPException(status_code=status, detail="The framework refused.")


@get("/crash", sync_to_thread=False)
def crash() -> None:
    raise RuntimeError("a bug")


@pytest.fixture(scope="module")
async def raiser() -> AsyncIterator[Client]:
    app = Litestar([raise_domain_error, raise_framework_error, crash], exception_handlers=EXCEPTION_HANDLERS)
    async with AsyncTestClient(app) as test_client:
        yield test_client


async def test_every_domain_error_renders_its_registered_problem(raiser: Client) -> None:
    for index, cls in enumerate(api_error_classes()):
        response = await raiser.get(f"/domain/{index}")
        problem = assert_problem(response, cls.status, cls.code)
        assert problem["detail"] == sample(cls).detail
        if cls is WriteOutcomeUnknown:
            assert "Idempotency-Key" in problem["detail"]


async def test_every_framework_status_renders_its_registered_problem(raiser: Client) -> None:
    for status, code in FRAMEWORK_STATUSES.items():
        assert_problem(await raiser.get(f"/framework/{status}"), status, code)
    invalid = assert_problem(await raiser.get("/framework/0"), 400, "invalid-parameter")
    assert invalid["errors"] == [{"name": "limit", "location": "body", "message": "too big"}]


async def test_an_unregistered_framework_status_is_about_blank(raiser: Client) -> None:
    response = await raiser.get("/framework/418")

    assert response.status_code == 418
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "about:blank"
    assert response.json()["title"] == "I'm a Teapot"


async def test_an_unexpected_error_is_a_500_problem_that_says_nothing_of_the_bug(raiser: Client) -> None:
    problem = assert_problem(await raiser.get("/crash"), 500, "internal-error")
    assert "bug" not in problem["detail"]


def test_a_domain_error_cannot_disagree_with_the_registry() -> None:
    with pytest.raises(TypeError, match=r"not in api\.errors\.PROBLEM_TYPES"):
        type("Teapot", (ApiError,), {"code": "teapot"})
    with pytest.raises(TypeError, match="status is 400"):
        type("Loud", (ApiError,), {"code": "conflict", "status": 400})
    with pytest.raises(TypeError, match="title is 'Clash'"):
        type("Clash", (ApiError,), {"code": "conflict", "title": "Clash"})


# --- the walks reach the whole registry, and the README lists it ----------------------------------------------

# Reached only through the third walk: no request provokes them from outside.
NOT_REACHABLE_BY_REQUEST = {
    "bad-request": "nothing raises a bare 400 today: every 400 says what is wrong",
    "internal-error": "a bug",
    "write-outcome-unknown": "the connection dies during COMMIT",
}


def test_the_walks_reach_every_registered_problem_type() -> None:
    reached = {case.problem for case in ERROR_CASES.values()}
    reached |= {item.case.problem for item in WRITE_CASES.values()} | {"database-unavailable"}
    assert reached | set(NOT_REACHABLE_BY_REQUEST) == set(PROBLEM_TYPES)
    assert not reached & set(NOT_REACHABLE_BY_REQUEST)
    rendered = {cls.code for cls in api_error_classes()} | set(FRAMEWORK_STATUSES.values()) | {"invalid-parameter"}
    assert rendered == set(PROBLEM_TYPES), "a registered type nothing raises, or a raised type not registered"


def test_the_readme_lists_every_problem_type_as_stable() -> None:
    text = README.read_text(encoding="utf-8")
    stable = text[text.index("## What is stable") :]
    rows = re.findall(r"^\| `([a-z-]+)` \| (\d{3}) \|", stable, flags=re.MULTILINE)
    assert {code: int(status) for code, status in rows} == {code: kind.status for code, kind in PROBLEM_TYPES.items()}
    assert len(rows) == len(PROBLEM_TYPES)
    assert PROBLEM_BASE in stable


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

"""``api/litestar_internals.py`` reads Litestar structures that are not public API: pinned and exercised here.

The first test fails when the installed Litestar leaves the range those structures were verified on; the
others exercise each function on a small app of their own, so a change in what Litestar puts where shows up
as a failing test here rather than as a wrong problem detail (or a 500) in production.
"""

from datetime import date
from importlib.metadata import version
from typing import Annotated, Any

import pytest
from litestar import Litestar, Request, Response, get, post
from litestar.exceptions import ValidationException
from litestar.params import HeaderParameter, Parameter, QueryParameter
from litestar.testing import AsyncTestClient
from packaging.version import Version

from api.litestar_internals import (
    MissingParameter,
    ValidationFailure,
    allowed_methods,
    missing_parameter,
    missing_query_parameters,
    openapi_document,
    public_name,
    validation_failures,
)

VERIFIED_FROM = Version("2.25.0")  # inclusive
VERIFIED_BELOW = Version("2.26")  # exclusive

RECHECK = """\
api/litestar_internals.py reads private Litestar structures; re-check each against the new version:
  - public_name, missing_query_parameters: route_handler.parsed_fn_signature.parameters[...] \
(.kwarg_definition .name/.header, .is_required) and route_handler.resolve_dependencies()
  - validation_failures: ValidationException.extra as a list of {key, source, message} (litestar._signature.model)
  - missing_parameter: the "Missing required <kind> parameter '<name>'" detail (litestar._kwargs.extractors)
  - allowed_methods: scope["path_template"] and app.routes[*].path / path_format / methods
  - openapi_document: litestar._openapi.plugin.OpenAPIPlugin.provide_openapi_schema()
Run tests/unit/test_litestar_internals.py and tests/integration/foundation/test_errors.py, then move \
VERIFIED_FROM / VERIFIED_BELOW in this file."""


def test_litestar_is_a_version_the_internals_were_verified_on() -> None:
    installed = Version(version("litestar"))
    assert VERIFIED_FROM <= installed < VERIFIED_BELOW, (
        f"Litestar {installed} is outside the verified range [{VERIFIED_FROM}, {VERIFIED_BELOW}).\n{RECHECK}"
    )


Report = dict[str, Any]


@get("/things/{slug:str}")
async def show_thing(
    request: Request[Any, Any, Any],
    slug: Annotated[str, Parameter(description="A slug.")],
    from_date: Annotated[date, QueryParameter(name="from")],
    to_date: Annotated[date, QueryParameter(name="to")],
    trace: Annotated[str, HeaderParameter(name="X-Trace")],
    limit: Annotated[int, Parameter(description="At most this many.")] = 10,
) -> Report:
    return {"allowed": allowed_methods(request.scope)}


@post("/things/{slug:str}")
async def make_thing(slug: Annotated[str, Parameter(description="A slug.")]) -> None:
    return None


def report_invalid(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Report]:
    failures = validation_failures(exc)
    return Response(
        {
            "failures": [list(failure) for failure in failures],
            "public": [public_name(request, failure.key) for failure in failures],
            "missing": missing_parameter(exc),
            "missing_query": missing_query_parameters(request),
        },
        status_code=400,
    )


@pytest.fixture(scope="module")
def app() -> Litestar:
    return Litestar([show_thing, make_thing], exception_handlers={ValidationException: report_invalid})


async def test_missing_required_parameters_are_all_found(app: Litestar) -> None:
    async with AsyncTestClient(app) as client:
        response = await client.get("/things/a", headers={"X-Trace": "t"})

    report = response.json()
    assert response.status_code == 400
    assert report["failures"] == []
    missing = MissingParameter(*report["missing"])
    assert missing.location == "query"
    assert missing.name in {"from", "to"}  # Litestar names one of them, not always the same one
    # every absent required query parameter, by its public name, in the handler's order (the header is present)
    assert report["missing_query"] == ["from", "to"]


async def test_invalid_values_are_listed_with_their_public_names(app: Litestar) -> None:
    async with AsyncTestClient(app) as client:
        response = await client.get(
            "/things/a", params={"from": "someday", "to": "2025-01-01", "limit": "many"}, headers={"X-Trace": "t"}
        )

    report = response.json()
    assert response.status_code == 400
    failures = [ValidationFailure(*failure) for failure in report["failures"]]
    assert [(failure.key, failure.location) for failure in failures] == [("from_date", "query"), ("limit", "query")]
    assert all(failure.message for failure in failures)
    assert report["public"] == ["from", "limit"]
    assert report["missing"] is None


def test_public_name_falls_back_to_the_key_outside_a_handler_signature() -> None:
    class NoHandler:
        route_handler = None

    assert public_name(NoHandler(), "from_date") == "from_date"


def test_validation_failures_of_an_exception_without_a_list_is_empty() -> None:
    assert validation_failures(ValidationException(detail="x", extra={"not": "a list"})) == []
    assert missing_parameter(ValidationException(detail="Validation failed")) is None


async def test_allowed_methods_names_every_handler_of_the_path(app: Litestar) -> None:
    async with AsyncTestClient(app) as client:
        response = await client.get(
            "/things/a", params={"from": "2025-01-01", "to": "2025-01-02"}, headers={"X-Trace": "t"}
        )

    assert response.status_code == 200, response.text
    assert {"GET", "POST"} <= set(response.json()["allowed"].split(", "))


async def test_openapi_document_is_the_served_document(app: Litestar) -> None:
    document = openapi_document(app)
    async with AsyncTestClient(app) as client:
        served = (await client.get("/schema/openapi.json")).json()

    assert "/things/{slug}" in document["paths"]
    assert served == document

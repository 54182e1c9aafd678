"""Domain errors and their one mapping to RFC 9457 problem details (``application/problem+json``).

Every error the API returns, the framework's own included, goes through ``problem_response``: one
shape, a stable ``type`` per kind of problem, and for validation a list of the offending fields.
"""

import logging
import re
from typing import Any

import asyncpg
import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import ExceptionHandlersMap
from sqlalchemy.exc import DataError, IntegrityError

from api.database import is_connection_error

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://positions.example.org/problems/"

logger = logging.getLogger("positions.errors")


class InvalidField(msgspec.Struct, kw_only=True):
    """One offending parameter, header or body field."""

    name: str
    location: str
    message: str


class Problem(msgspec.Struct, kw_only=True, omit_defaults=True):
    """RFC 9457 problem details. `type` is a stable URI per kind of problem: clients may branch on it."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[InvalidField] = []


class ApiError(Exception):
    """Base of the domain errors: each knows its status, problem type and title."""

    status = 400
    code = "bad-request"
    title = "Bad request"

    def __init__(
        self, detail: str, *, errors: list[InvalidField] | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


class NotFound(ApiError):
    status = 404
    code = "not-found"
    title = "Not found"


PLURALS = {"policy": "policies", "evidence": "evidence"}


class UnknownSlugs(NotFound):
    """One or more slugs named in the request do not exist."""

    code = "unknown-slug"
    title = "Unknown slug"

    def __init__(self, resource: str, slugs: list[str], *, location: str = "path", name: str = "slug") -> None:
        quoted = ", ".join(f"'{slug}'" for slug in slugs)
        noun = resource if len(slugs) == 1 else PLURALS.get(resource, f"{resource}s")
        super().__init__(
            f"No {noun} with slug {quoted}.",
            errors=[
                InvalidField(name=name, location=location, message=f"unknown {resource} '{slug}'") for slug in slugs
            ],
        )
        self.slugs = slugs


class InvalidParameter(ApiError):
    """A parameter has a value that makes no sense (e.g. ``from`` after ``to``); the problem names it."""

    code = "invalid-parameter"
    title = "Invalid parameter"

    def __init__(self, name: str, message: str, *, location: str = "query") -> None:
        super().__init__(
            f"Invalid parameter '{name}': {message}",
            errors=[InvalidField(name=name, location=location, message=message)],
        )


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"
    title = "Unauthorized"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="positions"'})


class Forbidden(ApiError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class Conflict(ApiError):
    status = 409
    code = "conflict"
    title = "Conflict"


class PreconditionFailed(ApiError):
    status = 412
    code = "precondition-failed"
    title = "Precondition failed"


class PreconditionRequired(ApiError):
    status = 428
    code = "precondition-required"
    title = "Precondition required"


class Unprocessable(ApiError):
    """The body is well-formed JSON but invalid; ``errors`` names every bad field."""

    status = 422
    code = "validation-failed"
    title = "Validation failed"


class UnsupportedMediaType(ApiError):
    status = 415
    code = "unsupported-media-type"
    title = "Unsupported media type"


class RateLimited(ApiError):
    status = 429
    code = "rate-limited"
    title = "Too many requests"


class DatabaseUnavailable(ApiError):
    status = 503
    code = "database-unavailable"
    title = "Database unavailable"


class WriteOutcomeUnknown(ApiError):
    """The connection died during COMMIT: the write may or may not be stored."""

    status = 503
    code = "write-outcome-unknown"
    title = "Write outcome unknown"


HTTP_CODES: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    412: ("precondition-failed", "Precondition failed"),
    413: ("payload-too-large", "Payload too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("unprocessable-content", "Unprocessable content"),
    428: ("precondition-required", "Precondition required"),
    429: ("too-many-requests", "Too many requests"),
    500: ("internal-error", "Internal server error"),
    503: ("service-unavailable", "Service unavailable"),
}


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> Response[Problem]:
    return Response(content=problem, status_code=problem.status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _instance(request: Request[Any, Any, Any]) -> str:
    return request.url.path


def handle_api_error(request: Request[Any, Any, Any], exc: ApiError) -> Response[Problem]:
    headers = {"Retry-After": "5"} | exc.headers if exc.status == 503 else exc.headers or None
    problem = Problem(
        type=PROBLEM_BASE + exc.code,
        title=exc.title,
        status=exc.status,
        detail=exc.detail,
        instance=_instance(request),
        errors=exc.errors,
    )
    return problem_response(problem, headers)


def _validation_fields(extra: object) -> list[InvalidField]:
    fields: list[InvalidField] = []
    if isinstance(extra, list):
        for item in extra:
            if isinstance(item, dict):
                fields.append(
                    InvalidField(
                        name=str(item.get("key") or "body"),
                        location=str(getattr(item.get("source"), "value", item.get("source")) or "body"),
                        message=str(item.get("message") or "invalid value"),
                    )
                )
    return fields


_MISSING = re.compile(r"Missing required (\w+) parameter '([^']+)'")


def _public_name(request: Request[Any, Any, Any], key: str) -> str:
    """The parameter's public name (``from``) rather than the handler's argument name (``from_date``)."""
    try:
        definition = request.route_handler.parsed_fn_signature.parameters[key].kwarg_definition
    except (KeyError, AttributeError):
        return key
    name = getattr(definition, "name", None)
    return name if isinstance(name, str) and name else key


def _missing_query_parameters(request: Request[Any, Any, Any]) -> list[str]:
    """Every required query parameter absent from the request, in the handler's order."""
    names: list[str] = []
    handler = request.route_handler
    skip = {"self", "request", "state", "scope", *handler.resolve_dependencies(), *request.path_params}
    for key, field in handler.parsed_fn_signature.parameters.items():
        definition = field.kwarg_definition
        if (
            key in skip
            or not field.is_required
            or type(definition).__name__ not in {"QueryParameter", "ParameterKwarg"}
        ):
            continue
        public = getattr(definition, "name", None) or key
        if getattr(definition, "header", None) is None and public not in request.query_params:
            names.append(public)
    return names


def handle_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Problem]:
    status = exc.status_code
    code, title = HTTP_CODES.get(status, ("http-error", "HTTP error"))
    errors: list[InvalidField] = []
    detail = exc.detail or title
    if isinstance(exc, ValidationException):
        code, title = "invalid-parameter", "Invalid request"
        errors = [
            InvalidField(name=_public_name(request, field.name), location=field.location, message=field.message)
            for field in _validation_fields(exc.extra)
        ]
        missing = _MISSING.search(exc.detail or "")
        if not errors and missing:
            errors = [
                InvalidField(name=name, location=missing[1], message="required parameter is missing")
                for name in _missing_query_parameters(request) or [missing[2]]
            ]
        if errors:
            names = ", ".join(sorted({f"'{field.name}'" for field in errors}))
            if all(field.message == "required parameter is missing" for field in errors):
                detail = f"Missing required parameter(s): {names}."
            else:
                detail = f"Invalid value for {names}: " + "; ".join(field.message for field in errors)
    headers = dict(exc.headers or {})
    if status == 503:
        headers.setdefault("Retry-After", "5")
    problem = Problem(
        type=PROBLEM_BASE + code, title=title, status=status, detail=detail, instance=_instance(request), errors=errors
    )
    return problem_response(problem, headers or None)


def _integrity_problem(exc: IntegrityError) -> ApiError:
    """A constraint the database enforces (the last line of defence, e.g. against a racing write)."""
    original = exc.orig.__cause__ if exc.orig is not None and exc.orig.__cause__ is not None else exc.orig
    sqlstate = getattr(original, "sqlstate", None)
    constraint = getattr(original, "constraint_name", None) or "a constraint"
    if sqlstate == "23505":
        return Conflict(f"The write conflicts with a stored record ({constraint}); nothing was stored.")
    return Unprocessable(
        f"The database rejected the data ({constraint}); nothing was stored.",
        errors=[InvalidField(name="body", location="body", message=f"violates {constraint}")],
    )


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    if is_connection_error(exc):
        logger.warning("database unavailable: %s", exc)
        return handle_api_error(request, DatabaseUnavailable("The database is unreachable; retry shortly."))
    if isinstance(exc, IntegrityError):
        return handle_api_error(request, _integrity_problem(exc))
    if isinstance(exc, (DataError, asyncpg.DataError)):
        return handle_api_error(request, InvalidParameter("request", "a value cannot be stored or compared as given"))
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    problem = Problem(
        type=PROBLEM_BASE + "internal-error",
        title="Internal server error",
        status=500,
        detail="An unexpected error occurred; it has been logged.",
        instance=_instance(request),
    )
    return problem_response(problem)


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    ApiError: handle_api_error,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}

"""Domain errors and their one mapping to RFC 9457 problem details (``application/problem+json``).

``PROBLEM_TYPES`` is the one registry of problem types: each has one ``type`` URI, status and title. Domain
errors (``ApiError`` subclasses) name their type by ``code``; the framework's own errors map through
``FRAMEWORK_STATUSES``; both become responses in ``render_problem``, the one shape: ``type``, ``title``,
``status``, ``detail``, ``instance`` and, for bad input, ``errors`` naming each offending field.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, ClassVar

import asyncpg
import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import ExceptionHandlersMap
from sqlalchemy.exc import DataError, IntegrityError

from api.database import is_connection_error
from api.litestar_internals import missing_parameter, missing_query_parameters, public_name, validation_failures

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://positions.example.org/problems/"
RETRY_AFTER_SECONDS = "5"

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


@dataclass(frozen=True, slots=True)
class ProblemType:
    """One kind of problem: the last segment of its ``type`` URI, its status, title and what it means."""

    code: str
    status: int
    title: str
    meaning: str

    @property
    def uri(self) -> str:
        return PROBLEM_BASE + self.code


PROBLEM_TYPES: dict[str, ProblemType] = {
    problem.code: problem
    for problem in (
        ProblemType(
            "bad-request",
            400,
            "Bad request",
            "A bad request no more specific type describes (the framework's own 400s).",
        ),
        ProblemType(
            "invalid-parameter",
            400,
            "Invalid parameter",
            "A query, path or header parameter is missing, malformed, out of range or inconsistent with another; "
            "`errors` names each one.",
        ),
        ProblemType("malformed-json", 400, "Malformed JSON", "The request body is not well-formed JSON."),
        ProblemType(
            "unauthorized", 401, "Unauthorized", "A write without a valid API key: missing, unknown or revoked."
        ),
        ProblemType("forbidden", 403, "Forbidden", "The API key's scope does not allow this operation."),
        ProblemType("not-found", 404, "Not found", "No such route."),
        ProblemType(
            "unknown-slug",
            404,
            "Unknown slug",
            "A slug in the path or a parameter does not exist; `errors` names each one.",
        ),
        ProblemType(
            "no-stored-text",
            404,
            "No stored text",
            "The source exists but has no stored text to read.",
        ),
        ProblemType(
            "method-not-allowed", 405, "Method not allowed", "The route exists but not with this method; see `Allow`."
        ),
        ProblemType(
            "not-acceptable",
            406,
            "Not acceptable",
            "The `Accept` header rules out every representation the endpoint has.",
        ),
        ProblemType(
            "conflict",
            409,
            "Conflict",
            "The write conflicts with stored data, e.g. a slug already taken; nothing was stored.",
        ),
        ProblemType(
            "precondition-failed",
            412,
            "Precondition failed",
            "`If-Match` does not carry the record's current ETag: it changed since it was read; nothing was stored.",
        ),
        ProblemType("payload-too-large", 413, "Payload too large", "The request body is larger than the limit."),
        ProblemType(
            "unsupported-media-type", 415, "Unsupported media type", "The request body is not `application/json`."
        ),
        ProblemType(
            "validation-failed",
            422,
            "Validation failed",
            "The body is well-formed JSON but invalid (or the database refused it); `errors` names every bad field.",
        ),
        ProblemType(
            "precondition-required",
            428,
            "Precondition required",
            "This update needs an `If-Match` header carrying the current ETag.",
        ),
        ProblemType(
            "rate-limited", 429, "Too many requests", "Too many writes for this key; retry after `Retry-After` seconds."
        ),
        ProblemType("internal-error", 500, "Internal server error", "An unexpected error; it has been logged."),
        ProblemType(
            "database-unavailable",
            503,
            "Database unavailable",
            "The database is unreachable, restarting or did not answer in time; retry after `Retry-After` seconds.",
        ),
        ProblemType(
            "write-outcome-unknown",
            503,
            "Write outcome unknown",
            "The connection to the database was lost while committing: the write may or may not be stored. "
            "Retrying with the same `Idempotency-Key` is safe.",
        ),
    )
}
"""The one registry of problem types: every problem the API returns has its ``type``, ``status`` and ``title``."""

FRAMEWORK_STATUSES: dict[int, str] = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    412: "precondition-failed",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation-failed",
    428: "precondition-required",
    429: "rate-limited",
    500: "internal-error",
    503: "database-unavailable",
}
"""The problem type of each status the framework raises (an ``HTTPException``); others get ``about:blank``."""


class ApiError(Exception):
    """Base of the domain errors: each names its problem type by ``code``; status and title come from the registry.

    A subclass whose ``code`` is not in ``PROBLEM_TYPES``, or that declares a ``status`` or ``title`` the registry
    does not give that code, fails when its module is imported.
    """

    code: ClassVar[str] = "bad-request"
    status: ClassVar[int] = PROBLEM_TYPES["bad-request"].status
    title: ClassVar[str] = PROBLEM_TYPES["bad-request"].title

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        problem = PROBLEM_TYPES.get(cls.code)
        if problem is None:
            raise TypeError(f"{cls.__qualname__}: problem type {cls.code!r} is not in api.errors.PROBLEM_TYPES")
        for attribute in ("status", "title"):
            declared = cls.__dict__.get(attribute, getattr(problem, attribute))
            if declared != getattr(problem, attribute):
                raise TypeError(
                    f"{cls.__qualname__}.{attribute} is {declared!r}; PROBLEM_TYPES[{cls.code!r}] says "
                    f"{getattr(problem, attribute)!r}"
                )
        cls.status = problem.status
        cls.title = problem.title

    def __init__(
        self, detail: str, *, errors: list[InvalidField] | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


class NotFound(ApiError):
    code = "not-found"


PLURALS = {"policy": "policies", "evidence": "evidence"}


class UnknownSlugs(NotFound):
    """One or more slugs named in the request do not exist."""

    code = "unknown-slug"

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


class NoStoredText(NotFound):
    """A source's text was asked for, but none is stored."""

    code = "no-stored-text"


class InvalidParameter(ApiError):
    """A parameter has a value that makes no sense (e.g. ``from`` after ``to``); the problem names it."""

    code = "invalid-parameter"

    def __init__(self, name: str, message: str, *, location: str = "query") -> None:
        super().__init__(
            f"Invalid parameter '{name}': {message}",
            errors=[InvalidField(name=name, location=location, message=message)],
        )


class Unauthorized(ApiError):
    code = "unauthorized"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="positions"'})


class Forbidden(ApiError):
    code = "forbidden"


class NotAcceptable(ApiError):
    """The ``Accept`` header rules out every representation the endpoint can produce."""

    code = "not-acceptable"


class Conflict(ApiError):
    code = "conflict"


class PreconditionFailed(ApiError):
    code = "precondition-failed"


class PreconditionRequired(ApiError):
    code = "precondition-required"


class Unprocessable(ApiError):
    """The body is well-formed JSON but invalid; ``errors`` names every bad field."""

    code = "validation-failed"


class UnsupportedMediaType(ApiError):
    code = "unsupported-media-type"


class RateLimited(ApiError):
    code = "rate-limited"


class DatabaseUnavailable(ApiError):
    code = "database-unavailable"


class WriteOutcomeUnknown(ApiError):
    """The connection died during COMMIT: the write may or may not be stored; a retry with the same key is safe."""

    code = "write-outcome-unknown"

    def __init__(
        self,
        detail: str = (
            "The connection to the database was lost while committing: the write may or may not be stored. "
            "Retrying with the same Idempotency-Key is safe."
        ),
        *,
        errors: list[InvalidField] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail, errors=errors, headers=headers)


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> Response[Problem]:
    return Response(content=problem, status_code=problem.status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def render_problem(
    request: Request[Any, Any, Any],
    kind: ProblemType,
    detail: str,
    *,
    errors: list[InvalidField] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response[Problem]:
    """The one way a registered problem becomes a response (a 503 always says when to retry)."""
    sent = dict(headers or {})
    if kind.status == 503:
        sent.setdefault("Retry-After", RETRY_AFTER_SECONDS)
    problem = Problem(
        type=kind.uri,
        title=kind.title,
        status=kind.status,
        detail=detail,
        instance=request.url.path,
        errors=errors or [],
    )
    return problem_response(problem, sent or None)


def handle_api_error(request: Request[Any, Any, Any], exc: ApiError) -> Response[Problem]:
    return render_problem(request, PROBLEM_TYPES[exc.code], exc.detail, errors=exc.errors, headers=exc.headers)


def _invalid_request(request: Request[Any, Any, Any], exc: ValidationException) -> tuple[str, list[InvalidField]]:
    """The detail and offending fields of a framework validation error, named as the client spells them."""
    errors = [
        InvalidField(name=public_name(request, failure.key), location=failure.location, message=failure.message)
        for failure in validation_failures(exc)
    ]
    missing = missing_parameter(exc)
    if not errors and missing:
        errors = [
            InvalidField(name=name, location=missing.location, message="required parameter is missing")
            for name in missing_query_parameters(request) or [missing.name]
        ]
    if not errors:
        return exc.detail or PROBLEM_TYPES["invalid-parameter"].title, []
    names = ", ".join(sorted({f"'{field.name}'" for field in errors}))
    if all(field.message == "required parameter is missing" for field in errors):
        return f"Missing required parameter(s): {names}.", errors
    return f"Invalid value for {names}: " + "; ".join(field.message for field in errors), errors


def handle_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Problem]:
    """The framework's own errors (unknown route, 405, 413, bad parameters...) as registered problems."""
    if isinstance(exc, ValidationException) and exc.status_code == 400:
        detail, errors = _invalid_request(request, exc)
        return render_problem(request, PROBLEM_TYPES["invalid-parameter"], detail, errors=errors, headers=exc.headers)
    code = FRAMEWORK_STATUSES.get(exc.status_code)
    if code is None:
        logger.warning("HTTP status %s has no problem type; answering with about:blank", exc.status_code)
        title = _reason_phrase(exc.status_code)
        problem = Problem(
            type="about:blank",
            title=title,
            status=exc.status_code,
            detail=exc.detail or title,
            instance=request.url.path,
        )
        return problem_response(problem, dict(exc.headers or {}) or None)
    kind = PROBLEM_TYPES[code]
    return render_problem(request, kind, exc.detail or kind.title, headers=exc.headers)


def _reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "HTTP error"


CONSTRAINT_MEANINGS: dict[str, str] = {
    "uq_actor_slug": "an actor with this slug already exists",
    "uq_policy_slug": "a policy with this slug already exists",
    "uq_source_slug": "a source with this slug already exists",
    "uq_topic_slug": "a topic with this slug already exists",
    "uq_stance_slug": "a stance with this slug already exists",
    "uq_evidence_slug": "a piece of evidence with this slug already exists",
    "uq_actor_alias_actor_id_alias": "the actor already has this alias",
    "uq_actor_role_actor_id_title_organisation_id_started_on": (
        "the actor already has a role with this title, organisation and start date"
    ),
    "uq_policy_relation_subject_policy_id_object_policy_id_kind": "the policy already has this relation",
    "pk_policy_topic": "the policy already has this topic",
    "uq_actor_identifier_scheme_identifier": "another actor already has this external identifier",
    "uq_policy_identifier_scheme_identifier": "another policy already has this external identifier",
    "uq_source_identifier_scheme_identifier": "another source already has this external identifier",
    "pk_idempotency_record": "a concurrent request used the same Idempotency-Key",
    "ck_actor_role_period_order": "a role cannot end before it starts",
    "ex_actor_role_one_holder_at_a_time": "an office with one holder at a time cannot have overlapping holders",
    "ck_actor_speaks_for_complete": "an office spoken for needs both its organisation and its title",
    "ck_policy_relation_distinct_policies": "a policy cannot relate to itself",
    "ck_stance_position_or_ambiguity": "a stance has either a position or an ambiguity, not both or neither",
    "ck_stance_retraction_has_reason": "a retraction needs a reason",
    "ck_evidence_text_not_blank": "an evidence text cannot be blank",
    "ck_evidence_offsets_paired": "character offsets come in pairs",
    "ck_evidence_offsets_order": "a character range must end after it starts",
}
"""Plain words for each constraint a write may break: problem details never name an internal constraint."""


def _integrity_problem(exc: IntegrityError) -> ApiError:
    """A constraint the database enforces (the last line of defence, e.g. against a racing write), in plain words.

    The constraint's name is logged for operators, never sent: an unknown one reads as a generic conflict.
    """
    original = exc.orig.__cause__ if exc.orig is not None and exc.orig.__cause__ is not None else exc.orig
    sqlstate = getattr(original, "sqlstate", None)
    constraint = getattr(original, "constraint_name", None)
    meaning = CONSTRAINT_MEANINGS.get(constraint or "")
    if meaning is None:
        logger.warning("integrity error on a constraint with no plain-words meaning: %s (%s)", constraint, sqlstate)
    if sqlstate in {"23505", "23P01"}:  # unique or exclusion violation
        meaning = meaning or "a record with these values already exists"
        return Conflict(f"The write conflicts with a stored record: {meaning}; nothing was stored.")
    if sqlstate == "23503":
        meaning = meaning or "it refers to a record that does not exist (or one still in use)"
    meaning = meaning or "it breaks a rule of the data model"
    return Unprocessable(
        f"The database rejected the data: {meaning}; nothing was stored.",
        errors=[InvalidField(name="body", location="body", message=meaning)],
    )


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    if is_connection_error(exc):
        logger.warning("database unavailable: %s", exc)
        return handle_api_error(
            request,
            DatabaseUnavailable("The database is unreachable, restarting or did not answer in time; retry shortly."),
        )
    if isinstance(exc, IntegrityError):
        return handle_api_error(request, _integrity_problem(exc))
    if isinstance(exc, (DataError, asyncpg.DataError)):
        return handle_api_error(request, InvalidParameter("request", "a value cannot be stored or compared as given"))
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return render_problem(request, PROBLEM_TYPES["internal-error"], "An unexpected error occurred; it has been logged.")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    ApiError: handle_api_error,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}

"""OpenAPI configuration, the documented problem-details responses, and the finishing of the document."""

from typing import Any

from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.spec import Components, SecurityScheme, Tag

from api.docs_pages import docs_render_plugins
from api.endpoints import READ_ONLY, Endpoint
from api.errors import PROBLEM_MEDIA_TYPE, Problem
from api.stances import jsonld

PROBLEM_DESCRIPTIONS = {
    400: "Bad request: a parameter is malformed or out of range; `errors` names each one.",
    401: "Missing, unknown or revoked API key.",
    403: "The API key lacks the scope this operation needs.",
    404: "Unknown slug or route; `errors` names each unknown slug.",
    406: "The `Accept` header asks for a representation this endpoint cannot produce.",
    409: "The write conflicts with stored data (for example a slug already taken).",
    412: "`If-Match` does not carry the resource's current ETag.",
    413: "The request body is larger than the limit.",
    415: "The body is not `application/json`.",
    422: "The body is well-formed but invalid; `errors` names every bad field.",
    428: "This update needs an `If-Match` header carrying the current ETag.",
    429: "Too many writes for this key; see `Retry-After`.",
    503: (
        "The database is unreachable, restarting or too slow (`database-unavailable`), or the connection was lost "
        "while committing a write (`write-outcome-unknown`: retry with the same `Idempotency-Key`); "
        "retry after `Retry-After` seconds."
    ),
}

READ_ERRORS = (400, 404, 503)
WRITE_ERRORS = (400, 401, 403, 409, 413, 415, 422, 429, 503)
UPDATE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422, 429, 503)
CONDITIONAL_UPDATE_ERRORS = (400, 401, 403, 404, 409, 412, 413, 415, 422, 428, 429, 503)
WRITE_SECURITY: list[dict[str, list[str]]] = [{"apiKey": []}]


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """Document each status as an ``application/problem+json`` response."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=PROBLEM_DESCRIPTIONS[status],
            media_type=PROBLEM_MEDIA_TYPE,
            generate_examples=False,
        )
        for status in statuses
    }


TAGS = [
    Tag(name="actors", description="People, offices, governments, parties and anonymous sources, with their roles."),
    Tag(name="policies", description="Policies, their topics and how they relate to each other."),
    Tag(name="stances", description="An actor's position on a policy as stated on a date, with its evidence."),
    Tag(
        name="evidence",
        description="Verbatim quotes, marked paraphrases, reported actions and recorded votes, each with its source.",
    ),
    Tag(
        name="sources",
        description="The articles, statements, press conferences and parliamentary divisions evidence comes from.",
    ),
    Tag(name="comparisons", description="Positions side by side between actors and between dates."),
    Tag(name="history", description="Who changed what, when: revision histories and the change feed."),
    Tag(name="imports", description="Bulk import and export of the dataset as a bundle (JSON Lines)."),
    Tag(
        name="intake",
        description="Reading an article into candidate quotes and paraphrases, and storing those an editor confirms.",
    ),
    Tag(name="health", description="Liveness and readiness probes."),
]


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="positions",
        version="1.0.0",
        description=(
            "Who said what about which policy, when: stances with verbatim evidence and sources, "
            "compared between actors and between dates. Reads are public. Errors are RFC 9457 problem details."
        ),
        tags=TAGS,
        use_handler_docstrings=True,
        path="/schema",
        render_plugins=docs_render_plugins(),
        create_examples=False,
        components=Components(
            security_schemes={
                "apiKey": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="An API key from `positions keys create`; writes need one, reads do not.",
                )
            }
        ),
    )


def _named_types() -> dict[str, type]:
    """Every msgspec Struct and Enum the API exposes, by class name (component names are bare class names)."""
    import enum

    import msgspec

    found: dict[str, type] = {}
    pending: list[type] = [msgspec.Struct, enum.Enum]
    while pending:
        cls = pending.pop()
        subclasses: list[type] = cls.__subclasses__()
        for sub in subclasses:
            if sub.__module__.startswith(("api.", "db.")):
                found.setdefault(sub.__name__, sub)
            pending.append(sub)
    return found


def _describe_components(document: dict[str, Any]) -> None:
    types = _named_types()
    for name, component in document.get("components", {}).get("schemas", {}).items():
        cls = types.get(name)
        doc = " ".join((cls.__doc__ or "").split()) if cls else ""
        if doc and "description" not in component:
            component["description"] = doc


CACHED_HEADERS = {
    "ETag": {
        "description": (
            "Strong validator derived from the data version (with `-gzip` for the gzip-coded answer); send it back "
            "in `If-None-Match`."
        ),
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": (
            "`public, max-age=5, stale-while-revalidate=60, stale-if-error=86400` (settings `POSITIONS_CDN_*`)."
        ),
        "schema": {"type": "string"},
    },
    "Surrogate-Key": {
        "description": (
            "For a CDN purge (Fastly): `positions` and `actor:<slug>`/`policy:<slug>` of what the answer names."
        ),
        "schema": {"type": "string"},
    },
    "Cache-Tag": {
        "description": "The same keys as `Surrogate-Key`, comma-separated (Cloudflare).",
        "schema": {"type": "string"},
    },
}


def _document_csv_and_caching(document: dict[str, Any], endpoints: dict[str, Endpoint]) -> None:
    """Operations that declare `csv` answer CSV too and carry ETag/Cache-Control headers."""
    for path_item in document.get("paths", {}).values():
        operation = path_item.get("get")
        if not operation or not endpoints.get(operation.get("operationId", ""), READ_ONLY).csv:
            continue
        ok = operation["responses"]["200"]
        ok["description"] = "The comparison as JSON, or as CSV (one flat row per actor and policy) when asked."
        ok["content"]["text/csv"] = {"schema": {"type": "string", "description": "RFC 4180 CSV with a header row."}}
        ok["headers"] = dict(CACHED_HEADERS)
        operation["responses"]["304"]["headers"] = dict(CACHED_HEADERS)
        operation.setdefault("parameters", []).append(
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "description": "An ETag from a previous response; the answer is 304 with no body while it is current.",
                "schema": {"type": "string"},
            }
        )


ALTERNATIVE_REPRESENTATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    jsonld.MEDIA_TYPE: (jsonld.SCHEMA_NAME, jsonld.OPENAPI_SCHEMA),
}
SUPPORTING_SCHEMAS: dict[str, dict[str, Any]] = {jsonld.NODE_SCHEMA_NAME: jsonld.NODE_SCHEMA}
"""Media types an operation may declare in `endpoint(also=...)`, with the named schema each answer has."""


def _document_alternative_representations(document: dict[str, Any], endpoints: dict[str, Endpoint]) -> None:
    """An operation that also answers another media type (JSON-LD) lists it beside JSON, with its own schema."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for path_item in document.get("paths", {}).values():
        operation = path_item.get("get")
        spec = endpoints.get(operation.get("operationId", "")) if operation else None
        if operation is None or spec is None:
            continue
        for media_type in spec.also:
            name, schema = ALTERNATIVE_REPRESENTATIONS[media_type]
            schemas[name] = schema
            schemas.update(SUPPORTING_SCHEMAS)
            ok = operation["responses"]["200"]
            ok["content"][media_type] = {"schema": {"$ref": f"#/components/schemas/{name}"}}
            ok["description"] = f"As JSON, or as `{media_type}` when the request's `Accept` asks for it."
            ok.setdefault("headers", {})["Vary"] = {
                "description": "`Accept`: the representation depends on it.",
                "schema": {"type": "string"},
            }


IDEMPOTENCY_KEY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any unique string (up to 200 characters) that makes a retried POST write once.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
}
IF_MATCH_HEADER = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": "The resource's current ETag, from its last read.",
    "schema": {"type": "string"},
}


def _document_request_bodies(document: dict[str, Any], endpoints: dict[str, Endpoint]) -> None:
    """Writes parse their bodies themselves (to report every invalid field): document what each declares."""
    import msgspec

    structs = sorted({spec.body for spec in endpoints.values() if spec.body}, key=lambda struct: struct.__name__)
    if not structs:
        return
    _, components = msgspec.json.schema_components(structs, ref_template="#/components/schemas/{name}")
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name, component in components.items():
        component.pop("title", None)
        if component.get("type") == "object":
            component["additionalProperties"] = False
        schemas.setdefault(name, component)
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            spec = endpoints.get(operation.get("operationId", "")) if isinstance(operation, dict) else None
            if spec is None:
                continue
            if spec.body is not None:
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{spec.body.__name__}"}}},
                }
            if spec.idempotent:
                operation.setdefault("parameters", []).append(dict(IDEMPOTENCY_KEY_HEADER))
            if spec.if_match:
                operation.setdefault("parameters", []).append(dict(IF_MATCH_HEADER))


RECORD_SNAPSHOT = {
    "type": "object",
    "additionalProperties": {},
    "description": "A stored row as JSON: its columns and values at that revision (internal ids included).",
}


def _name_record_snapshots(document: dict[str, Any]) -> None:
    """Give revision snapshots a named schema, so generated clients get a named type instead of `...Type0`."""
    schemas = document.get("components", {}).get("schemas", {})
    revision = schemas.get("RevisionItem")
    if revision is None:
        return
    schemas["RecordSnapshot"] = RECORD_SNAPSHOT
    for name in ("before", "after"):
        revision["properties"][name] = {"oneOf": [{"$ref": "#/components/schemas/RecordSnapshot"}, {"type": "null"}]}


def enrich(document: dict[str, Any], endpoints: dict[str, Endpoint]) -> None:
    """Finish the generated document in place from what each operation declares (``endpoints``, by operationId):
    request bodies and their headers, descriptions, CSV alternatives, caching headers."""
    _document_request_bodies(document, endpoints)
    _name_record_snapshots(document)
    _describe_components(document)
    _document_csv_and_caching(document, endpoints)
    _document_alternative_representations(document, endpoints)

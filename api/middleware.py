"""Request ids, security headers and access logs.

``add_response_headers`` is an app-level ``before_send`` hook, so it sees every response, the framework's
own 404s and 405s included. ``request_context_middleware`` assigns the request id early (so error logs can
carry it) and writes one access-log line per request that reaches a route.
"""

import logging
import re
import time
import uuid
from typing import Any

from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from api.docs_pages import DOCS_CSP_STATE_KEY
from api.endpoints import endpoint_of
from api.errors import PROBLEM_MEDIA_TYPE, InvalidParameter, NotAcceptable
from api.litestar_internals import allowed_methods
from api.representations import JSON, best_match
from api.tracing import name_span_by_route

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Resource-Policy": "cross-origin",
}
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"

access_log = logging.getLogger("positions.access")


def request_id(scope: Scope) -> str:
    """The request's id: a well-formed incoming ``X-Request-ID``, else a new one; stable within a request."""
    state = scope.setdefault("state", {})
    existing = state.get("request_id")
    if isinstance(existing, str):
        return existing
    incoming = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-request-id"), "")
    value = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
    state["request_id"] = value
    return value


async def add_response_headers(message: Message, scope: Scope) -> None:
    if scope["type"] != ScopeType.HTTP or message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    headers["X-Request-ID"] = request_id(scope)
    for name, value in SECURITY_HEADERS.items():
        headers[name] = value
    if scope["path"].startswith("/v1/"):
        headers["Content-Security-Policy"] = API_CONTENT_SECURITY_POLICY
    state = scope.setdefault("state", {})
    if DOCS_CSP_STATE_KEY in state:  # a documentation page under /schema (api.docs_pages)
        headers["Content-Security-Policy"] = state[DOCS_CSP_STATE_KEY]
    if scope.get("method") == "OPTIONS" and message["status"] == 204:
        allowed = allowed_methods(scope)
        if allowed:
            headers["Allow"] = allowed
    for name, value in state.get("rate_limit_headers", {}).items():
        headers[name] = value
    if scope.get("method") not in {"GET", "HEAD"} and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"  # a write's answer is never a cache's to keep
    state["response_status"] = message["status"]


async def check_request(request: Request[Any, Any, Any]) -> None:
    """Before any handler: refuse what no handler could serve well (406, or 400 for NUL characters)."""
    reject_unacceptable(request)
    await reject_nul_bytes(request)


def reject_unacceptable(request: Request[Any, Any, Any]) -> None:
    """The JSON API answers 406 when `Accept` rules out JSON (endpoints that declare `csv` negotiate themselves)."""
    header = request.headers.get("accept")
    if not header or not header.strip() or not request.url.path.startswith("/v1/"):
        return
    declared = endpoint_of(request.route_handler)
    if declared.csv:
        return
    if best_match(header, [JSON, PROBLEM_MEDIA_TYPE, *declared.also]) is None:
        raise NotAcceptable(f"This endpoint produces {JSON}; the Accept header does not allow it.")


async def reject_nul_bytes(request: Request[Any, Any, Any]) -> None:
    """PostgreSQL text cannot hold NUL: a NUL in a parameter is a bad request naming it, not a server error."""
    for name, value in request.path_params.items():
        if "\x00" in str(value):
            raise InvalidParameter(name, "contains a NUL character", location="path")
    for name, value in request.query_params.multi_items():
        if "\x00" in name + value:
            raise InvalidParameter(name, "contains a NUL character")


def request_context_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        http_scope: HTTPScope = scope
        rid = request_id(scope)
        name_span_by_route(scope)
        started = time.perf_counter()
        try:
            await app(scope, receive, send)
        finally:
            status: Any = scope.get("state", {}).get("response_status", 0)
            access_log.info(
                "request",
                extra={
                    "request_id": rid,
                    "method": http_scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )

    return middleware

"""Optimistic concurrency for updates: a resource's ETag is its slug and version; updates need `If-Match`."""

from typing import Any

from litestar import Request

from api.errors import PreconditionFailed, PreconditionRequired


def entity_etag(slug: str, version: int) -> str:
    return f'"{slug}-v{version}"'


def required_if_match(request: Request[Any, Any, Any]) -> set[str]:
    """The ETags in `If-Match`, or 428 when the header is missing."""
    header = request.headers.get("if-match")
    if not header:
        raise PreconditionRequired("Send `If-Match` with the ETag from your last read, so no correction is lost.")
    return {candidate.strip() for candidate in header.split(",")}


def check_if_match(candidates: set[str], current: str) -> None:
    if "*" not in candidates and current not in candidates:
        raise PreconditionFailed(
            f"The resource has changed since you read it (current ETag {current}); re-read it and retry."
        )

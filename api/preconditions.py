"""Optimistic concurrency for updates: a resource's ETag is its slug and version; updates need `If-Match`."""

from typing import Any

from litestar import Request
from sqlalchemy import Row, Select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import PreconditionFailed, PreconditionRequired, UnknownSlugs


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


async def lock_if_match(
    session: AsyncSession, current: Select[*tuple[Any, ...]], *, resource: str, slug: str, if_match: set[str]
) -> Row[*tuple[Any, ...]]:
    """Lock the row ``current`` selects (it has ``slug`` and ``version``) and check `If-Match` against it.

    404 when there is no such row, 412 when the ETag is stale. The lock lasts until the transaction ends,
    so of two racing corrections with the same ETag exactly one wins.
    """
    row = (await session.execute(current.with_for_update())).one_or_none()
    if row is None:
        raise UnknownSlugs(resource, [slug])
    check_if_match(if_match, entity_etag(row.slug, row.version))
    return row

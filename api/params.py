"""Query parameters shared by several resources, and their cross-checks."""

from datetime import UTC, date, datetime
from typing import Annotated

from litestar.params import Parameter

from api.errors import InvalidParameter


def check_date_range(start: date | None, end: date | None, *, start_name: str, end_name: str) -> None:
    """Reject a range whose start is after its end, naming the start parameter."""
    if start is not None and end is not None and start > end:
        raise InvalidParameter(start_name, f"{start.isoformat()} is after {end_name} ({end.isoformat()})")


def split_slugs(value: str | None, *, name: str, maximum: int) -> list[str]:
    """Parse a comma-separated slug list, rejecting empty items, duplicates and too many items."""
    if value is None:
        return []
    slugs = [part.strip() for part in value.split(",")]
    if any(not slug for slug in slugs):
        raise InvalidParameter(name, "empty item in comma-separated list")
    duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if duplicates:
        raise InvalidParameter(name, f"duplicate value(s): {', '.join(duplicates)}")
    if len(slugs) > maximum:
        raise InvalidParameter(name, f"at most {maximum} values, got {len(slugs)}")
    return slugs


AsRecorded = Annotated[
    datetime | None,
    Parameter(
        description=(
            "Answer as the database stood at this moment (ISO 8601, e.g. `2025-05-20T09:00:00Z`; no offset means "
            "UTC), so a published story can be reproduced after later corrections. Omit for the current data."
        ),
    ),
]


def utc(moment: datetime | None) -> datetime | None:
    """A timestamp without an offset is taken as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)

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


RFC3339 = r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}:\d{2})?$"
AsRecorded = Annotated[
    str | None,
    Parameter(
        description=(
            "Answer as the database stood at this moment: an RFC 3339 timestamp such as `2025-05-20T09:00:00Z` "
            "(no offset means UTC), so a published story can be reproduced after later corrections. "
            "Omit for the current data."
        ),
        pattern=RFC3339,
        max_length=40,
        schema_extra={"format": "date-time"},
    ),
]


def recorded_at(value: str | None) -> datetime | None:
    """Parse ``as_recorded``; a timestamp without an offset is taken as UTC."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise InvalidParameter("as_recorded", "not an RFC 3339 timestamp, e.g. 2025-05-20T09:00:00Z") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

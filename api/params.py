"""Query parameters shared by several resources, and their cross-checks."""

from datetime import date

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

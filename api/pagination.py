"""Keyset pagination with opaque cursors and a bounded page size."""

import base64
import binascii
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import msgspec
from litestar.params import Parameter

from api.errors import InvalidParameter

MAX_LIMIT = 100
Row = TypeVar("Row")
DEFAULT_LIMIT = 50

Limit = Annotated[
    int,
    Parameter(
        ge=1,
        le=MAX_LIMIT,
        description=f"Page size, 1 to {MAX_LIMIT}; larger values are rejected with 400.",
    ),
]
Cursor = Annotated[
    str | None,
    Parameter(
        description="Opaque cursor from a previous page's `next_cursor`; omit for the first page.",
        max_length=200,
    ),
]


def encode_cursor(key: tuple[Any, ...]) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(list(key))).decode().rstrip("=")


def decode_cursor(cursor: str | None, types: tuple[type, ...], *, parameter: str = "cursor") -> tuple[Any, ...] | None:
    """Decode a cursor into a key tuple of the given types, or fail with 400 naming ``cursor``."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = msgspec.json.decode(raw, type=tuple[*types])  # type: ignore[valid-type]
    except (binascii.Error, ValueError, msgspec.DecodeError, msgspec.ValidationError):
        raise InvalidParameter(parameter, "not a cursor returned by this API") from None
    return tuple(values)


def next_cursor(rows: list[Row], limit: int, key: Callable[[Row], tuple[Any, ...]]) -> str | None:
    """The cursor for the page after ``rows`` (fetched with ``limit + 1``), or None on the last page."""
    if len(rows) <= limit:
        return None
    return encode_cursor(key(rows[limit - 1]))

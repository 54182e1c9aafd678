"""Response shapes for sources."""

from datetime import date

import msgspec

from api.divisions.schemas import Division
from api.identifiers import ExternalIdentifier
from db.enums import DatePrecision, SourceKind


class SourceDetail(msgspec.Struct, kw_only=True):
    """A publication evidence comes from, with only the metadata it gives; inferred values are flagged.

    `has_text`: a full text is stored (evidence must occur in it; an editor key reads it at `/text`).
    `division` holds a `parliamentary_division`'s facts (null for every other kind); `GET /v1/sources/{slug}`
    adds the division's policy links, its recorded votes and their tally against the declared totals.
    """

    slug: str
    kind: SourceKind
    title: str
    title_inferred: bool
    publisher: str | None
    publisher_inferred: bool
    author: str | None
    url: str | None
    published_on: date | None
    published_on_precision: DatePrecision
    published_on_inferred: bool
    provenance_note: str
    content_sha256: str | None
    has_text: bool
    identifiers: list[ExternalIdentifier]
    division: Division | None


class SourcePage(msgspec.Struct, kw_only=True):
    """One page of sources; pass `next_cursor` as `cursor` for the next page (null on the last page)."""

    items: list[SourceDetail]
    next_cursor: str | None

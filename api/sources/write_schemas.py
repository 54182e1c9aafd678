"""Request bodies for writing sources (editor keys)."""

from datetime import date
from typing import Annotated

import msgspec

from api.identifiers import Identifiers
from api.slugs import Slug
from db.enums import DatePrecision, SourceKind

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Url = Annotated[str, msgspec.Meta(pattern="^https?://", max_length=2000)]
Note = Annotated[str, msgspec.Meta(max_length=2000)]
StoredText = Annotated[str, msgspec.Meta(min_length=1, max_length=500_000)]


class SourceCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new source, with only the metadata it gives; flag what is inferred and say how in `provenance_note`.

    `text` (optional) is the source's full text: when present, direct quotes must occur in it.
    """

    slug: Slug
    kind: SourceKind
    title: Title
    title_inferred: bool = False
    publisher: Name | None = None
    publisher_inferred: bool = False
    author: Name | None = None
    url: Url | None = None
    published_on: date | None = None
    published_on_precision: DatePrecision = DatePrecision.DAY
    published_on_inferred: bool = False
    provenance_note: Note = ""
    text: StoredText | None = None
    identifiers: Identifiers = []


class SourceUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A correction to a source: only the fields given change; `identifiers` replaces the list."""

    kind: SourceKind | msgspec.UnsetType = msgspec.UNSET
    title: Title | msgspec.UnsetType = msgspec.UNSET
    title_inferred: bool | msgspec.UnsetType = msgspec.UNSET
    publisher: Name | msgspec.UnsetType | None = msgspec.UNSET
    publisher_inferred: bool | msgspec.UnsetType = msgspec.UNSET
    author: Name | msgspec.UnsetType | None = msgspec.UNSET
    url: Url | msgspec.UnsetType | None = msgspec.UNSET
    published_on: date | msgspec.UnsetType | None = msgspec.UNSET
    published_on_precision: DatePrecision | msgspec.UnsetType = msgspec.UNSET
    published_on_inferred: bool | msgspec.UnsetType = msgspec.UNSET
    provenance_note: Note | msgspec.UnsetType = msgspec.UNSET
    identifiers: Identifiers | msgspec.UnsetType = msgspec.UNSET

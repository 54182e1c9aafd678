"""Request bodies for writing sources (editor keys)."""

from datetime import date
from typing import Annotated

import msgspec

from api.divisions.schemas import DivisionInput
from api.identifiers import Identifiers
from api.slugs import Slug
from api.stances.write_schemas import check_dates
from db.enums import DatePrecision, SourceKind

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Url = Annotated[str, msgspec.Meta(pattern="^https?://", max_length=2000)]
Note = Annotated[str, msgspec.Meta(max_length=2000)]
StoredText = Annotated[str, msgspec.Meta(min_length=1, max_length=500_000)]


class SourceCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new source, with only the metadata it gives; flag what is inferred and say how in `provenance_note`.

    `text` (optional) is the source's full text: when present, evidence texts must occur in it. A
    `parliamentary_division` needs `division` (its number, chamber, question and declared totals) and its day as
    `published_on`; no other kind takes `division`.
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
    division: DivisionInput | None = None
    identifiers: Identifiers = []

    def __post_init__(self) -> None:
        check_dates(published_on=self.published_on)


class SourceUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A correction to a source: only the fields given change; `division` replaces a division's facts and
    `identifiers` the list."""

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
    division: DivisionInput | msgspec.UnsetType | None = msgspec.UNSET
    identifiers: Identifiers | msgspec.UnsetType = msgspec.UNSET

    def __post_init__(self) -> None:
        check_dates(published_on=self.published_on)

"""Request bodies for writing stances and evidence."""

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

import msgspec

from api.errors import InvalidField, Unprocessable
from api.slugs import Slug, StanceSlug
from db.enums import Ambiguity, DatePrecision, EvidenceKind, VoteOption

EARLIEST_DATE = date(1800, 1, 1)
"""No stance or source in this dataset can predate this; an earlier date is a typo (0001-01-01, 1025-05-15)."""


def latest_date() -> date:
    """Today where it is already latest (UTC+14): a stance or a publication cannot be in the future."""
    return (datetime.now(UTC) + timedelta(hours=14)).date()


def check_dates(**dates: date | msgspec.UnsetType | None) -> None:
    """422 naming each date field outside [1800-01-01, today]; called from the write Structs' ``__post_init__``.

    msgspec runs ``__post_init__`` only once every field decoded, and lets this (non-ValueError) error through.
    """
    latest = latest_date()
    errors = [
        InvalidField(
            name=name,
            location="body",
            message=f"must be on or after {EARLIEST_DATE}" if value < EARLIEST_DATE else "must not be in the future",
        )
        for name, value in dates.items()
        if isinstance(value, date) and not EARLIEST_DATE <= value <= latest
    ]
    if errors:
        names = ", ".join(f"'{error.name}'" for error in errors)
        raise Unprocessable(f"Invalid field(s): {names}.", errors=errors)


Position = Annotated[int, msgspec.Meta(ge=-2, le=2)]
Summary = Annotated[str, msgspec.Meta(min_length=1, max_length=1000, pattern=r"\S")]
EVIDENCE_TEXT_MAX_LENGTH = 500_000
"""As long as a source's stored text may be (a whole Hansard speech); the request body limit
(``POSITIONS_MAX_BODY_BYTES``, 1 MiB by default) is what bounds it in practice."""
EvidenceText = Annotated[str, msgspec.Meta(min_length=1, max_length=EVIDENCE_TEXT_MAX_LENGTH, pattern=r"\S")]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
Offset = Annotated[int, msgspec.Meta(ge=0)]


class EvidenceCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A piece of evidence: a direct quote exactly as published, a paraphrase, a reported action, or a recorded vote.

    A `recorded_vote` comes from a `parliamentary_division` source linked to the stance's policy (PUT
    /v1/sources/{slug}/policies), gives its `vote` option, and its `text` is the member's entry as the division
    list prints it (checked against the division's stored text when it has one); the voter is the `speaker`, or
    the stance's actor. A vote cast (aye, no, proxy) means a side on the policy by the link: the stance must be
    on that side or `mixed`.
    """

    kind: EvidenceKind
    text: EvidenceText
    source: Slug
    speaker: Slug | None = None
    char_start: Offset | None = None
    char_end: Offset | None = None
    vote: VoteOption | None = None


class StanceCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new stance with its evidence, stored in one transaction: all of it or nothing.

    Give `position` (-2..+2) or, when the stance is mixed or unclear, `position: null` and an `ambiguity`.
    """

    slug: StanceSlug
    actor: Slug
    policy: Slug
    position: Position | None
    ambiguity: Ambiguity | None = None
    stated_on: date
    stated_on_precision: DatePrecision = DatePrecision.DAY
    stated_on_inferred: bool = False
    summary: Summary
    evidence: Annotated[list[EvidenceCreate], msgspec.Meta(min_length=1, max_length=20)]

    def __post_init__(self) -> None:
        check_dates(stated_on=self.stated_on)


class StanceUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A correction to a stance: only the fields given change. Send `If-Match` with the stance's ETag."""

    position: Position | msgspec.UnsetType | None = msgspec.UNSET
    ambiguity: Ambiguity | msgspec.UnsetType | None = msgspec.UNSET
    stated_on: date | msgspec.UnsetType = msgspec.UNSET
    stated_on_precision: DatePrecision | msgspec.UnsetType = msgspec.UNSET
    stated_on_inferred: bool | msgspec.UnsetType = msgspec.UNSET
    summary: Summary | msgspec.UnsetType = msgspec.UNSET

    def __post_init__(self) -> None:
        check_dates(stated_on=self.stated_on)


class StanceRetraction(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Why a stance is retracted; the record is kept, and comparisons stop counting it from today."""

    reason: Reason


class EvidenceUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A correction to a piece of evidence: only the fields given change. Send `If-Match` with its ETag. A
    recorded vote made another kind loses its `vote`."""

    kind: EvidenceKind | msgspec.UnsetType = msgspec.UNSET
    vote: VoteOption | msgspec.UnsetType | None = msgspec.UNSET
    text: EvidenceText | msgspec.UnsetType = msgspec.UNSET
    speaker: Slug | msgspec.UnsetType | None = msgspec.UNSET
    char_start: Offset | msgspec.UnsetType | None = msgspec.UNSET
    char_end: Offset | msgspec.UnsetType | None = msgspec.UNSET

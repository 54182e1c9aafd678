"""Request bodies for writing stances and evidence."""

from datetime import date
from typing import Annotated

import msgspec

from api.slugs import Slug, StanceSlug
from db.enums import Ambiguity, DatePrecision, EvidenceKind

Position = Annotated[int, msgspec.Meta(ge=-2, le=2)]
Summary = Annotated[str, msgspec.Meta(min_length=1, max_length=1000, pattern=r"\S")]
EVIDENCE_TEXT_MAX_LENGTH = 500_000
"""As long as a source's stored text may be (a whole Hansard speech); the request body limit
(``POSITIONS_MAX_BODY_BYTES``, 1 MiB by default) is what bounds it in practice."""
EvidenceText = Annotated[str, msgspec.Meta(min_length=1, max_length=EVIDENCE_TEXT_MAX_LENGTH, pattern=r"\S")]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
Offset = Annotated[int, msgspec.Meta(ge=0)]


class EvidenceCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A piece of evidence: a direct quote exactly as published, a paraphrase, or a reported action."""

    kind: EvidenceKind
    text: EvidenceText
    source: Slug
    speaker: Slug | None = None
    char_start: Offset | None = None
    char_end: Offset | None = None


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


class StanceUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A correction to a stance: only the fields given change. Send `If-Match` with the stance's ETag."""

    position: Position | msgspec.UnsetType | None = msgspec.UNSET
    ambiguity: Ambiguity | msgspec.UnsetType | None = msgspec.UNSET
    stated_on: date | msgspec.UnsetType = msgspec.UNSET
    stated_on_precision: DatePrecision | msgspec.UnsetType = msgspec.UNSET
    stated_on_inferred: bool | msgspec.UnsetType = msgspec.UNSET
    summary: Summary | msgspec.UnsetType = msgspec.UNSET


class StanceRetraction(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Why a stance is retracted; the record is kept, and comparisons stop counting it from today."""

    reason: Reason


class EvidenceUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A correction to a piece of evidence: only the fields given change. Send `If-Match` with its ETag."""

    kind: EvidenceKind | msgspec.UnsetType = msgspec.UNSET
    text: EvidenceText | msgspec.UnsetType = msgspec.UNSET
    speaker: Slug | msgspec.UnsetType | None = msgspec.UNSET
    char_start: Offset | msgspec.UnsetType | None = msgspec.UNSET
    char_end: Offset | msgspec.UnsetType | None = msgspec.UNSET

"""Response shapes for stances."""

from datetime import date

import msgspec

from api.evidence.schemas import EvidenceItem
from api.refs import ActorRef, PolicyRef, PositionLabel
from db.enums import DatePrecision


class StanceWithEvidence(msgspec.Struct, kw_only=True):
    """An actor's position on a policy as stated on a date, with the evidence for it.

    `position` runs from -2 (strongly oppose) to +2 (strongly support); it is null when the stance is
    mixed or unclear, and `label` says which. A retracted stance keeps its record and gives the reason.
    """

    slug: str
    actor: ActorRef
    policy: PolicyRef
    position: int | None
    label: PositionLabel
    stated_on: date
    stated_on_precision: DatePrecision
    stated_on_inferred: bool
    summary: str
    retracted: bool
    retraction_reason: str | None
    version: int
    evidence: list[EvidenceItem]


class StancePage(msgspec.Struct, kw_only=True):
    """One page of stances; pass `next_cursor` as `cursor` for the next page (null on the last page)."""

    items: list[StanceWithEvidence]
    next_cursor: str | None

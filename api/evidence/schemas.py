"""Response shapes for evidence."""

from datetime import date

import msgspec

from api.refs import ActorRef, PolicyRef, PositionLabel, SourceRef
from db.enums import EvidenceKind, VoteOption


class EvidenceItem(msgspec.Struct, kw_only=True, gc=False):
    """A quote exactly as published (`direct_quote`), a marked paraphrase, a reported action, or a recorded vote.

    `speaker` is set when someone other than the stance's actor spoke (a spokesperson for Downing Street). A
    `recorded_vote` is the voter's entry in a parliamentary division (the `source`); `vote` says how they are
    recorded (null for every other kind), and `text` is their entry as the division list prints it.
    """

    slug: str
    kind: EvidenceKind
    text: str
    speaker: ActorRef | None
    source: SourceRef
    char_start: int | None
    char_end: int | None
    vote: VoteOption | None


class StanceRef(msgspec.Struct, kw_only=True):
    """The stance a piece of evidence supports."""

    slug: str
    actor: ActorRef
    policy: PolicyRef
    position: int | None
    label: PositionLabel
    stated_on: date
    retracted: bool


class EvidenceDetail(msgspec.Struct, kw_only=True):
    """A piece of evidence with the stance it supports; `vote` is set on recorded votes only."""

    slug: str
    kind: EvidenceKind
    text: str
    speaker: ActorRef | None
    source: SourceRef
    char_start: int | None
    char_end: int | None
    vote: VoteOption | None
    version: int
    stance: StanceRef


class EvidencePage(msgspec.Struct, kw_only=True):
    """One page of evidence; pass `next_cursor` as `cursor` for the next page (null on the last page)."""

    items: list[EvidenceDetail]
    next_cursor: str | None

"""Small reference shapes embedded in other responses, and the position scale."""

import enum
from datetime import date

import msgspec

from db.enums import ActorKind, Ambiguity, DatePrecision


class PositionLabel(enum.Enum):
    """The ordinal position as a word, or why there is none."""

    STRONGLY_OPPOSE = "strongly_oppose"
    OPPOSE = "oppose"
    NEUTRAL = "neutral"
    SUPPORT = "support"
    STRONGLY_SUPPORT = "strongly_support"
    MIXED = "mixed"
    UNCLEAR = "unclear"


_LABELS = {
    -2: PositionLabel.STRONGLY_OPPOSE,
    -1: PositionLabel.OPPOSE,
    0: PositionLabel.NEUTRAL,
    1: PositionLabel.SUPPORT,
    2: PositionLabel.STRONGLY_SUPPORT,
}


def position_label(position: int | None, ambiguity: Ambiguity | str | None) -> PositionLabel:
    if position is not None:
        return _LABELS[position]
    return PositionLabel.MIXED if Ambiguity(ambiguity) is Ambiguity.MIXED else PositionLabel.UNCLEAR


class ActorRef(msgspec.Struct, kw_only=True, gc=False):
    """An actor as referenced from another resource."""

    slug: str
    name: str
    kind: ActorKind


class PolicyRef(msgspec.Struct, kw_only=True, gc=False):
    """A policy as referenced from another resource."""

    slug: str
    title: str


class SourceRef(msgspec.Struct, kw_only=True, gc=False):
    """A source as cited under a quote; `published_on` is a day, month or year as `published_on_precision` says
    (a month or year is stored as its first day)."""

    slug: str
    title: str
    publisher: str | None
    author: str | None
    url: str | None
    published_on: date | None
    published_on_precision: DatePrecision
    published_on_inferred: bool

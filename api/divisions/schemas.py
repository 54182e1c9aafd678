"""Shapes of parliamentary divisions: the facts on every division source, and, on a division's detail, its
policy links, its recorded votes and their tally against the declared totals."""

from typing import Annotated

import msgspec

from api.refs import ActorRef, PolicyRef, PositionLabel
from api.slugs import Slug
from db.enums import VoteOption

Count = Annotated[int, msgspec.Meta(ge=0, le=100_000)]
AyePosition = Annotated[int, msgspec.Meta(ge=-2, le=2)]


class DivisionInput(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A division's facts, required on a `parliamentary_division` source (and refused on every other kind); the
    division's day is the source's `published_on`."""

    number: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)]
    chamber: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    question: Annotated[str, msgspec.Meta(min_length=1, max_length=5000, pattern=r"\S")]
    declared_ayes: Count
    declared_noes: Count


class DivisionPolicyInput(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How the division's votes bear on `policy`: an aye means `aye_position` (-2..+2, not 0), a no the opposite
    (an aye on a wrecking amendment may mean -2)."""

    policy: Slug
    aye_position: AyePosition
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class DivisionPoliciesReplace(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The division's complete list of policy links: unlisted ones are removed."""

    policies: Annotated[list[DivisionPolicyInput], msgspec.Meta(max_length=100)]


class DivisionPolicyLink(msgspec.Struct, kw_only=True):
    """How a division's votes bear on a policy, stated once: an aye means `aye_position`, a no `no_position`
    (its opposite); proxies count as the vote they carry; abstain, absent and teller mean no position."""

    policy: PolicyRef
    aye_position: int
    no_position: int
    note: str


class DivisionVoteStance(msgspec.Struct, kw_only=True):
    """A stance a recorded vote is evidence for, with what the vote means on its policy by the division's link
    (`implied_position`, null for abstain, absent and teller)."""

    slug: str
    evidence: str
    policy: PolicyRef
    position: int | None
    label: PositionLabel
    implied_position: int | None


class DivisionVote(msgspec.Struct, kw_only=True):
    """One member's recorded vote (the evidence's speaker, or the stance's actor) and the stances it backs."""

    actor: ActorRef
    vote: VoteOption
    stances: list[DivisionVoteStance]


class DivisionTally(msgspec.Struct, kw_only=True):
    """The stored votes counted, one per member, and checked against the declared totals.

    `ayes` and `noes` include proxies (`proxy_ayes`, `proxy_noes` say how many). Tellers are counted apart
    (`tellers`), as chambers declare totals without them: a teller stored as an aye or a no would show as a
    difference. `ayes_difference` and `noes_difference` are counted minus declared; `totals_match` when both
    are 0 (a newsroom that records only some members' votes sees negative differences).
    """

    ayes: int
    noes: int
    proxy_ayes: int
    proxy_noes: int
    abstentions: int
    absent: int
    tellers: int
    ayes_difference: int
    noes_difference: int
    totals_match: bool


class Division(msgspec.Struct, kw_only=True):
    """A parliamentary division's facts (its day is the source's `published_on`). `GET /v1/sources/{slug}` (and
    the write responses) also give its `policies` links, its recorded `votes` and their `tally`; lists do not."""

    number: int
    chamber: str
    question: str
    declared_ayes: int
    declared_noes: int
    policies: list[DivisionPolicyLink] | msgspec.UnsetType = msgspec.UNSET
    votes: list[DivisionVote] | msgspec.UnsetType = msgspec.UNSET
    tally: DivisionTally | msgspec.UnsetType = msgspec.UNSET

"""Response shapes for comparisons between actors and between dates.

The many small Structs of a comparison are `gc=False` (they hold no reference cycles), so building one does
not set off garbage-collector passes.
"""

import enum
from datetime import date

import msgspec

from api.comparisons.strength import STRENGTH_RULE, EvidenceStrength, StrengthLabel
from api.evidence.schemas import EvidenceItem
from api.refs import ActorRef, PolicyRef, PositionLabel
from db.enums import DatePrecision, PolicyRelationKind

SAME_DAY_RULE = (
    "on the same day, a stance that has a position and rests on a recorded vote cast (aye, no, proxy_aye or "
    "proxy_no) outweighs the others (a speech that day, an unclear or mixed stance, an abstention); otherwise the "
    "later-recorded stance wins, and every stance keeps its evidence"
)

AGREEMENT_METHOD = (
    "Each actor's effective stance on a policy as of a date is its latest stance stated on or before that date "
    f"({SAME_DAY_RULE}); retracted stances do not count from the day of their retraction. "
    "Positions run from -2 (strongly oppose) to +2 (strongly support). A pair agrees when both are on the same "
    "side (or both neutral), disagrees when on opposite sides, is partial when one is neutral, mixed or unclear, "
    "and unknown when either has no stance. Distance is |a - b| when both have a position. The agreement score "
    "is 1 - mean(distance) / 4 over the policies where both have a position (1 = identical, 0 = opposite "
    "extremes); `policies_compared` is the count it rests on. "
    f"{STRENGTH_RULE}"
)

CHANGE_METHOD = (
    "The effective stance at each end is the latest stance stated on or before that date "
    f"({SAME_DAY_RULE}); retracted stances do not count from the day of their retraction. A change is "
    "`new` when there is no stance at the start, `dropped` when the start stance was retracted by the end, "
    "`reversed` when the side flips (support to oppose or back), `strengthened` when the position moves away "
    "from neutral on the same side (or from neutral, mixed or unclear to a side), `weakened` when it moves "
    "towards neutral (or from a side to mixed or unclear), and `unchanged` otherwise. "
    f"{STRENGTH_RULE} Each end's stance is rated as of that end's date."
)


class Agreement(enum.Enum):
    """How two actors' positions on one policy relate."""

    AGREE = "agree"
    DISAGREE = "disagree"
    PARTIAL = "partial"
    UNKNOWN = "unknown"


class ChangeKind(enum.Enum):
    """How an actor's position moved between two dates."""

    UNCHANGED = "unchanged"
    NEW = "new"
    DROPPED = "dropped"
    STRENGTHENED = "strengthened"
    WEAKENED = "weakened"
    REVERSED = "reversed"


class AttributedVia(msgspec.Struct, kw_only=True, gc=False):
    """With `attribution=holder`: the stance was stated by `office` (Downing Street), which speaks for the office
    `role` the actor held on the stance's day (Prime Minister of the United Kingdom)."""

    office: ActorRef
    role: str


class EffectiveStance(msgspec.Struct, kw_only=True, gc=False):
    """The stance in force as of a date, with its evidence: the latest stated on or before it; on one day, a stance
    with a position resting on a recorded vote cast outweighs the others, otherwise the one recorded later.
    `strength` says what it rests on as of that date (on a timeline, as of the day it was stated)."""

    slug: str
    position: int | None
    label: PositionLabel
    stated_on: date
    stated_on_precision: DatePrecision
    stated_on_inferred: bool
    summary: str
    evidence: list[EvidenceItem]
    strength: EvidenceStrength
    attributed_via: AttributedVia | None = None


class ActorPosition(msgspec.Struct, kw_only=True, gc=False):
    """One actor's effective stance on one policy; `stance` is null when none is recorded as of the date."""

    actor: str
    stance: EffectiveStance | None


class PairAgreement(msgspec.Struct, kw_only=True, gc=False):
    """How two actors' positions on one policy relate; `distance` is null unless both have a position. `strength`
    is what the agreement rests on: both stances' evidence, labelled as the weaker of the two."""

    actors: list[str]
    agreement: Agreement
    distance: int | None
    strength: EvidenceStrength


class PolicyComparisonRow(msgspec.Struct, kw_only=True, gc=False):
    """One policy: each actor's position side by side, and each pair's agreement on it."""

    policy: PolicyRef
    positions: list[ActorPosition]
    pairs: list[PairAgreement]


class PairSummary(msgspec.Struct, kw_only=True):
    """A pair's agreement over all compared policies; `score` is null when no policy has both positions.
    `strength` is what the score rests on: the evidence of the `policies_compared` policies' stances."""

    actors: list[str]
    score: float | None
    policies_compared: int
    agree: int
    disagree: int
    partial: int
    unknown: int
    strength: EvidenceStrength


class AgreementMatrix(msgspec.Struct, kw_only=True):
    """Pairwise scores: `scores[i][j]` compares `actors[i]` with `actors[j]`; `counts[i][j]` is how many policies
    that score rests on and `strengths[i][j]` the evidence strength of that score (as the pair's `strength` says;
    null on the diagonal). The diagonal holds 1.0 and the number of policies the actor has a position on."""

    actors: list[str]
    scores: list[list[float | None]]
    counts: list[list[int]]
    strengths: list[list[StrengthLabel | None]]


class AttributedActor(msgspec.Struct, kw_only=True):
    """With `attribution=holder`: an office asked about (`office`), answered by the person who held the office it
    speaks for (`role`) on the day (`holder`)."""

    office: ActorRef
    role: str
    holder: ActorRef


class ActorComparison(msgspec.Struct, kw_only=True):
    """Actors' positions side by side as of a date, per policy, with agreement per pair. With `attribution=holder`,
    `attributed` lists the offices replaced by their holders."""

    as_of: date
    actors: list[ActorRef]
    method: str
    rows: list[PolicyComparisonRow]
    summary: list[PairSummary]
    matrix: AgreementMatrix
    attributed: list[AttributedActor] = []


class PositionChange(msgspec.Struct, kw_only=True, gc=False):
    """One policy: the effective stance at each end and how it changed."""

    policy: PolicyRef
    change: ChangeKind
    from_stance: EffectiveStance | None
    to_stance: EffectiveStance | None


class ChangeCounts(msgspec.Struct, kw_only=True):
    """How many policies changed in each way."""

    unchanged: int
    new: int
    dropped: int
    strengthened: int
    weakened: int
    reversed: int


class DateComparison(msgspec.Struct, kw_only=True):
    """How one actor's positions moved between two dates."""

    actor: ActorRef
    from_date: date = msgspec.field(name="from")
    to_date: date = msgspec.field(name="to")
    method: str
    rows: list[PositionChange]
    counts: ChangeCounts


PARTY_METHOD = (
    "A party's members on a day are the people holding any role in the party's actor that day (periods are "
    "half-open; an unknown start counts from always, an open end until now). Per policy, each member's effective "
    f"stance as of the day ({SAME_DAY_RULE}) is counted: `mean` and `spread` (population standard deviation) of "
    "the members' positions that have a number, and how many support (> 0), oppose (< 0), are neutral (0) or have "
    "no position (mixed or unclear); `members_with_stance` of `members`. A stance of the party's own actor is shown "
    "as `own_stance` and not counted with the members'. Two parties agree on a policy as two actors do, on the sign "
    "of their means; their distance is |mean_a - mean_b|, and their score 1 - mean(distance) / 4 over the policies "
    "where both have a mean (the matrix; `counts` is how many policies it rests on, the diagonal how many policies "
    "the party has a mean on; `strengths` what each score rests on). "
    f"{STRENGTH_RULE}"
)


class PartyPosition(msgspec.Struct, kw_only=True, gc=False):
    """One party on one policy: its members' positions rolled up, and the party's own stance apart. `strength`
    is what the roll-up rests on: its members' stances (the party's own stance apart), labelled by the rule in
    `method`."""

    party: str
    party_name: str
    members: int
    members_with_stance: int
    mean: float | None
    spread: float | None
    support: int
    oppose: int
    neutral: int
    no_position: int
    strength: EvidenceStrength
    own_stance: EffectiveStance | None


class PartyPolicyRow(msgspec.Struct, kw_only=True, gc=False):
    """One policy: each party's roll-up."""

    policy: PolicyRef
    parties: list[PartyPosition]


class PartyComparison(msgspec.Struct, kw_only=True):
    """Parties side by side as of a date, per policy where any member or the party has a stance, with a party x
    party agreement matrix over their mean positions."""

    as_of: date
    parties: list[ActorRef]
    method: str
    rows: list[PartyPolicyRow]
    matrix: AgreementMatrix


class PolicyPositionItem(msgspec.Struct, kw_only=True, gc=False):
    """One actor's effective stance on the policy, or on the member of its family named by `policy`."""

    actor: ActorRef
    policy: PolicyRef
    stance: EffectiveStance


class PolicyPositions(msgspec.Struct, kw_only=True):
    """Every actor's effective stance on one policy as of a date; with `family=true`, on each policy of its
    `family` (the policy itself when not asked). With `group_by=party`, `parties` rolls the members' stances up
    per party and policy (null otherwise)."""

    policy: PolicyRef
    family: list[PolicyRef]
    as_of: date
    method: str
    positions: list[PolicyPositionItem]
    parties: list[PartyPolicyRow] | None = None


class TimelineEntry(msgspec.Struct, kw_only=True, gc=False):
    """A stance on the timeline, with its actor, its policy (a member of the family with `family=true`) and
    evidence."""

    actor: ActorRef
    policy: PolicyRef
    stance: EffectiveStance
    retracted: bool


class PolicyTimeline(msgspec.Struct, kw_only=True):
    """Every stance on one policy (or on each policy of its `family`) in date order."""

    policy: PolicyRef
    family: list[PolicyRef]
    entries: list[TimelineEntry]


class ActorChange(msgspec.Struct, kw_only=True, gc=False):
    """One actor whose position on the policy (or on the family member `policy`) changed between the dates."""

    actor: ActorRef
    policy: PolicyRef
    change: ChangeKind
    from_stance: EffectiveStance | None
    to_stance: EffectiveStance | None


class PolicyChanges(msgspec.Struct, kw_only=True):
    """The actors whose position on one policy (or on each policy of its `family`) changed between two dates."""

    policy: PolicyRef
    family: list[PolicyRef]
    from_date: date = msgspec.field(name="from")
    to_date: date = msgspec.field(name="to")
    method: str
    changes: list[ActorChange]


ALIGNMENT_METHOD = (
    "The agreement score of comparisons (1 - mean(distance) / 4) between this actor's effective stances as of the "
    "day and each other actor's, over the policies where both have a position; actors sharing fewer than "
    "`min_shared` such policies are left out, so one shared policy cannot top the list. `most_aligned` is ordered "
    "by score (highest first), `least_aligned` by score (lowest first); ties go to the actor with more policies "
    "compared, then by slug. Effective stances follow the comparison rules "
    f"({SAME_DAY_RULE}). Every actor's effective position on every policy as of the day is computed once per data "
    "version and day in each process (one query) and kept in memory; each list is then arithmetic over it, and a "
    "repeated request is served from the response cache until a write changes the data. Each listed score's "
    "`strength` is what it rests on, counted and labelled as a pair's score in a comparison of the two. "
    f"{STRENGTH_RULE}"
)


class Attribution(enum.Enum):
    """Whose a stance is: the actor that stated it (`as_stated`), or, for an office that speaks for another office
    (Downing Street for the Prime Minister), the person who held that office on the stance's day (`holder`)."""

    AS_STATED = "as_stated"
    HOLDER = "holder"


ATTRIBUTION_METHOD = (
    "With attribution=holder, a stance of an office that speaks for another office (Downing Street and the PM's "
    "spokesman for the Prime Minister) counts as the stance of the person who held that office on the stance's day "
    "(roles are half-open periods), marked `attributed_via` with the office and the role; on the same day the "
    "person's own stance wins over an attributed one. An office named among the actors is replaced by the person "
    "holding its office on the day asked about (listed in `attributed`)."
)


class GroupBy(enum.Enum):
    """How to group a policy's positions besides listing them."""

    PARTY = "party"


class PositionOrder(enum.Enum):
    """How to order a policy's positions: by actor slug, or ranked from the strongest support or opposition."""

    ACTOR = "actor"
    STRONGEST_SUPPORT = "strongest_support"
    STRONGEST_OPPOSITION = "strongest_opposition"


class AlignedActor(msgspec.Struct, kw_only=True, gc=False):
    """Another actor's agreement with the actor: the score over `policies_compared` shared policies with
    positions, how many of them agree, disagree or are partial (one side neutral), and `strength`: what the score
    rests on (both actors' stances on those policies), labelled as a pair's score is."""

    actor: ActorRef
    score: float
    policies_compared: int
    agree: int
    disagree: int
    partial: int
    strength: EvidenceStrength


class ActorAlignment(msgspec.Struct, kw_only=True):
    """The actors most and least aligned with an actor as of a date; `actors_compared` is how many other actors
    share at least `min_shared` policies with positions (each list holds at most `limit` of them)."""

    actor: ActorRef
    as_of: date
    method: str
    min_shared: int
    actors_compared: int
    most_aligned: list[AlignedActor]
    least_aligned: list[AlignedActor]


FAMILY_METHOD = (
    "A policy's family is the policy and every policy joined to it, directly or through others, by a `part_of` "
    "relation (the member is part of it) or a `successor_of` relation (the member follows it), at most 20 levels "
    "deep. Relations are read as they are now (also with `as_recorded`). Each member appears once, under the "
    "first parent found on the shortest path."
)


class FamilyMember(msgspec.Struct, kw_only=True):
    """One policy of the family: `parent` (a slug) is the policy it joins, through `relation` (`part_of` or
    `successor_of`), `depth` steps below the policy asked about (0 for the policy itself, with no parent)."""

    policy: PolicyRef
    parent: str | None
    relation: PolicyRelationKind | None
    depth: int


class PolicyFamily(msgspec.Struct, kw_only=True):
    """A policy and the policies below it, in depth-first order (each member after its parent)."""

    policy: PolicyRef
    method: str
    members: list[FamilyMember]

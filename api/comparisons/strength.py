"""Evidence strength: what a position or an agreement figure rests on, and a label from one stated rule.

A cell (an actor's effective stance) rests on its stance's evidence; an agreement on one policy on the two
stances it compares; a pair's agreement score on the per-policy agreements it averages. Each says how many
stances and evidence items of each kind, the span of the evidence's dates, and how old the newest is relative to
the day asked about, then labels it `strong`, `moderate` or `weak` by ``STRENGTH_RULE``.
"""

import enum
from collections.abc import Iterable, Sequence
from datetime import date

import msgspec

from api.evidence.schemas import EvidenceItem
from db.enums import EvidenceKind

STALE_AFTER_DAYS = 730
"""Evidence whose newest item is older than this (two years) before the day asked about is weak."""

FRESH_WITHIN_DAYS = 365
"""Strong evidence has an item no older than this (one year)."""

STRENGTH_RULE = (
    "Evidence strength: an evidence item is dated by its stance's date, the day the words were said or the action "
    "taken (a source published later, such as a retrospective, does not make it newer). A stance's evidence is "
    "`weak` when it has no direct quote and no recorded vote (only "
    "paraphrases or reported actions, or nothing), or when its newest item is more than two years (730 days) older "
    "than the day asked about; `strong` when it has at least two items, at least one a direct quote or a recorded "
    "vote, and the newest is at most one year (365 days) old; `moderate` otherwise. An agreement on one policy is "
    "as strong as the weaker of its two stances (`weak` when either actor has none). A pair's agreement score is "
    "`weak` when it rests on no policy or when more than half of its policies' agreements are weak, `strong` when "
    "it rests on at least three policies, none weak and at least half strong, and `moderate` otherwise. A party's "
    "roll-up on a policy is labelled by the same rule over its members' stances (weak when no member has one), and "
    "a cell of the party x party matrix like a pair's score over the policies it compares, each policy's agreement "
    "as strong as the weaker of the two roll-ups."
)


class StrengthLabel(enum.Enum):
    """How much a position or an agreement rests on, by the rule in `method`."""

    STRONG = "strong"
    MODERATE = "moderate"
    WEAK = "weak"


ORDER = {StrengthLabel.WEAK: 0, StrengthLabel.MODERATE: 1, StrengthLabel.STRONG: 2}

# Members bound to module names for the functions below, which run for every cell and pair of a comparison: on
# Python 3.11 reading a member as a class attribute (``StrengthLabel.WEAK``) costs about 0.1-0.2 us each time.
_STRONG, _MODERATE, _WEAK = StrengthLabel.STRONG, StrengthLabel.MODERATE, StrengthLabel.WEAK
_DIRECT_QUOTE, _PARAPHRASE, _REPORTED_ACTION = (
    EvidenceKind.DIRECT_QUOTE,
    EvidenceKind.PARAPHRASE,
    EvidenceKind.REPORTED_ACTION,
)


class EvidenceCounts(msgspec.Struct, kw_only=True, gc=False):
    """Evidence items by kind."""

    direct_quote: int = 0
    paraphrase: int = 0
    reported_action: int = 0
    recorded_vote: int = 0


class EvidenceStrength(msgspec.Struct, kw_only=True, gc=False):
    """What a figure rests on: `stances` and `evidence` items by kind, the dates of the oldest and newest item (the
    days their stances were stated), the newest item's age in days before the day asked about, and `label`."""

    label: StrengthLabel
    stances: int
    evidence: EvidenceCounts
    evidence_from: date | None
    evidence_to: date | None
    newest_age_days: int | None


def stance_label(items: int, firm: int, age: int | None) -> StrengthLabel:
    """The label of one stance's evidence: ``items`` in all, ``firm`` of them direct quotes or recorded votes, the
    newest ``age`` days before the day asked about (None: no evidence)."""
    if not firm or age is None or age > STALE_AFTER_DAYS:
        return _WEAK
    if items >= 2 and age <= FRESH_WITHIN_DAYS:
        return _STRONG
    return _MODERATE


def stance_strength(evidence: Sequence[EvidenceItem], stated_on: date, as_of: date) -> EvidenceStrength:
    """The strength of one stance's evidence, as of ``as_of`` (one pass over the items: this runs for every cell)."""
    direct_quote = paraphrase = reported_action = recorded_vote = 0
    for item in evidence:
        kind = item.kind
        if kind is _DIRECT_QUOTE:
            direct_quote += 1
        elif kind is _PARAPHRASE:
            paraphrase += 1
        elif kind is _REPORTED_ACTION:
            reported_action += 1
        else:
            recorded_vote += 1
    counts = EvidenceCounts(
        direct_quote=direct_quote, paraphrase=paraphrase, reported_action=reported_action, recorded_vote=recorded_vote
    )
    return counted_strength(counts, stated_on, as_of)


def counted_strength(counts: EvidenceCounts, stated_on: date, as_of: date) -> EvidenceStrength:
    """The strength of one stance from its evidence items counted by kind (dated by the stance)."""
    items = counts.direct_quote + counts.paraphrase + counts.reported_action + counts.recorded_vote
    newest = stated_on if items else None
    age = (as_of - stated_on).days if items else None
    return EvidenceStrength(
        label=stance_label(items, counts.direct_quote + counts.recorded_vote, age),
        stances=1,
        evidence=counts,
        evidence_from=newest,
        evidence_to=newest,
        newest_age_days=age,
    )


def _sum(parts: Sequence[EvidenceStrength], label: StrengthLabel) -> EvidenceStrength:
    """What ``parts`` rest on together (one pass: this runs for every pair on every policy of a comparison)."""
    stances = direct_quote = paraphrase = reported_action = recorded_vote = 0
    start: date | None = None
    end: date | None = None
    age: int | None = None
    for part in parts:
        counts = part.evidence
        stances += part.stances
        direct_quote += counts.direct_quote
        paraphrase += counts.paraphrase
        reported_action += counts.reported_action
        recorded_vote += counts.recorded_vote
        if part.evidence_from is not None and (start is None or part.evidence_from < start):
            start = part.evidence_from
        if part.evidence_to is not None and (end is None or part.evidence_to > end):
            end = part.evidence_to
        if part.newest_age_days is not None and (age is None or part.newest_age_days < age):
            age = part.newest_age_days
    return EvidenceStrength(
        label=label,
        stances=stances,
        evidence=EvidenceCounts(
            direct_quote=direct_quote,
            paraphrase=paraphrase,
            reported_action=reported_action,
            recorded_vote=recorded_vote,
        ),
        evidence_from=start,
        evidence_to=end,
        newest_age_days=age,
    )


def agreement_strength(sides: Iterable[EvidenceStrength | None]) -> EvidenceStrength:
    """One policy's agreement: as strong as its weaker stance, weak when a side has no stance."""
    given = list(sides)
    present = [side for side in given if side is not None]
    if len(present) < len(given) or not present:
        label = StrengthLabel.WEAK
    else:
        label = min((side.label for side in present), key=ORDER.__getitem__)
    return _sum(present, label)


def combined_label(parts: int, weak: int, strong: int) -> StrengthLabel:
    """The label of a figure resting on ``parts`` labelled parts (policies' agreements, members' stances), ``weak``
    and ``strong`` of them so labelled."""
    if not parts or 2 * weak > parts:
        return _WEAK
    if parts >= 3 and weak == 0 and 2 * strong >= parts:
        return _STRONG
    return _MODERATE


def pair_strength(a: EvidenceStrength | None, b: EvidenceStrength | None) -> EvidenceStrength:
    """``agreement_strength`` of two sides, without its general machinery: this runs for every pair on every
    policy of a comparison. With one side missing, the other's figures labelled `weak` (sharing its counts, which
    nothing changes once rated)."""
    if a is None or b is None:
        present = a if b is None else b
        if present is None:
            return _sum((), _WEAK)
        return msgspec.structs.replace(present, label=_WEAK)
    if a.label is _WEAK or b.label is _WEAK:
        label = _WEAK
    elif a.label is _MODERATE or b.label is _MODERATE:
        label = _MODERATE
    else:
        label = _STRONG
    # ``_sum`` of the two, written out
    counts_a, counts_b = a.evidence, b.evidence
    start_a, start_b, end_a, end_b = a.evidence_from, b.evidence_from, a.evidence_to, b.evidence_to
    age_a, age_b = a.newest_age_days, b.newest_age_days
    return EvidenceStrength(
        label=label,
        stances=a.stances + b.stances,
        evidence=EvidenceCounts(
            direct_quote=counts_a.direct_quote + counts_b.direct_quote,
            paraphrase=counts_a.paraphrase + counts_b.paraphrase,
            reported_action=counts_a.reported_action + counts_b.reported_action,
            recorded_vote=counts_a.recorded_vote + counts_b.recorded_vote,
        ),
        evidence_from=start_b if start_a is None or (start_b is not None and start_b < start_a) else start_a,
        evidence_to=end_b if end_a is None or (end_b is not None and end_b > end_a) else end_a,
        newest_age_days=age_b if age_a is None or (age_b is not None and age_b < age_a) else age_a,
    )


def score_strength(per_policy: Sequence[EvidenceStrength]) -> EvidenceStrength:
    """A pair's agreement score from the agreements of the policies it averages (a party's roll-up from its
    members' stances: the same rule)."""
    weak = strong = 0
    for part in per_policy:
        if part.label is _WEAK:
            weak += 1
        elif part.label is _STRONG:
            strong += 1
    return _sum(per_policy, combined_label(len(per_policy), weak, strong))

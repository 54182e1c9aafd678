"""Flatten comparisons into CSV: one row per actor and policy (per other actor too, when comparing actors).

Dates show their precision: a month-precise date is written `2025-05`, a year-precise one `2025`.
"""

import csv
import io
from collections.abc import Iterable
from datetime import date

from api.comparisons.schemas import (
    ActorAlignment,
    ActorComparison,
    DateComparison,
    EffectiveStance,
    PartyComparison,
    PartyPolicyRow,
    PartyPosition,
    PolicyChanges,
    PolicyFamily,
    PolicyPositions,
    PolicyTimeline,
)
from api.comparisons.strength import EvidenceStrength
from db.enums import DatePrecision, EvidenceKind

STRENGTH_COLUMNS = [
    "strength",
    "direct_quotes",
    "paraphrases",
    "reported_actions",
    "recorded_votes",
    "evidence_from",
    "evidence_to",
    "newest_evidence_age_days",
]
STANCE_COLUMNS = [
    "position",
    "label",
    "stated_on",
    "stated_on_precision",
    "stated_on_inferred",
    "summary",
    "evidence_kind",
    "evidence_text",
    "speaker",
    "source_title",
    "publisher",
    "source_published_on",
    "source_url",
    "evidence_count",
    "stance_slug",
    *STRENGTH_COLUMNS,
]


def precise_date(day: date | None, precision: DatePrecision) -> str:
    """``day`` as precisely as it is known: `2025-05-15`, `2025-05` or `2025` (empty when unknown)."""
    if day is None:
        return ""
    if precision is DatePrecision.YEAR:
        return f"{day.year:04d}"
    if precision is DatePrecision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def _stance_cells(stance: EffectiveStance | None) -> list[object]:
    if stance is None:
        return [""] * len(STANCE_COLUMNS)
    quotes = [e for e in stance.evidence if e.kind is EvidenceKind.DIRECT_QUOTE]
    candidates = quotes or stance.evidence
    first = candidates[0] if candidates else None
    return [
        "" if stance.position is None else stance.position,
        stance.label.value,
        precise_date(stance.stated_on, stance.stated_on_precision),
        stance.stated_on_precision.value,
        str(stance.stated_on_inferred).lower(),
        stance.summary,
        first.kind.value if first else "",
        first.text if first else "",
        (first.speaker.name if first.speaker else "") if first else "",
        first.source.title if first else "",
        (first.source.publisher or "") if first else "",
        precise_date(first.source.published_on, first.source.published_on_precision) if first else "",
        (first.source.url or "") if first else "",
        len(stance.evidence),
        stance.slug,
        *_strength_cells(stance.strength),
    ]


def _strength_cells(strength: EvidenceStrength) -> list[object]:
    counts = strength.evidence
    return [
        strength.label.value,
        counts.direct_quote,
        counts.paraphrase,
        counts.reported_action,
        counts.recorded_vote,
        "" if strength.evidence_from is None else strength.evidence_from.isoformat(),
        "" if strength.evidence_to is None else strength.evidence_to.isoformat(),
        "" if strength.newest_age_days is None else strength.newest_age_days,
    ]


def _prefixed(prefix: str) -> list[str]:
    return [f"{prefix}_{column}" for column in STANCE_COLUMNS]


def to_csv(header: list[str], rows: Iterable[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


OTHER_ACTOR_COLUMNS = [
    "other_actor_slug",
    "other_actor_name",
    "other_position",
    "other_label",
    "agreement_with_other",
    "distance_to_other",
    "agreement_strength",
]


def actor_comparison_csv(comparison: ActorComparison) -> str:
    """One row per policy, actor and other actor: the actor's stance, then how the other actor's relates to it.

    With two actors that is one row per actor and policy; with n actors, n - 1 rows per actor and policy.
    """
    names = {actor.slug: actor.name for actor in comparison.actors}
    header = ["as_of", "policy_slug", "policy_title", "actor_slug", "actor_name", *STANCE_COLUMNS]
    header += OTHER_ACTOR_COLUMNS
    rows = []
    for row in comparison.rows:
        stances = {position.actor: position.stance for position in row.positions}
        pairs = {}
        for pair in row.pairs:
            first, second = pair.actors
            pairs[first, second] = pairs[second, first] = pair
        for position in row.positions:
            cells = [
                comparison.as_of.isoformat(),
                row.policy.slug,
                row.policy.title,
                position.actor,
                names[position.actor],
                *_stance_cells(position.stance),
            ]
            for other in comparison.actors:
                if other.slug == position.actor:
                    continue
                pair = pairs[position.actor, other.slug]
                other_stance = stances[other.slug]
                rows.append(
                    [
                        *cells,
                        other.slug,
                        other.name,
                        "" if other_stance is None or other_stance.position is None else other_stance.position,
                        "" if other_stance is None else other_stance.label.value,
                        pair.agreement.value,
                        "" if pair.distance is None else pair.distance,
                        pair.strength.label.value,
                    ]
                )
    return to_csv(header, rows)


def date_comparison_csv(comparison: DateComparison) -> str:
    header = ["actor_slug", "actor_name", "from", "to", "policy_slug", "policy_title", "change"]
    header += _prefixed("from") + _prefixed("to")
    rows = [
        [
            comparison.actor.slug,
            comparison.actor.name,
            comparison.from_date.isoformat(),
            comparison.to_date.isoformat(),
            row.policy.slug,
            row.policy.title,
            row.change.value,
            *_stance_cells(row.from_stance),
            *_stance_cells(row.to_stance),
        ]
        for row in comparison.rows
    ]
    return to_csv(header, rows)


def policy_positions_csv(positions: PolicyPositions) -> str:
    """One row per actor and policy; with `group_by=party`, the table asked for: one row per policy and party."""
    if positions.parties is not None:
        return to_csv(PARTY_HEADER, _party_rows(positions.as_of, positions.parties))
    header = ["as_of", "policy_slug", "policy_title", "actor_slug", "actor_name", *STANCE_COLUMNS]
    rows = [
        [
            positions.as_of.isoformat(),
            item.policy.slug,
            item.policy.title,
            item.actor.slug,
            item.actor.name,
            *_stance_cells(item.stance),
        ]
        for item in positions.positions
    ]
    return to_csv(header, rows)


def policy_timeline_csv(timeline: PolicyTimeline) -> str:
    header = ["policy_slug", "policy_title", "actor_slug", "actor_name", "retracted", *STANCE_COLUMNS]
    rows = [
        [
            entry.policy.slug,
            entry.policy.title,
            entry.actor.slug,
            entry.actor.name,
            str(entry.retracted).lower(),
            *_stance_cells(entry.stance),
        ]
        for entry in timeline.entries
    ]
    return to_csv(header, rows)


def policy_changes_csv(changes: PolicyChanges) -> str:
    header = ["policy_slug", "policy_title", "from", "to", "actor_slug", "actor_name", "change"]
    header += _prefixed("from") + _prefixed("to")
    rows = [
        [
            item.policy.slug,
            item.policy.title,
            changes.from_date.isoformat(),
            changes.to_date.isoformat(),
            item.actor.slug,
            item.actor.name,
            item.change.value,
            *_stance_cells(item.from_stance),
            *_stance_cells(item.to_stance),
        ]
        for item in changes.changes
    ]
    return to_csv(header, rows)


def actor_alignment_csv(alignment: ActorAlignment) -> str:
    """One row per listed actor: which list (`most_aligned` or `least_aligned`), its rank there, and its score."""
    header = ["actor_slug", "as_of", "list", "rank", "other_actor_slug", "other_actor_name", "other_actor_kind"]
    header += ["score", "policies_compared", "agree", "disagree", "partial", *STRENGTH_COLUMNS]
    rows: list[list[object]] = [
        [
            alignment.actor.slug,
            alignment.as_of.isoformat(),
            name,
            rank,
            item.actor.slug,
            item.actor.name,
            item.actor.kind.value,
            item.score,
            item.policies_compared,
            item.agree,
            item.disagree,
            item.partial,
            *_strength_cells(item.strength),
        ]
        for name, items in (("most_aligned", alignment.most_aligned), ("least_aligned", alignment.least_aligned))
        for rank, item in enumerate(items, start=1)
    ]
    return to_csv(header, rows)


def policy_family_csv(family: PolicyFamily) -> str:
    header = ["family_of", "policy_slug", "policy_title", "parent_slug", "relation", "depth"]
    rows: list[list[object]] = [
        [
            family.policy.slug,
            member.policy.slug,
            member.policy.title,
            member.parent or "",
            "" if member.relation is None else member.relation.value,
            member.depth,
        ]
        for member in family.members
    ]
    return to_csv(header, rows)


PARTY_COLUMNS = ["members", "members_with_stance", "mean", "spread", "support", "oppose", "neutral", "no_position"]
PARTY_COLUMNS += [*STRENGTH_COLUMNS, "own_position", "own_label"]
PARTY_HEADER = ["as_of", "policy_slug", "policy_title", "party_slug", "party_name", *PARTY_COLUMNS]


def _party_cells(item: PartyPosition) -> list[object]:
    own = item.own_stance
    return [
        item.members,
        item.members_with_stance,
        "" if item.mean is None else item.mean,
        "" if item.spread is None else item.spread,
        item.support,
        item.oppose,
        item.neutral,
        item.no_position,
        *_strength_cells(item.strength),
        "" if own is None or own.position is None else own.position,
        "" if own is None else own.label.value,
    ]


def party_comparison_csv(comparison: PartyComparison) -> str:
    """One row per policy and party: the members' roll-up and the party's own position."""
    return to_csv(PARTY_HEADER, _party_rows(comparison.as_of, comparison.rows))


def _party_rows(as_of: date, rows: list[PartyPolicyRow]) -> list[list[object]]:
    return [
        [as_of.isoformat(), row.policy.slug, row.policy.title, item.party, item.party_name, *_party_cells(item)]
        for row in rows
        for item in row.parties
    ]

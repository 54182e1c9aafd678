"""Flatten comparisons into CSV: one row per actor and policy."""

import csv
import io
from collections.abc import Iterable

from api.comparisons.schemas import (
    ActorComparison,
    DateComparison,
    EffectiveStance,
    PolicyChanges,
    PolicyPositions,
    PolicyTimeline,
)
from db.enums import EvidenceKind

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
]


def _stance_cells(stance: EffectiveStance | None) -> list[object]:
    if stance is None:
        return [""] * len(STANCE_COLUMNS)
    quotes = [e for e in stance.evidence if e.kind is EvidenceKind.DIRECT_QUOTE]
    candidates = quotes or stance.evidence
    first = candidates[0] if candidates else None
    return [
        "" if stance.position is None else stance.position,
        stance.label.value,
        stance.stated_on.isoformat(),
        stance.stated_on_precision.value,
        str(stance.stated_on_inferred).lower(),
        stance.summary,
        first.kind.value if first else "",
        first.text if first else "",
        (first.speaker.name if first.speaker else "") if first else "",
        first.source.title if first else "",
        (first.source.publisher or "") if first else "",
        (first.source.published_on.isoformat() if first.source.published_on else "") if first else "",
        (first.source.url or "") if first else "",
        len(stance.evidence),
        stance.slug,
    ]


def _prefixed(prefix: str) -> list[str]:
    return [f"{prefix}_{column}" for column in STANCE_COLUMNS]


def to_csv(header: list[str], rows: Iterable[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def actor_comparison_csv(comparison: ActorComparison) -> str:
    names = {actor.slug: actor.name for actor in comparison.actors}
    others = [actor.slug for actor in comparison.actors]
    header = ["as_of", "policy_slug", "policy_title", "actor_slug", "actor_name", *STANCE_COLUMNS]
    header += [f"agreement_with_{slug}" for slug in others]
    rows = []
    for row in comparison.rows:
        for position in row.positions:
            agreement_by_other: dict[str, str] = {}
            for pair in row.pairs:
                if position.actor in pair.actors:
                    other = pair.actors[1] if pair.actors[0] == position.actor else pair.actors[0]
                    agreement_by_other[other] = pair.agreement.value
            rows.append(
                [
                    comparison.as_of.isoformat(),
                    row.policy.slug,
                    row.policy.title,
                    position.actor,
                    names[position.actor],
                    *_stance_cells(position.stance),
                    *[agreement_by_other.get(slug, "") for slug in others],
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
    header = ["as_of", "policy_slug", "policy_title", "actor_slug", "actor_name", *STANCE_COLUMNS]
    rows = [
        [
            positions.as_of.isoformat(),
            positions.policy.slug,
            positions.policy.title,
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
            timeline.policy.slug,
            timeline.policy.title,
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
            changes.policy.slug,
            changes.policy.title,
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

"""Validating recorded votes against what is stored: the division-policy link a vote needs, the stance's
position against what the vote means, and one vote per member per division."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.divisions.rules import contradiction
from api.errors import InvalidField
from db.enums import Ambiguity, EvidenceKind, SourceKind, VoteOption

DIVISION = SourceKind.PARLIAMENTARY_DIVISION.value


@dataclass(frozen=True, slots=True)
class VoteClaim:
    """A recorded vote a write would store: where it sits in the body, its division, option and voter."""

    field: str
    """The body path of the evidence item (``evidence[0]``), or ``""`` for an evidence PATCH."""
    source_id: int
    source_slug: str
    vote: VoteOption
    voter_id: int
    evidence_id: int | None = None
    """The stored evidence the claim is (so that it does not conflict with itself)."""

    def name(self, suffix: str) -> str:
        return f"{self.field}.{suffix}" if self.field else suffix


def kind_errors(where: str, kind: EvidenceKind, vote: VoteOption | None, source_kind: str | None) -> list[InvalidField]:
    """A recorded vote has an option and comes from a division; nothing else has an option or comes from one."""

    def error(name: str, message: str) -> InvalidField:
        return InvalidField(name=f"{where}.{name}" if where else name, location="body", message=message)

    errors = []
    if kind is EvidenceKind.RECORDED_VOTE:
        if vote is None:
            errors.append(error("vote", "a recorded_vote needs its vote option"))
        if source_kind is not None and source_kind != DIVISION:
            errors.append(error("source", "a recorded_vote comes from a parliamentary_division source"))
    else:
        if vote is not None:
            errors.append(error("vote", "only a recorded_vote has a vote option"))
        if source_kind == DIVISION:
            errors.append(error("kind", "evidence from a parliamentary_division is a recorded_vote"))
    return errors


LINKS_SQL = """
SELECT source_id, aye_position FROM division_policy
WHERE policy_id = :policy_id AND source_id = ANY(CAST(:source_ids AS bigint[]))
"""

# Votes of these members in these divisions on stances not retracted (a division lists at most a few hundred).
STORED_VOTES_SQL = """
SELECT ev.id, ev.slug, ev.source_id, ev.vote_option, coalesce(ev.speaker_actor_id, s.actor_id) AS voter_id,
       a.slug AS voter_slug
FROM evidence ev
JOIN stance s ON s.id = ev.stance_id AND s.retracted_at IS NULL
JOIN actor a ON a.id = coalesce(ev.speaker_actor_id, s.actor_id)
WHERE ev.kind = 'recorded_vote' AND ev.source_id = ANY(CAST(:source_ids AS bigint[]))
  AND coalesce(ev.speaker_actor_id, s.actor_id) = ANY(CAST(:voter_ids AS bigint[]))
"""


class StoredVote(NamedTuple):
    """A recorded vote already stored (``STORED_VOTES_SQL``'s columns, in order)."""

    id: int
    slug: str
    source_id: int
    vote_option: str
    voter_id: int
    voter_slug: str


async def vote_errors(
    session: AsyncSession,
    claims: Sequence[VoteClaim],
    *,
    policy_id: int,
    policy_slug: str,
    position: int | None,
    ambiguity: Ambiguity | None,
    position_field: str | None = None,
) -> list[InvalidField]:
    """Errors for votes a stance on ``policy_id`` with ``position``/``ambiguity`` would rest on: a division not
    linked to the policy, a position the vote contradicts (named at ``position_field`` when the stance's position
    is what changes, otherwise at the vote), a member recorded twice in one division with different options."""
    if not claims:
        return []
    source_ids = sorted({claim.source_id for claim in claims})
    links = {
        row.source_id: row.aye_position
        for row in await session.execute(text(LINKS_SQL), {"policy_id": policy_id, "source_ids": source_ids})
    }
    stored = [
        StoredVote(*row)
        for row in await session.execute(
            text(STORED_VOTES_SQL),
            {"source_ids": source_ids, "voter_ids": sorted({claim.voter_id for claim in claims})},
        )
    ]
    return claim_errors(
        claims,
        links,
        stored,
        policy_slug=policy_slug,
        position=position,
        ambiguity=ambiguity,
        position_field=position_field,
    )


def claim_errors(
    claims: Sequence[VoteClaim],
    links: Mapping[int, int],
    stored: Sequence[StoredVote],
    *,
    policy_slug: str,
    position: int | None,
    ambiguity: Ambiguity | None,
    position_field: str | None = None,
) -> list[InvalidField]:
    """``vote_errors`` on what it read: ``links`` (division id -> the aye position on the stance's policy) and the
    ``stored`` votes of the claims' voters in the claims' divisions. Bulk imports call it with what they preload."""
    errors: list[InvalidField] = []
    seen: dict[tuple[int, int], VoteClaim] = {}
    for claim in claims:
        aye_position = links.get(claim.source_id)
        if aye_position is None:
            errors.append(
                InvalidField(
                    name=claim.name("source"),
                    location="body",
                    message=f"division '{claim.source_slug}' is not linked to policy '{policy_slug}': state what "
                    f"its votes mean with PUT /v1/sources/{claim.source_slug}/policies",
                )
            )
        else:
            problem = contradiction(claim.vote, aye_position, position, ambiguity)
            if problem:
                errors.append(InvalidField(name=position_field or claim.name("vote"), location="body", message=problem))
        key = (claim.source_id, claim.voter_id)
        earlier = seen.setdefault(key, claim)
        if earlier is not claim and earlier.vote is not claim.vote:
            errors.append(
                InvalidField(
                    name=claim.name("vote"),
                    location="body",
                    message=f"the same member is recorded as {earlier.vote.value} in this division at {earlier.field}",
                )
            )
        for row in stored:
            if (
                (row.source_id, row.voter_id) == key
                and row.id != claim.evidence_id
                and row.vote_option != claim.vote.value
            ):
                errors.append(
                    InvalidField(
                        name=claim.name("vote"),
                        location="body",
                        message=f"'{row.voter_slug}' is recorded as {row.vote_option} in this division "
                        f"(evidence '{row.slug}'): one member, one vote",
                    )
                )
    return errors

"""Checking a bundle's recorded votes as ``POST /v1/stances`` checks them (``api.divisions.checks``), set up
once per import: the division-policy links and stored votes of the divisions the bundle cites are read in two
queries, and each stance's votes are checked against them and against the votes of earlier lines."""

from dataclasses import dataclass, field
from typing import Any

import asyncpg

from api.divisions.checks import StoredVote, VoteClaim, claim_errors
from api.errors import InvalidField
from api.imports.bundle import StanceRecord
from db.enums import EvidenceKind, SourceKind, VoteOption

DIVISION = SourceKind.PARLIAMENTARY_DIVISION

# The recorded votes stored in the divisions a bundle cites, on stances not retracted (``StoredVote``'s columns).
STORED_VOTES_SQL = """
SELECT ev.id, ev.slug, ev.source_id, ev.vote_option, coalesce(ev.speaker_actor_id, s.actor_id) AS voter_id,
       a.slug AS voter_slug
FROM evidence ev
JOIN stance s ON s.id = ev.stance_id AND s.retracted_at IS NULL
JOIN actor a ON a.id = coalesce(ev.speaker_actor_id, s.actor_id)
WHERE ev.kind = 'recorded_vote' AND ev.source_id = ANY($1::bigint[])
"""


@dataclass(slots=True)
class BundleVotes:
    """What the checks of recorded votes read, loaded once for the divisions the bundle cites (the links include
    those the bundle just wrote), and the votes of the stances staged so far."""

    links: dict[tuple[int, int], int]
    stored: dict[tuple[int, int], list[StoredVote]]
    stored_ids: dict[str, int]
    staged: dict[tuple[int, int], tuple[int, VoteOption]] = field(default_factory=dict)

    @classmethod
    async def load(cls, conn: asyncpg.Connection, sources: dict[str, Any]) -> "BundleVotes":
        division_ids = [source.id for source in sources.values() if source.kind is DIVISION]
        links = {
            (row["source_id"], row["policy_id"]): row["aye_position"]
            for row in await conn.fetch(
                "SELECT source_id, policy_id, aye_position FROM division_policy WHERE source_id = ANY($1::bigint[])",
                division_ids,
            )
        }
        stored: dict[tuple[int, int], list[StoredVote]] = {}
        stored_ids: dict[str, int] = {}
        for row in await conn.fetch(STORED_VOTES_SQL, division_ids) if division_ids else []:
            vote = StoredVote(*row)
            stored.setdefault((vote.source_id, vote.voter_id), []).append(vote)
            stored_ids[vote.slug] = vote.id
        return cls(links=links, stored=stored, stored_ids=stored_ids)

    def claims(
        self, record: StanceRecord, actors: dict[str, int], policies: dict[str, int], sources: dict[str, Any]
    ) -> list[VoteClaim]:
        """The stance's recorded votes, as ``POST /v1/stances`` collects them."""
        if record.policy not in policies or record.actor not in actors:
            return []
        return [
            VoteClaim(
                field=f"evidence[{index}]",
                source_id=sources[item.source].id,
                source_slug=item.source,
                vote=item.vote,
                voter_id=actors[item.speaker] if item.speaker else actors[record.actor],
                evidence_id=self.stored_ids.get(f"{record.slug}-e{index + 1}"),
            )
            for index, item in enumerate(record.evidence)
            if item.kind is EvidenceKind.RECORDED_VOTE
            and item.vote is not None
            and item.source in sources
            and sources[item.source].kind is DIVISION
            and (item.speaker is None or item.speaker in actors)
        ]

    def errors(self, record: StanceRecord, claims: list[VoteClaim], policy_id: int) -> list[InvalidField]:
        """The checks of ``api.divisions.checks.vote_errors``, plus one vote per member against earlier lines."""
        if not claims:
            return []
        keys = dict.fromkeys((claim.source_id, claim.voter_id) for claim in claims)
        errors = claim_errors(
            claims,
            {claim.source_id: self.links[(claim.source_id, policy_id)] for claim in claims
             if (claim.source_id, policy_id) in self.links},
            [vote for key in keys for vote in self.stored.get(key, [])],
            policy_slug=record.policy,
            position=record.position,
            ambiguity=record.ambiguity,
        )  # fmt: skip
        for claim in claims:
            earlier = self.staged.get((claim.source_id, claim.voter_id))
            if earlier is not None and earlier[1] is not claim.vote:
                message = f"the same member is recorded as {earlier[1].value} in this division on line {earlier[0]}"
                errors.append(InvalidField(name=claim.name("vote"), location="body", message=message))
        return errors

    def remember(self, line: int, record: StanceRecord, claims: list[VoteClaim]) -> None:
        if record.retracted_at is None:
            for claim in claims:
                self.staged.setdefault((claim.source_id, claim.voter_id), (line, claim.vote))

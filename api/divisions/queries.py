"""SQL for a division's detail: its policy links, and its recorded votes (one per member) with their tally."""

from collections import Counter

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.divisions.rules import implied_position
from api.divisions.schemas import Division, DivisionPolicyLink, DivisionTally, DivisionVote, DivisionVoteStance
from api.evidence.rows import VOTE_OPTIONS, actor_ref
from api.refs import PolicyRef, position_label
from db.enums import VoteOption

LINKS_SQL = """
SELECT p.slug AS policy_slug, p.title AS policy_title, l.aye_position, l.note
FROM division_policy l JOIN policy p ON p.id = l.policy_id
WHERE l.source_id = :source_id
ORDER BY p.slug
"""

# Votes on retracted stances do not count: a retraction withdraws the record of them.
VOTES_SQL = """
SELECT v.slug AS voter_slug, v.name AS voter_name, v.kind AS voter_kind, ev.vote_option, ev.slug AS evidence_slug,
       s.slug AS stance_slug, s.position, s.ambiguity, p.slug AS policy_slug, p.title AS policy_title,
       l.aye_position
FROM evidence ev
JOIN stance s ON s.id = ev.stance_id AND s.retracted_at IS NULL
JOIN actor v ON v.id = coalesce(ev.speaker_actor_id, s.actor_id)
JOIN policy p ON p.id = s.policy_id
LEFT JOIN division_policy l ON l.source_id = ev.source_id AND l.policy_id = s.policy_id
WHERE ev.source_id = :source_id AND ev.kind = 'recorded_vote'
ORDER BY v.slug, p.slug, s.slug, ev.id
"""


def tally(votes: list[DivisionVote], declared_ayes: int, declared_noes: int) -> DivisionTally:
    """Count one vote per member and compare the ayes and noes with the declared totals (tellers apart)."""
    counts = Counter(vote.vote for vote in votes)
    ayes = counts[VoteOption.AYE] + counts[VoteOption.PROXY_AYE]
    noes = counts[VoteOption.NO] + counts[VoteOption.PROXY_NO]
    return DivisionTally(
        ayes=ayes,
        noes=noes,
        proxy_ayes=counts[VoteOption.PROXY_AYE],
        proxy_noes=counts[VoteOption.PROXY_NO],
        abstentions=counts[VoteOption.ABSTAIN],
        absent=counts[VoteOption.ABSENT],
        tellers=counts[VoteOption.TELLER],
        ayes_difference=ayes - declared_ayes,
        noes_difference=noes - declared_noes,
        totals_match=ayes == declared_ayes and noes == declared_noes,
    )


async def division_record(session: AsyncSession, source_id: int, facts: Division) -> Division:
    """``facts`` with the division's policy links, its recorded votes and their tally (two queries)."""
    links = [
        DivisionPolicyLink(
            policy=PolicyRef(slug=row["policy_slug"], title=row["policy_title"]),
            aye_position=row["aye_position"],
            no_position=-row["aye_position"],
            note=row["note"],
        )
        for row in (await session.execute(text(LINKS_SQL), {"source_id": source_id})).mappings()
    ]
    votes: dict[str, DivisionVote] = {}
    for row in (await session.execute(text(VOTES_SQL), {"source_id": source_id})).mappings():
        option = VOTE_OPTIONS[row["vote_option"]]
        vote = votes.get(row["voter_slug"])
        if vote is None:
            vote = votes[row["voter_slug"]] = DivisionVote(actor=actor_ref(row, "voter"), vote=option, stances=[])
        vote.stances.append(
            DivisionVoteStance(
                slug=row["stance_slug"],
                evidence=row["evidence_slug"],
                policy=PolicyRef(slug=row["policy_slug"], title=row["policy_title"]),
                position=row["position"],
                label=position_label(row["position"], row["ambiguity"]),
                implied_position=None if row["aye_position"] is None else implied_position(option, row["aye_position"]),
            )
        )
    listed = list(votes.values())
    return Division(
        number=facts.number,
        chamber=facts.chamber,
        question=facts.question,
        declared_ayes=facts.declared_ayes,
        declared_noes=facts.declared_noes,
        policies=links,
        votes=listed,
        tally=tally(listed, facts.declared_ayes, facts.declared_noes),
    )

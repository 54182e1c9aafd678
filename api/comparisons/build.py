"""Arrange effective stances into the comparison responses."""

import statistics
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from itertools import combinations
from typing import Protocol

import msgspec

from api.comparisons.position_matrix import Alignment
from api.comparisons.queries import FamilyRow, Found, MemberPositions, Parties
from api.comparisons.schemas import (
    AGREEMENT_METHOD,
    ALIGNMENT_METHOD,
    CHANGE_METHOD,
    FAMILY_METHOD,
    PARTY_METHOD,
    ActorAlignment,
    ActorChange,
    ActorComparison,
    ActorPosition,
    AgreementMatrix,
    AlignedActor,
    ChangeCounts,
    ChangeKind,
    DateComparison,
    EffectiveStance,
    FamilyMember,
    PairAgreement,
    PairSummary,
    PartyComparison,
    PartyPolicyRow,
    PartyPosition,
    PolicyChanges,
    PolicyComparisonRow,
    PolicyFamily,
    PolicyPositionItem,
    PolicyPositions,
    PositionChange,
    PositionOrder,
)
from api.comparisons.semantics import agreement, change_kind, distance, summarise_pair
from api.comparisons.strength import (
    ORDER,
    EvidenceStrength,
    StrengthLabel,
    combined_label,
    pair_strength,
    score_strength,
)
from api.refs import ActorRef, PolicyRef


def actor_comparison(as_of: date, actors: list[tuple[int, ActorRef]], found: Found) -> ActorComparison:
    """Per policy (by slug), each actor's effective stance and each pair's agreement on it; each pair's summary and
    the matrix. Each stance is looked up once per policy; a pair's `actors` list is one list, shared by its
    agreements and its summary (msgspec encodes it wherever it is referenced)."""
    slugs = [ref.slug for _, ref in actors]
    ids = [actor_id for actor_id, _ in actors]
    pairs = list(combinations(range(len(actors)), 2))
    pair_slugs = [[slugs[i], slugs[j]] for i, j in pairs]
    per_pair: list[list[PairAgreement]] = [[] for _ in pairs]
    with_position = [0] * len(actors)
    get = found.stances.get
    rows: list[PolicyComparisonRow] = []
    for policy_id, policy in sorted(found.policies.items(), key=_by_slug):
        stances = [get((as_of, actor_id, policy_id)) for actor_id in ids]
        strengths: list[EvidenceStrength | None] = []
        for index, stance in enumerate(stances):
            if stance is None:
                strengths.append(None)
            else:
                strengths.append(stance.strength)
                if stance.position is not None:
                    with_position[index] += 1
        row_pairs = []
        for (i, j), pair_actors, agreements in zip(pairs, pair_slugs, per_pair, strict=True):
            a, b = stances[i], stances[j]
            item = PairAgreement(
                actors=pair_actors,
                agreement=agreement(a, b),
                distance=distance(a, b),
                strength=pair_strength(strengths[i], strengths[j]),
            )
            row_pairs.append(item)
            agreements.append(item)
        rows.append(
            PolicyComparisonRow(
                policy=policy,
                positions=[
                    ActorPosition(actor=slug, stance=stance) for slug, stance in zip(slugs, stances, strict=True)
                ],
                pairs=row_pairs,
            )
        )
    summary = [
        summarise_pair(pair_actors, agreements) for pair_actors, agreements in zip(pair_slugs, per_pair, strict=True)
    ]
    return ActorComparison(
        as_of=as_of,
        actors=[ref for _, ref in actors],
        method=AGREEMENT_METHOD,
        rows=rows,
        summary=summary,
        matrix=_matrix(slugs, pairs, summary, with_position if rows else []),
    )


def _by_slug(item: tuple[int, PolicyRef]) -> str:
    return item[1].slug


def _matrix(
    slugs: list[str], pairs: list[tuple[int, int]], summary: list[PairSummary], own_counts: list[int]
) -> AgreementMatrix:
    """Scores and counts per pair; the diagonal holds 1.0 and the number of policies the actor has a position on."""
    size = len(slugs)
    scores: list[list[float | None]] = [[1.0 if i == j else None for j in range(size)] for i in range(size)]
    counts = [[own_counts[i] if i == j and own_counts else 0 for j in range(size)] for i in range(size)]
    strengths: list[list[StrengthLabel | None]] = [[None] * size for _ in range(size)]
    for (i, j), pair in zip(pairs, summary, strict=True):
        scores[i][j] = scores[j][i] = pair.score
        counts[i][j] = counts[j][i] = pair.policies_compared
        strengths[i][j] = strengths[j][i] = pair.strength.label
    return AgreementMatrix(actors=slugs, scores=scores, counts=counts, strengths=strengths)


def _counts(kinds: list[ChangeKind]) -> ChangeCounts:
    return ChangeCounts(**{kind.value: kinds.count(kind) for kind in ChangeKind})


def _change(
    before: EffectiveStance | None, after: EffectiveStance | None, end: date, found: Found
) -> ChangeKind | None:
    """The change kind; a start stance retracted by the end is `dropped` even when an older stance shows again."""
    if before is not None and (retracted := found.retracted_on.get(before.slug)) is not None and retracted <= end:
        return ChangeKind.DROPPED
    return change_kind(before, after)


def date_comparison(actor_id: int, actor: ActorRef, start: date, end: date, found: Found) -> DateComparison:
    rows: list[PositionChange] = []
    for policy_id, policy in sorted(found.policies.items(), key=lambda item: item[1].slug):
        before = found.stances.get((start, actor_id, policy_id))
        after = found.stances.get((end, actor_id, policy_id))
        kind = _change(before, after, end, found)
        if kind is not None:
            rows.append(PositionChange(policy=policy, change=kind, from_stance=before, to_stance=after))
    return DateComparison(
        actor=actor,
        from_date=start,
        to_date=end,
        method=CHANGE_METHOD,
        rows=rows,
        counts=_counts([row.change for row in rows]),
    )


def policy_positions(policy: PolicyRef, family: dict[int, PolicyRef], as_of: date, found: Found) -> PolicyPositions:
    """Each actor's effective stance on each policy of ``family`` (the policy alone when no family was asked)."""
    items = [
        PolicyPositionItem(actor=found.actors[actor_id], policy=family[policy_id], stance=stance)
        for (_, actor_id, policy_id), stance in found.stances.items()
        if policy_id in family
    ]
    items.sort(key=lambda item: (item.actor.slug, item.policy.slug))
    return PolicyPositions(
        policy=policy, family=list(family.values()), as_of=as_of, method=AGREEMENT_METHOD, positions=items
    )


def policy_changes(
    policy: PolicyRef, family: dict[int, PolicyRef], start: date, end: date, found: Found
) -> PolicyChanges:
    changes: list[ActorChange] = []
    for actor_id, actor in sorted(found.actors.items(), key=lambda item: item[1].slug):
        for policy_id, member in sorted(family.items(), key=lambda item: item[1].slug):
            before = found.stances.get((start, actor_id, policy_id))
            after = found.stances.get((end, actor_id, policy_id))
            kind = _change(before, after, end, found)
            if kind is not None and kind is not ChangeKind.UNCHANGED:
                changes.append(
                    ActorChange(actor=actor, policy=member, change=kind, from_stance=before, to_stance=after)
                )
    return PolicyChanges(
        policy=policy, family=list(family.values()), from_date=start, to_date=end, method=CHANGE_METHOD, changes=changes
    )


def policy_family(policy: PolicyRef, rows: list[FamilyRow]) -> PolicyFamily:
    slugs = {row.id: row.policy.slug for row in rows}
    return PolicyFamily(
        policy=policy,
        method=FAMILY_METHOD,
        members=[
            FamilyMember(
                policy=row.policy,
                parent=None if row.parent_id is None else slugs[row.parent_id],
                relation=row.relation,
                depth=row.depth,
            )
            for row in rows
        ],
    )


def alignment_score(item: Alignment) -> float:
    """The agreement score of comparisons over the policies both actors have a position on."""
    return round(1 - item.distance / (4 * item.compared), 4)


def rank_alignments(found: list[Alignment], limit: int) -> tuple[list[Alignment], list[Alignment]]:
    """The ``limit`` most and least aligned: by score, ties to more policies compared, then by slug."""
    most = sorted(found, key=lambda item: (-alignment_score(item), -item.compared, item.actor.slug))
    least = sorted(found, key=lambda item: (alignment_score(item), -item.compared, item.actor.slug))
    return most[:limit], least[:limit]


def actor_alignment(
    actor: ActorRef,
    as_of: date,
    ranked: tuple[list[Alignment], list[Alignment]],
    strength: Callable[[Alignment], EvidenceStrength],
    *,
    actors_compared: int,
    min_shared: int,
) -> ActorAlignment:
    """The lists ``rank_alignments`` chose; ``strength`` tells what each listed score rests on."""

    def listed(item: Alignment) -> AlignedActor:
        return AlignedActor(
            actor=item.actor,
            score=alignment_score(item),
            policies_compared=item.compared,
            agree=item.agree,
            disagree=item.disagree,
            partial=item.compared - item.agree - item.disagree,
            strength=strength(item),
        )

    most, least = ranked
    return ActorAlignment(
        actor=actor,
        as_of=as_of,
        method=ALIGNMENT_METHOD,
        min_shared=min_shared,
        actors_compared=actors_compared,
        most_aligned=[listed(item) for item in most],
        least_aligned=[listed(item) for item in least],
    )


def rank_positions(positions: PolicyPositions, order: PositionOrder) -> PolicyPositions:
    """Positions ranked from the strongest support (or opposition); stances with no position (mixed, unclear)
    last; ties to the stronger evidence, then by actor slug."""
    if order is PositionOrder.ACTOR:
        return positions
    sign = -1 if order is PositionOrder.STRONGEST_SUPPORT else 1
    evidence_rank = {StrengthLabel.STRONG: 0, StrengthLabel.MODERATE: 1, StrengthLabel.WEAK: 2}

    def key(item: PolicyPositionItem) -> tuple[int, int, int, str]:
        position = item.stance.position
        return (
            position is None,
            0 if position is None else sign * position,
            evidence_rank[item.stance.strength.label],
            item.actor.slug,
        )

    return msgspec.structs.replace(positions, positions=sorted(positions.positions, key=key))


class Positioned(Protocol):
    """What a party roll-up reads of a member's stance (an ``EffectiveStance`` or a ``MemberStance``)."""

    @property
    def position(self) -> int | None: ...

    @property
    def strength(self) -> EvidenceStrength: ...


StanceKey = tuple[date, int, int]


def _roll_up(
    party: ActorRef,
    members: list[int],
    key: Callable[[int], StanceKey],
    member_stances: Mapping[StanceKey, Positioned],
    own_stance: EffectiveStance | None,
) -> PartyPosition:
    stances = [member_stances.get(key(member)) for member in members]
    given = [stance for stance in stances if stance is not None]
    numbers = [stance.position for stance in given if stance.position is not None]
    return PartyPosition(
        strength=score_strength([stance.strength for stance in given]),
        party=party.slug,
        party_name=party.name,
        members=len(members),
        members_with_stance=len(given),
        mean=round(statistics.fmean(numbers), 4) if numbers else None,
        spread=round(statistics.pstdev(numbers), 4) if numbers else None,
        support=sum(number > 0 for number in numbers),
        oppose=sum(number < 0 for number in numbers),
        neutral=sum(number == 0 for number in numbers),
        no_position=len(given) - len(numbers),
        own_stance=own_stance,
    )


def party_rows(
    parties: Parties,
    as_of: date,
    policies: Mapping[int, PolicyRef],
    member_stances: Mapping[StanceKey, Positioned],
    own_stances: Mapping[StanceKey, EffectiveStance],
) -> list[PartyPolicyRow]:
    """Per policy of ``policies`` (in slug order), each party's roll-up of its members' stances and its own."""
    rows = []
    for policy_id, policy in sorted(policies.items(), key=lambda item: item[1].slug):

        def key(actor_id: int, policy_id: int = policy_id) -> StanceKey:
            return (as_of, actor_id, policy_id)

        rows.append(
            PartyPolicyRow(
                policy=policy,
                parties=[
                    _roll_up(party, parties.members[party_id], key, member_stances, own_stances.get(key(party_id)))
                    for party_id, party in parties.refs.items()
                ],
            )
        )
    return rows


def party_comparison(as_of: date, parties: Parties, members: MemberPositions, own: Found) -> PartyComparison:
    """The parties' roll-ups of their members' positions (``members``) beside their own stances (``own``)."""
    rows = party_rows(parties, as_of, members.policies | own.policies, members.stances, own.stances)
    slugs = [party.slug for party in parties.refs.values()]
    size = len(slugs)
    distances: list[list[list[float]]] = [[[] for _ in range(size)] for _ in range(size)]
    labels: list[list[list[StrengthLabel]]] = [[[] for _ in range(size)] for _ in range(size)]
    for row in rows:
        means = [item.mean for item in row.parties]
        for i in range(size):
            for j in range(size):
                a, b = means[i], means[j]
                if a is not None and b is not None:
                    distances[i][j].append(abs(a - b))
                    weaker = min(row.parties[i].strength.label, row.parties[j].strength.label, key=ORDER.__getitem__)
                    labels[i][j].append(weaker)
    scores: list[list[float | None]] = [
        [round(1 - statistics.fmean(cell) / 4, 4) if cell else None for cell in line] for line in distances
    ]
    counts = [[len(cell) for cell in line] for line in distances]
    strengths: list[list[StrengthLabel | None]] = [
        [None if i == j else _combined(labels[i][j]) for j in range(size)] for i in range(size)
    ]
    return PartyComparison(
        as_of=as_of,
        parties=list(parties.refs.values()),
        method=PARTY_METHOD,
        rows=rows,
        matrix=AgreementMatrix(actors=slugs, scores=scores, counts=counts, strengths=strengths),
    )


def _combined(labels: list[StrengthLabel]) -> StrengthLabel:
    weak = labels.count(StrengthLabel.WEAK)
    return combined_label(len(labels), weak, labels.count(StrengthLabel.STRONG))


def actor_comparison_refs(comparison: ActorComparison) -> Iterator[ActorRef | PolicyRef]:
    """The actors and policies ``comparison`` names, for its purge keys (``api.cdn``): no walk of its evidence."""
    yield from comparison.actors
    for row in comparison.rows:
        yield row.policy
        for position in row.positions:
            if position.stance is not None and position.stance.attributed_via is not None:
                yield position.stance.attributed_via.office
    for attributed in comparison.attributed:
        yield attributed.office
        yield attributed.holder


def date_comparison_refs(comparison: DateComparison) -> Iterator[ActorRef | PolicyRef]:
    """The actor and policies ``comparison`` names, for its purge keys (``api.cdn``)."""
    yield comparison.actor
    for row in comparison.rows:
        yield row.policy
        for stance in (row.from_stance, row.to_stance):
            if stance is not None and stance.attributed_via is not None:
                yield stance.attributed_via.office

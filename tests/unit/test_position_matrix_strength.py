"""The alignment list's strength, worked out from the position matrix (stance ids, days, evidence counts), is the
pair rule the comparisons apply: on random matrices it equals ``score_strength`` over ``pair_strength`` of the two
stances' ``counted_strength`` on every policy both actors have a position on."""

import random
from array import array
from datetime import date, timedelta

import pytest

from api.comparisons.position_matrix import NO_POSITION, PositionMatrix
from api.comparisons.strength import EvidenceCounts, EvidenceStrength, counted_strength, pair_strength, score_strength
from api.refs import ActorRef
from db.enums import ActorKind

AS_OF = date(2025, 6, 1)
AGES = [0, 10, 300, 400, 700, 800]  # fresh, within a year, within two, stale


def random_matrix(rng: random.Random) -> tuple[PositionMatrix, dict[int, tuple[int, ...]]]:
    width = rng.randint(1, 6)
    rows, stances, days = {}, {}, {}
    evidence: dict[int, tuple[int, ...]] = {}
    stance_id = 1
    for actor in (1, 2):
        row = bytearray([NO_POSITION]) * width
        ids, on = array("q", bytes(8 * width)), array("i", bytes(4 * width))
        for index in range(width):
            if rng.random() < 0.8:
                row[index] = rng.randint(0, 4)
                ids[index] = stance_id
                on[index] = (AS_OF - timedelta(days=rng.choice(AGES))).toordinal()
                counts = tuple(rng.randint(0, 2) for _ in range(4))
                if rng.random() < 0.85 and sum(counts):
                    evidence[stance_id] = counts
                stance_id += 1
        rows[actor], stances[actor], days[actor] = bytes(row), ids, on
    actors = {n: ActorRef(slug=f"actor-{n}", name=f"Actor {n}", kind=ActorKind.PERSON) for n in (1, 2)}
    matrix = PositionMatrix(as_of=AS_OF, policy_index={}, rows=rows, stances=stances, days=days, actors=actors)
    return matrix, evidence


def by_the_pair_rule(matrix: PositionMatrix, evidence: dict[int, tuple[int, ...]]) -> EvidenceStrength:
    per_policy = []
    for index, value in enumerate(matrix.rows[1]):
        if value == NO_POSITION or matrix.rows[2][index] == NO_POSITION:
            continue
        sides = []
        for actor in (1, 2):
            quotes, paraphrases, actions, votes = evidence.get(matrix.stances[actor][index], (0, 0, 0, 0))
            counts = EvidenceCounts(
                direct_quote=quotes, paraphrase=paraphrases, reported_action=actions, recorded_vote=votes
            )
            sides.append(counted_strength(counts, date.fromordinal(matrix.days[actor][index]), AS_OF))
        per_policy.append(pair_strength(*sides))
    return score_strength(per_policy)


@pytest.mark.parametrize("seed", range(20))
def test_the_matrix_strength_is_the_pair_rule(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(100):
        matrix, evidence = random_matrix(rng)
        assert matrix.pair_strength(1, 2, evidence) == by_the_pair_rule(matrix, evidence)

"""The comparison rules in ``api.comparisons.semantics``, as pure functions over hand-built stances.

The expected values follow the method texts in ``api.comparisons.schemas`` (AGREEMENT_METHOD, CHANGE_METHOD).
"""

from datetime import date
from itertools import permutations

import pytest

from api.comparisons.schemas import Agreement, ChangeKind, EffectiveStance, PairAgreement
from api.comparisons.semantics import (
    Candidate,
    agreement,
    change_kind,
    distance,
    effective,
    same_day_weight,
    summarise_pair,
)
from api.comparisons.strength import agreement_strength, stance_strength
from api.refs import position_label
from db.enums import Ambiguity, DatePrecision

MIXED = "mixed"
UNCLEAR = "unclear"


def stance(position: int | str) -> EffectiveStance:
    """A stance at ``position`` (-2..2), or with no position when given ``"mixed"`` or ``"unclear"``."""
    if isinstance(position, str):
        ordinal, ambiguity = None, Ambiguity(position)
    else:
        ordinal, ambiguity = position, None
    return EffectiveStance(
        slug=f"test-stance-{position}",
        position=ordinal,
        label=position_label(ordinal, ambiguity),
        stated_on=date(2025, 5, 15),
        stated_on_precision=DatePrecision.DAY,
        stated_on_inferred=False,
        summary="A stance built for a unit test.",
        evidence=[],
        strength=stance_strength([], date(2025, 5, 15), date(2025, 5, 15)),
    )


def agreements(kinds: list[Agreement], distances: list[int | None]) -> list[PairAgreement]:
    """Per-policy agreements of a pair, as ``summarise_pair`` receives them."""
    return [
        PairAgreement(actors=["a", "b"], agreement=kind, distance=d, strength=agreement_strength([None, None]))
        for kind, d in zip(kinds, distances, strict=True)
    ]


# --- agreement --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [(1, 1), (1, 2), (2, 2), (-1, -1), (-2, -1), (-2, -2)],
)
def test_same_side_agrees(a: int, b: int) -> None:
    assert agreement(stance(a), stance(b)) is Agreement.AGREE
    assert agreement(stance(b), stance(a)) is Agreement.AGREE


@pytest.mark.parametrize(("a", "b"), [(1, -1), (2, -2), (2, -1), (-2, 1)])
def test_opposite_sides_disagree(a: int, b: int) -> None:
    assert agreement(stance(a), stance(b)) is Agreement.DISAGREE
    assert agreement(stance(b), stance(a)) is Agreement.DISAGREE


def test_both_neutral_agree() -> None:
    assert agreement(stance(0), stance(0)) is Agreement.AGREE


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (0, 1),
        (0, 2),
        (0, -1),
        (0, -2),
        (MIXED, 2),
        (MIXED, -2),
        (UNCLEAR, 1),
        (UNCLEAR, -1),
        (MIXED, 0),
        (UNCLEAR, 0),
        (MIXED, MIXED),
        (MIXED, UNCLEAR),
        (UNCLEAR, UNCLEAR),
    ],
)
def test_neutral_mixed_or_unclear_is_partial(a: int | str, b: int | str) -> None:
    assert agreement(stance(a), stance(b)) is Agreement.PARTIAL
    assert agreement(stance(b), stance(a)) is Agreement.PARTIAL


@pytest.mark.parametrize("other", [2, 0, -2, MIXED, UNCLEAR])
def test_missing_stance_is_unknown(other: int | str) -> None:
    assert agreement(None, stance(other)) is Agreement.UNKNOWN
    assert agreement(stance(other), None) is Agreement.UNKNOWN


def test_both_missing_is_unknown() -> None:
    assert agreement(None, None) is Agreement.UNKNOWN


# --- distance ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [(2, 2, 0), (0, 0, 0), (1, 2, 1), (2, -2, 4), (-2, 2, 4), (-1, 1, 2), (0, -2, 2), (-1, 2, 3)],
)
def test_distance_is_absolute_difference(a: int, b: int, expected: int) -> None:
    assert distance(stance(a), stance(b)) == expected
    assert distance(stance(b), stance(a)) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [(None, 2), (2, None), (None, None), (MIXED, 2), (2, UNCLEAR), (MIXED, UNCLEAR), (0, MIXED)],
)
def test_distance_is_none_without_two_positions(a: int | str | None, b: int | str | None) -> None:
    left = None if a is None else stance(a)
    right = None if b is None else stance(b)
    assert distance(left, right) is None


# --- summarise_pair ---------------------------------------------------------------------------------------


def test_summary_score_is_one_minus_mean_distance_over_four() -> None:
    kinds = [Agreement.AGREE, Agreement.DISAGREE, Agreement.PARTIAL, Agreement.UNKNOWN, Agreement.PARTIAL]
    distances: list[int | None] = [0, 4, 2, None, None]  # mean over the three known = 2
    summary = summarise_pair(["a", "b"], agreements(kinds, distances))
    assert summary.actors == ["a", "b"]
    assert summary.score == pytest.approx(1 - 2 / 4)
    assert summary.policies_compared == 3
    assert (summary.agree, summary.disagree, summary.partial, summary.unknown) == (1, 1, 2, 1)


@pytest.mark.parametrize(
    ("distances", "expected"),
    [
        ([0], 1.0),
        ([0, 0, 0], 1.0),
        ([4], 0.0),
        ([4, 4], 0.0),
        ([1], 0.75),
        ([1, 2], 1 - 1.5 / 4),
        ([1, 0, 0], 1 - (1 / 3) / 4),
        ([3, None, 3], 0.25),
    ],
)
def test_summary_score_values(distances: list[int | None], expected: float) -> None:
    kinds = [Agreement.AGREE if d == 0 else Agreement.UNKNOWN if d is None else Agreement.DISAGREE for d in distances]
    summary = summarise_pair(["a", "b"], agreements(kinds, distances))
    assert summary.score == pytest.approx(expected, abs=1e-4)
    assert summary.policies_compared == sum(d is not None for d in distances)
    assert 0.0 <= summary.score <= 1.0


def test_summary_without_any_shared_position_has_no_score() -> None:
    kinds = [Agreement.UNKNOWN, Agreement.PARTIAL, Agreement.UNKNOWN]
    summary = summarise_pair(["a", "b"], agreements(kinds, [None, None, None]))
    assert summary.score is None
    assert summary.policies_compared == 0
    assert (summary.agree, summary.disagree, summary.partial, summary.unknown) == (0, 0, 1, 2)


def test_summary_of_nothing() -> None:
    summary = summarise_pair(["a", "b"], agreements([], []))
    assert summary.score is None
    assert summary.policies_compared == 0
    assert (summary.agree, summary.disagree, summary.partial, summary.unknown) == (0, 0, 0, 0)


def test_summary_counts_follow_agreement_of_real_stances() -> None:
    pairs = [(2, 1), (2, -2), (0, 1), (MIXED, 2), (None, 1), (0, 0)]
    stances = [(None if a is None else stance(a), stance(b)) for a, b in pairs]
    kinds = [agreement(a, b) for a, b in stances]
    distances = [distance(a, b) for a, b in stances]
    summary = summarise_pair(["a", "b"], agreements(kinds, distances))
    # known distances: 1, 4, 1, 0 -> mean 1.5
    assert summary.policies_compared == 4
    assert summary.score == pytest.approx(1 - 1.5 / 4)
    assert (summary.agree, summary.disagree, summary.partial, summary.unknown) == (2, 1, 2, 1)


# --- change_kind ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # away from neutral on the same side
        (1, 2, ChangeKind.STRENGTHENED),
        (-1, -2, ChangeKind.STRENGTHENED),
        (0, 1, ChangeKind.STRENGTHENED),
        (0, -2, ChangeKind.STRENGTHENED),
        # towards neutral
        (2, 1, ChangeKind.WEAKENED),
        (-2, -1, ChangeKind.WEAKENED),
        (2, 0, ChangeKind.WEAKENED),
        (-1, 0, ChangeKind.WEAKENED),
        # side flips
        (1, -1, ChangeKind.REVERSED),
        (-1, 1, ChangeKind.REVERSED),
        (-2, 2, ChangeKind.REVERSED),
        (2, -1, ChangeKind.REVERSED),
        # same position
        (2, 2, ChangeKind.UNCHANGED),
        (0, 0, ChangeKind.UNCHANGED),
        (-1, -1, ChangeKind.UNCHANGED),
        # from mixed or unclear to a side, and back
        (MIXED, 2, ChangeKind.STRENGTHENED),
        (UNCLEAR, -1, ChangeKind.STRENGTHENED),
        (2, MIXED, ChangeKind.WEAKENED),
        (-1, UNCLEAR, ChangeKind.WEAKENED),
        # neither end on a side
        (MIXED, MIXED, ChangeKind.UNCHANGED),
        (UNCLEAR, UNCLEAR, ChangeKind.UNCHANGED),
        (MIXED, UNCLEAR, ChangeKind.UNCHANGED),
        (MIXED, 0, ChangeKind.UNCHANGED),
        (0, UNCLEAR, ChangeKind.UNCHANGED),
    ],
)
def test_change_between_two_stances(start: int | str, end: int | str, expected: ChangeKind) -> None:
    assert change_kind(stance(start), stance(end)) is expected


@pytest.mark.parametrize("end", [2, 0, -2, MIXED, UNCLEAR])
def test_no_stance_at_start_is_new(end: int | str) -> None:
    assert change_kind(None, stance(end)) is ChangeKind.NEW


@pytest.mark.parametrize("start", [2, 0, -2, MIXED, UNCLEAR])
def test_no_stance_at_end_is_dropped(start: int | str) -> None:
    assert change_kind(stance(start), None) is ChangeKind.DROPPED


def test_no_stance_at_either_end_is_no_change() -> None:
    assert change_kind(None, None) is None


# --- the effective stance and the same-day rule ------------------------------------------------------------

DAY = date(2025, 5, 14)


def candidate(recorded: int, position: int | None, *, vote: bool = False, day: date = DAY) -> Candidate:
    return Candidate(stated_on=day, position=position, rests_on_vote_cast=vote, recorded=recorded)


@pytest.mark.parametrize(
    ("position", "vote", "weight"),
    [(2, True, 1), (-1, True, 1), (0, True, 1), (None, True, 0), (2, False, 0), (None, False, 0)],
)
def test_same_day_weight_is_a_position_resting_on_a_vote_cast(position: int | None, vote: bool, weight: int) -> None:
    assert same_day_weight(position, vote) == weight


def test_a_vote_outweighs_an_unclear_speech_on_the_same_day_whichever_was_recorded_first() -> None:
    vote_first = [candidate(1, 2, vote=True), candidate(2, None)]
    speech_first = [candidate(1, None), candidate(2, 2, vote=True)]

    assert effective(vote_first) == vote_first[0]
    assert effective(speech_first) == speech_first[1]


def test_a_vote_outweighs_a_speech_with_a_position_on_the_same_day_too() -> None:
    assert effective([candidate(1, -2, vote=True), candidate(2, 1)]) == candidate(1, -2, vote=True)
    assert effective([candidate(1, 1), candidate(2, -2, vote=True)]) == candidate(2, -2, vote=True)


def test_without_a_vote_cast_the_stance_recorded_later_wins_as_before() -> None:
    assert effective([candidate(1, 2), candidate(2, None)]) == candidate(2, None)
    assert effective([candidate(1, None, vote=True), candidate(2, 1)]) == candidate(2, 1)  # an abstention weighs 0
    assert effective([candidate(1, 1, vote=True), candidate(2, 2, vote=True)]) == candidate(2, 2, vote=True)


def test_a_later_day_beats_any_vote_of_an_earlier_day() -> None:
    later = candidate(1, None, day=date(2025, 5, 15))
    assert effective([later, candidate(2, 2, vote=True)]) == later
    assert effective([]) is None


def test_the_rule_is_a_total_order_so_every_recording_order_gives_one_answer() -> None:
    day = [candidate(1, 2, vote=True), candidate(2, 1), candidate(3, None), candidate(4, -1, vote=True)]
    answers = {effective(order) for order in permutations(day)}
    assert answers == {candidate(4, -1, vote=True)}

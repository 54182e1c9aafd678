"""The comparison rules, as pure functions: agreement between two positions, and change between two dates."""

from api.comparisons.schemas import Agreement, ChangeKind, EffectiveStance, PairSummary


def _sign(position: int) -> int:
    return (position > 0) - (position < 0)


def agreement(a: EffectiveStance | None, b: EffectiveStance | None) -> Agreement:
    if a is None or b is None:
        return Agreement.UNKNOWN
    if a.position is None or b.position is None:
        return Agreement.PARTIAL
    sign_a, sign_b = _sign(a.position), _sign(b.position)
    if sign_a == sign_b:
        return Agreement.AGREE
    if sign_a == 0 or sign_b == 0:
        return Agreement.PARTIAL
    return Agreement.DISAGREE


def distance(a: EffectiveStance | None, b: EffectiveStance | None) -> int | None:
    if a is None or b is None or a.position is None or b.position is None:
        return None
    return abs(a.position - b.position)


def summarise_pair(actors: list[str], kinds: list[Agreement], distances: list[int | None]) -> PairSummary:
    """Agreement score = 1 - mean(distance) / 4 over the policies where both actors have a position."""
    known = [d for d in distances if d is not None]
    score = round(1 - sum(known) / (4 * len(known)), 4) if known else None
    return PairSummary(
        actors=actors,
        score=score,
        policies_compared=len(known),
        agree=kinds.count(Agreement.AGREE),
        disagree=kinds.count(Agreement.DISAGREE),
        partial=kinds.count(Agreement.PARTIAL),
        unknown=kinds.count(Agreement.UNKNOWN),
    )


def change_kind(start: EffectiveStance | None, end: EffectiveStance | None) -> ChangeKind | None:
    """How a position moved; None when there is no stance at either end."""
    if start is None and end is None:
        return None
    if start is None:
        return ChangeKind.NEW
    if end is None:
        return ChangeKind.DROPPED
    return _movement(start.position, end.position)


def _movement(a: int | None, b: int | None) -> ChangeKind:
    """Compare two positions; None (mixed or unclear) counts as strength 0 with no side."""
    if a is not None and b is not None and _sign(a) * _sign(b) < 0:
        return ChangeKind.REVERSED
    strength_a, strength_b = abs(a or 0), abs(b or 0)
    if strength_b > strength_a:
        return ChangeKind.STRENGTHENED
    if strength_b < strength_a:
        return ChangeKind.WEAKENED
    return ChangeKind.UNCHANGED

"""What a recorded vote means on a policy, as pure functions: the division-policy link says what an aye means,
a no means the opposite, proxies count as the vote they carry, and abstain, absent and teller mean nothing."""

from db.enums import Ambiguity, VoteOption

CAST = {VoteOption.AYE: 1, VoteOption.PROXY_AYE: 1, VoteOption.NO: -1, VoteOption.PROXY_NO: -1}
"""The votes cast, and which way: +1 carries the link's `aye_position`, -1 its opposite."""
CAST_VALUES = tuple(option.value for option in CAST)


def implied_position(vote: VoteOption, aye_position: int) -> int | None:
    """The position a vote means on a policy whose link gives ``aye_position``; None for a vote not cast."""
    direction = CAST.get(vote)
    return None if direction is None else direction * aye_position


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def contradiction(vote: VoteOption, aye_position: int, position: int | None, ambiguity: Ambiguity | None) -> str | None:
    """Why a stance with ``position`` (or ``ambiguity``) cannot rest on ``vote``, or None when it can.

    A vote cast means a side: the stance must be on that side (its strength is the editor's call, other evidence
    may temper it) or `mixed` (its evidence points both ways). A vote not cast (abstain, absent, teller) says
    nothing about the side, so any stance may cite it.
    """
    implied = implied_position(vote, aye_position)
    if implied is None:
        return None
    if position is None:
        if ambiguity is Ambiguity.MIXED:
            return None
        return (
            f"a recorded {vote.value} means {implied:+d} on this policy (the division's link), "
            "so a stance resting on it cannot be unclear"
        )
    if _sign(position) != _sign(implied):
        return (
            f"a recorded {vote.value} means {implied:+d} on this policy (the division's link), "
            f"which contradicts the stance's position {position:+d}"
        )
    return None

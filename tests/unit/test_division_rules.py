"""What a recorded vote means on a policy (``api.divisions.rules``): the division-policy link says what an aye
means, a no the opposite, proxies count as the vote they carry, abstain, absent and teller mean nothing."""

import pytest

from api.divisions.rules import contradiction, implied_position
from db.enums import Ambiguity, VoteOption


@pytest.mark.parametrize(
    ("vote", "aye_position", "implied"),
    [
        (VoteOption.AYE, 2, 2),
        (VoteOption.NO, 2, -2),
        (VoteOption.PROXY_AYE, -1, -1),
        (VoteOption.PROXY_NO, -1, 1),
        (VoteOption.AYE, -2, -2),  # an aye on a wrecking amendment opposes the policy
        (VoteOption.ABSTAIN, 2, None),
        (VoteOption.ABSENT, 2, None),
        (VoteOption.TELLER, 2, None),
    ],
)
def test_what_a_vote_means(vote: VoteOption, aye_position: int, implied: int | None) -> None:
    assert implied_position(vote, aye_position) == implied


@pytest.mark.parametrize(("position", "ambiguity"), [(2, None), (1, None), (None, Ambiguity.MIXED)])
def test_a_stance_on_the_votes_side_or_mixed_may_rest_on_it(position: int | None, ambiguity: Ambiguity | None) -> None:
    assert contradiction(VoteOption.AYE, 2, position, ambiguity) is None


@pytest.mark.parametrize(("position", "ambiguity"), [(-1, None), (0, None), (None, Ambiguity.UNCLEAR)])
def test_a_stance_off_the_votes_side_or_unclear_contradicts_it(
    position: int | None, ambiguity: Ambiguity | None
) -> None:
    message = contradiction(VoteOption.AYE, 2, position, ambiguity)
    assert message is not None
    assert "+2" in message


def test_a_vote_not_cast_contradicts_nothing() -> None:
    for vote in (VoteOption.ABSTAIN, VoteOption.ABSENT, VoteOption.TELLER):
        assert contradiction(vote, 2, -2, None) is None
        assert contradiction(vote, 2, None, Ambiguity.UNCLEAR) is None

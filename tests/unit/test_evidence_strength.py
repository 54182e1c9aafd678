"""The evidence-strength rule in ``api.comparisons.strength``, as stated in ``STRENGTH_RULE`` (and the README)."""

from datetime import date, timedelta

import pytest

from api.comparisons.strength import (
    EvidenceStrength,
    StrengthLabel,
    agreement_strength,
    pair_strength,
    score_strength,
    stance_strength,
)
from api.evidence.schemas import EvidenceItem
from api.refs import SourceRef
from db.enums import DatePrecision, EvidenceKind, VoteOption

STATED = date(2025, 5, 15)
STRONG, MODERATE, WEAK = StrengthLabel.STRONG, StrengthLabel.MODERATE, StrengthLabel.WEAK


def item(kind: str, published_on: date | None = STATED) -> EvidenceItem:
    return EvidenceItem(
        slug=f"e-{kind}",
        kind=EvidenceKind(kind),
        text="words",
        speaker=None,
        source=SourceRef(
            slug="s",
            title="A source",
            publisher=None,
            author=None,
            url=None,
            published_on=published_on,
            published_on_precision=DatePrecision.DAY,
            published_on_inferred=False,
        ),
        char_start=None,
        char_end=None,
        vote=VoteOption.AYE if kind == "recorded_vote" else None,
    )


def rated(*kinds: str, as_of: date = STATED) -> EvidenceStrength:
    return stance_strength([item(kind) for kind in kinds], STATED, as_of)


def test_it_counts_evidence_by_kind_and_dates_it_by_its_stance() -> None:
    evidence = [item("direct_quote", date(2025, 5, 16)), item("paraphrase"), item("direct_quote")]
    strength = stance_strength(evidence, STATED, date(2025, 6, 1))
    assert strength.stances == 1
    assert (strength.evidence.direct_quote, strength.evidence.paraphrase) == (2, 1)
    assert (strength.evidence.reported_action, strength.evidence.recorded_vote) == (0, 0)
    assert (strength.evidence_from, strength.evidence_to) == (STATED, STATED)
    assert strength.newest_age_days == 17


def test_a_retrospective_source_does_not_make_old_words_new() -> None:
    """A 2025 article recounting a 2022 agreement: the evidence is as old as the stance it records."""
    stated = date(2022, 12, 13)
    strength = stance_strength([item("direct_quote", date(2025, 11, 19))], stated, date(2025, 12, 1))
    assert strength.evidence_to == stated
    assert strength.newest_age_days == (date(2025, 12, 1) - stated).days
    assert strength.label is WEAK


def test_no_evidence_has_no_dates() -> None:
    strength = stance_strength([], STATED, STATED)
    assert (strength.evidence_from, strength.evidence_to, strength.newest_age_days) == (None, None, None)
    assert strength.label is WEAK


def test_aggregates_span_their_stances_dates() -> None:
    older = stance_strength([item("direct_quote")], date(2024, 7, 5), STATED)
    newer = stance_strength([item("direct_quote")], STATED, STATED)
    both = agreement_strength([older, newer])
    assert (both.evidence_from, both.evidence_to, both.newest_age_days) == (date(2024, 7, 5), STATED, 0)


@pytest.mark.parametrize(
    ("kinds", "label"),
    [
        (("direct_quote", "paraphrase"), STRONG),
        (("recorded_vote", "reported_action"), STRONG),
        (("direct_quote",), MODERATE),  # one item only
        (("paraphrase", "paraphrase", "reported_action"), WEAK),  # nothing verbatim
        ((), WEAK),  # nothing at all
    ],
)
def test_labels_by_kind_and_count(kinds: tuple[str, ...], label: StrengthLabel) -> None:
    assert rated(*kinds).label is label


def test_age_moves_strong_to_moderate_after_a_year_and_to_weak_after_two() -> None:
    kinds = ("direct_quote", "direct_quote")
    assert rated(*kinds, as_of=STATED + timedelta(days=365)).label is STRONG
    assert rated(*kinds, as_of=STATED + timedelta(days=366)).label is MODERATE
    assert rated(*kinds, as_of=STATED + timedelta(days=730)).label is MODERATE
    assert rated(*kinds, as_of=STATED + timedelta(days=731)).label is WEAK


def test_an_agreement_is_as_strong_as_its_weaker_stance_and_sums_what_both_rest_on() -> None:
    both = agreement_strength([rated("direct_quote", "paraphrase"), rated("direct_quote")])
    assert both.label is MODERATE
    assert both.stances == 2
    assert (both.evidence.direct_quote, both.evidence.paraphrase) == (2, 1)


def test_an_agreement_with_a_missing_side_is_weak() -> None:
    one_sided = agreement_strength([rated("direct_quote", "direct_quote"), None])
    assert one_sided.label is WEAK
    assert one_sided.stances == 1


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ([], WEAK),
        ([STRONG, STRONG], MODERATE),  # fewer than three policies
        ([STRONG, STRONG, MODERATE], STRONG),
        ([STRONG, MODERATE, MODERATE], MODERATE),  # fewer than half strong
        ([STRONG, STRONG, STRONG, WEAK], MODERATE),  # one weak
        ([WEAK, WEAK, STRONG], WEAK),  # more than half weak
        ([WEAK, STRONG], MODERATE),  # exactly half weak
    ],
)
def test_a_score_is_labelled_from_its_policies(labels: list[StrengthLabel], expected: StrengthLabel) -> None:
    examples = {
        STRONG: rated("direct_quote", "paraphrase"),
        MODERATE: rated("direct_quote"),
        WEAK: rated("paraphrase"),
    }
    per_policy = [agreement_strength([examples[label], examples[label]]) for label in labels]
    summary = score_strength(per_policy)
    assert summary.label is expected
    assert summary.stances == 2 * len(labels)


SIDES = [
    None,
    rated(),
    rated("paraphrase"),
    rated("direct_quote"),
    rated("direct_quote", "recorded_vote"),
    rated("direct_quote", "paraphrase", as_of=STATED + timedelta(days=500)),
    rated("recorded_vote", "reported_action", "paraphrase", as_of=STATED + timedelta(days=900)),
]


@pytest.mark.parametrize("a", SIDES)
@pytest.mark.parametrize("b", SIDES)
def test_the_pair_shortcut_rates_as_the_general_rule(a: EvidenceStrength | None, b: EvidenceStrength | None) -> None:
    assert pair_strength(a, b) == agreement_strength([a, b])

"""The extractor's reading of text, without a database: quotation marks and apostrophes, quotations over several
paragraphs, front matter, HTML, hard-wrapped lines, sentences, stems; determinism and speed."""

import time
from datetime import date

import pytest

from api.intake.extract import extract
from api.intake.knowledge import Knowledge, knowledge_from_dataset
from api.intake.policies import stem
from api.intake.quotes import find_quotes
from api.intake.text import front_matter, html_to_text, paragraphs, split_sentences
from seeds.loader import read_dataset


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return knowledge_from_dataset(read_dataset())


def quoted(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quotes(text, paragraphs(text))]


def test_apostrophes_are_not_quotation_marks() -> None:
    words = "Starmer has never cared\u2026 now he\u2019s in full panic mode, and Keir\u2019s plan fails."
    assert quoted(f"He said: \u2018{words}\u2019") == [words]
    assert quoted("The \u201890s were different, said nobody in \u2018the Commons\u2019.") == ["the Commons"]
    assert quoted("It's the PM's plan, \"whether it's lost or not\".") == ["whether it's lost or not"]


def test_mixed_and_nested_marks() -> None:
    assert quoted('Rama spoke of "what I see as the next chapter\u201d today.') == ["what I see as the next chapter"]
    nested = "\u201cThey called it \u2018Rwanda-lite\u2019, and it is not,\u201d she said."
    assert quoted(nested) == ["They called it \u2018Rwanda-lite\u2019, and it is not"]


def test_a_quotation_over_several_paragraphs_is_one_per_paragraph() -> None:
    text = (
        "He added: \u201cLet us be clear: this is not policy.\n\n"
        "\u201cAlbania is an ally.\n\n"
        "\u201cThat is the least we expect.\u201d\n\n"
        "The row goes on.\n"
    )
    spans = find_quotes(text, paragraphs(text))
    assert [text[q.start : q.end] for q in spans] == [
        "Let us be clear: this is not policy.",
        "Albania is an ally.",
        "That is the least we expect.",
    ]
    assert [q.continues for q in spans] == [False, True, True]
    assert [q.close_mark is None for q in spans] == [True, True, False]


def test_front_matter_is_set_aside_and_offsets_are_untouched() -> None:
    text = '---\ntitle: "A headline: in quotes"\ndate: 2025-05-15T19:07:56\n---\n\nRama said: "No."\n'
    fields, start = front_matter(text)
    assert fields["date"].startswith("2025-05-15")
    assert text[start:].startswith("\nRama said")
    assert quoted(text[start:]) == ["No."]


def test_html_becomes_paragraphs_of_text() -> None:
    markup = "<h1>T</h1><p>One &amp; two<br>three</p><script>no()</script><p>Four &ldquo;five&rdquo;</p>"
    assert html_to_text(markup) == "T\n\nOne & two\nthree\n\nFour \u201cfive\u201d"
    assert html_to_text("<p>Rama said no.</p><![5 broken") == "Rama said no.\n\n<![5 broken"


def test_hard_wrapped_lines_are_one_paragraph_and_captions_are_not_body() -> None:
    text = "The prime minister said the plan\nwould work in time.\nSir Keir at the airport on Thursday\n"
    found = paragraphs(text)
    assert [(text[p.start : p.end], p.body) for p in found] == [
        ("The prime minister said the plan\nwould work in time.", True),
        ("Sir Keir at the airport on Thursday", False),
    ]


def test_sentences_do_not_split_inside_quotations_or_after_abbreviations() -> None:
    text = "Mr. Smith met No. 10 staff. \u201cWe agree. We will act,\u201d he said. \u201cWhy?\u201d Rama asked."
    paragraph = paragraphs(text)[0]
    inside = [(q.open_mark + 1, q.raw_end) for q in find_quotes(text, [paragraph])]
    sentences = [text[s.start : s.end] for s in split_sentences(text, paragraph, 0, inside)]
    assert sentences == [
        "Mr. Smith met No. 10 staff.",
        "\u201cWe agree. We will act,\u201d he said.",
        "\u201cWhy?\u201d Rama asked.",
    ]


def test_stems_join_forms_of_a_word() -> None:
    assert {stem(w) for w in ("removal", "removing", "removed", "remove", "removals")} == {"remov"}
    assert stem("hubs") == stem("hub") == "hub"
    assert stem("families") == stem("family")
    assert stem("Albania's") == "albania"


def test_extraction_is_deterministic_and_offsets_index_the_input(knowledge: Knowledge) -> None:
    text = (
        "\u201cWe will not host a centre,\u201d Edi Rama said.\r\n"
        "Officials insisted that talks with other countries were at an advanced stage.\r\n"
    )
    first = extract(text, knowledge, date(2025, 5, 15))
    second = extract(text, knowledge, date(2025, 5, 15))
    assert [(c.kind, c.start, c.end, c.speaker.actor) for c in first.candidates] == [
        (c.kind, c.start, c.end, c.speaker.actor) for c in second.candidates
    ]
    assert [(c.kind, c.speaker.actor) for c in first.candidates] == [
        ("direct_quote", "edi-rama"),
        ("paraphrase", "uk-officials"),
    ]
    for candidate in first.candidates:
        assert text[candidate.start : candidate.end] == candidate.text


def test_a_1500_word_article_is_read_in_under_200_ms(knowledge: Knowledge) -> None:
    paragraph = (
        "Sir Keir Starmer said the talks with several countries were going well and would continue. "
        "\u201cWe are determined to stop the crossings,\u201d he said. \u201cAnd we will keep working with our "
        "partners until the numbers fall.\u201d The Albanian prime minister said his country would not host a "
        "centre. \u2018We have said no to everyone who asked,\u2019 Mr Rama added. Downing Street said the plans "
        "were \u2018entirely different\u2019 from the Rwanda scheme, while the so-called \u201crevolving door\u201d "
        "was not mentioned.\n\n"
    )
    words = len(paragraph.split())
    text = paragraph * (1500 // words + 1)
    assert len(text.split()) >= 1500
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        found = extract(text, knowledge, date(2025, 5, 15))
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.2, timings
    assert len([c for c in found.candidates if c.kind == "direct_quote"]) >= 3 * (1500 // words)

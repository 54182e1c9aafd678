"""Rows read by position: ``EvidenceReader`` against ``evidence_item``, and the column lists the readers rely on
against the SQL that selects them."""

import re
from datetime import date
from typing import Any

import msgspec

from api.comparisons.queries import ACTOR_COMPARISON_NAMES, actor_comparison_sql
from api.evidence.rows import EVIDENCE_COLUMNS, EVIDENCE_NAMES, EvidenceReader, evidence_item


def _selected_names(select_list: str) -> list[str]:
    """The output names of a SELECT list without expressions that contain commas: the alias, else the column."""
    names = []
    for part in select_list.split(","):
        expression = part.strip()
        alias = re.search(r"\bAS\s+(\w+)$", expression)
        names.append(alias.group(1) if alias else expression.rsplit(".", 1)[-1])
    return names


def test_evidence_names_are_the_columns_selected_in_order() -> None:
    assert _selected_names(EVIDENCE_COLUMNS) == list(EVIDENCE_NAMES)


def test_the_comparison_statement_selects_its_head_then_the_evidence() -> None:
    sql = actor_comparison_sql(as_recorded=False)
    select_list = sql[sql.rindex("SELECT v.version") + len("SELECT ") : sql.rindex("FROM data_version")]
    assert _selected_names(select_list) == [*ACTOR_COMPARISON_NAMES, *EVIDENCE_NAMES]


class Row(dict[str, Any]):
    """A stand-in for an asyncpg ``Record``: values by name, by position and by slice."""

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return super().__getitem__(key)
        return list(self.values())[key]


def _row(evidence_slug: str, source_slug: str, speaker_slug: str | None, vote: str | None = None) -> Row:
    values: dict[str, Any] = {
        "stance_id": 7,  # a column before the evidence, so the reader starts past column 0
        "evidence_slug": evidence_slug,
        "evidence_kind": "recorded_vote" if vote else "direct_quote",
        "evidence_text": "Words.",
        "char_start": 3 if vote is None else None,
        "char_end": 9 if vote is None else None,
        "vote_option": vote,
        "speaker_slug": speaker_slug,
        "speaker_name": None if speaker_slug is None else "A Spokesperson",
        "speaker_kind": None if speaker_slug is None else "person",
        "source_slug": source_slug,
        "source_title": f"Title of {source_slug}",
        "publisher": "A Publisher",
        "author": None,
        "url": f"https://example.org/{source_slug}",
        "published_on": date(2025, 5, 1),
        "published_on_precision": "month",
        "published_on_inferred": False,
    }
    return Row(values)


def test_the_reader_builds_what_evidence_item_builds() -> None:
    rows = [
        _row("e-1", "s-1", None),
        _row("e-2", "s-1", "spokesperson"),
        _row("e-3", "s-2", "spokesperson", vote="aye"),
    ]
    reader = EvidenceReader.of(rows[0])
    read = [reader.item(row) for row in rows]
    assert msgspec.json.encode(read) == msgspec.json.encode([evidence_item(row) for row in rows])


def test_items_share_one_source_and_one_speaker_per_slug() -> None:
    reader = EvidenceReader(1)
    first, second, third = (
        reader.item(_row("e-1", "s-1", "spokesperson")),
        reader.item(_row("e-2", "s-1", "spokesperson")),
        reader.item(_row("e-3", "s-2", None)),
    )
    assert first.source is second.source
    assert first.speaker is second.speaker
    assert third.source is not first.source
    assert third.speaker is None

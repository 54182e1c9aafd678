"""Quotation spans: curly and straight, double and single marks, apostrophes told apart, quotes that run on.

A quotation is the text between an opening mark and its closing mark in one paragraph. A paragraph whose
opening mark is never closed runs to its end, and the next paragraph opening with a mark continues it (the
convention for a quotation over several paragraphs). Marks of the other kind inside a quotation are nested and
ignored.
"""

from dataclasses import dataclass

from api.intake.text import Paragraph

DOUBLE_OPEN = frozenset("\u201c\u201e\u00ab")
DOUBLE_CLOSE = frozenset("\u201d\u00bb")
SINGLE_OPEN = frozenset("\u2018\u201a")
SINGLE_CLOSE = frozenset("\u2019")
_SPACE_OR_OPENER = frozenset(" \t\n([{\u2014\u2013-/\u201c\u2018\"'")
_TRAILING = " \t\n,;"


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    start: int
    """First character of the quoted words (after the opening mark and any space)."""
    end: int
    """End of the quoted words: before the closing mark, without a trailing comma or space."""
    open_mark: int
    close_mark: int | None
    """Index of the closing mark; None when the quotation runs to the end of its paragraph."""
    paragraph: int
    continues: bool = False
    """It opens a paragraph and continues the previous paragraph's unclosed quotation."""

    @property
    def raw_end(self) -> int:
        """Where the quoted text ends, closing mark excluded (the paragraph's end when unclosed)."""
        return self.close_mark if self.close_mark is not None else self.end


def _kind(text: str, index: int) -> tuple[str, str] | None:
    """(family, role) of the mark at ``index``: family "d" or "s", role "open", "close", "either" or
    "close-or-possessive"; None for an apostrophe."""
    char = text[index]
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    kind: tuple[str, str] | None
    if char in DOUBLE_OPEN:
        kind = ("d", "open")
    elif char in DOUBLE_CLOSE:
        kind = ("d", "open") if before in _SPACE_OR_OPENER and after.isalnum() else ("d", "close")
    elif char == '"':
        kind = _by_context("d", before, after)
    elif char in SINGLE_OPEN:
        kind = None if after.isdigit() else ("s", "open")  # an elision before digits: the 90s
    elif before.isalnum() and after.isalnum():
        kind = None  # an apostrophe: don't, Keir's
    elif char == "\u2019" and before in "sS" and after.isspace():
        kind = ("s", "close-or-possessive")
    else:
        kind = _by_context("s", before, after)
    return kind


def _by_context(family: str, before: str, after: str) -> tuple[str, str] | None:
    opens = before in _SPACE_OR_OPENER or before == "\n"
    closes = not before.isspace() and (not after.isalnum())
    if opens and not closes:
        return family, "open"
    if closes and not opens:
        return family, "close"
    if opens and closes:
        return family, "either"
    return None


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return start, end


def _paragraph_quotes(text: str, paragraph: Paragraph, index: int, continuing: bool) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    open_family: str | None = None
    open_at = -1
    for position in range(paragraph.start, paragraph.end):
        if text[position] not in "\"'\u201c\u201d\u2018\u2019\u201a\u201e\u00ab\u00bb":
            continue
        kind = _kind(text, position)
        if kind is None:
            continue
        family, role = kind
        if open_family is None:
            if role in {"open", "either"}:
                open_family, open_at = family, position
            continue
        if family != open_family:
            continue  # a nested quotation, or an apostrophe of the other kind
        if role in {"close", "either", "close-or-possessive"}:
            start, end = _trimmed(text, open_at + 1, position)
            if end > start:
                spans.append(
                    QuoteSpan(start, end, open_at, position, index, continues=continuing and open_at == paragraph.start)
                )
            open_family = None
        elif role == "open":
            # a new opening mark of the same kind while one is open: the first one was never closed
            start, end = _trimmed(text, open_at + 1, position)
            if end > start:
                spans.append(QuoteSpan(start, end, open_at, None, index))
            open_at = position
    if open_family is not None:
        start, end = _trimmed(text, open_at + 1, paragraph.end)
        if end > start:
            spans.append(
                QuoteSpan(start, end, open_at, None, index, continues=continuing and open_at == paragraph.start)
            )
    return spans


def find_quotes(text: str, paragraphs: list[Paragraph]) -> list[QuoteSpan]:
    """Every quotation of every paragraph, in text order."""
    found: list[QuoteSpan] = []
    unclosed = False
    for index, paragraph in enumerate(paragraphs):
        spans = _paragraph_quotes(text, paragraph, index, unclosed)
        found.extend(spans)
        unclosed = bool(spans) and spans[-1].close_mark is None
    return found

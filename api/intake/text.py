"""An article as text: HTML stripped, front matter set aside, paragraphs (body or aside) and sentences.

Offsets always index the text as given (after HTML stripping, which returns the new text): nothing is
normalised in place, so a span's text is exactly ``text[start:end]``.
"""

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_HTML = re.compile(r"<(?:p|div|br|span|a|em|strong|b|i|h[1-6]|html|body|article|blockquote|li|ul|ol|section)\b", re.I)
_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "article", "section", "figcaption", "tr"}
)
_SKIPPED = frozenset({"script", "style", "noscript", "template", "head"})
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)
_FRONT_FIELD = re.compile(r"^([A-Za-z_][\w-]*):[ \t]*(.*?)[ \t]*$", re.M)
_TERMINAL = re.compile(r"[.!?\u2026:;][\"'\u201d\u2019)\]]*\s*\Z")
_WORD = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")

OPENING_DOUBLE = "\u201c\u201e"
CLOSING_DOUBLE = "\u201d"
OPENING_SINGLE = "\u2018\u201a"
CLOSING_SINGLE = "\u2019"
QUOTE_MARKS = frozenset("\"'\u201c\u201d\u2018\u2019\u201a\u201e\u00ab\u00bb")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def looks_like_html(text: str) -> bool:
    return _HTML.search(text) is not None


def html_to_text(markup: str) -> str:
    """Block elements become paragraphs (blank lines), ``<br>`` a line break; scripts and styles are dropped."""
    collector = _TextCollector()
    try:
        collector.feed(markup)
        collector.close()
        joined = html.unescape("".join(collector.parts))
    except AssertionError:  # html.parser gives up on some malformed markup ("<![5"): strip tags by pattern
        joined = html.unescape(re.sub(r"<[^>]*>", "\n\n", markup))
    lines = [line.strip() for line in joined.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int
    end: int
    body: bool
    """A body paragraph ends as a sentence does; headlines, captions, credits and links to other articles do not."""


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int


@dataclass(slots=True)
class Document:
    text: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    front_matter: dict[str, str] = field(default_factory=dict)


def front_matter(text: str) -> tuple[dict[str, str], int]:
    """A leading YAML front matter block (as static-site generators write it): its simple fields, and where the
    article itself starts."""
    found = _FRONT_MATTER.match(text)
    if found is None:
        return {}, 0
    fields = {key.lower(): value.strip().strip("\"'") for key, value in _FRONT_FIELD.findall(found.group(1))}
    return fields, found.end()


def _is_body(text: str) -> bool:
    words = _WORD.findall(text)
    return len(words) >= 4 and _TERMINAL.search(text) is not None


def _lines(text: str, start: int) -> list[tuple[int, int]]:
    spans = []
    position = start
    for line in text[start:].split("\n"):
        stripped = line.strip()
        if stripped:
            offset = position + line.index(stripped[0])
            spans.append((offset, offset + len(stripped)))
        else:
            spans.append((position, position))
        position += len(line) + 1
    return spans


def paragraphs(text: str, start: int = 0) -> list[Paragraph]:
    """Each non-empty line is a paragraph, except a hard-wrapped one: a line that does not end a sentence and is
    followed by a line starting in lower case is joined to it."""
    found: list[list[int]] = []
    previous_blank = True
    for line_start, line_end in _lines(text, start):
        if line_start == line_end:
            previous_blank = True
            continue
        line = text[line_start:line_end]
        if (
            found
            and not previous_blank
            and line[0].islower()
            and _TERMINAL.search(text[found[-1][0] : found[-1][1]]) is None
        ):
            found[-1][1] = line_end
        else:
            found.append([line_start, line_end])
        previous_blank = False
    return [Paragraph(start=s, end=e, body=_is_body(text[s:e])) for s, e in found]


_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "st", "no", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "rev", "hon"}
    | {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "vs", "etc", "eg", "ie"}
)


def _ends_sentence(text: str, index: int, end: int) -> bool:
    """Whether the terminal mark at ``index`` ends a sentence (not "Mr.", "U.K.", "No. 10" or "3.5")."""
    if text[index] == ".":
        word = re.search(r"([A-Za-z]+)\.\Z", text[max(0, index - 12) : index + 1])
        if word and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1):
            return False
    following = index + 1
    while following < end and text[following] in QUOTE_MARKS | {")", "]"}:
        following += 1
    if following >= end:
        return True
    if not text[following].isspace():
        return False
    while following < end and text[following].isspace():
        following += 1
    return following >= end or not text[following].islower()


_ATTRIBUTION = re.compile(r"[\"'\u201d\u2019]*\s+((?:[A-Z][\w'\u2019-]*\s+){0,4})(\w+)[^.!?]{0,60}[.!?]")


def _attribution_follows(text: str, index: int, end: int) -> bool:
    """'"Why not?" Rama asked.': the words after a quotation ending in a mark attribute it (same sentence)."""
    from api.intake.lexicon import CUE_FORMS

    found = _ATTRIBUTION.match(text, index + 1, end)
    return found is not None and found.group(2).lower() in CUE_FORMS


def split_sentences(text: str, paragraph: Paragraph, index: int, quoted: list[tuple[int, int]]) -> list[Sentence]:
    """Sentences of a paragraph, never split inside a quotation (``quoted`` are the spans between marks)."""
    sentences = []
    start = paragraph.start
    inside = _inside(quoted)
    position = paragraph.start
    while position < paragraph.end:
        char = text[position]
        if (
            char in ".!?\u2026"
            and _outside_or_closing(inside, text, position)
            and _ends_sentence(text, position, paragraph.end)
            and not (inside(position) and _attribution_follows(text, position, paragraph.end))
        ):
            end = position + 1
            while end < paragraph.end and text[end] in QUOTE_MARKS | {")", "]"}:
                end += 1
            sentences.append(Sentence(start=start, end=end, paragraph=index))
            start = end
            while start < paragraph.end and text[start].isspace():
                start += 1
            position = start
            continue
        position += 1
    if start < paragraph.end:
        sentences.append(Sentence(start=start, end=paragraph.end, paragraph=index))
    return sentences


def _inside(spans: list[tuple[int, int]]) -> "_Inside":
    return _Inside(spans)


def _outside_or_closing(inside: "_Inside", text: str, position: int) -> bool:
    """Outside every quotation, or the last mark inside one (`… we said no.” He added`)."""
    span = inside.span(position)
    if span is None:
        return True
    end = span[1]
    rest = text[position + 1 : end]
    return not rest.strip(".!?\u2026 ")


class _Inside:
    """Membership of a position in sorted, non-overlapping spans (a quote's words, marks excluded)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)

    def __call__(self, position: int) -> bool:
        return self.span(position) is not None

    def span(self, position: int) -> tuple[int, int] | None:
        low, high = 0, len(self.spans)
        while low < high:
            middle = (low + high) // 2
            start, end = self.spans[middle]
            if position < start:
                high = middle
            elif position >= end:
                low = middle + 1
            else:
                return start, end
        return None


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def word_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _WORD.finditer(text, start, len(text) if end is None else end)]

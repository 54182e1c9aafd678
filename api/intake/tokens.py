"""Tokens: words and punctuation with their offsets, each knowing its sentence and whether it is quoted."""

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*|[^\w\s]")


@dataclass(slots=True)
class Token:
    start: int
    end: int
    text: str
    norm: str
    """Lower case, typographic apostrophe made straight."""
    sentence: int = -1
    quoted: bool = False
    """Inside a quotation (between its marks)."""

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    stop = len(text) if end is None else end
    return [
        Token(m.start(), m.end(), m.group(), m.group().lower().replace("\u2019", "'"))
        for m in _TOKEN.finditer(text, start, stop)
    ]


def possessive_stem(norm: str) -> str | None:
    """``rama's`` -> ``rama``; ``ministers'`` is not split (it reads as a closing quote too often)."""
    return norm[:-2] if norm.endswith("'s") and len(norm) > 2 else None

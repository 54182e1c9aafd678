"""Quote comparison: typographic and straight quote marks, dashes and whitespace count as equal."""

import re

_MARKS = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark
        "\u201a": "'",  # single low-9 quotation mark
        "\u201b": "'",  # single high-reversed-9 quotation mark
        "\u2032": "'",  # prime
        "\u201c": '"',  # left double quotation mark
        "\u201d": '"',  # right double quotation mark
        "\u201e": '"',  # double low-9 quotation mark
        "\u2033": '"',  # double prime
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
    }
)
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text.translate(_MARKS).replace("\u2026", "...")).strip()


def occurs_in(quote: str, text: str) -> bool:
    """Whether ``quote`` appears in ``text`` after normalising quote marks, dashes and whitespace."""
    return normalise(quote) in normalise(text)

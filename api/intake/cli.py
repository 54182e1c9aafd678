"""``positions intake FILE``: an article's candidates as a table, for a person at a terminal."""

import argparse
import asyncio
import shutil
import sys
from datetime import date
from pathlib import Path

from api.intake.knowledge import knowledge_from_dataset
from api.intake.schemas import IntakeRequest, IntakeResult
from api.intake.service import plain_text, read_article, reading_day, result
from db.engine import make_engine


def add_command(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> argparse.ArgumentParser:
    intake = commands.add_parser("intake", help="print an article's candidate quotes and paraphrases as a table")
    intake.add_argument("file", help="the article: a text (or HTML) file, or - for standard input")
    intake.add_argument(
        "--published-on",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="the day offices are read at (default: the text's front matter date, else today)",
    )
    intake.add_argument(
        "--seed-files",
        action="store_true",
        help="read actors and policies from seeds/data instead of the database (no duplicate check)",
    )
    return intake


def _read(path: str) -> str:
    return sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")


async def _from_database(url: str, text: str, day: date | None) -> IntakeResult:
    from sqlalchemy.ext.asyncio import AsyncSession

    engine = make_engine(url, pool_size=1)
    try:
        async with AsyncSession(engine) as session, session.begin():
            return await read_article(session, IntakeRequest(text=text, published_on=day))
    finally:
        await engine.dispose()


def _from_seed_files(text: str, day: date | None) -> IntakeResult:
    from api.intake.extract import extract
    from seeds.loader import read_dataset

    text = plain_text(text)
    when = reading_day(text, day, None)
    return result(extract(text, knowledge_from_dataset(read_dataset()), when), when, {})


def _cell(value: object, width: int) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: max(0, width - 1)] + "\u2026"


def print_table(found: IntakeResult, width: int) -> None:
    columns = [("#", 3), ("kind", 5), ("speaker", 26), ("conf", 4), ("cue", 14), ("policy", 28), ("pos", 3)]
    fixed = sum(w for _, w in columns) + len(columns) * 2 + 4
    text_width = max(30, width - fixed)
    print("  ".join(name.ljust(w) for name, w in columns) + "  text")
    print("-" * min(width, fixed + text_width))
    for number, candidate in enumerate(found.candidates, start=1):
        speaker = candidate.speaker.actor or (f"new: {candidate.speaker.name}" if candidate.speaker.name else "?")
        position = "" if candidate.position is None else f"{candidate.position:+d}"
        text = candidate.text + (f"  [duplicate of {candidate.duplicate_of}]" if candidate.duplicate_of else "")
        row = [
            str(number),
            "quote" if candidate.kind.value == "direct_quote" else "para",
            speaker,
            f"{candidate.speaker.confidence:.2f}",
            candidate.cue or "",
            candidate.policy or "",
            position,
        ]
        print(
            "  ".join(_cell(value, w).ljust(w) for value, (_, w) in zip(row, columns, strict=True))
            + "  "
            + _cell(text, text_width)
        )
    people = ", ".join(f"{a.actor or 'new: ' + a.name} ({a.mentions})" for a in found.actors_mentioned[:12])
    count = len(found.candidates)
    plural = "" if count == 1 else "s"
    print(f"\n{count} candidate{plural}, read as of {found.published_on}; actors mentioned: {people or 'none'}")


def command_intake(url: str | None, args: argparse.Namespace) -> int:
    """Print the table; ``url`` is the database to read actors and policies from (None with --seed-files)."""
    text = _read(args.file)
    if not text.strip():
        print("the file is empty", file=sys.stderr)
        return 1
    found = (
        _from_seed_files(text, args.published_on)
        if url is None
        else asyncio.run(_from_database(url, text, args.published_on))
    )
    # on a terminal the text is cut to the window; piped into a file or a pager it is whole
    print_table(found, shutil.get_terminal_size((160, 24)).columns if sys.stdout.isatty() else 100_000)
    return 0

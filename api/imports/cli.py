"""``positions import`` and ``positions export``: the bundle from and to files, with progress on a terminal."""

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO

import asyncpg
import msgspec

from db.engine import plain_url

DEFAULT_AUTHOR = "cli-import"


class ProgressLine:
    """Records/s and an ETA, redrawn on a terminal; a plain line every few seconds otherwise."""

    def __init__(self, total_bytes: int, stream: IO[str] = sys.stderr) -> None:
        self.total = max(1, total_bytes * 2)  # two passes over the file
        self.stream = stream
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.last = 0.0
        self.done_bytes = 0
        self.pass_offset = 0
        self.previous = 0

    def __call__(self, lines: int, read: int) -> None:
        if read < self.previous:  # the second pass started
            self.pass_offset = self.total // 2
        self.previous = read
        self.done_bytes = self.pass_offset + read
        now = time.monotonic()
        if now - self.last < (0.2 if self.tty else 5.0):
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        fraction = min(1.0, self.done_bytes / self.total)
        rate = lines / max(elapsed - (self._first_pass_time if self.pass_offset else 0), 1e-6)
        eta = elapsed * (1 - fraction) / fraction if fraction > 0 else 0
        phase = "validating and staging" if self.pass_offset else "reading"
        text = f"{phase}: line {lines:,} ({rate:,.0f} records/s), {fraction:.0%}, ETA {eta:,.0f} s"
        if self.tty:
            width = 24
            bar = "#" * int(width * fraction) + "-" * (width - int(width * fraction))
            self.stream.write(f"\r[{bar}] {text}\033[K")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    @property
    def _first_pass_time(self) -> float:
        return 0.0

    def close(self) -> None:
        if self.tty:
            self.stream.write("\r\033[K")
            self.stream.flush()


@contextmanager
def bundle_file(name: str) -> Iterator[Path]:
    """The bundle as a file: ``name`` itself, or standard input spooled to a temporary file."""
    if name != "-":
        yield Path(name)
        return
    with tempfile.NamedTemporaryFile(prefix="positions-import-", suffix=".jsonl") as spool:
        shutil.copyfileobj(sys.stdin.buffer, spool)
        spool.flush()
        yield Path(spool.name)


async def _import(url: str, path: Path, args: argparse.Namespace) -> int:
    from api.imports.importer import ImportRejected
    from api.imports.jobs import import_now

    progress = ProgressLine(os.path.getsize(path)) if not args.quiet else None  # noqa: ASYNC240
    conn = await asyncpg.connect(plain_url(url))
    started = time.monotonic()
    try:
        report = await import_now(
            conn,
            path,
            author=args.author,
            key_id=None,
            admin=True,
            partial=args.partial,
            dry_run=args.dry_run,
            progress=progress,
        )
    except ImportRejected as rejected:
        if progress:
            progress.close()
        for error in rejected.result.errors:
            for field in error.errors:
                print(f"line {error.line}: {error.type or '?'} {error.key or ''}: {field.name}: {field.message}")
        print(
            f"import rejected: {len(rejected.result.errors)} invalid record(s); nothing was stored "
            "(--partial stores the valid ones)",
            file=sys.stderr,
        )
        return 1
    finally:
        await conn.close()
    if progress:
        progress.close()
    elapsed = time.monotonic() - started
    for error in report.errors:
        for field in error.errors:
            print(f"line {error.line}: {error.type or '?'} {error.key or ''}: {field.name}: {field.message}")
    print(msgspec.json.format(msgspec.json.encode(report)).decode())
    stances = report.counts.stance
    rate = f", {report.records / elapsed:,.0f} records/s" if elapsed > 0 else ""
    done = "dry run, nothing stored" if report.dry_run else f"import {report.id} stored"
    print(
        f"{done}: {report.records:,} records in {elapsed:.1f} s{rate}"
        + (
            f"; stances {stances.created:,} created, {stances.updated:,} updated, {stances.unchanged:,} unchanged"
            if stances
            else ""
        ),
        file=sys.stderr,
    )
    return 0


def command_import(url: str, args: argparse.Namespace) -> int:
    if args.popolo_file is not None:
        if args.file != "popolo":
            print(f"unknown import format {args.file!r}: positions import popolo FILE", file=sys.stderr)
            return 2
        from api.imports.formats_cli import command_import_popolo

        return command_import_popolo(url, args)
    with bundle_file(args.file) as path:
        return asyncio.run(_import(url, path, args))


async def _export(url: str, out: IO[bytes], as_recorded: datetime | None) -> int:
    from api.imports.export import export_bundle

    conn = await asyncpg.connect(plain_url(url))
    lines = 0
    try:
        async for line in export_bundle(conn, as_recorded):
            out.write(line)
            lines += 1
    finally:
        await conn.close()
    out.flush()
    print(f"exported {lines:,} records", file=sys.stderr)
    return 0


def command_export(url: str, args: argparse.Namespace) -> int:
    if args.popolo is not None or args.csv is not None:
        from api.imports.formats_cli import command_export_csv, command_export_popolo

        if args.popolo is not None and command_export_popolo(url, args):
            return 1
        return command_export_csv(url, args) if args.csv is not None else 0
    as_recorded = datetime.fromisoformat(args.as_recorded) if args.as_recorded else None
    if as_recorded is not None and as_recorded.tzinfo is None:
        print("--as-recorded needs a timezone, e.g. 2025-05-16T12:00:00Z", file=sys.stderr)
        return 2
    if args.output == "-":
        return asyncio.run(_export(url, sys.stdout.buffer, as_recorded))
    target = Path(args.output)
    partial = target.with_name(target.name + ".partial")
    with partial.open("wb") as out:
        code = asyncio.run(_export(url, out, as_recorded))
    os.replace(partial, target)
    return code


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register ``import`` and ``export`` on the ``positions`` parser."""
    load = commands.add_parser("import", help="load a bundle (JSON Lines) in one transaction; see README")
    load.add_argument("file", help="the bundle file, or - for standard input; or `popolo` then a Popolo JSON file")
    load.add_argument("popolo_file", nargs="?", default=None, help=argparse.SUPPRESS)
    load.add_argument("--scheme", default="popolo", help="popolo: the identifier scheme of the file's ids")
    load.add_argument("--partial", action="store_true", help="store the valid records and report the rest")
    load.add_argument("--dry-run", action="store_true", help="report what would change; store nothing")
    load.add_argument("--author", default=DEFAULT_AUTHOR, help="recorded as the author of every change")
    load.add_argument("--quiet", action="store_true", help="no progress lines")
    dump = commands.add_parser("export", help="write the whole dataset as a bundle (JSON Lines)")
    dump.add_argument("--output", "-o", default="-", help="file to write, or - for standard output")
    dump.add_argument("--as-recorded", default=None, help="the dataset as recorded at this timestamp")
    dump.add_argument("--popolo", default=None, metavar="FILE", help="write persons, organizations and memberships")
    dump.add_argument("--csv", default=None, metavar="DIR", help="write one CSV per table into DIR")
    dump.add_argument("--scheme", default="popolo", help="--popolo: the identifier scheme written as the ids")

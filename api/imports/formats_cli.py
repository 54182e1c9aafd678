"""``positions import popolo FILE``, ``positions export --popolo FILE`` and ``positions export --csv DIR``."""

import argparse
import asyncio
import os
import sys
from pathlib import Path

import asyncpg
import msgspec

from db.engine import plain_url


async def _import_popolo(url: str, data: bytes, args: argparse.Namespace) -> int:
    from api.imports.importer import ImportRejected
    from api.imports.popolo import PopoloError, existing_actors, import_popolo, popolo_records

    conn = await asyncpg.connect(plain_url(url))
    try:
        bundle = popolo_records(data, await existing_actors(conn, args.scheme), args.scheme)
        report = await import_popolo(
            conn,
            bundle,
            author=args.author,
            key_id=None,
            admin=True,
            partial=args.partial,
            dry_run=args.dry_run,
        )
    except PopoloError as error:
        for problem in error.problems:
            print(problem)
        print(f"not imported: {len(error.problems)} problem(s) in the Popolo file", file=sys.stderr)
        return 1
    except ImportRejected as rejected:
        for record_error in rejected.result.errors:
            for field in record_error.errors:
                print(f"{bundle.origin(record_error.line)}: {field.name}: {field.message}")
        print(
            f"import rejected: {len(rejected.result.errors)} invalid record(s); nothing was stored",
            file=sys.stderr,
        )
        return 1
    finally:
        await conn.close()
    for record_error in report.errors:
        for field in record_error.errors:
            print(f"{bundle.origin(record_error.line)}: {field.name}: {field.message}")
    print(msgspec.json.format(msgspec.json.encode(report)).decode())
    return 0


def command_import_popolo(url: str, args: argparse.Namespace) -> int:
    data = sys.stdin.buffer.read() if args.popolo_file == "-" else Path(args.popolo_file).read_bytes()
    return asyncio.run(_import_popolo(url, data, args))


async def _export_popolo(url: str, target: Path, scheme: str) -> int:
    from api.imports.popolo import export_popolo

    conn = await asyncpg.connect(plain_url(url))
    try:
        document = await export_popolo(conn, scheme)
    finally:
        await conn.close()
    data = msgspec.json.format(msgspec.json.encode(document)) + b"\n"
    if str(target) == "-":
        sys.stdout.buffer.write(data)
    else:
        partial = target.with_name(target.name + ".partial")
        partial.write_bytes(data)
        os.replace(partial, target)
    print(
        f"exported {len(document.persons):,} persons, {len(document.organizations):,} organizations, "
        f"{len(document.memberships):,} memberships",
        file=sys.stderr,
    )
    return 0


def command_export_popolo(url: str, args: argparse.Namespace) -> int:
    return asyncio.run(_export_popolo(url, Path(args.popolo), args.scheme))


async def _export_csv(url: str, directory: Path) -> int:
    from api.imports.csv_export import export_csv

    conn = await asyncpg.connect(plain_url(url))
    try:
        counts = await export_csv(conn, directory)
    finally:
        await conn.close()
    for name, rows in counts.items():
        print(f"{directory / (name + '.csv')}: {rows:,} rows", file=sys.stderr)
    return 0


def command_export_csv(url: str, args: argparse.Namespace) -> int:
    return asyncio.run(_export_csv(url, Path(args.csv)))

"""The ``positions`` command: serve, migrate, seed, keys, import and export, intake, and the OpenAPI document."""

import argparse
import asyncio
import json
import sys
from pathlib import Path

from sqlalchemy import func

from api.imports.cli import add_commands, command_export, command_import
from api.migrations import upgrade_to_head
from api.settings import ServerSettings
from db.embedded import database_url
from db.engine import make_engine
from seeds.loader import DATA_DIR, SeedError, is_empty, load_dataset, read_dataset


def _database_url() -> str:
    """The database to use: ``DATABASE_URL``, or the embedded cluster (started on first use)."""
    settings = ServerSettings.from_env()
    return database_url(settings.database_url, settings.pgdata)


def _seed(url: str, data_dir: Path, *, only_if_empty: bool = False) -> None:
    """Load the seed files; with ``only_if_empty`` (what ``serve`` does) only into a database with no records."""
    dataset = read_dataset(data_dir)

    async def run() -> None:
        engine = make_engine(url, pool_size=1)
        try:
            async with engine.begin() as connection:
                if only_if_empty and not await is_empty(connection):
                    print("the database already holds records: seed data not loaded", file=sys.stderr)
                    return
                report = await load_dataset(connection, dataset)
        finally:
            await engine.dispose()
        print(
            f"seeded {report.sources} sources, {report.actors} actors, {report.policies} policies, "
            f"{report.stances} stances, {report.evidence} pieces of evidence",
            file=sys.stderr,
        )

    asyncio.run(run())


def command_migrate(args: argparse.Namespace) -> int:
    upgrade_to_head(_database_url())
    print("migrated to head", file=sys.stderr)
    return 0


def _check_seed(data_dir: Path) -> int:
    """``positions seed --check``: read the files and run the editorial checks; no database needed."""
    from seeds.check import check_dataset

    try:
        dataset = read_dataset(data_dir)
    except SeedError as exc:
        print(f"seed error: {exc}", file=sys.stderr)
        return 1
    findings = check_dataset(dataset)
    for finding in findings:
        print(finding)
    print(
        f"seed check: {len(dataset.stances)} stances, {len(findings)} finding{'' if len(findings) == 1 else 's'}",
        file=sys.stderr,
    )
    return 1 if findings else 0


def command_seed(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import IntegrityError

    if args.check:
        return _check_seed(Path(args.data_dir))
    try:
        _seed(_database_url(), Path(args.data_dir))
    except SeedError as exc:
        print(f"seed error: {exc}", file=sys.stderr)
        return 1
    except IntegrityError as exc:
        print(f"seed error: the database rejected the data, nothing was loaded: {exc.orig}", file=sys.stderr)
        return 1
    return 0


def command_serve(args: argparse.Namespace) -> int:
    embedded = ServerSettings.from_env().database_url is None
    url = _database_url()  # starts the embedded cluster when DATABASE_URL is unset, and exports it
    if embedded or args.migrate:
        upgrade_to_head(url)
    if embedded or args.seed:
        try:
            _seed(url, DATA_DIR, only_if_empty=True)
        except SeedError as exc:
            print(f"seed error: {exc}", file=sys.stderr)
            return 1
    from granian.constants import Interfaces
    from granian.server import Server

    print(f"serving on http://{args.host}:{args.port} (OpenAPI at /schema/openapi.json)", file=sys.stderr)
    Server(
        "api.asgi:app",
        address=args.host,
        port=args.port,
        interface=Interfaces.ASGI,
        workers=args.workers,
        factory=True,
        log_access=args.access_log,
    ).serve()
    return 0


def command_openapi(args: argparse.Namespace) -> int:
    from api.app import create_app
    from api.litestar_internals import openapi_document
    from api.settings import Settings

    app = create_app(Settings.from_env("postgresql+asyncpg://unused@localhost/unused"))
    document = json.dumps(openapi_document(app), indent=2, ensure_ascii=False) + "\n"
    if args.output == "-":
        sys.stdout.write(document)
    else:
        Path(args.output).write_text(document, encoding="utf-8")
    return 0


async def _keys(url: str, action: str, args: argparse.Namespace) -> int:
    from sqlalchemy import insert, or_, select, update

    from api.auth import generate_key
    from db.enums import KeyScope
    from db.models import ApiKey

    engine = make_engine(url, pool_size=1)
    try:
        async with engine.begin() as connection:
            if action == "create":
                key = generate_key()
                exists = await connection.scalar(select(ApiKey.id).where(ApiKey.name == args.name))
                if exists is not None:
                    print(f"a key named {args.name!r} already exists", file=sys.stderr)
                    return 1
                await connection.execute(
                    insert(ApiKey).values(
                        name=args.name,
                        prefix=key.prefix,
                        key_hash=key.key_hash,
                        scope=KeyScope(args.scope).value,
                        rate_limit=args.rate_limit,
                    )
                )
                print(key.secret)
                print(
                    f"created {args.scope} key {args.name!r} (prefix {key.prefix}); it is shown only once",
                    file=sys.stderr,
                )
            elif action == "list":
                rows = await connection.execute(
                    select(
                        ApiKey.name,
                        ApiKey.prefix,
                        ApiKey.scope,
                        ApiKey.created_at,
                        ApiKey.revoked_at,
                        ApiKey.rate_limit,
                    ).order_by(ApiKey.name)
                )
                for row in rows:
                    state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
                    limit = f"\t{row.rate_limit} writes/min" if row.rate_limit else ""  # a key's own limit only
                    print(
                        f"{row.name}\t{row.prefix}\t{KeyScope(row.scope).value}\t{row.created_at:%Y-%m-%d}\t{state}"
                        f"{limit}"
                    )
            else:
                result = await connection.execute(
                    update(ApiKey)
                    .where(or_(ApiKey.name == args.key, ApiKey.prefix == args.key), ApiKey.revoked_at.is_(None))
                    .values(revoked_at=func.now(), updated_at=func.now())
                    .returning(ApiKey.name)
                )
                revoked = [row.name for row in result]
                if not revoked:
                    print(f"no active key named or prefixed {args.key!r}", file=sys.stderr)
                    return 1
                print(f"revoked {', '.join(revoked)}", file=sys.stderr)
    finally:
        await engine.dispose()
    return 0


def command_keys(args: argparse.Namespace) -> int:
    return asyncio.run(_keys(_database_url(), args.action, args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="positions", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the API under granian")
    defaults = ServerSettings.from_env()
    serve.add_argument("--host", default=defaults.host)
    serve.add_argument("--port", type=int, default=defaults.port)
    serve.add_argument("--workers", type=int, default=defaults.workers)
    serve.add_argument("--migrate", action="store_true", help="run migrations first (always on the embedded default)")
    serve.add_argument(
        "--seed",
        action="store_true",
        help="load the seed data into an empty database (always on the embedded default)",
    )
    serve.add_argument("--access-log", action="store_true", help="log every request")
    serve.set_defaults(handler=command_serve)

    migrate = commands.add_parser("migrate", help="run Alembic migrations to head")
    migrate.set_defaults(handler=command_migrate)

    seed = commands.add_parser("seed", help="load seeds/data idempotently, in one transaction")
    seed.add_argument("--data-dir", default=str(DATA_DIR))
    seed.add_argument(
        "--check",
        action="store_true",
        help="check the files only (a ±2 must rest on the actor's own words or acts); exit 1 on any finding",
    )
    seed.set_defaults(handler=command_seed)

    keys = commands.add_parser("keys", help="create, list and revoke API keys for editors")
    key_actions = keys.add_subparsers(dest="action", required=True)
    create = key_actions.add_parser("create", help="create a key; prints it once")
    create.add_argument("--name", required=True, help="who the key belongs to; recorded as the author of changes")
    create.add_argument("--scope", choices=["editor", "admin"], default="editor")
    create.add_argument(
        "--rate-limit",
        type=int,
        default=None,
        metavar="N",
        help="writes per minute for this key (default: POSITIONS_WRITE_RATE_LIMIT); an import counts as one",
    )
    key_actions.add_parser("list", help="list keys (names, prefixes, scopes, states; never the keys)")
    revoke = key_actions.add_parser("revoke", help="revoke a key by name or prefix")
    revoke.add_argument("key", help="the key's name or prefix")
    keys.set_defaults(handler=command_keys)

    add_commands(commands)
    commands.choices["import"].set_defaults(handler=lambda args: command_import(_database_url(), args))
    commands.choices["export"].set_defaults(handler=lambda args: command_export(_database_url(), args))

    from api.intake.cli import add_command as add_intake_command
    from api.intake.cli import command_intake

    add_intake_command(commands).set_defaults(
        handler=lambda args: command_intake(None if args.seed_files else _database_url(), args)
    )

    openapi = commands.add_parser("openapi", help="write the OpenAPI document")
    openapi.add_argument("--output", "-o", default="-", help="file to write, or - for stdout")
    openapi.set_defaults(handler=command_openapi)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())

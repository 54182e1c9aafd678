"""The ``positions`` command: serve, migrate, seed, and print the OpenAPI document."""

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

from api.migrations import upgrade_to_head
from db.embedded import database_url
from db.engine import make_engine
from seeds.loader import DATA_DIR, SeedError, load_dataset, read_dataset


def _seed(url: str, data_dir: Path) -> None:
    dataset = read_dataset(data_dir)

    async def run() -> None:
        engine = make_engine(url, pool_size=1)
        try:
            async with engine.begin() as connection:
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
    upgrade_to_head(database_url())
    print("migrated to head", file=sys.stderr)
    return 0


def command_seed(args: argparse.Namespace) -> int:
    try:
        _seed(database_url(), Path(args.data_dir))
    except SeedError as exc:
        print(f"seed error: {exc}", file=sys.stderr)
        return 1
    return 0


def command_serve(args: argparse.Namespace) -> int:
    embedded = not os.environ.get("DATABASE_URL")
    url = database_url()  # starts the embedded cluster when DATABASE_URL is unset, and exports it
    if embedded or args.migrate:
        upgrade_to_head(url)
    if embedded or args.seed:
        try:
            _seed(url, DATA_DIR)
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
    from api.app import create_app, openapi_document
    from api.settings import Settings

    app = create_app(Settings.from_env("postgresql+asyncpg://unused@localhost/unused"))
    document = json.dumps(openapi_document(app), indent=2, ensure_ascii=False) + "\n"
    if args.output == "-":
        sys.stdout.write(document)
    else:
        Path(args.output).write_text(document, encoding="utf-8")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="positions", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the API under granian")
    serve.add_argument("--host", default=os.environ.get("POSITIONS_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("POSITIONS_PORT", "8000")))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("POSITIONS_WORKERS", "1")))
    serve.add_argument("--migrate", action="store_true", help="run migrations first (always on the embedded default)")
    serve.add_argument("--seed", action="store_true", help="load the seed data first (always on the embedded default)")
    serve.add_argument("--access-log", action="store_true", help="log every request")
    serve.set_defaults(handler=command_serve)

    migrate = commands.add_parser("migrate", help="run Alembic migrations to head")
    migrate.set_defaults(handler=command_migrate)

    seed = commands.add_parser("seed", help="load seeds/data idempotently, in one transaction")
    seed.add_argument("--data-dir", default=str(DATA_DIR))
    seed.set_defaults(handler=command_seed)

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

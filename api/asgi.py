"""The ASGI entry point for production servers: ``granian --interface asgi --factory api.asgi:app``."""

import gc

from litestar import Litestar

from api.app import create_app
from api.logs import configure_logging
from api.settings import ServerSettings, Settings
from db.embedded import database_url


def app() -> Litestar:
    """Build the app from the environment (``DATABASE_URL`` or the embedded cluster)."""
    server = ServerSettings.from_env()
    settings = Settings.from_env(database_url(server.database_url, server.pgdata))
    configure_logging(settings.log_level)
    application = create_app(settings)
    # Everything built so far lives as long as the process: keep it out of the garbage collector's scans.
    gc.freeze()
    return application

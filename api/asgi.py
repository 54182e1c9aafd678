"""The ASGI entry point for production servers: ``granian --interface asgi --factory api.asgi:app``."""

import ctypes
import ctypes.util
import gc

from litestar import Litestar

from api import memtrace
from api.app import create_app
from api.logs import configure_logging
from api.settings import ServerSettings, Settings
from db.embedded import database_url

# glibc's mallopt parameters, and the size from which a block gets its own mapping (given back when freed).
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 128 * 1024


def fix_mmap_threshold() -> None:
    """Keep glibc's mmap threshold at 128 KB instead of letting it rise to the largest block freed so far.

    By default glibc raises the threshold each time a mapped block is freed (up to 32 MB), so after the
    first large answers (comparisons of many actors, long lists, CSV) every later one is carved from the
    heap, whose freed pages mostly stay resident: the worker's RSS creeps up under a varied load
    (bench/README.md, "Memory under a mixed soak"). Fixing it keeps large buffers in mappings that go back
    to the system. Not glibc (musl, macOS): nothing to do.
    """
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def app() -> Litestar:
    """Build the app from the environment (``DATABASE_URL`` or the embedded cluster)."""
    server = ServerSettings.from_env()
    settings = Settings.from_env(database_url(server.database_url, server.pgdata))
    configure_logging(settings.log_level)
    fix_mmap_threshold()
    if server.memory_trace:
        memtrace.start(server.memory_trace)
    application = create_app(settings)
    # Everything built so far lives as long as the process: keep it out of the garbage collector's scans.
    gc.freeze()
    return application

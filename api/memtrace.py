"""A debugging aid for memory growth: ``POSITIONS_MEMORY_TRACE=<seconds>`` makes each worker trace its allocations.

With it set, each worker starts ``tracemalloc`` and, every that many seconds, writes to
``$TMPDIR/positions-memtrace-<pid>.txt`` the 25 source lines whose live memory grew most since the first
interval (so start-up and warm-up are not counted), and the process's traced total. A snapshot diff is
taken in a background thread; tracing slows the worker down several times, so never in production.
"""

import os
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

TOP = 25


def start(every: float) -> None:
    tracemalloc.start(10)
    threading.Thread(target=_dump_forever, args=(every,), name="memtrace", daemon=True).start()


def _dump_forever(every: float) -> None:
    out = Path(tempfile.gettempdir()) / f"positions-memtrace-{os.getpid()}.txt"
    time.sleep(every)
    first = tracemalloc.take_snapshot()
    while True:
        time.sleep(every)
        snapshot = tracemalloc.take_snapshot()
        current, peak = tracemalloc.get_traced_memory()
        lines = [f"traced {current / 2**20:.1f} MB (peak {peak / 2**20:.1f} MB); growth since the first interval:"]
        lines += [str(stat) for stat in snapshot.compare_to(first, "lineno")[:TOP]]
        out.write_text("\n".join(lines) + "\n")

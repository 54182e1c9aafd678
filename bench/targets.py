"""The targets the benchmark checks, and how a check is reported."""

# The targets.
MIN_REFERENCE_RATIO = 0.70
MAX_P99_MS = 100.0
MIN_304_SPEEDUP = 5.0
MAX_SCALE_P50_RATIO = 1.5
MIN_LOAD_RATE = 50_000
MAX_SERVER_MB = 300


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"

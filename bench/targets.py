"""The targets the benchmark checks, and how a check is reported."""

# The issues' targets.
MIN_REFERENCE_RATIO = 1.0  # uncached compare/actors / the lean reference ("Election night"; was 0.70)
MIN_FASTAPI_RATIO = 3.0  # uncached compare/actors / the FastAPI + SQLAlchemy + pydantic reference
MAX_P99_RATIO = 1.0  # compare/actors p99 / the lean reference's p99
MAX_P99_MS = 100.0
MIN_304_SPEEDUP = 5.0
MIN_REPEATED_SPEEDUP = 10.0  # the same 20 requests from the response cache / uncached
MAX_SCALE_P50_RATIO = 1.5
MIN_LOAD_RATE = 50_000
MAX_SERVER_MB = 300


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"

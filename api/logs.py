"""Structured JSON logs: one JSON object per line, with the request id when there is one and, with tracing on,
the trace and span ids of the span the line was written in."""

import logging
import sys
from datetime import UTC, datetime
from typing import Any

import msgspec

from api.tracing import trace_ids

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({key: value for key, value in record.__dict__.items() if key not in _STANDARD})
        entry.update(trace_ids())
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return msgspec.json.encode(entry, enc_hook=str).decode()


def configure_logging(level: str) -> None:
    """Send the app's logs to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("positions")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False

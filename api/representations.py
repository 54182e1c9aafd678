"""Content negotiation (JSON or CSV), strong ETags from the data version, and 304 Not Modified."""

import enum
import hashlib
from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_406_NOT_ACCEPTABLE

JSON = "application/json"
CSV = "text/csv"
CACHE_CONTROL = "public, max-age=5, must-revalidate"


class ResponseFormat(enum.Enum):
    """`json` (default) or `csv`: one flat row per actor and policy, ready for Datawrapper or Flourish."""

    JSON = "json"
    CSV = "csv"


def choose_format(request: Request[Any, Any, Any], requested: ResponseFormat | None) -> ResponseFormat:
    """``format=`` wins; otherwise the best match of ``Accept``; 406 when it names neither JSON nor CSV."""
    if requested is not None:
        return requested
    if "accept" not in request.headers:
        return ResponseFormat.JSON
    best = request.accept.best_match([JSON, CSV])
    if best is None:
        raise HTTPException(
            status_code=HTTP_406_NOT_ACCEPTABLE,
            detail=f"This endpoint produces {JSON} or {CSV}; the Accept header allows neither.",
        )
    return ResponseFormat.CSV if best == CSV else ResponseFormat.JSON


def strong_etag(version: int, request: Request[Any, Any, Any], *resolved: object) -> str:
    """A strong ETag: the data version plus a digest of the request (path, sorted query) and resolved defaults."""
    canonical = "&".join(f"{key}={value}" for key, value in sorted(request.query_params.multi_items()))
    digest = hashlib.blake2b(
        "|".join([request.url.path, canonical, *map(str, resolved)]).encode(), digest_size=8
    ).hexdigest()
    return f'"{version}-{digest}"'


def matches_if_none_match(request: Request[Any, Any, Any], etag: str) -> bool:
    header = request.headers.get("if-none-match")
    if not header:
        return False
    candidates = {candidate.strip().removeprefix("W/") for candidate in header.split(",")}
    return "*" in candidates or etag in candidates

"""Content negotiation (JSON or CSV, and gzip), strong ETags from the data version, and 304 Not Modified."""

import enum
import gzip
import hashlib
from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_406_NOT_ACCEPTABLE

JSON = "application/json"
CSV = "text/csv"


class ResponseFormat(enum.Enum):
    """`json` (default) or `csv`: one flat row per actor and policy, ready for Datawrapper or Flourish."""

    JSON = "json"
    CSV = "csv"


def choose_format(request: Request[Any, Any, Any], requested: ResponseFormat | None) -> ResponseFormat:
    """``format=`` wins; otherwise the best match of ``Accept``; 406 when it names neither JSON nor CSV."""
    if requested is not None:
        return requested
    header = request.headers.get("accept")
    if header is None or not header.strip():
        return ResponseFormat.JSON
    best = best_match(header, [JSON, CSV])
    if best is None:
        raise HTTPException(
            status_code=HTTP_406_NOT_ACCEPTABLE,
            detail=f"This endpoint produces {JSON} or {CSV}; the Accept header allows neither.",
        )
    return ResponseFormat.CSV if best == CSV else ResponseFormat.JSON


def best_match(header: str, offered: list[str]) -> str | None:
    """The offered media type the client prefers (highest q, then specificity, then our order); q=0 refuses."""
    ranked: list[tuple[float, int, int, str]] = []
    ranges = []
    for part in header.split(","):
        media_range, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media_range.lower(), quality))
    for order, media_type in enumerate(offered):
        kind = media_type.split("/")[0]
        matches = [
            (quality, specificity)
            for media_range, quality in ranges
            for specificity, pattern in ((2, media_type), (1, f"{kind}/*"), (0, "*/*"))
            if media_range == pattern
        ]
        if matches:
            quality, specificity = max(matches, key=lambda match: match[1])
            if quality > 0:
                ranked.append((quality, specificity, -order, media_type))
    return max(ranked)[3] if ranked else None


def strong_etag(version: int, request: Request[Any, Any, Any], *resolved: object) -> str:
    """A strong ETag: the data version plus a digest of the request (path, sorted query) and resolved defaults."""
    canonical = "&".join(f"{key}={value}" for key, value in sorted(request.query_params.multi_items()))
    digest = hashlib.blake2b(
        "|".join([request.url.path, canonical, *map(str, resolved)]).encode(), digest_size=8
    ).hexdigest()
    return f'"{version}-{digest}"'


def matches_if_none_match(request: Request[Any, Any, Any], etag: str, *, wildcard: bool = False) -> bool:
    """Whether `If-None-Match` lists ``etag`` or its gzip variant (weak comparison); ``*`` counts only once the
    resource is known."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    candidates = {candidate.strip().removeprefix("W/") for candidate in header.split(",")}
    return etag in candidates or gzip_etag(etag) in candidates or (wildcard and "*" in candidates)


GZIP_MIN_BYTES = 1024
"""Smaller answers are sent as they are: gzip would save little and cost a header and a pass."""
GZIP_LEVEL = 6
"""zlib's default: a 400 KB comparison in about 6 ms to about a tenth (an answer is compressed once, then kept)."""


def accepts_gzip(request: Request[Any, Any, Any]) -> bool:
    """Whether `Accept-Encoding` allows gzip (`gzip` or `*` with a non-zero q; `identity` is always acceptable)."""
    header = request.headers.get("accept-encoding")
    if not header:
        return False
    for part in header.split(","):
        coding, *params = (piece.strip().lower() for piece in part.split(";"))
        if coding not in {"gzip", "x-gzip", "*"}:
            continue
        quality = next((value for name, _, value in (p.partition("=") for p in params) if name.strip() == "q"), "1")
        try:
            return float(quality) > 0
        except ValueError:
            return False
    return False


def gzip_etag(etag: str) -> str:
    """The strong ETag of the gzip-coded bytes of the representation ``etag`` names (a content coding changes the
    bytes, so the validator differs: ``"v-digest"`` becomes ``"v-digest-gzip"``)."""
    return etag[:-1] + '-gzip"' if etag.endswith('"') else etag


def gzip_body(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)

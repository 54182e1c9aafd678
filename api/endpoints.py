"""What a handler declares about itself, next to its route: its JSON body, key scope, If-Match, CSV, idempotency.

A handler says ``@post(..., opt=endpoint(body=StanceCreate, scope=KeyScope.EDITOR, idempotent=True))``; the
write dependency, the `Accept` check and the OpenAPI document read it back from ``request.route_handler``
(``endpoint_of``), so a new endpoint needs no edit anywhere else.
"""

from dataclasses import dataclass
from typing import Any

import msgspec
from litestar.handlers import BaseRouteHandler

from db.enums import KeyScope

OPT_KEY = "endpoint"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A handler's declared capabilities (read endpoints declare nothing, or only ``csv``)."""

    body: type[msgspec.Struct] | None = None
    """The msgspec Struct its JSON body decodes into (parsed before any database connection is taken)."""
    scope: KeyScope | None = None
    """The API key scope a write needs; ``None`` for public reads."""
    if_match: bool = False
    """The write is a conditional update: `If-Match` with the current ETag is required (428 without)."""
    idempotent: bool = False
    """The write honours `Idempotency-Key`: retries with the same key and body replay the first answer."""
    csv: bool = False
    """The endpoint also answers `text/csv` (the JSON-only `Accept` check leaves it alone)."""
    also: tuple[str, ...] = ()
    """Other media types the endpoint answers besides JSON (the `Accept` check allows them), e.g. JSON-LD."""


READ_ONLY = Endpoint()


def endpoint(
    *,
    body: type[msgspec.Struct] | None = None,
    scope: KeyScope | None = None,
    if_match: bool = False,
    idempotent: bool = False,
    csv: bool = False,
    also: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The ``opt`` mapping a route decorator takes, carrying the handler's ``Endpoint``."""
    return {OPT_KEY: Endpoint(body=body, scope=scope, if_match=if_match, idempotent=idempotent, csv=csv, also=also)}


def endpoint_of(handler: BaseRouteHandler) -> Endpoint:
    """The ``Endpoint`` a handler declared (``READ_ONLY`` when it declared none)."""
    declared = handler.opt.get(OPT_KEY, READ_ONLY)
    return declared if isinstance(declared, Endpoint) else READ_ONLY

"""API keys: created from the command line, stored as SHA-256 hashes, sent as ``Authorization: Bearer``.

Reads are public; every write goes through ``api.writing.provide_write``, which calls ``authenticate`` (the
key, its scope and the key's rate limit) and then ``set_author`` inside the write's transaction, so the
key's name is the author of every change it makes (the revision trigger reads ``positions.author``).
"""

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Request
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import Forbidden, RateLimited, Unauthorized
from db.enums import KeyScope
from db.models import ApiKey

KEY_PREFIX = "pos"
RATE_WINDOW_SECONDS = 60


@dataclass(frozen=True, slots=True)
class Editor:
    """The authenticated author of a write."""

    key_id: int
    name: str
    scope: KeyScope


@dataclass(frozen=True, slots=True)
class NewKey:
    secret: str
    prefix: str
    key_hash: str


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def generate_key() -> NewKey:
    prefix = secrets.token_hex(4)
    secret = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    return NewKey(secret=secret, prefix=prefix, key_hash=hash_key(secret))


def bearer_token(request: Request[Any, Any, Any]) -> str:
    """The key from `Authorization: Bearer …` (401 when missing); checked before the body is read."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("This operation needs an API key: send `Authorization: Bearer <key>`.")
    return token.strip()


async def authenticate(
    request: Request[Any, Any, Any], session: AsyncSession, token: str, required: KeyScope = KeyScope.EDITOR
) -> Editor:
    """Check the key (401 unknown/revoked, 403 scope) and count the write (429), in one short transaction.

    The limit is the key's own ``rate_limit`` when set (``positions keys create --rate-limit``), otherwise the
    server's ``write_rate_limit``. A bulk import is one write, whatever its size.

    It runs on the request's own session before the write's transaction begins, so a request never holds
    two pooled connections (holding one while waiting for a second deadlocks the pool under load), and the
    count is committed on its own: a write that fails still counts, and the counter row's lock is never held
    for the duration of a write.
    """
    async with session.begin():
        key = (await session.execute(select(ApiKey).where(ApiKey.key_hash == hash_key(token)))).scalar_one_or_none()
        if key is None:
            raise Unauthorized("Unknown API key.")
        if key.revoked_at is not None:
            raise Unauthorized("This API key has been revoked.")
        if required is KeyScope.ADMIN and key.scope is not KeyScope.ADMIN:
            raise Forbidden("This operation needs an admin key; this key has the editor scope.")
        editor = Editor(key_id=key.id, name=key.name, scope=key.scope)
        limit = key.rate_limit or request.app.state.settings.write_rate_limit
        now = datetime.now(UTC)
        window_start = now.replace(second=0, microsecond=0)
        count = await _count_write(session, key.id, window_start)
    _enforce_rate_limit(request, count, limit, now - window_start)
    return editor


async def set_author(session: AsyncSession, editor: Editor) -> None:
    """Record the key's name as the author of every change the current transaction makes."""
    await session.execute(text("SELECT set_config('positions.author', :author, true)"), {"author": editor.name})


async def _count_write(session: AsyncSession, key_id: int, window_start: datetime) -> int:
    """Fixed-window count of writes per key, kept in PostgreSQL so every server process shares it."""
    count: int = (
        await session.execute(
            text(
                "INSERT INTO rate_limit_window (api_key_id, window_start, request_count) VALUES (:key, :start, 1) "
                "ON CONFLICT (api_key_id, window_start) "
                "DO UPDATE SET request_count = rate_limit_window.request_count + 1 RETURNING request_count"
            ),
            {"key": key_id, "start": window_start},
        )
    ).scalar_one()
    return count


def _enforce_rate_limit(request: Request[Any, Any, Any], count: int, limit: int, into_window: timedelta) -> None:
    """The `RateLimit` headers for ``count`` writes ``into_window`` into the current window; 429 past ``limit``."""
    reset = max(1, math.ceil((timedelta(seconds=RATE_WINDOW_SECONDS) - into_window).total_seconds()))
    remaining = max(0, limit - count)
    headers = {
        "RateLimit-Policy": f"{limit};w={RATE_WINDOW_SECONDS}",
        "RateLimit": f"limit={limit}, remaining={remaining}, reset={reset}",
    }
    request.state.rate_limit_headers = headers
    if count > limit:
        raise RateLimited(
            f"This key may make {limit} writes per {RATE_WINDOW_SECONDS} seconds; retry in {reset} seconds.",
            headers=headers | {"Retry-After": str(reset)},
        )

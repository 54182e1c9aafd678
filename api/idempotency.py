"""`Idempotency-Key` on POST: a retry with the same key and body replays the first answer instead of writing twice.

The record is written in the same transaction as the write it remembers, so either both exist or neither.
"""

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Response
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Editor
from api.errors import InvalidParameter, Unprocessable
from db.models import IdempotencyRecord

MAX_KEY_LENGTH = 200


async def idempotent(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    editor: Editor,
    write: Callable[[], Awaitable[tuple[int, bytes, dict[str, str]]]],
) -> Response[bytes]:
    """Run ``write`` (returning status, JSON body, headers) at most once per key and `Idempotency-Key`."""
    key = request.headers.get("idempotency-key")
    if key is None:
        status, body, headers = await write()
        return Response(body, status_code=status, media_type="application/json", headers=headers)
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise InvalidParameter("Idempotency-Key", f"must be 1 to {MAX_KEY_LENGTH} characters")
    request_hash = hashlib.sha256(request.url.path.encode() + b"\n" + await request.body()).hexdigest()
    existing = (
        await session.execute(
            select(IdempotencyRecord).where(
                IdempotencyRecord.api_key_id == editor.key_id, IdempotencyRecord.idempotency_key == key
            )
        )
    ).scalar_one_or_none()
    if existing is not None:
        if existing.request_hash != request_hash:
            raise Unprocessable(
                "This Idempotency-Key was already used with a different request body; use a new key.",
            )
        return Response(
            existing.response_body,
            status_code=existing.status_code,
            media_type="application/json",
            headers={"Idempotent-Replayed": "true"},
        )
    status, body, headers = await write()
    await session.execute(
        insert(IdempotencyRecord).values(
            api_key_id=editor.key_id,
            idempotency_key=key,
            request_hash=request_hash,
            status_code=status,
            response_body=body,
        )
    )
    return Response(body, status_code=status, media_type="application/json", headers=headers)

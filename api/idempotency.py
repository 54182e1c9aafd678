"""`Idempotency-Key` on POST: a retry with the same key and body replays the first answer instead of writing twice.

Concurrent first attempts are serialised by a transaction-scoped advisory lock on (API key, Idempotency-Key),
so every one of them gets the same answer: the first writes, the others wait and replay it. The record is
written in the same transaction as the write it remembers, so either both exist or neither. The fingerprint
is the request path and the parsed body (so formatting and key order do not matter).
"""

import hashlib
from collections.abc import Awaitable, Callable
from typing import TypeVar

import msgspec
from litestar import Response
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert

from api.errors import InvalidParameter, Unprocessable
from api.writing import WriteContext
from db.models import IdempotencyRecord

MAX_KEY_LENGTH = 200
Result = TypeVar("Result", bound=msgspec.Struct)


async def idempotent(
    write: WriteContext,
    result_type: type[Result],
    perform: Callable[[], Awaitable[Result]],
    headers: Callable[[Result], dict[str, str]],
    *,
    status_code: int = 201,
) -> Response[Result]:
    """Run ``perform`` at most once per API key and `Idempotency-Key`; replays carry the first answer."""
    key = write.request.headers.get("idempotency-key")
    if key is None:
        result = await perform()
        return Response(result, status_code=status_code, headers=headers(result))
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise InvalidParameter("Idempotency-Key", f"must be 1 to {MAX_KEY_LENGTH} characters", location="header")
    session = write.session
    fingerprint = hashlib.sha256(write.request.url.path.encode() + b"\n" + msgspec.json.encode(write.data)).hexdigest()
    await session.execute(
        text("SELECT pg_advisory_xact_lock(:key_id, hashtext(:idempotency_key))"),
        {"key_id": write.editor.key_id, "idempotency_key": key},
    )
    existing = (
        await session.execute(
            select(IdempotencyRecord).where(
                IdempotencyRecord.api_key_id == write.editor.key_id, IdempotencyRecord.idempotency_key == key
            )
        )
    ).scalar_one_or_none()
    if existing is not None:
        if existing.request_hash != fingerprint:
            raise Unprocessable("This Idempotency-Key was already used with a different request body; use a new key.")
        first = msgspec.json.decode(existing.response_body, type=result_type)
        return Response(
            first,
            status_code=existing.status_code,
            headers=headers(first) | {"Idempotent-Replayed": "true"},
        )
    result = await perform()
    await session.execute(
        insert(IdempotencyRecord).values(
            api_key_id=write.editor.key_id,
            idempotency_key=key,
            request_hash=fingerprint,
            status_code=status_code,
            response_body=msgspec.json.encode(result),
        )
    )
    return Response(result, status_code=status_code, headers=headers(result))

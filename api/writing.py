"""The shape every simple write shares: one transaction that authenticates, parses, writes, then re-reads."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec
from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import authenticate
from api.bodies import parse_body
from db.enums import KeyScope

Body = TypeVar("Body", bound=msgspec.Struct)
Result = TypeVar("Result")


async def write_then_read(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    scope: KeyScope,
    body: type[Body],
    write: Callable[[Body], Awaitable[None]],
    read: Callable[[Body], Awaitable[Result]],
) -> Result:
    """Authenticate (401/403/429), parse the body (400/415/422), write and read back, all in one transaction."""
    async with session.begin():
        await authenticate(request, session, scope)
        data = await parse_body(request, body)
        await write(data)
        return await read(data)

"""Every write's one path, as the ``write`` dependency a write handler takes.

In this order, so that nothing holds a database connection while waiting on the client:
the key is present (401) → the body is read and validated (400/413/415/422) → `If-Match` is present (428)
→ on the request's one session, the key is checked and the write counted (401/403/429, committed on its own)
→ one transaction, with the key's name as the author, around the handler → commit, before the response is
sent. A connection lost during the commit is a 503 that says the outcome is unknown. After the commit, its LSN
(for read-your-writes on read replicas, ``api.replicas``). Always on the primary (``DATABASE_URL``).
"""

import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgspec
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Editor, authenticate, bearer_token, set_author
from api.bodies import parse_body
from api.database import drop_pool_if_server_gone, is_connection_error
from api.endpoints import endpoint_of
from api.errors import WriteOutcomeUnknown
from api.preconditions import required_if_match
from api.replicas import COMMIT_LSN_SQL

log = logging.getLogger("positions.writes")

Body = TypeVar("Body", bound=msgspec.Struct)


@dataclass(slots=True)
class WriteContext:
    """What a write handler works with: the open transaction's session, the author, the parsed body."""

    session: AsyncSession
    editor: Editor
    request: Request[Any, Any, Any]
    data: msgspec.Struct | None = None
    if_match: set[str] = field(default_factory=set)

    def body(self, struct: type[Body]) -> Body:
        """The parsed body, typed as the Struct the handler declared in ``endpoint(body=...)``."""
        if not isinstance(self.data, struct):
            raise TypeError(f"this handler declared {type(self.data).__name__} as its body, not {struct.__name__}")
        return self.data


async def provide_write(request: Request[Any, Any, Any], state: State) -> AsyncGenerator[WriteContext, None]:
    spec = endpoint_of(request.route_handler)
    if spec.scope is None:
        raise TypeError(f"{request.route_handler.handler_name} takes `write` but declares no key scope")
    token = bearer_token(request)
    data = await parse_body(request, spec.body) if spec.body is not None else None
    if_match = required_if_match(request) if spec.if_match else set()
    committing = False
    async with state.sessionmaker() as session:
        try:
            editor = await authenticate(request, session, token, spec.scope)
            async with session.begin():
                await set_author(session, editor)
                yield WriteContext(session=session, editor=editor, request=request, data=data, if_match=if_match)
                committing = True
            await _record_commit_lsn(request, session)
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            await drop_pool_if_server_gone(state, exc)
            if committing:
                retry = (
                    "retrying with the same Idempotency-Key is safe"
                    if spec.idempotent
                    else "read the resource back before retrying"
                )
                raise WriteOutcomeUnknown(
                    f"The connection to the database was lost while committing: the write may or may not "
                    f"have been stored; {retry}."
                ) from exc
            raise


async def _record_commit_lsn(request: Request[Any, Any, Any], session: AsyncSession) -> None:
    """After the commit: its LSN, for the answer's ``Positions-LSN`` header and cookie (read-your-writes on
    replicas, ``api.replicas``). One statement outside any transaction; if it fails the write still stands."""
    try:
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        request.state.commit_lsn = await raw.driver_connection.fetchval(COMMIT_LSN_SQL)  # type: ignore[union-attr]
    except Exception:
        log.warning("could not read the commit's LSN", exc_info=True)


Write = NamedDependency[WriteContext]
"""A write handler's parameter receiving its ``WriteContext`` (dependency ``write``)."""

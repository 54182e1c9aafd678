"""GET /health (the process is alive) and GET /ready (database reachable, migrations at head)."""

import asyncio
import enum

import msgspec
from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.openapi import ResponseSpec
from sqlalchemy import text


class ReadinessStatus(enum.Enum):
    """`ready` when the API can serve requests, `not_ready` otherwise."""

    READY = "ready"
    NOT_READY = "not_ready"


class Liveness(msgspec.Struct, kw_only=True):
    """The process is alive."""

    status: str


class Readiness(msgspec.Struct, kw_only=True):
    """Whether the API can serve requests: the database answers and its schema is at the migration head."""

    status: ReadinessStatus
    database: bool
    schema_revision: str | None
    expected_revision: str
    detail: str


class HealthController(Controller):
    tags = ["health"]

    @get("/health", operation_id="getHealth", summary="Liveness probe")
    async def health(self) -> Liveness:
        """Answers 200 while the process runs; it never touches the database."""
        return Liveness(status="ok")

    @get(
        "/ready",
        operation_id="getReadiness",
        summary="Readiness probe",
        responses={503: ResponseSpec(data_container=Readiness, description="Not ready: the body says why.")},
        cache=False,
    )
    async def ready(self, state: State) -> Response[Readiness]:
        """200 when the database is reachable and migrated to head; 503 (with the same body) otherwise."""
        expected: str = state.head_revision
        limit: float = state.settings.ready_timeout if "settings" in state else 2.0
        try:
            async with asyncio.timeout(limit):
                revision = await _schema_revision(state)
        except Exception as exc:  # noqa: BLE001  (any failure means not ready)
            reason = f"no answer within {limit:g} s" if isinstance(exc, TimeoutError) else type(exc).__name__
            body = Readiness(
                status=ReadinessStatus.NOT_READY,
                database=False,
                schema_revision=None,
                expected_revision=expected,
                detail=f"database unreachable: {reason}",
            )
            return Response(body, status_code=503, headers={"Retry-After": "5"})
        if revision != expected:
            body = Readiness(
                status=ReadinessStatus.NOT_READY,
                database=True,
                schema_revision=revision,
                expected_revision=expected,
                detail="migrations are not at head; run `positions migrate`",
            )
            return Response(body, status_code=503, headers={"Retry-After": "5"})
        body = Readiness(
            status=ReadinessStatus.READY,
            database=True,
            schema_revision=revision,
            expected_revision=expected,
            detail="ok",
        )
        return Response(body, status_code=200)


async def _schema_revision(state: State) -> str | None:
    """The migration revision the database is at (None before the first migration)."""
    async with state.engine.connect() as connection:
        exists = await connection.scalar(text("SELECT to_regclass('alembic_version') IS NOT NULL"))
        if not exists:
            return None
        revision: str | None = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()
        return revision

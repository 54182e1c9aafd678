"""POST /v1/imports, GET /v1/imports/{id}, GET /v1/export: bulk import and export over HTTP.

An import runs in the write path's order, but streams its body: the key is present (401) → the media type is
JSON Lines (415) → the key is checked and the import counted as ONE write, in a short transaction of its own
(401/403/429) → the body is spooled to a temporary file, holding no connection while the client sends it →
one connection, one transaction for the whole import (``api.imports.jobs``). With `Prefer: respond-async` the
import runs after the response (202) in the API process's task set, and ``GET /v1/imports/{id}`` follows it.
"""

import asyncio
import os
import tempfile
import zlib
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import asyncpg
from litestar import Controller, Litestar, Request, Response, get, post
from litestar.datastructures import State
from litestar.openapi import ResponseSpec
from litestar.params import Parameter
from litestar.response import Stream

from api.auth import authenticate, bearer_token
from api.database import driver_of, read_connection
from api.endpoints import endpoint
from api.errors import InvalidField, UnknownSlugs, Unprocessable, UnsupportedMediaType
from api.imports.export import export_bundle
from api.imports.importer import ImportRejected, ImportResult
from api.imports.jobs import create_pending_job, fail_interrupted_jobs, import_now, read_job, report, run_job
from api.imports.schemas import ImportReport, ImportState
from api.openapi import WRITE_SECURITY, problem_responses
from api.params import AsRecorded, recorded_at
from api.replicas import COMMIT_LSN_SQL
from api.settings import Settings
from db.engine import plain_url
from db.enums import KeyScope

NDJSON = "application/x-ndjson"
SPOOL_CHUNK = 1 << 20


def document_import_body(document: dict[str, Any]) -> None:
    """The bundle as ``POST /v1/imports``'s request body in the OpenAPI document (it is read as a stream)."""
    operation = document.get("paths", {}).get("/v1/imports", {}).get("post")
    if operation is not None:
        operation["requestBody"] = {
            "required": True,
            "description": "A bundle: JSON Lines, one record per line with a `type` (see the README).",
            "content": {NDJSON: {"schema": {"type": "string"}}},
        }


def imports_lifespan() -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """On start, mark failed the jobs a crash interrupted; on a clean stop, let running jobs finish."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        tasks: set[asyncio.Task[None]] = set()
        app.state.import_tasks = tasks
        try:
            async with app.state.engine.connect() as connection:
                raw = await connection.get_raw_connection()
                await fail_interrupted_jobs(raw.driver_connection)
        except Exception:  # noqa: BLE001, S110  (the database may be down at start; /ready says so)
            pass
        try:
            yield
        finally:
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)

    return lifespan


async def _import_connection(state: State) -> asyncpg.Connection:
    """A connection of the import's own, outside the request pool and its time limits: a large import runs
    statements (and stays in Python between them) far longer than ``POSITIONS_DB_STATEMENT_TIMEOUT``."""
    settings: Settings = state.settings
    return await asyncpg.connect(
        plain_url(settings.database_url),
        timeout=settings.db_connect_timeout,
        server_settings={"statement_timeout": "0", "idle_in_transaction_session_timeout": "0"},
    )


def _discard(path: Path) -> None:
    path.unlink(missing_ok=True)


async def _spool(request: Request[Any, Any, Any]) -> Path:
    """The request body in a temporary file, read chunk by chunk (never whole in memory)."""
    handle, name = tempfile.mkstemp(prefix="positions-import-", suffix=".jsonl")
    try:
        with os.fdopen(handle, "wb") as spool:
            async for chunk in request.stream():
                spool.write(chunk)
    except BaseException:
        _discard(Path(name))
        raise
    return Path(name)


def _rejected(rejected: ImportRejected) -> Unprocessable:
    errors = [
        InvalidField(
            name=f"line {error.line} ({error.type or 'record'}{' ' + error.key if error.key else ''}): {field.name}",
            location="body",
            message=field.message,
        )
        for error in rejected.result.errors
        for field in error.errors
    ]
    return Unprocessable(
        f"{len(rejected.result.errors)} record(s) of the bundle are invalid; nothing was stored "
        "(`partial=true` stores the valid ones).",
        errors=errors,
    )


PartialParam = Annotated[
    bool, Parameter(description="Store the valid records and report the invalid ones, instead of all or nothing.")
]
DryRunParam = Annotated[
    bool, Parameter(description="Validate and count what would be created, updated or unchanged; store nothing.")
]


class ImportController(Controller):
    path = "/v1/imports"
    tags = ["imports"]

    @post(
        "/",
        operation_id="createImport",
        summary="Import a bundle",
        opt=endpoint(scope=KeyScope.EDITOR),
        request_max_body_size=None,
        status_code=200,
        security=WRITE_SECURITY,
        responses={
            202: ResponseSpec(
                data_container=ImportReport,
                description="`Prefer: respond-async`: the import is a pending job; follow `Location`.",
            ),
            **problem_responses(400, 401, 403, 415, 422, 429, 503),
        },
    )
    async def create_import(
        self,
        request: Request[Any, Any, Any],
        state: State,
        partial: PartialParam = False,
        dry_run: DryRunParam = False,
    ) -> Response[ImportReport]:
        """Load a bundle (`Content-Type: application/x-ndjson`, one record per line; see the README) in one
        transaction: upserted by slug and validated as the write API validates (divisions, their policy links and
        recorded votes included); references may be slugs or external identifiers (`{"scheme", "identifier"}`).
        All or nothing unless `partial`; the key's name is the author of every change; the import counts as one
        write against the rate limit. Records of type actor, role, topic, policy and relation need an admin key.
        `Prefer: respond-async` answers 202 with a job to follow at `GET /v1/imports/{id}`."""
        token = bearer_token(request)
        media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media_type not in (NDJSON, "application/jsonl", "application/json-seq"):
            raise UnsupportedMediaType(f"Send the bundle as `Content-Type: {NDJSON}`.")
        async with state.sessionmaker() as session:
            editor = await authenticate(request, session, token, KeyScope.EDITOR)
        path = await _spool(request)
        admin = editor.scope is KeyScope.ADMIN
        if "respond-async" in request.headers.get("prefer", "").lower():
            return await self._start_job(state, path, editor.name, editor.key_id, admin, partial, dry_run)
        try:
            conn = await _import_connection(state)
            try:
                result = await import_now(
                    conn,
                    path,
                    author=editor.name,
                    key_id=editor.key_id,
                    admin=admin,
                    partial=partial,
                    dry_run=dry_run,
                )
                if not dry_run:  # read-your-writes on read replicas (api.replicas)
                    request.state.commit_lsn = await conn.fetchval(COMMIT_LSN_SQL)
            finally:
                await conn.close()
        except ImportRejected as rejected:
            raise _rejected(rejected) from None
        finally:
            _discard(path)
        return Response(result, status_code=200)

    async def _start_job(
        self, state: State, path: Path, author: str, key_id: int, admin: bool, partial: bool, dry_run: bool
    ) -> Response[ImportReport]:
        conn = await _import_connection(state)
        try:
            job_id = await create_pending_job(conn, author=author, key_id=key_id, partial=partial, dry_run=dry_run)
        except BaseException:
            await conn.close()
            _discard(path)
            raise

        async def run() -> None:
            try:
                await run_job(conn, job_id, path, author=author, admin=admin, partial=partial, dry_run=dry_run)
            finally:
                await conn.close()
                _discard(path)

        tasks: set[asyncio.Task[None]] = state.import_tasks
        task = asyncio.get_running_loop().create_task(run())
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        pending = report(
            ImportResult(), job_id=job_id, state=ImportState.PENDING, author=author, partial=partial, dry_run=dry_run
        )
        return Response(pending, status_code=202, headers={"Location": f"/v1/imports/{job_id}"})

    @get(
        "/{import_id:str}",
        operation_id="getImport",
        summary="Follow an import",
        responses=problem_responses(400, 404, 503),
    )
    async def get_import(
        self,
        state: State,
        import_id: Annotated[str, Parameter(description="The import's `id`.", max_length=20, pattern="^[0-9]+$")],
    ) -> ImportReport:
        """An import job: its state (`pending`, `running`, `succeeded`, `failed`), counts per record type and the
        records it rejected, by line."""
        async with state.engine.connect() as connection:
            raw = await connection.get_raw_connection()
            found = await read_job(raw.driver_connection, int(import_id)) if int(import_id) < 2**63 else None
        if found is None:
            raise UnknownSlugs("import", [str(import_id)], location="path", name="import_id")
        return found


class ExportController(Controller):
    path = "/v1/export"
    tags = ["imports"]

    @get(
        "/",
        operation_id="exportBundle",
        summary="Export the dataset as a bundle",
        media_type=NDJSON,
        responses=problem_responses(400, 503),
    )
    async def export(
        self,
        request: Request[Any, Any, Any],
        state: State,
        as_recorded: AsRecorded = None,
    ) -> Stream:
        """The whole dataset as a bundle (JSON Lines, the format `POST /v1/imports` loads), streamed from one
        consistent snapshot; gzip-compressed when `Accept-Encoding` allows gzip."""
        gzip = "gzip" in request.headers.get("accept-encoding", "").lower()
        moment = recorded_at(as_recorded)

        async def lines() -> AsyncGenerator[bytes, None]:
            compressor = zlib.compressobj(wbits=31) if gzip else None
            buffer: list[bytes] = []
            size = 0
            async with read_connection(request, state) as connection:
                async for line in export_bundle(await driver_of(connection), moment):
                    buffer.append(line)
                    size += len(line)
                    if size >= SPOOL_CHUNK // 4:
                        chunk = b"".join(buffer)
                        buffer.clear()
                        size = 0
                        yield compressor.compress(chunk) if compressor else chunk
            chunk = b"".join(buffer)
            yield (compressor.compress(chunk) + compressor.flush()) if compressor else chunk

        headers = {"Vary": "Accept-Encoding", "Content-Disposition": 'attachment; filename="positions.jsonl"'}
        if gzip:
            headers["Content-Encoding"] = "gzip"
        return Stream(lines(), media_type=NDJSON, headers=headers)

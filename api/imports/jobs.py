"""Running an import as a job: its ``import_job`` row, its transaction, and what it reports.

A synchronous import writes its job row in its own transaction, so a rejected or dry-run import leaves
nothing behind. An asynchronous one (``Prefer: respond-async``) commits the row as `pending` first and holds
a session advisory lock on it while it runs; on start, the API marks failed every unfinished job whose lock
is free (its process died; PostgreSQL rolled its transaction back).
"""

from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import msgspec

from api.imports.bundle import RecordError
from api.imports.importer import ImportOptions, ImportRejected, ImportResult, Progress, ordered_counts, run_import
from api.imports.schemas import ImportCounts, ImportReport, ImportState

JOB_LOCK_SPACE = 0x1D90
"""First key of the advisory locks that mark an import job as running (the second is the job's id)."""


def report(
    result: ImportResult,
    *,
    job_id: int | None,
    state: ImportState,
    author: str,
    partial: bool,
    dry_run: bool,
    detail: str = "",
) -> ImportReport:
    return ImportReport(
        id=job_id,
        state=state,
        author=author,
        partial=partial,
        dry_run=dry_run,
        records=result.records,
        counts=ordered_counts(result),
        errors=result.errors,
        detail=detail,
        data_version=result.data_version,
    )


async def _create_job(
    conn: asyncpg.Connection, *, state: ImportState, author: str, key_id: int | None, partial: bool, dry_run: bool
) -> int:
    job_id: int = await conn.fetchval(
        "INSERT INTO import_job (state, author, api_key_id, partial, dry_run, started_at) "
        "VALUES ($1::text, $2, $3, $4, $5, CASE WHEN $1::text = 'running' THEN now() END) RETURNING id",
        state.value,
        author,
        key_id,
        partial,
        dry_run,
    )
    return job_id


async def _finish_job(
    conn: asyncpg.Connection, job_id: int, state: ImportState, result: ImportResult, detail: str
) -> None:
    await conn.execute(
        "UPDATE import_job SET state = $2, records = $3, counts = $4::jsonb, errors = $5::jsonb, detail = $6, "
        "finished_at = now(), updated_at = now() WHERE id = $1",
        job_id,
        state.value,
        result.records,
        msgspec.json.encode(ordered_counts(result)).decode(),
        msgspec.json.encode(result.errors).decode(),
        detail,
    )


def _summary(result: ImportResult, dry_run: bool) -> str:
    stored = "would be stored" if dry_run else "stored"
    rejected = f"; {len(result.errors)} rejected" if result.errors else ""
    return f"{result.records} records read, {stored}{rejected}"


async def import_now(
    conn: asyncpg.Connection,
    path: Path,
    *,
    author: str,
    key_id: int | None,
    admin: bool,
    partial: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import in one transaction on ``conn``; raises ``ImportRejected`` (nothing stored) when all-or-nothing fails."""
    transaction = conn.transaction()
    await transaction.start()
    try:
        job_id = None
        if not dry_run:
            job_id = await _create_job(
                conn, state=ImportState.RUNNING, author=author, key_id=key_id, partial=partial, dry_run=False
            )
        options = ImportOptions(
            author=author, admin=admin, partial=partial, dry_run=dry_run, import_id=job_id, progress=progress
        )
        result = await run_import(conn, path, options)
        if job_id is not None:
            await _finish_job(conn, job_id, ImportState.SUCCEEDED, result, _summary(result, dry_run))
    except BaseException:
        await transaction.rollback()
        raise
    if dry_run:
        await transaction.rollback()
    else:
        await transaction.commit()
    return report(
        result,
        job_id=job_id,
        state=ImportState.SUCCEEDED,
        author=author,
        partial=partial,
        dry_run=dry_run,
        detail=_summary(result, dry_run),
    )


async def create_pending_job(
    conn: asyncpg.Connection, *, author: str, key_id: int | None, partial: bool, dry_run: bool
) -> int:
    """Commit a `pending` job and take its advisory lock on ``conn`` (held until ``run_job`` ends)."""
    async with conn.transaction():
        job_id = await _create_job(
            conn, state=ImportState.PENDING, author=author, key_id=key_id, partial=partial, dry_run=dry_run
        )
        await conn.execute("SELECT pg_advisory_lock($1::int, $2::int)", JOB_LOCK_SPACE, job_id)
    return job_id


async def run_job(
    conn: asyncpg.Connection, job_id: int, path: Path, *, author: str, admin: bool, partial: bool, dry_run: bool
) -> None:
    """Run a pending job to its end, recording `running`, then `succeeded` or `failed` with counts and errors."""
    try:
        await conn.execute(
            "UPDATE import_job SET state = 'running', started_at = now(), updated_at = now() WHERE id = $1", job_id
        )
        options = ImportOptions(author=author, admin=admin, partial=partial, dry_run=dry_run, import_id=job_id)
        try:
            result = await _import_job(conn, job_id, path, options)
        except ImportRejected as rejected:
            detail = f"{len(rejected.result.errors)} invalid record(s); nothing was stored"
            await _finish_job(conn, job_id, ImportState.FAILED, rejected.result, detail)
        except Exception as exc:
            await _finish_job(conn, job_id, ImportState.FAILED, ImportResult(), f"the import failed: {exc}")
            raise
        else:
            if dry_run:
                await _finish_job(conn, job_id, ImportState.SUCCEEDED, result, _summary(result, True))
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1::int, $2::int)", JOB_LOCK_SPACE, job_id)


async def _import_job(conn: asyncpg.Connection, job_id: int, path: Path, options: ImportOptions) -> ImportResult:
    """The job's import transaction: committed with the job's final state, or rolled back (dry run, failure)."""
    transaction = conn.transaction()
    await transaction.start()
    try:
        result = await run_import(conn, path, options)
        if not options.dry_run:
            await _finish_job(conn, job_id, ImportState.SUCCEEDED, result, _summary(result, False))
    except BaseException:
        await transaction.rollback()
        raise
    if options.dry_run:
        await transaction.rollback()
    else:
        await transaction.commit()
    return result


async def fail_interrupted_jobs(conn: asyncpg.Connection) -> int:
    """Mark failed every unfinished job no live session holds the lock of (its process is gone)."""
    status: str = await conn.execute(
        "UPDATE import_job SET state = 'failed', finished_at = now(), updated_at = now(), "
        "detail = 'interrupted: the server stopped while the import ran; nothing was stored' "
        "WHERE state IN ('pending', 'running') AND pg_try_advisory_xact_lock($1::int, id::int)",
        JOB_LOCK_SPACE,
    )
    return int(status.rsplit(" ", 1)[-1])


async def read_job(conn: asyncpg.Connection, job_id: int) -> ImportReport | None:
    row = await conn.fetchrow("SELECT * FROM import_job WHERE id = $1", job_id)
    if row is None:
        return None
    return job_report(dict(row))


def _json(value: object, kind: Any) -> Any:  # noqa: ANN401  (a msgspec type expression)
    """A JSONB value as ``kind``: text with plain asyncpg, already decoded on the app's connections."""
    if isinstance(value, str | bytes):
        return msgspec.json.decode(value, type=kind)
    return msgspec.convert(value, type=kind)


def job_report(row: dict[str, Any]) -> ImportReport:
    created_at: datetime = row["created_at"]
    return ImportReport(
        id=row["id"],
        state=ImportState(row["state"]),
        author=row["author"],
        partial=row["partial"],
        dry_run=row["dry_run"],
        records=row["records"],
        counts=_json(row["counts"], ImportCounts),
        errors=_json(row["errors"], list[RecordError]),
        detail=row["detail"],
        created_at=created_at,
        finished_at=row["finished_at"],
    )

"""Response shapes of bulk imports: what an import did (or would do) per record type, and what it rejected."""

from datetime import datetime
from enum import Enum

import msgspec

from api.imports.bundle import RecordError


class ImportState(Enum):
    """Where an import job is: `pending` (accepted, not started), `running`, `succeeded` or `failed`."""

    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class TypeCounts(msgspec.Struct, kw_only=True):
    """Records of one type: created, updated (a value differed), unchanged (already stored as given), rejected."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0


class ImportCounts(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Counts per record type, for the types met in the bundle (`unknown`: lines without a valid `type`)."""

    topic: TypeCounts | None = None
    actor: TypeCounts | None = None
    role: TypeCounts | None = None
    policy: TypeCounts | None = None
    relation: TypeCounts | None = None
    source: TypeCounts | None = None
    division_policy: TypeCounts | None = None
    stance: TypeCounts | None = None
    evidence: TypeCounts | None = None
    unknown: TypeCounts | None = None


class ImportReport(msgspec.Struct, kw_only=True):
    """What an import did: with `dry_run` what it would have done (nothing was stored, `id` is null).

    `counts` has one entry per record type met in the bundle; `errors` names each rejected record by its line
    (with `partial`, the others were stored; otherwise nothing was). Revisions the import wrote carry its `id`
    (`import_id` in the change feed).
    """

    id: int | None
    state: ImportState
    author: str
    partial: bool
    dry_run: bool
    records: int
    counts: ImportCounts
    errors: list[RecordError]
    detail: str = ""
    data_version: int | None = None
    created_at: datetime | None = None
    finished_at: datetime | None = None

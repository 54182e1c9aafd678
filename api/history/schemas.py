"""Response shapes for revision history and the change feed."""

from datetime import datetime
from typing import Any

import msgspec


class RevisionItem(msgspec.Struct, kw_only=True):
    """One recorded change: what the record was (`before`), what it became (`after`), who, when, and why
    (`reason`, e.g. a seed correction's; null when the change was recorded without one)."""

    action: str
    author: str
    recorded_at: datetime
    reason: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class RevisionHistory(msgspec.Struct, kw_only=True):
    """Every recorded version of one record, oldest first."""

    slug: str
    revisions: list[RevisionItem]


class ChangeItem(msgspec.Struct, kw_only=True):
    """One change in the feed: `entity_type` and `slug` say what changed (roles and relations have no slug);
    `import_id` names the bulk import that made it (all of one import's changes share it), null otherwise."""

    entity_type: str
    entity_id: int
    slug: str | None
    action: str
    author: str
    recorded_at: datetime
    import_id: int | None = None


class ChangeFeed(msgspec.Struct, kw_only=True):
    """Changes in the order they were recorded; poll again with `since=next_cursor` for later ones."""

    items: list[ChangeItem]
    next_cursor: str

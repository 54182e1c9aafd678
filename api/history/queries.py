"""SQL for revision history and the change feed."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.history.schemas import ChangeItem, RevisionItem
from db.models import Revision


async def revisions(session: AsyncSession, entity_type: str, entity_id: int) -> list[RevisionItem]:
    rows = await session.execute(
        select(Revision.action, Revision.author, Revision.recorded_at, Revision.reason, Revision.before, Revision.after)
        .where(Revision.entity_type == entity_type, Revision.entity_id == entity_id)
        .order_by(Revision.id)
    )
    return [
        RevisionItem(
            action=row.action,
            author=row.author,
            recorded_at=row.recorded_at,
            reason=row.reason,
            before=row.before,
            after=row.after,
        )
        for row in rows
    ]


async def changes_since(session: AsyncSession, after_id: int, limit: int) -> list[tuple[int, ChangeItem]]:
    slug = func.coalesce(Revision.after.op("->>")("slug"), Revision.before.op("->>")("slug"))
    rows = await session.execute(
        select(
            Revision.id,
            Revision.entity_type,
            Revision.entity_id,
            slug.label("slug"),
            Revision.action,
            Revision.author,
            Revision.recorded_at,
            Revision.import_id,
        )
        .where(Revision.id > after_id)
        .order_by(Revision.id)
        .limit(limit)
    )
    return [
        (
            row.id,
            ChangeItem(
                entity_type=row.entity_type,
                entity_id=row.entity_id,
                slug=row.slug,
                action=row.action,
                author=row.author,
                recorded_at=row.recorded_at,
                import_id=row.import_id,
            ),
        )
        for row in rows
    ]

"""Writing sources (editor keys), each request in one transaction."""

import hashlib

import msgspec
from sqlalchemy import func, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.bodies import given_fields
from api.slugs import ensure_slug_free, resolve_path_slug
from api.sources.write_schemas import SourceCreate, SourceUpdate
from db.models import Source


async def create_source(session: AsyncSession, data: SourceCreate) -> None:
    await ensure_slug_free(session, Source, data.slug, resource="source")
    values = msgspec.structs.asdict(data)
    values["content_sha256"] = hashlib.sha256(data.text.encode()).hexdigest() if data.text is not None else None
    await session.execute(insert(Source).values(**values))


async def update_source(session: AsyncSession, slug: str, data: SourceUpdate) -> None:
    source_id = await resolve_path_slug(session, Source, slug, resource="source", for_update=True)
    changes = given_fields(data)
    if changes:
        await session.execute(update(Source).where(Source.id == source_id).values(**changes, updated_at=func.now()))

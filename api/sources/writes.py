"""Writing sources (editor keys), each request in one transaction."""

import hashlib

import msgspec
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.bodies import given_fields
from api.errors import Conflict, UnknownSlugs
from api.sources.write_schemas import SourceCreate, SourceUpdate
from db.models import Source


async def create_source(session: AsyncSession, data: SourceCreate) -> None:
    if await session.scalar(select(Source.id).where(Source.slug == data.slug)) is not None:
        raise Conflict(f"A source with slug '{data.slug}' already exists.")
    values = msgspec.structs.asdict(data)
    values["content_sha256"] = hashlib.sha256(data.text.encode()).hexdigest() if data.text is not None else None
    await session.execute(insert(Source).values(**values))


async def update_source(session: AsyncSession, slug: str, data: SourceUpdate) -> None:
    source_id = await session.scalar(select(Source.id).where(Source.slug == slug).with_for_update())
    if source_id is None:
        raise UnknownSlugs("source", [slug])
    changes = given_fields(data)
    if changes:
        await session.execute(update(Source).where(Source.id == source_id).values(**changes, updated_at=func.now()))

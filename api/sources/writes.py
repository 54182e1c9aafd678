"""Writing sources (editor keys), each request in one transaction."""

import hashlib

import msgspec
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.bodies import given_fields
from api.errors import NoStoredText
from api.identifiers import replace_identifiers
from api.slugs import ensure_slug_free, resolve_path_slug
from api.sources.write_schemas import SourceCreate, SourceUpdate
from db.models import Source


async def create_source(session: AsyncSession, data: SourceCreate) -> None:
    await ensure_slug_free(session, Source, data.slug, resource="source")
    values = msgspec.structs.asdict(data)
    identifiers = values.pop("identifiers")
    values["content_sha256"] = hashlib.sha256(data.text.encode()).hexdigest() if data.text is not None else None
    source_id = await session.scalar(insert(Source).values(**values).returning(Source.id))
    if source_id is not None:
        await replace_identifiers(session, Source, source_id, identifiers)


async def update_source(session: AsyncSession, slug: str, data: SourceUpdate) -> None:
    source_id = await resolve_path_slug(session, Source, slug, resource="source", for_update=True)
    changes = given_fields(data)
    identifiers = changes.pop("identifiers", None)
    if changes or identifiers is not None:
        # An identifiers-only change still touches the row, so it leaves a revision with its author.
        await session.execute(update(Source).where(Source.id == source_id).values(**changes, updated_at=func.now()))
    if identifiers is not None:
        await replace_identifiers(session, Source, source_id, identifiers)


async def stored_text(session: AsyncSession, slug: str) -> str:
    """A source's stored text: 404 when the source is unknown or has none."""
    source_id = await resolve_path_slug(session, Source, slug, resource="source")
    text = await session.scalar(select(Source.text).where(Source.id == source_id))
    if text is None:
        raise NoStoredText(f"Source '{slug}' has no stored text.")
    return text

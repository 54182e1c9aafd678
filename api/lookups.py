"""Resolve public slugs to internal ids, failing with 404 problem details that name each unknown slug."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import UnknownSlugs
from db.models import Actor, Policy, Source, Stance, Topic

SluggedModel = type[Actor] | type[Policy] | type[Source] | type[Stance] | type[Topic]


async def resolve_slugs(
    session: AsyncSession, model: SluggedModel, slugs: Sequence[str], *, resource: str, parameter: str
) -> dict[str, int]:
    """Map each slug to its id, or raise ``UnknownSlugs`` listing every slug that does not exist."""
    if not slugs:
        return {}
    rows = (await session.execute(select(model.slug, model.id).where(model.slug.in_(list(slugs))))).all()
    found = {row.slug: row.id for row in rows}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise UnknownSlugs(resource, missing, location="query", name=parameter)
    return found


async def resolve_slug(session: AsyncSession, model: SluggedModel, slug: str, *, resource: str, parameter: str) -> int:
    return (await resolve_slugs(session, model, [slug], resource=resource, parameter=parameter))[slug]

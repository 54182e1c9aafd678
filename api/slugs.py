"""Slugs, the public ids: the one type request bodies validate them with, and the one way to resolve them.

Every lookup of ids by slug goes through ``slug_ids``: ``resolve_slugs`` / ``resolve_slug`` fail with a 404
naming each unknown slug, ``ensure_slug_free`` with a 409 when a new record's slug is taken.
"""

from collections.abc import Collection
from typing import Annotated

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import Conflict, UnknownSlugs
from db.models import SLUG_PATTERN, Actor, Evidence, Policy, Source, Stance, Topic

SLUG_MAX_LENGTH = 160
STANCE_SLUG_MAX_LENGTH = 140
"""Shorter, so the slugs of its evidence (``<stance slug>-e<n>``) fit too."""

Slug = Annotated[str, msgspec.Meta(pattern=SLUG_PATTERN, min_length=1, max_length=SLUG_MAX_LENGTH)]
"""A slug in a request body: lower-case words of letters and digits joined by single hyphens."""
StanceSlug = Annotated[str, msgspec.Meta(pattern=SLUG_PATTERN, min_length=1, max_length=STANCE_SLUG_MAX_LENGTH)]

SluggedModel = type[Actor] | type[Policy] | type[Source] | type[Stance] | type[Topic] | type[Evidence]


async def slug_ids(
    session: AsyncSession, model: SluggedModel, slugs: Collection[str], *, for_update: bool = False
) -> dict[str, int]:
    """The ids of those of ``slugs`` that exist (locked ``FOR UPDATE`` when asked)."""
    if not slugs:
        return {}
    query = select(model.slug, model.id).where(model.slug.in_(list(slugs)))
    rows = (await session.execute(query.with_for_update() if for_update else query)).all()
    return {row.slug: row.id for row in rows}


async def resolve_slugs(
    session: AsyncSession,
    model: SluggedModel,
    slugs: Collection[str],
    *,
    resource: str,
    parameter: str,
    location: str = "query",
) -> dict[str, int]:
    """Map each slug to its id, or raise ``UnknownSlugs`` (404) listing every slug that does not exist."""
    found = await slug_ids(session, model, slugs)
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise UnknownSlugs(resource, missing, location=location, name=parameter)
    return found


async def resolve_slug(
    session: AsyncSession,
    model: SluggedModel,
    slug: str,
    *,
    resource: str,
    parameter: str,
    location: str = "query",
    for_update: bool = False,
) -> int:
    """One slug's id (404 naming it when unknown); ``for_update`` locks the row for the transaction."""
    found = await slug_ids(session, model, [slug], for_update=for_update)
    if slug not in found:
        raise UnknownSlugs(resource, [slug], location=location, name=parameter)
    return found[slug]


async def resolve_path_slug(
    session: AsyncSession, model: SluggedModel, slug: str, *, resource: str, for_update: bool = False
) -> int:
    """The id of the record a path's ``{slug}`` names (404 when unknown)."""
    return await resolve_slug(
        session, model, slug, resource=resource, parameter="slug", location="path", for_update=for_update
    )


async def ensure_slug_free(session: AsyncSession, model: SluggedModel, slug: str, *, resource: str) -> None:
    """409 when a record of this kind already has ``slug`` (slugs are permanent public ids)."""
    if await slug_ids(session, model, [slug]):
        raise Conflict(f"A {resource} with slug '{slug}' already exists.")

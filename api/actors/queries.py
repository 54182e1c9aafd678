"""SQL for actors."""

from datetime import datetime

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from api.actors.schemas import ActorDetail, ActorRoleItem, ActorSummary
from api.errors import UnknownSlugs
from api.refs import ActorRef
from db.enums import ActorKind
from db.models import Actor, ActorAlias, ActorRole
from db.snapshots import as_recorded


def _summary_columns(actor: type[Actor] = Actor) -> Select[int, str, str, ActorKind, str | None, str]:
    return select(actor.id, actor.slug, actor.name, actor.kind, actor.country, actor.description)


async def list_actors(
    session: AsyncSession,
    *,
    q: str | None,
    kind: ActorKind | None,
    country: str | None,
    after: str | None,
    limit: int,
    as_recorded_at: datetime | None = None,
) -> list[ActorSummary]:
    """Actors ordered by slug; ``q`` matches names and aliases, forgiving typos (pg_trgm)."""
    actor = as_recorded(Actor, as_recorded_at)
    query = _summary_columns(actor).order_by(actor.slug).limit(limit + 1)
    if q:
        pattern = f"%{q}%"
        alias_match = exists().where(
            ActorAlias.actor_id == actor.id,
            or_(ActorAlias.alias.ilike(pattern), func.word_similarity(q, ActorAlias.alias) > 0.5),
        )
        query = query.where(
            or_(
                actor.name.ilike(pattern),
                actor.slug.ilike(pattern),
                func.word_similarity(q, actor.name) > 0.5,
                alias_match,
            )
        )
    if kind is not None:
        query = query.where(actor.kind == kind)
    if country is not None:
        query = query.where(actor.country == country.upper())
    if after is not None:
        query = query.where(actor.slug > after)
    rows = (await session.execute(query)).all()
    return [
        ActorSummary(slug=row.slug, name=row.name, kind=row.kind, country=row.country, description=row.description)
        for row in rows
    ]


async def get_actor(session: AsyncSession, slug: str) -> ActorDetail:
    actor = (await session.execute(_summary_columns().where(Actor.slug == slug))).one_or_none()
    if actor is None:
        raise UnknownSlugs("actor", [slug])
    aliases = (
        await session.scalars(
            select(ActorAlias.alias).where(ActorAlias.actor_id == actor.id).order_by(ActorAlias.alias)
        )
    ).all()
    organisation = aliased(Actor)
    roles = (
        await session.execute(
            select(
                ActorRole.title,
                ActorRole.started_on,
                ActorRole.ended_on,
                organisation.slug.label("org_slug"),
                organisation.name.label("org_name"),
                organisation.kind.label("org_kind"),
            )
            .outerjoin(organisation, organisation.id == ActorRole.organisation_id)
            .where(ActorRole.actor_id == actor.id)
            .order_by(ActorRole.started_on.nulls_first(), ActorRole.title)
        )
    ).all()
    return ActorDetail(
        slug=actor.slug,
        name=actor.name,
        kind=actor.kind,
        country=actor.country,
        description=actor.description,
        aliases=list(aliases),
        roles=[
            ActorRoleItem(
                title=role.title,
                organisation=ActorRef(slug=role.org_slug, name=role.org_name, kind=role.org_kind)
                if role.org_slug is not None
                else None,
                started_on=role.started_on,
                ended_on=role.ended_on,
            )
            for role in roles
        ],
    )

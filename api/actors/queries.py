"""SQL for actors."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, Row, Select, case, cast, exists, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from api.actors.schemas import ActorDetail, ActorRoleItem, ActorSummary, OfficeRef
from api.errors import UnknownSlugs
from api.identifiers import identifier_filter, identifiers_column, to_identifiers
from api.refs import ActorRef
from db.enums import ActorKind
from db.models import Actor, ActorAlias, ActorRole
from db.snapshots import as_recorded

ActorKey = tuple[Any, ...]
"""An actor's place in a list: ``(slug,)``, or with ``q`` its relevance first (see ``list_actors``)."""


SUMMARY_COLUMNS = ("id", "slug", "name", "kind", "country", "description", "identifiers")


def _summary_columns(actor: type[Actor] = Actor) -> Select[*tuple[Any, ...]]:
    return select(
        actor.id,
        actor.slug,
        actor.name,
        actor.kind,
        actor.country,
        actor.description,
        identifiers_column(actor).label("identifiers"),
    )


def _summary(row: Row[*tuple[Any, ...]]) -> ActorSummary:
    return ActorSummary(
        slug=row.slug,
        name=row.name,
        kind=row.kind,
        country=row.country,
        description=row.description,
        identifiers=to_identifiers(row.identifiers),
    )


def _relevance(actor: type[Actor], q: str) -> list[ColumnElement[Any]]:
    """Sort keys for a search, best first when ascending: exact name, exact alias, closeness, then similarity.

    Closeness is pg_trgm's ``word_similarity`` of ``q`` to the name or the best alias (1 when ``q`` is a word of
    it), similarity the trigram similarity of ``q`` to the whole name (so "Davies" ranks "Mims Davies" above
    "Geraint Davies"); both negated so that every key ascends, as keyset pagination needs.
    """
    needle = func.lower(q)
    exact_alias = exists().where(ActorAlias.actor_id == actor.id, func.lower(ActorAlias.alias) == needle)
    best_alias = (
        select(func.max(func.word_similarity(q, ActorAlias.alias)))
        .where(ActorAlias.actor_id == actor.id)
        .scalar_subquery()
    )
    closeness = func.greatest(func.word_similarity(q, actor.name), func.coalesce(best_alias, 0))
    return [
        case((func.lower(actor.name) == needle, 0), else_=1).label("rank_name"),
        case((exact_alias, 0), else_=1).label("rank_alias"),
        cast(-closeness, Float(53)).label("rank_closeness"),
        cast(-func.similarity(q, actor.name), Float(53)).label("rank_similarity"),
    ]


RELEVANCE_CURSOR = (int, int, float, float, str)
"""The types of a cursor's key when the list is a search (``q``)."""


async def list_actors(
    session: AsyncSession,
    *,
    q: str | None,
    identifier: str | None = None,
    kind: ActorKind | None,
    country: str | None,
    after: ActorKey | None,
    limit: int,
    as_recorded_at: datetime | None = None,
) -> list[tuple[ActorSummary, ActorKey]]:
    """Actors with the key of each (for the next cursor): ordered by slug, or with ``q`` by relevance.

    ``q`` matches names and aliases, forgiving typos (pg_trgm).
    """
    actor = as_recorded(Actor, as_recorded_at)
    ranks = _relevance(actor, q) if q else []
    keys: list[Any] = [*ranks, actor.slug]
    query = _summary_columns(actor).add_columns(*ranks).order_by(*keys).limit(limit + 1)
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
    if identifier is not None:
        query = query.where(identifier_filter(actor, identifier))
    if kind is not None:
        query = query.where(actor.kind == kind)
    if country is not None:
        query = query.where(actor.country == country.upper())
    if after is not None:
        query = query.where(tuple_(*keys) > tuple_(*after))
    rows = (await session.execute(query)).all()
    first_rank = len(SUMMARY_COLUMNS)
    return [(_summary(row), (*row[first_rank:], row.slug)) for row in rows]


async def get_actor(session: AsyncSession, slug: str) -> ActorDetail:
    office = aliased(Actor)
    actor = (
        await session.execute(
            _summary_columns()
            .add_columns(
                Actor.speaks_for_title,
                office.slug.label("office_slug"),
                office.name.label("office_name"),
                office.kind.label("office_kind"),
            )
            .outerjoin(office, office.id == Actor.speaks_for_organisation_id)
            .where(Actor.slug == slug)
        )
    ).one_or_none()
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
                ActorRole.sole_holder,
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
        identifiers=to_identifiers(actor.identifiers),
        aliases=list(aliases),
        roles=[
            ActorRoleItem(
                title=role.title,
                organisation=ActorRef(slug=role.org_slug, name=role.org_name, kind=role.org_kind)
                if role.org_slug is not None
                else None,
                started_on=role.started_on,
                ended_on=role.ended_on,
                sole_holder=role.sole_holder,
            )
            for role in roles
        ],
        speaks_for=OfficeRef(
            organisation=ActorRef(slug=actor.office_slug, name=actor.office_name, kind=actor.office_kind),
            title=actor.speaks_for_title,
        )
        if actor.office_slug is not None
        else None,
    )

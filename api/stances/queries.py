"""SQL for stances."""

from datetime import date
from typing import Any

from sqlalchemy import Row, Select, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import UnknownSlugs
from api.evidence.queries import evidence_by_stance
from api.refs import ActorRef, PolicyRef, position_label
from api.stances.schemas import StanceWithEvidence
from db.models import TEXT_SEARCH_CONFIG, Actor, Evidence, Policy, Stance, policy_topic


def _stance_query() -> Select[*tuple[Any, ...]]:
    return (
        select(
            Stance.id,
            Stance.slug,
            Stance.position,
            Stance.ambiguity,
            Stance.stated_on,
            Stance.stated_on_precision,
            Stance.stated_on_inferred,
            Stance.summary,
            Stance.retracted_at,
            Stance.version,
            Actor.slug.label("actor_slug"),
            Actor.name.label("actor_name"),
            Actor.kind.label("actor_kind"),
            Policy.slug.label("policy_slug"),
            Policy.title.label("policy_title"),
        )
        .join(Actor, Actor.id == Stance.actor_id)
        .join(Policy, Policy.id == Stance.policy_id)
    )


async def _with_evidence(session: AsyncSession, rows: list[Row[*tuple[Any, ...]]]) -> list[StanceWithEvidence]:
    evidence = await evidence_by_stance(session, [row.id for row in rows])
    return [
        StanceWithEvidence(
            slug=row.slug,
            actor=ActorRef(slug=row.actor_slug, name=row.actor_name, kind=row.actor_kind),
            policy=PolicyRef(slug=row.policy_slug, title=row.policy_title),
            position=row.position,
            label=position_label(row.position, row.ambiguity),
            stated_on=row.stated_on,
            stated_on_precision=row.stated_on_precision,
            stated_on_inferred=row.stated_on_inferred,
            summary=row.summary,
            retracted=row.retracted_at is not None,
            version=row.version,
            evidence=evidence.get(row.id, []),
        )
        for row in rows
    ]


async def list_stances(
    session: AsyncSession,
    *,
    q: str | None,
    actor_id: int | None,
    policy_id: int | None,
    topic_id: int | None,
    stated_from: date | None,
    stated_to: date | None,
    include_retracted: bool,
    after: tuple[date, str] | None,
    limit: int,
) -> list[StanceWithEvidence]:
    """Stances in date order (then slug); ``q`` searches summaries and evidence with full-text search."""
    query = _stance_query().order_by(Stance.stated_on, Stance.slug).limit(limit + 1)
    if q:
        tsquery = func.websearch_to_tsquery(TEXT_SEARCH_CONFIG, q)
        query = query.where(
            or_(
                Stance.search_vector.op("@@")(tsquery),
                select(Evidence.id)
                .where(Evidence.stance_id == Stance.id, Evidence.search_vector.op("@@")(tsquery))
                .exists(),
            )
        )
    if actor_id is not None:
        query = query.where(Stance.actor_id == actor_id)
    if policy_id is not None:
        query = query.where(Stance.policy_id == policy_id)
    if topic_id is not None:
        query = query.where(
            select(policy_topic.c.policy_id)
            .where(policy_topic.c.policy_id == Stance.policy_id, policy_topic.c.topic_id == topic_id)
            .exists()
        )
    if stated_from is not None:
        query = query.where(Stance.stated_on >= stated_from)
    if stated_to is not None:
        query = query.where(Stance.stated_on <= stated_to)
    if not include_retracted:
        query = query.where(Stance.retracted_at.is_(None))
    if after is not None:
        query = query.where(tuple_(Stance.stated_on, Stance.slug) > tuple_(*after))
    rows = list((await session.execute(query)).all())
    return await _with_evidence(session, rows)


async def stance_id(session: AsyncSession, slug: str) -> int:
    found = await session.scalar(select(Stance.id).where(Stance.slug == slug))
    if found is None:
        raise UnknownSlugs("stance", [slug])
    return found


async def get_stance(session: AsyncSession, slug: str) -> StanceWithEvidence:
    row = (await session.execute(_stance_query().where(Stance.slug == slug))).one_or_none()
    if row is None:
        raise UnknownSlugs("stance", [slug])
    return (await _with_evidence(session, [row]))[0]

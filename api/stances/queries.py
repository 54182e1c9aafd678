"""SQL for stances."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, Select, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import UnknownSlugs
from api.evidence.queries import evidence_by_stance
from api.refs import ActorRef, PolicyRef, position_label
from api.stances.schemas import StanceWithEvidence
from db.models import TEXT_SEARCH_CONFIG, Actor, Evidence, Policy, Stance, policy_topic
from db.snapshots import as_recorded, search_vector


def _stance_query(
    stance: type[Stance] = Stance, actor: type[Actor] = Actor, policy: type[Policy] = Policy
) -> Select[*tuple[Any, ...]]:
    return (
        select(
            stance.id,
            stance.slug,
            stance.position,
            stance.ambiguity,
            stance.stated_on,
            stance.stated_on_precision,
            stance.stated_on_inferred,
            stance.summary,
            stance.retracted_at,
            stance.retraction_reason,
            stance.version,
            actor.slug.label("actor_slug"),
            actor.name.label("actor_name"),
            actor.kind.label("actor_kind"),
            policy.slug.label("policy_slug"),
            policy.title.label("policy_title"),
        )
        .join(actor, actor.id == stance.actor_id)
        .join(policy, policy.id == stance.policy_id)
    )


async def _with_evidence(
    session: AsyncSession, rows: list[Row[*tuple[Any, ...]]], as_recorded_at: datetime | None = None
) -> list[StanceWithEvidence]:
    evidence = await evidence_by_stance(session, [row.id for row in rows], as_recorded_at)
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
            retraction_reason=row.retraction_reason,
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
    as_recorded_at: datetime | None = None,
    after: tuple[date, str] | None,
    limit: int,
) -> list[StanceWithEvidence]:
    """Stances in date order (then slug); ``q`` searches summaries and evidence with full-text search.

    With ``as_recorded_at``, stances and evidence are read as the database stood at that moment.
    """
    stance = as_recorded(Stance, as_recorded_at)
    evidence = as_recorded(Evidence, as_recorded_at)
    actor = as_recorded(Actor, as_recorded_at)
    policy = as_recorded(Policy, as_recorded_at)
    query = _stance_query(stance, actor, policy).order_by(stance.stated_on, stance.slug).limit(limit + 1)
    if q:
        tsquery = func.websearch_to_tsquery(TEXT_SEARCH_CONFIG, q)
        query = query.where(
            or_(
                search_vector(stance.search_vector, stance.summary, as_recorded_at).op("@@")(tsquery),
                select(evidence.id)
                .where(
                    evidence.stance_id == stance.id,
                    search_vector(evidence.search_vector, evidence.text, as_recorded_at).op("@@")(tsquery),
                )
                .exists(),
            )
        )
    if actor_id is not None:
        query = query.where(stance.actor_id == actor_id)
    if policy_id is not None:
        query = query.where(stance.policy_id == policy_id)
    if topic_id is not None:
        query = query.where(
            select(policy_topic.c.policy_id)
            .where(policy_topic.c.policy_id == stance.policy_id, policy_topic.c.topic_id == topic_id)
            .exists()
        )
    if stated_from is not None:
        query = query.where(stance.stated_on >= stated_from)
    if stated_to is not None:
        query = query.where(stance.stated_on <= stated_to)
    if not include_retracted:
        query = query.where(stance.retracted_at.is_(None))
    if after is not None:
        query = query.where(tuple_(stance.stated_on, stance.slug) > tuple_(*after))
    rows = list((await session.execute(query)).all())
    return await _with_evidence(session, rows, as_recorded_at)


async def get_stance(session: AsyncSession, slug: str) -> StanceWithEvidence:
    row = (await session.execute(_stance_query().where(Stance.slug == slug))).one_or_none()
    if row is None:
        raise UnknownSlugs("stance", [slug])
    return (await _with_evidence(session, [row]))[0]

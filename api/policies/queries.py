"""SQL for policies and topics."""

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import UnknownSlugs
from api.identifiers import identifier_filter, identifiers_column, to_identifiers
from api.policies.schemas import PolicyDetail, PolicyRelationItem, PolicySummary, RelationDirection, Topic
from api.refs import PolicyRef
from db.models import Policy, PolicyRelation, policy_topic
from db.models import Topic as TopicRow
from db.snapshots import as_recorded


async def list_topics(session: AsyncSession) -> list[Topic]:
    rows = await session.execute(select(TopicRow.slug, TopicRow.name).order_by(TopicRow.slug))
    return [Topic(slug=row.slug, name=row.name) for row in rows]


async def get_topic(session: AsyncSession, slug: str) -> Topic:
    row = (await session.execute(select(TopicRow.slug, TopicRow.name).where(TopicRow.slug == slug))).one_or_none()
    if row is None:
        raise UnknownSlugs("topic", [slug])
    return Topic(slug=row.slug, name=row.name)


async def list_policies(
    session: AsyncSession,
    *,
    q: str | None,
    identifier: str | None = None,
    topic_id: int | None,
    jurisdiction: str | None,
    after: str | None,
    limit: int,
    as_recorded_at: datetime | None = None,
) -> list[PolicySummary]:
    policy = as_recorded(Policy, as_recorded_at)
    topics = (
        select(func.array_agg(func.distinct(TopicRow.slug)))
        .select_from(policy_topic.join(TopicRow, TopicRow.id == policy_topic.c.topic_id))
        .where(policy_topic.c.policy_id == policy.id)
        .scalar_subquery()
    )
    query = (
        select(
            policy.slug,
            policy.title,
            policy.summary,
            policy.jurisdiction,
            topics.label("topics"),
            identifiers_column(policy).label("identifiers"),
        )
        .order_by(policy.slug)
        .limit(limit + 1)
    )
    if q:
        pattern = f"%{q}%"
        query = query.where(or_(policy.title.ilike(pattern), policy.summary.ilike(pattern), policy.slug.ilike(pattern)))
    if identifier is not None:
        query = query.where(identifier_filter(policy, identifier))
    if topic_id is not None:
        query = query.where(
            select(policy_topic.c.policy_id)
            .where(policy_topic.c.policy_id == policy.id, policy_topic.c.topic_id == topic_id)
            .exists()
        )
    if jurisdiction is not None:
        query = query.where(policy.jurisdiction == jurisdiction)
    if after is not None:
        query = query.where(policy.slug > after)
    rows = (await session.execute(query)).all()
    return [
        PolicySummary(
            slug=row.slug,
            title=row.title,
            summary=row.summary,
            jurisdiction=row.jurisdiction,
            topics=sorted(row.topics or []),
            identifiers=to_identifiers(row.identifiers),
        )
        for row in rows
    ]


async def get_policy(session: AsyncSession, slug: str) -> PolicyDetail:
    policy = (
        await session.execute(
            select(
                Policy.id,
                Policy.slug,
                Policy.title,
                Policy.summary,
                Policy.jurisdiction,
                identifiers_column(Policy).label("identifiers"),
            ).where(Policy.slug == slug)
        )
    ).one_or_none()
    if policy is None:
        raise UnknownSlugs("policy", [slug])
    topics = await session.execute(
        select(TopicRow.slug, TopicRow.name)
        .join(policy_topic, policy_topic.c.topic_id == TopicRow.id)
        .where(policy_topic.c.policy_id == policy.id)
        .order_by(TopicRow.slug)
    )
    other = Policy.__table__.alias("other")
    relations = await session.execute(
        select(PolicyRelation.kind, PolicyRelation.note, PolicyRelation.subject_policy_id, other.c.slug, other.c.title)
        .join(
            other,
            other.c.id
            == func.coalesce(func.nullif(PolicyRelation.object_policy_id, policy.id), PolicyRelation.subject_policy_id),
        )
        .where(or_(PolicyRelation.subject_policy_id == policy.id, PolicyRelation.object_policy_id == policy.id))
        .order_by(PolicyRelation.kind, other.c.slug)
    )
    return PolicyDetail(
        slug=policy.slug,
        title=policy.title,
        summary=policy.summary,
        jurisdiction=policy.jurisdiction,
        identifiers=to_identifiers(policy.identifiers),
        topics=[Topic(slug=row.slug, name=row.name) for row in topics],
        relations=[
            PolicyRelationItem(
                kind=row.kind,
                direction=RelationDirection.OUTGOING
                if row.subject_policy_id == policy.id
                else RelationDirection.INCOMING,
                policy=PolicyRef(slug=row.slug, title=row.title),
                note=row.note,
            )
            for row in relations
        ],
    )

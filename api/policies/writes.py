"""Writing policies, their topics and relations (admin keys), each request in one transaction."""

from collections.abc import Container, Iterable

from sqlalchemy import delete, func, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.bodies import given_fields
from api.errors import InvalidField, Unprocessable
from api.identifiers import replace_identifiers
from api.policies.write_schemas import (
    PolicyCreate,
    PolicyRelationInput,
    PolicyRelationsReplace,
    PolicyUpdate,
    TopicCreate,
    TopicUpdate,
)
from api.slugs import ensure_slug_free, resolve_path_slug, slug_ids
from db.models import Policy, PolicyRelation, Topic, policy_topic


def topic_errors(slugs: Iterable[str], known: Container[str]) -> list[InvalidField]:
    """One error per unknown topic slug (shared with bulk imports, ``api.imports``)."""
    return [
        InvalidField(name="topics", location="body", message=f"unknown topic '{slug}'")
        for slug in slugs
        if slug not in known
    ]


def relation_errors(
    subject: str, relation: PolicyRelationInput, policies: Container[str], *, where: str = ""
) -> list[InvalidField]:
    """Why one relation of ``subject`` cannot be stored (shared with bulk imports, ``api.imports``)."""
    messages = [f"unknown policy '{relation.policy}'"] if relation.policy not in policies else []
    if relation.policy == subject:
        messages.append("a policy cannot relate to itself")
    return [InvalidField(name=f"{where}policy", location="body", message=message) for message in messages]


async def _replace_topics(session: AsyncSession, policy_id: int, slugs: list[str]) -> None:
    known = await slug_ids(session, Topic, slugs)
    errors = topic_errors(slugs, known)
    if errors:
        raise Unprocessable("Unknown topic(s); nothing was stored.", errors=errors)
    await session.execute(delete(policy_topic).where(policy_topic.c.policy_id == policy_id))
    if known:
        await session.execute(
            insert(policy_topic), [{"policy_id": policy_id, "topic_id": topic_id} for topic_id in set(known.values())]
        )


async def create_policy(session: AsyncSession, data: PolicyCreate) -> None:
    await ensure_slug_free(session, Policy, data.slug, resource="policy")
    policy_id = await session.scalar(
        insert(Policy)
        .values(slug=data.slug, title=data.title, summary=data.summary, jurisdiction=data.jurisdiction)
        .returning(Policy.id)
    )
    if policy_id is not None:
        await _replace_topics(session, policy_id, data.topics)
        await replace_identifiers(session, Policy, policy_id, data.identifiers)


async def update_policy(session: AsyncSession, slug: str, data: PolicyUpdate) -> None:
    policy_id = await resolve_path_slug(session, Policy, slug, resource="policy", for_update=True)
    changes = given_fields(data)
    topics = changes.pop("topics", None)
    identifiers = changes.pop("identifiers", None)
    # Always touch the policy row, so a topics-only change still leaves a revision with its author.
    await session.execute(update(Policy).where(Policy.id == policy_id).values(**changes, updated_at=func.now()))
    if topics is not None:
        await _replace_topics(session, policy_id, topics)
    if identifiers is not None:
        await replace_identifiers(session, Policy, policy_id, identifiers)


async def replace_relations(session: AsyncSession, slug: str, data: PolicyRelationsReplace) -> None:
    policy_id = await resolve_path_slug(session, Policy, slug, resource="policy", for_update=True)
    others = {relation.policy for relation in data.relations}
    known = await slug_ids(session, Policy, others)
    errors = [
        error
        for index, relation in enumerate(data.relations)
        for error in relation_errors(slug, relation, known, where=f"relations[{index}].")
    ]
    keys = [(relation.policy, relation.kind) for relation in data.relations]
    if len(set(keys)) != len(keys):
        errors.append(InvalidField(name="relations", location="body", message="duplicate policy and kind"))
    if errors:
        raise Unprocessable("The relations are invalid; nothing was stored.", errors=errors)
    await session.execute(delete(PolicyRelation).where(PolicyRelation.subject_policy_id == policy_id))
    if data.relations:
        await session.execute(
            insert(PolicyRelation),
            [
                {
                    "subject_policy_id": policy_id,
                    "object_policy_id": known[relation.policy],
                    "kind": relation.kind,
                    "note": relation.note,
                }
                for relation in data.relations
            ],
        )


async def create_topic(session: AsyncSession, data: TopicCreate) -> None:
    await ensure_slug_free(session, Topic, data.slug, resource="topic")
    await session.execute(insert(Topic).values(slug=data.slug, name=data.name))


async def update_topic(session: AsyncSession, slug: str, data: TopicUpdate) -> None:
    topic_id = await resolve_path_slug(session, Topic, slug, resource="topic", for_update=True)
    changes = given_fields(data)
    if changes:
        await session.execute(update(Topic).where(Topic.id == topic_id).values(**changes, updated_at=func.now()))

"""What the extractor knows: actors with their aliases and roles, and policies with their topics.

Read from the database for the API (``load_knowledge``) and from the seed files for the benchmark
(``knowledge_from_dataset``); both give the same ``Knowledge`` for the same data.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import Actor, ActorAlias, ActorRole, Policy, Topic, policy_topic
from seeds.schema import SeedDataset


@dataclass(frozen=True, slots=True)
class KnownRole:
    title: str
    organisation: str | None
    started_on: date | None
    ended_on: date | None

    def held_on(self, day: date) -> bool:
        return (self.started_on is None or self.started_on <= day) and (self.ended_on is None or day < self.ended_on)


@dataclass(frozen=True, slots=True)
class KnownActor:
    slug: str
    name: str
    kind: str
    country: str | None
    aliases: tuple[str, ...]
    roles: tuple[KnownRole, ...]


@dataclass(frozen=True, slots=True)
class KnownPolicy:
    slug: str
    title: str
    summary: str
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Knowledge:
    actors: tuple[KnownActor, ...]
    policies: tuple[KnownPolicy, ...]


async def load_knowledge(session: AsyncSession) -> Knowledge:
    """Every actor (aliases, roles) and policy (topic names), in four queries."""
    aliases: dict[int, list[str]] = {}
    for actor_id, alias in await session.execute(
        select(ActorAlias.actor_id, ActorAlias.alias).order_by(ActorAlias.actor_id, ActorAlias.alias)
    ):
        aliases.setdefault(actor_id, []).append(alias)
    organisation = aliased(Actor)
    roles: dict[int, list[KnownRole]] = {}
    for row in await session.execute(
        select(ActorRole.actor_id, ActorRole.title, organisation.slug, ActorRole.started_on, ActorRole.ended_on)
        .outerjoin(organisation, organisation.id == ActorRole.organisation_id)
        .order_by(ActorRole.actor_id, ActorRole.started_on.nulls_first(), ActorRole.title)
    ):
        roles.setdefault(row[0], []).append(KnownRole(row[1], row[2], row[3], row[4]))
    actors = tuple(
        KnownActor(
            slug=row.slug,
            name=row.name,
            kind=row.kind.value,
            country=row.country,
            aliases=tuple(aliases.get(row.id, ())),
            roles=tuple(roles.get(row.id, ())),
        )
        for row in await session.execute(
            select(Actor.id, Actor.slug, Actor.name, Actor.kind, Actor.country).order_by(Actor.slug)
        )
    )
    topics: dict[int, list[str]] = {}
    for policy_id, name in await session.execute(
        select(policy_topic.c.policy_id, Topic.name)
        .join(Topic, Topic.id == policy_topic.c.topic_id)
        .order_by(policy_topic.c.policy_id, Topic.slug)
    ):
        topics.setdefault(policy_id, []).append(name)
    policies = tuple(
        KnownPolicy(slug=row.slug, title=row.title, summary=row.summary, topics=tuple(topics.get(row.id, ())))
        for row in await session.execute(
            select(Policy.id, Policy.slug, Policy.title, Policy.summary).order_by(Policy.slug)
        )
    )
    return Knowledge(actors=actors, policies=policies)


def knowledge_from_dataset(dataset: SeedDataset) -> Knowledge:
    """The same knowledge, read from the seed files (``seeds.loader.read_dataset``), for runs without a database."""
    topic_names = {topic.slug: topic.name for topic in dataset.topics}
    actors = tuple(
        KnownActor(
            slug=actor.slug,
            name=actor.name,
            kind=actor.kind.value,
            country=actor.country,
            aliases=tuple(sorted(set(actor.aliases))),
            roles=tuple(
                sorted(
                    (KnownRole(r.title, r.organisation, r.started_on, r.ended_on) for r in actor.roles),
                    key=lambda role: (role.started_on is not None, role.started_on or date.min, role.title),
                )
            ),
        )
        for actor in sorted(dataset.actors, key=lambda a: a.slug)
    )
    policies = tuple(
        KnownPolicy(
            slug=policy.slug,
            title=policy.title,
            summary=policy.summary,
            topics=tuple(topic_names[slug] for slug in sorted(policy.topics)),
        )
        for policy in sorted(dataset.policies, key=lambda p: p.slug)
    )
    return Knowledge(actors=actors, policies=policies)

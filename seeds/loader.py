"""Load ``seeds/data/*.yaml`` into the database: idempotent, one transaction, clear errors.

Records are upserted on their natural keys (slugs; the role's actor, title and start date), and a row is
only written when a value differs, so loading the same files twice changes nothing (not even
``updated_at`` or the data version). The loader never deletes anything and never overwrites what an
editor wrote: a row whose revision history has another author than the loader (or the migration) is left
as the editor made it, and aliases, roles and topic links are only ever added (so a correction changes a
stance or its evidence in place, or adds evidence, and never drops an item from a stance's list). A
corrected stance carries a ``correction_reason``, which the revision history records beside the loader as
author. ``positions serve`` loads the seeds only into an empty database (``is_empty``).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import msgspec
import yaml
from sqlalchemy import ColumnElement, Table, and_, exists, func, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from db.base import Base
from db.models import (
    HISTORY_TABLES,
    Actor,
    ActorAlias,
    ActorRole,
    Evidence,
    Policy,
    PolicyRelation,
    Revision,
    Source,
    Stance,
    Topic,
    policy_topic,
)
from seeds.schema import (
    SeedActor,
    SeedDataset,
    SeedPolicy,
    SeedRecord,
    SeedRelation,
    SeedSource,
    SeedStance,
    SeedTopic,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
R = TypeVar("R", bound=SeedRecord)


class SeedError(Exception):
    """Bad seed data; the message names the file and the record."""


@dataclass(frozen=True, slots=True)
class LoadReport:
    sources: int
    actors: int
    policies: int
    stances: int
    evidence: int


def _table(model: type[Base]) -> Table:
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def _read_list(path: Path, key: str, record_type: type[R]) -> list[R]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SeedError(f"{path.name}: file not found in {path.parent}") from None
    except yaml.YAMLError as exc:
        raise SeedError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get(key), list):
        raise SeedError(f"{path.name}: expected a mapping with a list under '{key}'")
    records: list[R] = []
    for index, raw in enumerate(document[key], start=1):
        label = raw.get("slug") if isinstance(raw, dict) and raw.get("slug") else f"#{index}"
        try:
            records.append(msgspec.convert(raw, type=record_type, strict=False))
        except msgspec.ValidationError as exc:
            raise SeedError(f"{path.name}: {key} record {label}: {exc}") from None
    return records


def _unique(file: str, kind: str, slugs: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    for slug in slugs:
        if slug in seen:
            raise SeedError(f"{file}: duplicate {kind} slug '{slug}'")
        seen.add(slug)
    return seen


def read_dataset(data_dir: Path = DATA_DIR) -> SeedDataset:
    """Read and cross-check every seed file, raising ``SeedError`` on the first bad record."""
    dataset = SeedDataset(
        sources=_read_list(data_dir / "sources.yaml", "sources", SeedSource),
        actors=_read_list(data_dir / "actors.yaml", "actors", SeedActor),
        topics=_read_list(data_dir / "policies.yaml", "topics", SeedTopic),
        policies=_read_list(data_dir / "policies.yaml", "policies", SeedPolicy),
        relations=_read_list(data_dir / "policies.yaml", "relations", SeedRelation),
        stances=_read_list(data_dir / "stances.yaml", "stances", SeedStance),
    )
    _check_references(dataset)
    return dataset


def _check_references(data: SeedDataset) -> None:
    sources = _unique("sources.yaml", "source", (s.slug for s in data.sources))
    actors = _unique("actors.yaml", "actor", (a.slug for a in data.actors))
    topics = _unique("policies.yaml", "topic", (t.slug for t in data.topics))
    policies = _unique("policies.yaml", "policy", (p.slug for p in data.policies))
    _unique("stances.yaml", "stance", (s.slug for s in data.stances))

    def require(file: str, record: str, kind: str, slug: str | None, known: set[str]) -> None:
        if slug is not None and slug not in known:
            raise SeedError(f"{file}: {record}: unknown {kind} '{slug}'")

    for actor in data.actors:
        for role in actor.roles:
            require(
                "actors.yaml",
                f"actor {actor.slug}, role '{role.title}'",
                "organisation actor",
                role.organisation,
                actors,
            )
            if role.started_on and role.ended_on and role.ended_on < role.started_on:
                raise SeedError(f"actors.yaml: actor {actor.slug}, role '{role.title}': ended_on is before started_on")
        if actor.speaks_for is not None:
            require(
                "actors.yaml",
                f"actor {actor.slug}, speaks_for",
                "organisation actor",
                actor.speaks_for.organisation,
                actors,
            )
    for policy in data.policies:
        for topic in policy.topics:
            require("policies.yaml", f"policy {policy.slug}", "topic", topic, topics)
    for relation in data.relations:
        record = f"relation {relation.subject} {relation.kind.value} {relation.object}"
        require("policies.yaml", record, "policy", relation.subject, policies)
        require("policies.yaml", record, "policy", relation.object, policies)
        if relation.subject == relation.object:
            raise SeedError(f"policies.yaml: {record}: a policy cannot relate to itself")
    for stance in data.stances:
        record = f"stance {stance.slug}"
        require("stances.yaml", record, "actor", stance.actor, actors)
        require("stances.yaml", record, "policy", stance.policy, policies)
        if (stance.position is None) == (stance.ambiguity is None):
            raise SeedError(f"stances.yaml: {record}: give either a position or an ambiguity (mixed/unclear), not both")
        for index, evidence in enumerate(stance.evidence, start=1):
            where = f"{record}, evidence #{index}"
            start, end = evidence.char_start, evidence.char_end
            if (start is None) != (end is None) or (start is not None and end is not None and not 0 <= start < end):
                raise SeedError(f"stances.yaml: {where}: give both char_start and char_end, with start < end")
            require("stances.yaml", where, "source", evidence.source, sources)
            require("stances.yaml", where, "speaker actor", evidence.speaker, actors)


async def _upsert(
    connection: AsyncConnection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    key: Sequence[str] | None = None,
    constraint: str | None = None,
) -> None:
    """Insert rows, updating existing ones only where a value differs and no editor has changed them."""
    if not rows:
        return
    statement = insert(table).values(list(rows))
    conflict_keys = set(key or ())
    updatable = [name for name in rows[0] if name not in conflict_keys]
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=list(key) if key and constraint is None else None,
        constraint=constraint,
        set_={name: excluded[name] for name in updatable}
        | ({"updated_at": func.now()} if "updated_at" in table.c else {}),
        where=and_(
            tuple_(*(table.c[name] for name in updatable)).is_distinct_from(
                tuple_(*(excluded[name] for name in updatable))
            ),
            *([_not_edited(table)] if table.name in HISTORY_TABLES else []),
        ),
    )
    await connection.execute(statement)


LOADER_AUTHORS = ("seed-loader", "migration")


def _not_edited(table: Table) -> ColumnElement[bool]:
    """True for rows no one but the loader (or the migration) ever changed: an editor's change is never overwritten."""
    return ~exists().where(
        Revision.entity_type == table.name,
        Revision.entity_id == table.c.id,
        Revision.author.not_in(LOADER_AUTHORS),
    )


async def _edited_ids(connection: AsyncConnection, table: str) -> set[int]:
    """Ids of the rows of ``table`` that an editor changed (their aliases, roles and topics are the editor's too)."""
    rows = await connection.execute(
        select(Revision.entity_id)
        .where(Revision.entity_type == table, Revision.author.not_in(LOADER_AUTHORS))
        .distinct()
    )
    return set(rows.scalars())


async def is_empty(connection: AsyncConnection) -> bool:
    """Whether the database holds no records at all (the only state ``positions serve`` seeds)."""
    for model in (Actor, Policy, Source, Stance, Topic):
        if await connection.scalar(select(_table(model).c.id).limit(1)) is not None:
            return False
    return True


async def _ids(connection: AsyncConnection, table: Table) -> dict[str, int]:
    return {row.slug: row.id for row in await connection.execute(select(table.c.slug, table.c.id))}


async def load_dataset(connection: AsyncConnection, data: SeedDataset) -> LoadReport:
    """Write the dataset inside the caller's transaction; history records the author `seed-loader`."""
    await connection.execute(text("SELECT set_config('positions.author', 'seed-loader', true)"))
    await _upsert(connection, _table(Topic), [{"slug": t.slug, "name": t.name} for t in data.topics], key=["slug"])
    await _upsert(connection, _table(Source), [_source_row(s) for s in data.sources], key=["slug"])
    await _upsert(connection, _table(Actor), [_actor_row(a) for a in data.actors if a.speaks_for is None], key=["slug"])
    # an office speaking for another actor's office goes in once that actor has an id (no second write to it)
    actor_ids = await _ids(connection, _table(Actor))
    await _upsert(
        connection,
        _table(Actor),
        [_actor_row(a, actor_ids) for a in data.actors if a.speaks_for is not None],
        key=["slug"],
    )
    actor_ids = await _ids(connection, _table(Actor))
    edited_actors = await _edited_ids(connection, "actor")
    await _sync_aliases(connection, data.actors, actor_ids, edited_actors)
    await _sync_roles(connection, data.actors, actor_ids, edited_actors)
    await _upsert(
        connection,
        _table(Policy),
        [
            {"slug": p.slug, "title": p.title, "summary": p.summary, "jurisdiction": p.jurisdiction}
            for p in data.policies
        ],
        key=["slug"],
    )
    policy_ids = await _ids(connection, _table(Policy))
    await _sync_policy_topics(connection, data.policies, policy_ids, await _ids(connection, _table(Topic)))
    await _upsert(
        connection,
        _table(PolicyRelation),
        [
            {
                "subject_policy_id": policy_ids[r.subject],
                "object_policy_id": policy_ids[r.object],
                "kind": r.kind.value,
                "note": r.note,
            }
            for r in data.relations
        ],
        key=["subject_policy_id", "object_policy_id", "kind"],
    )
    evidence_count = await _upsert_stances(connection, data.stances, actor_ids, policy_ids)
    return LoadReport(
        sources=len(data.sources),
        actors=len(data.actors),
        policies=len(data.policies),
        stances=len(data.stances),
        evidence=evidence_count,
    )


def _source_row(source: SeedSource) -> dict[str, Any]:
    return {
        "slug": source.slug,
        "kind": source.kind.value,
        "title": source.title,
        "title_inferred": source.title_inferred,
        "publisher": source.publisher,
        "publisher_inferred": source.publisher_inferred,
        "author": source.author,
        "url": source.url,
        "published_on": source.published_on,
        "published_on_precision": source.published_on_precision.value,
        "published_on_inferred": source.published_on_inferred,
        "provenance_note": source.provenance_note,
        "content_sha256": source.content_sha256,
    }


async def _sync_aliases(
    connection: AsyncConnection, actors: list[SeedActor], actor_ids: dict[str, int], edited: set[int]
) -> None:
    table = _table(ActorAlias)
    wanted = {(actor_ids[a.slug], alias) for a in actors for alias in a.aliases if actor_ids[a.slug] not in edited}
    seeded = [actor_ids[a.slug] for a in actors]
    existing = {
        (row.actor_id, row.alias)
        for row in await connection.execute(select(table.c.actor_id, table.c.alias).where(table.c.actor_id.in_(seeded)))
    }
    missing = sorted(wanted - existing)
    if missing:
        await connection.execute(insert(table).values([{"actor_id": a, "alias": alias} for a, alias in missing]))


async def _sync_roles(
    connection: AsyncConnection, actors: list[SeedActor], actor_ids: dict[str, int], edited: set[int]
) -> None:
    table = _table(ActorRole)
    rows = [
        {
            "actor_id": actor_ids[a.slug],
            "title": role.title,
            "started_on": role.started_on,
            "organisation_id": actor_ids[role.organisation] if role.organisation else None,
            "ended_on": role.ended_on,
            "sole_holder": role.sole_holder,
        }
        for a in actors
        if actor_ids[a.slug] not in edited
        for role in a.roles
    ]
    await _upsert(
        connection,
        table,
        rows,
        key=["actor_id", "title", "organisation_id", "started_on"],
        constraint="uq_actor_role_actor_id_title_organisation_id_started_on",
    )


def _actor_row(actor: SeedActor, actor_ids: dict[str, int] | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "slug": actor.slug,
        "name": actor.name,
        "kind": actor.kind.value,
        "description": actor.description,
        "country": actor.country,
    }
    if actor.speaks_for is not None and actor_ids is not None:
        row["speaks_for_organisation_id"] = actor_ids[actor.speaks_for.organisation]
        row["speaks_for_title"] = actor.speaks_for.title
    return row


async def _sync_policy_topics(
    connection: AsyncConnection, policies: list[SeedPolicy], policy_ids: dict[str, int], topic_ids: dict[str, int]
) -> None:
    edited = await _edited_ids(connection, "policy")
    wanted = {
        (policy_ids[p.slug], topic_ids[t]) for p in policies if policy_ids[p.slug] not in edited for t in p.topics
    }
    seeded = [policy_ids[p.slug] for p in policies]
    existing = {
        (row.policy_id, row.topic_id)
        for row in await connection.execute(
            select(policy_topic.c.policy_id, policy_topic.c.topic_id).where(policy_topic.c.policy_id.in_(seeded))
        )
    }
    missing = sorted(wanted - existing)
    if missing:
        await connection.execute(insert(policy_topic).values([{"policy_id": p, "topic_id": t} for p, t in missing]))


def evidence_slug(stance_slug: str, index: int) -> str:
    """Seeded evidence is keyed by its stance and its position in the stance's list (1-based)."""
    return f"{stance_slug}-e{index}"


def _stance_row(stance: SeedStance, actor_ids: dict[str, int], policy_ids: dict[str, int]) -> dict[str, Any]:
    return {
        "slug": stance.slug,
        "actor_id": actor_ids[stance.actor],
        "policy_id": policy_ids[stance.policy],
        "position": stance.position,
        "ambiguity": stance.ambiguity.value if stance.ambiguity else None,
        "stated_on": stance.stated_on,
        "stated_on_precision": stance.stated_on_precision.value,
        "stated_on_inferred": stance.stated_on_inferred,
        "summary": stance.summary,
    }


def _evidence_rows(
    stance: SeedStance, stance_id: int, actor_ids: dict[str, int], source_ids: dict[str, int]
) -> list[dict[str, Any]]:
    return [
        {
            "slug": evidence_slug(stance.slug, index),
            "stance_id": stance_id,
            "source_id": source_ids[e.source],
            "kind": e.kind.value,
            "text": e.text,
            "speaker_actor_id": actor_ids[e.speaker] if e.speaker else None,
            "char_start": e.char_start,
            "char_end": e.char_end,
        }
        for index, e in enumerate(stance.evidence, start=1)
    ]


async def _set_reason(connection: AsyncConnection, reason: str) -> None:
    """The reason the revision trigger records for the writes that follow ('' records none)."""
    await connection.execute(text("SELECT set_config('positions.reason', :reason, true)").bindparams(reason=reason))


async def _upsert_stances(
    connection: AsyncConnection, stances: list[SeedStance], actor_ids: dict[str, int], policy_ids: dict[str, int]
) -> int:
    """Upsert stances and their evidence. A stance already in the database that carries a
    ``correction_reason`` is written on its own with that reason set, so the revisions its correction
    causes (if any: an unchanged row writes nothing) record why; a first load records no reason."""
    stance_table, evidence_table = _table(Stance), _table(Evidence)
    existing = await _ids(connection, stance_table)
    corrected = [s for s in stances if s.correction_reason and s.slug in existing]
    corrected_slugs = {s.slug for s in corrected}
    plain = [s for s in stances if s.slug not in corrected_slugs]
    source_ids = await _ids(connection, _table(Source))

    await _upsert(connection, stance_table, [_stance_row(s, actor_ids, policy_ids) for s in plain], key=["slug"])
    stance_ids = await _ids(connection, stance_table)
    rows = [row for s in plain for row in _evidence_rows(s, stance_ids[s.slug], actor_ids, source_ids)]
    await _upsert(connection, evidence_table, rows, key=["slug"])
    count = len(rows)

    for stance in corrected:
        await _set_reason(connection, stance.correction_reason or "")
        await _upsert(connection, stance_table, [_stance_row(stance, actor_ids, policy_ids)], key=["slug"])
        rows = _evidence_rows(stance, stance_ids[stance.slug], actor_ids, source_ids)
        await _upsert(connection, evidence_table, rows, key=["slug"])
        count += len(rows)
    if corrected:
        await _set_reason(connection, "")
    return count

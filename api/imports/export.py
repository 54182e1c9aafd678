"""Exporting the dataset as a bundle: the records ``api.imports.importer`` loads, in the order it applies them.

``export_bundle`` yields encoded lines from one REPEATABLE READ snapshot, reading stances in batches through a
cursor, so a dataset of any size is written without being held in memory. With ``as_recorded`` the stances,
evidence, actors, policies and sources are those recorded at that moment (``db.snapshots``); aliases, external
identifiers, roles, topics, relations and division links are read as they are now, as everywhere in the API.
"""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from api.imports.bundle import (
    ActorRecord,
    DivisionPolicyRecord,
    PolicyRecord,
    RelationRecord,
    RoleRecord,
    SourceRecord,
    StanceRecord,
    TopicRecord,
    encode_record,
)
from db.snapshots import recorded_moment, relations

BATCH = 2_000


def _identifiers(kind: str, alias: str) -> str:
    """A record's external identifiers as a JSON array, ordered by scheme and identifier."""
    return (
        "coalesce((SELECT json_agg(json_build_object('scheme', i.scheme, 'identifier', i.identifier) "
        f"ORDER BY i.scheme, i.identifier) FROM {kind}_identifier i WHERE i.{kind}_id = {alias}.id), '[]') "
        "AS identifiers"
    )


def _row(row: Any) -> dict[str, Any]:  # noqa: ANN401  (an asyncpg record)
    values = dict(row)
    for name in ("identifiers", "division", "evidence", "speaks_for"):
        if name in values:
            values[name] = _decode(values[name])
    return values


def _decode(value: Any) -> Any:  # noqa: ANN401  (JSON from PostgreSQL)
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


async def export_bundle(conn: asyncpg.Connection, as_recorded: datetime | None = None) -> AsyncIterator[bytes]:
    """Every record of the dataset as bundle lines, in one consistent snapshot."""
    moment = recorded_moment(as_recorded) if as_recorded is not None else None
    t = relations("$1" if moment is not None else None)
    args: tuple[Any, ...] = (moment,) if moment is not None else ()
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        for row in await conn.fetch("SELECT slug, name FROM topic ORDER BY slug"):
            yield encode_record(TopicRecord(slug=row["slug"], name=row["name"]))
        actors = await conn.fetch(
            f"SELECT a.slug, a.name, a.kind, a.description, a.country, "
            "coalesce((SELECT array_agg(al.alias ORDER BY al.alias) FROM actor_alias al WHERE al.actor_id = a.id), "
            f"'{{}}') AS aliases, {_identifiers('actor', 'a')}, "
            "(SELECT json_build_object('organisation', o.slug, 'title', a.speaks_for_title) FROM actor o "
            f"WHERE o.id = a.speaks_for_organisation_id) AS speaks_for FROM {t['actor']} a ORDER BY a.id",
            *args,
        )
        for row in actors:
            yield encode_record(msgspec.convert(_row(row), ActorRecord))
        roles = await conn.fetch(
            f"SELECT a.slug AS actor, r.title, o.slug AS organisation, r.started_on, r.ended_on, r.sole_holder "
            f"FROM actor_role r JOIN {t['actor']} a ON a.id = r.actor_id "
            f"LEFT JOIN {t['actor']} o ON o.id = r.organisation_id ORDER BY r.id",
            *args,
        )
        for row in roles:
            yield encode_record(msgspec.convert(dict(row), RoleRecord))
        policies = await conn.fetch(
            f"SELECT p.slug, p.title, p.summary, p.jurisdiction, "
            "coalesce((SELECT array_agg(tp.slug ORDER BY tp.slug) FROM policy_topic pt "
            "JOIN topic tp ON tp.id = pt.topic_id WHERE pt.policy_id = p.id), '{}') AS topics, "
            f"{_identifiers('policy', 'p')} FROM {t['policy']} p ORDER BY p.id",
            *args,
        )
        for row in policies:
            yield encode_record(msgspec.convert(_row(row), PolicyRecord))
        relation_rows = await conn.fetch(
            f"SELECT s.slug AS subject, r.kind, o.slug AS policy, r.note FROM policy_relation r "
            f"JOIN {t['policy']} s ON s.id = r.subject_policy_id JOIN {t['policy']} o ON o.id = r.object_policy_id "
            "ORDER BY r.id",
            *args,
        )
        for row in relation_rows:
            yield encode_record(msgspec.convert(dict(row), RelationRecord))
        sources = await conn.fetch(
            "SELECT slug, kind, title, title_inferred, publisher, publisher_inferred, author, url, published_on, "
            "published_on_precision, published_on_inferred, provenance_note, text, "
            "CASE WHEN text IS NULL THEN content_sha256 END AS content_sha256, "
            "CASE WHEN division_number IS NOT NULL THEN json_build_object('number', division_number, "
            "'chamber', division_chamber, 'question', division_question, 'declared_ayes', declared_ayes, "
            f"'declared_noes', declared_noes) END AS division, {_identifiers('source', 's')} "
            f"FROM {t['source']} s ORDER BY id",
            *args,
        )
        for row in sources:
            yield encode_record(msgspec.convert(_row(row), SourceRecord))
        links = await conn.fetch(
            "SELECT s.slug AS division, p.slug AS policy, d.aye_position, d.note FROM division_policy d "
            f"JOIN {t['source']} s ON s.id = d.source_id JOIN {t['policy']} p ON p.id = d.policy_id ORDER BY d.id",
            *args,
        )
        for row in links:
            yield encode_record(msgspec.convert(dict(row), DivisionPolicyRecord))
        async for line in _stances(conn, t, args):
            yield line


async def _stances(conn: asyncpg.Connection, t: dict[str, str], args: tuple[Any, ...]) -> AsyncIterator[bytes]:
    query = (
        "SELECT s.slug, a.slug AS actor, p.slug AS policy, s.position, s.ambiguity, s.stated_on, "
        "s.stated_on_precision, s.stated_on_inferred, s.summary, s.retracted_at, s.retraction_reason, "
        "(SELECT json_agg(json_build_object('kind', e.kind, 'text', e.text, 'source', src.slug, "
        "'speaker', sp.slug, 'char_start', e.char_start, 'char_end', e.char_end, 'vote', e.vote_option) "
        "ORDER BY length(e.slug), e.slug) "
        f"FROM {t['evidence']} e JOIN {t['source']} src ON src.id = e.source_id "
        f"LEFT JOIN {t['actor']} sp ON sp.id = e.speaker_actor_id WHERE e.stance_id = s.id) AS evidence "
        f"FROM {t['stance']} s JOIN {t['actor']} a ON a.id = s.actor_id JOIN {t['policy']} p ON p.id = s.policy_id "
        "ORDER BY s.id"
    )
    async for row in conn.cursor(query, *args, prefetch=BATCH):
        values = dict(row)
        values["evidence"] = _decode(values["evidence"]) or []
        yield encode_record(msgspec.convert(values, StanceRecord))

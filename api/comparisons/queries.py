"""SQL for comparisons, run on the asyncpg connection directly: these are the hot paths.

One query finds every effective stance (latest stated on or before each date, not retracted by then) with
its policy, evidence, source and speaker; Python then arranges the rows.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import asyncpg

from api.comparisons.schemas import EffectiveStance
from api.errors import UnknownSlugs
from api.evidence.schemas import EvidenceItem
from api.refs import ActorRef, PolicyRef, SourceRef, position_label
from db.enums import ActorKind, DatePrecision, EvidenceKind
from db.snapshots import recorded_sql


def as_recorded_relation(table: str, parameter: int) -> str:
    """``table`` as it stood at the timestamp in ``$parameter``, rebuilt from the revision history."""
    if table not in {"stance", "evidence", "actor", "policy", "source"}:
        raise ValueError(table)
    return f"({recorded_sql(table, f'${parameter}')})"


# Enum members by stored value: a dict lookup per row instead of an Enum call.
ACTOR_KINDS = {member.value: member for member in ActorKind}
EVIDENCE_KINDS = {member.value: member for member in EvidenceKind}
PRECISIONS = {member.value: member for member in DatePrecision}

LIVE_TABLES = {name: name for name in ("stance", "evidence", "actor", "policy", "source")}


def recorded_tables(parameter: int) -> dict[str, str]:
    """Every table the comparison reads, as recorded at the timestamp in ``$parameter``."""
    return {name: as_recorded_relation(name, parameter) for name in LIVE_TABLES}


EFFECTIVE_SQL = """
WITH effective AS (
    SELECT DISTINCT ON (d.as_of, s.actor_id, s.policy_id)
           d.as_of, s.id, s.actor_id, s.policy_id, s.slug, s.position, s.ambiguity, s.stated_on,
           s.stated_on_precision, s.stated_on_inferred, s.summary,
           (s.retracted_at AT TIME ZONE 'UTC')::date AS retracted_on
    FROM unnest($1::date[]) AS d(as_of)
    JOIN {stance} s ON s.stated_on <= d.as_of
    WHERE (s.retracted_at IS NULL OR (s.retracted_at AT TIME ZONE 'UTC')::date > d.as_of)
      {filters}
    ORDER BY d.as_of, s.actor_id, s.policy_id, s.stated_on DESC, s.id DESC
)
SELECT e.as_of, e.id, e.actor_id, e.policy_id, e.slug, e.position, e.ambiguity, e.stated_on,
       e.stated_on_precision, e.stated_on_inferred, e.summary, e.retracted_on,
       p.slug AS policy_slug, p.title AS policy_title,
       a.slug AS actor_slug, a.name AS actor_name, a.kind AS actor_kind,
       ev.slug AS evidence_slug, ev.kind AS evidence_kind, ev.text AS evidence_text,
       ev.char_start, ev.char_end,
       sp.slug AS speaker_slug, sp.name AS speaker_name, sp.kind AS speaker_kind,
       src.slug AS source_slug, src.title AS source_title, src.publisher, src.author, src.url,
       src.published_on, src.published_on_inferred
FROM effective e
JOIN {policy} p ON p.id = e.policy_id
JOIN {actor} a ON a.id = e.actor_id
LEFT JOIN {evidence} ev ON ev.stance_id = e.id
LEFT JOIN {source} src ON src.id = ev.source_id
LEFT JOIN {actor} sp ON sp.id = ev.speaker_actor_id
ORDER BY p.slug, e.as_of, a.slug, ev.id
"""

TIMELINE_SQL = """
SELECT s.id, s.slug, s.position, s.ambiguity, s.stated_on, s.stated_on_precision, s.stated_on_inferred,
       s.summary, s.retracted_at IS NOT NULL AS retracted,
       a.slug AS actor_slug, a.name AS actor_name, a.kind AS actor_kind,
       ev.slug AS evidence_slug, ev.kind AS evidence_kind, ev.text AS evidence_text, ev.char_start, ev.char_end,
       sp.slug AS speaker_slug, sp.name AS speaker_name, sp.kind AS speaker_kind,
       src.slug AS source_slug, src.title AS source_title, src.publisher, src.author, src.url,
       src.published_on, src.published_on_inferred
FROM {stance} s
JOIN {actor} a ON a.id = s.actor_id
LEFT JOIN {evidence} ev ON ev.stance_id = s.id
LEFT JOIN {source} src ON src.id = ev.source_id
LEFT JOIN {actor} sp ON sp.id = ev.speaker_actor_id
WHERE s.policy_id = $1 AND ($2 OR s.retracted_at IS NULL)
ORDER BY s.stated_on, s.id, ev.id
"""


@dataclass(slots=True)
class Found:
    """Effective stances keyed by (as_of, actor id, policy id), with the refs the rows mention."""

    stances: dict[tuple[date, int, int], EffectiveStance] = field(default_factory=dict)
    policies: dict[int, PolicyRef] = field(default_factory=dict)
    actors: dict[int, ActorRef] = field(default_factory=dict)
    retracted_on: dict[str, date] = field(default_factory=dict)
    """The day each found stance was (later) retracted, by stance slug, for `dropped` changes."""


def _evidence(row: asyncpg.Record) -> EvidenceItem:
    return EvidenceItem(
        slug=row["evidence_slug"],
        kind=EVIDENCE_KINDS[row["evidence_kind"]],
        text=row["evidence_text"],
        speaker=ActorRef(slug=row["speaker_slug"], name=row["speaker_name"], kind=ACTOR_KINDS[row["speaker_kind"]])
        if row["speaker_slug"] is not None
        else None,
        source=SourceRef(
            slug=row["source_slug"],
            title=row["source_title"],
            publisher=row["publisher"],
            author=row["author"],
            url=row["url"],
            published_on=row["published_on"],
            published_on_inferred=row["published_on_inferred"],
        ),
        char_start=row["char_start"],
        char_end=row["char_end"],
    )


def _stance(row: asyncpg.Record) -> EffectiveStance:
    return EffectiveStance(
        slug=row["slug"],
        position=row["position"],
        label=position_label(row["position"], row["ambiguity"]),
        stated_on=row["stated_on"],
        stated_on_precision=PRECISIONS[row["stated_on_precision"]],
        stated_on_inferred=row["stated_on_inferred"],
        summary=row["summary"],
        evidence=[],
    )


async def effective_stances(
    connection: asyncpg.Connection,
    dates: Sequence[date],
    *,
    actor_ids: Sequence[int] | None = None,
    policy_ids: Sequence[int] | None = None,
    topic_id: int | None = None,
    as_recorded: datetime | None = None,
) -> Found:
    """Every effective stance as of each date, for the given actors, policies and topic.

    With ``as_recorded``, stances and evidence are read as the database stood at that moment.
    """
    filters: list[str] = []
    args: list[object] = [list(dates)]
    tables = LIVE_TABLES
    if as_recorded is not None:
        args.append(as_recorded)
        tables = recorded_tables(len(args))
    if actor_ids is not None:
        args.append(list(actor_ids))
        filters.append(f"AND s.actor_id = ANY(${len(args)}::bigint[])")
    if policy_ids is not None:
        args.append(list(policy_ids))
        filters.append(f"AND s.policy_id = ANY(${len(args)}::bigint[])")
    if topic_id is not None:
        args.append(topic_id)
        filters.append(
            "AND EXISTS (SELECT 1 FROM policy_topic pt"
            f" WHERE pt.policy_id = s.policy_id AND pt.topic_id = ${len(args)})"
        )
    found = Found()
    sql = EFFECTIVE_SQL.format(filters="\n      ".join(filters), **tables)
    for row in await connection.fetch(sql, *args):
        key = (row["as_of"], row["actor_id"], row["policy_id"])
        stance = found.stances.get(key)
        if stance is None:
            stance = found.stances[key] = _stance(row)
            if row["retracted_on"] is not None:
                found.retracted_on[row["slug"]] = row["retracted_on"]
            found.policies.setdefault(row["policy_id"], PolicyRef(slug=row["policy_slug"], title=row["policy_title"]))
            found.actors.setdefault(
                row["actor_id"],
                ActorRef(slug=row["actor_slug"], name=row["actor_name"], kind=ACTOR_KINDS[row["actor_kind"]]),
            )
        if row["evidence_slug"] is not None:
            stance.evidence.append(_evidence(row))
    return found


@dataclass(slots=True)
class TimelineRow:
    actor: ActorRef
    stance: EffectiveStance
    retracted: bool


async def policy_timeline(
    connection: asyncpg.Connection, policy_id: int, *, include_retracted: bool, as_recorded: datetime | None = None
) -> list[TimelineRow]:
    entries: dict[int, TimelineRow] = {}
    args: list[object] = [policy_id, include_retracted]
    tables = LIVE_TABLES
    if as_recorded is not None:
        args.append(as_recorded)
        tables = recorded_tables(3)
    for row in await connection.fetch(TIMELINE_SQL.format(**tables), *args):
        entry = entries.get(row["id"])
        if entry is None:
            entry = entries[row["id"]] = TimelineRow(
                actor=ActorRef(slug=row["actor_slug"], name=row["actor_name"], kind=ACTOR_KINDS[row["actor_kind"]]),
                stance=_stance(row),
                retracted=row["retracted"],
            )
        if row["evidence_slug"] is not None:
            entry.stance.evidence.append(_evidence(row))
    return list(entries.values())


async def data_version(connection: asyncpg.Connection) -> int:
    version: int = await connection.fetchval("SELECT version FROM data_version WHERE id = 1")
    return version


async def version_and_actors(
    connection: asyncpg.Connection, slugs: Sequence[str], *, parameter: str
) -> tuple[int, list[tuple[int, ActorRef]]]:
    """The data version and the actors in the order given (404 naming every unknown slug), in one round trip."""
    rows = await connection.fetch(
        "SELECT d.version, a.id, a.slug, a.name, a.kind FROM data_version d "
        "LEFT JOIN actor a ON a.slug = ANY($1::text[]) WHERE d.id = 1",
        list(slugs),
    )
    by_slug = {row["slug"]: row for row in rows if row["slug"] is not None}
    missing = [slug for slug in slugs if slug not in by_slug]
    if missing:
        raise UnknownSlugs("actor", missing, location="query", name=parameter)
    actors = [
        (by_slug[s]["id"], ActorRef(slug=s, name=by_slug[s]["name"], kind=ACTOR_KINDS[by_slug[s]["kind"]]))
        for s in slugs
    ]
    return rows[0]["version"], actors


async def resolve_ids(
    connection: asyncpg.Connection,
    table: str,
    slugs: Sequence[str],
    *,
    resource: str,
    parameter: str,
    location: str = "query",
) -> dict[str, int]:
    """Map slugs of ``policy`` or ``topic`` rows to ids, or 404 naming every unknown slug."""
    if table not in {"policy", "topic"}:
        raise ValueError(table)
    rows = await connection.fetch(f"SELECT id, slug FROM {table} WHERE slug = ANY($1::text[])", list(slugs))
    found = {row["slug"]: row["id"] for row in rows}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise UnknownSlugs(resource, missing, location=location, name=parameter)
    return found


async def policy_ref(connection: asyncpg.Connection, slug: str) -> tuple[int, PolicyRef]:
    row = await connection.fetchrow("SELECT id, slug, title FROM policy WHERE slug = $1", slug)
    if row is None:
        raise UnknownSlugs("policy", [slug])
    return row["id"], PolicyRef(slug=row["slug"], title=row["title"])

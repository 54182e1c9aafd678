"""Loading a bundle: every record validated as the write API validates it, then upserted set-based.

``run_import`` works in its caller's transaction on one asyncpg connection, in two passes over a bundle file
(never held whole in memory): the first decodes every line and keeps the small records (topics, actors,
roles, policies, relations, sources, division links), which, once references by external identifier are
resolved (``api.imports.references``), are validated in dependency order and upserted from staging tables;
the second decodes the stances again, validates each with ``api.stances.writes.stance_errors`` (and its
recorded votes with ``api.imports.votes``) and COPYs the good ones into staging tables, from which two
statements per table update what differs and insert what is new. With ``positions.bulk`` on, the row triggers
leave `create` revisions to the importer (written from the inserted rows, the same JSON) and the statement
triggers leave the data version alone: the import bumps it once. Nothing is committed here; the caller rolls
back on ``ImportRejected`` and for dry runs.
"""

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import msgspec

from api.actors.writes import period_text, periods_overlap, role_errors
from api.divisions.rules import contradiction
from api.errors import InvalidField
from api.imports import rebuild
from api.imports.bundle import (
    ADMIN_TYPES,
    ActorRecord,
    DivisionPolicyRecord,
    Record,
    RecordError,
    RelationRecord,
    RoleRecord,
    SourceRecord,
    StanceRecord,
    decode_line,
    record_key,
)
from api.imports.references import Key, references, resolve, rewrite
from api.imports.schemas import ImportCounts, TypeCounts
from api.imports.votes import BundleVotes
from api.policies.writes import relation_errors, topic_errors
from api.sources.writes import division_errors
from api.stances.writes import stance_errors
from db.enums import Ambiguity, SourceKind, VoteOption
from db.models import HISTORY_TABLES

STAGE_BATCH = 5_000
DIVISION = SourceKind.PARLIAMENTARY_DIVISION
SHOWN = 5
"""How many stances an error about a division link names before saying how many more there are."""

Progress = Callable[[int, int], None]
"""Called with (lines read, bytes read) as the bundle is read; each pass reports from zero."""


@dataclass(frozen=True, slots=True)
class ImportOptions:
    author: str
    admin: bool
    partial: bool = False
    dry_run: bool = False
    import_id: int | None = None
    progress: Progress | None = None


@dataclass(slots=True)
class ImportResult:
    records: int = 0
    counts: dict[str, TypeCounts] = field(default_factory=dict)
    errors: list[RecordError] = field(default_factory=list)
    changed: bool = False
    data_version: int | None = None

    def count(self, kind: str) -> TypeCounts:
        return self.counts.setdefault(kind, TypeCounts())

    def reject(self, error: RecordError) -> None:
        self.errors.append(error)
        self.count(error.type or "unknown").rejected += 1


class ImportRejected(Exception):
    """Some records are invalid and the import is all or nothing: roll back; ``result.errors`` names them."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__(f"{len(result.errors)} invalid record(s)")
        self.result = result


@dataclass(frozen=True, slots=True)
class SourceFacts:
    """What stance validation reads of a cited source."""

    published_on: date | None
    published_on_precision: str
    text: str | None


def bundle_lines(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, bytes]]:
    """(line number, line) for each non-blank line of the bundle."""
    read = number = 0
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            read += len(raw)
            if progress is not None and number % 10_000 == 0:
                progress(number, read)
            line = raw.strip()
            if line:
                yield number, line
    if progress is not None:
        progress(number, read)


def _invalid(line: int, record: object, kind: str, errors: list[InvalidField]) -> RecordError:
    return RecordError(line=line, type=kind, key=record_key(record), errors=errors)


@dataclass(slots=True)
class _Records:
    """The small records of a bundle, by type, each with its line (the first of each key; later ones rejected)."""

    by_type: dict[str, dict[object, tuple[int, Any]]] = field(default_factory=dict)
    cited_sources: set[str] = field(default_factory=set)
    stance_lines: int = 0
    taken: list[tuple[int, Record]] = field(default_factory=list)
    """The small records as decoded, before repeated keys are rejected (``_collect``)."""
    pending: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    """Small records that refer to others by identifier, decoded once those are resolved."""
    wanted: set[Key] = field(default_factory=set)
    cited_refs: set[Key] = field(default_factory=set)
    """Sources stances cite by identifier."""

    def valid(self, kind: str) -> list[tuple[int, Any]]:
        return list(self.by_type.get(kind, {}).values())


def _unique_key(record: Record) -> object:
    if isinstance(record, RoleRecord):
        return (record.actor, record.title, record.organisation, record.started_on)
    if isinstance(record, RelationRecord):
        return (record.subject, record.policy, record.kind)
    if isinstance(record, DivisionPolicyRecord):
        return (record.division, record.policy)
    return record.slug


def _with_references(raw: bytes) -> dict[str, Any] | None:
    """The line as a JSON object when it refers to a record by external identifier, else None."""
    if b'"scheme"' not in raw:
        return None
    try:
        value = msgspec.json.decode(raw)
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) and references(value) else None


def _take(
    line: int, record: Record | RecordError, options: ImportOptions, result: ImportResult, records: _Records
) -> None:
    if isinstance(record, RecordError):
        result.reject(record)
        return
    kind = str(record.__struct_config__.tag)
    if kind in ADMIN_TYPES and not options.admin:
        message = f"importing {kind} records needs an admin key; this key has the editor scope"
        result.reject(_invalid(line, record, kind, [InvalidField(name="type", location="body", message=message)]))
        return
    if isinstance(record, StanceRecord):
        records.stance_lines += 1
        records.cited_sources.update(item.source for item in record.evidence)
        return
    records.taken.append((line, record))


class _StanceSkim(msgspec.Struct):
    """What the first pass reads of a stance line: that it is one, and the sources its evidence cites."""

    type: Any = None
    evidence: Any = None


class _Kind(msgspec.Struct):
    type: Any = None


_skim = msgspec.json.Decoder(_StanceSkim)
_kind = msgspec.json.Decoder(_Kind)


def _is_stance(raw: bytes) -> bool:
    """Whether ``_cited_by_stance`` reads the line as a stance (only its type decoded)."""
    if b'"stance"' not in raw:
        return False
    try:
        return bool(_kind.decode(raw).type == "stance")
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError, UnicodeDecodeError):
        return False


def _cited_by_stance(raw: bytes) -> list[str] | None:
    """The source slugs a stance line cites, or None when the line is not (readably) a stance: the first pass
    leaves stances to the second, which decodes, validates and reports them."""
    if b'"stance"' not in raw:
        return None
    try:
        skim = _skim.decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError, UnicodeDecodeError):
        return None
    if skim.type != "stance":
        return None
    evidence = skim.evidence if isinstance(skim.evidence, list) else []
    return [item["source"] for item in evidence if isinstance(item, dict) and isinstance(item.get("source"), str)]


def _first_pass(path: Path, options: ImportOptions, result: ImportResult) -> _Records:
    records = _Records()
    for line, raw in bundle_lines(path, options.progress):
        result.records += 1
        value = _with_references(raw)
        if value is None:
            cited = _cited_by_stance(raw)
            if cited is None:
                _take(line, decode_line(line, raw), options, result, records)
            else:
                records.stance_lines += 1
                records.cited_sources.update(cited)
            continue
        found = references(value)
        records.wanted.update(key for _, key in found)
        if value.get("type") != "stance":
            records.pending.append((line, value))
            continue
        records.stance_lines += 1  # decoded and reported by the second pass
        records.cited_refs.update(key for name, key in found if name.endswith(".source"))
        evidence = value.get("evidence")
        for item in evidence if isinstance(evidence, list) else []:
            if isinstance(item, dict) and isinstance(item.get("source"), str):
                records.cited_sources.add(item["source"])
    return records


def _bundle_identifiers(records: _Records) -> dict[Key, str]:
    """The identifiers the bundle's actor, policy and source records give, each to the first record giving it."""
    given: dict[Key, str] = {}
    for _, record in sorted(records.taken, key=lambda taken: taken[0]):
        kind = str(record.__struct_config__.tag)
        for item in getattr(record, "identifiers", ()):
            given.setdefault((kind, item.scheme, item.identifier), record.slug)  # type: ignore[union-attr]
    return given


async def _resolve_references(
    conn: asyncpg.Connection, records: _Records, options: ImportOptions, result: ImportResult
) -> dict[Key, str]:
    """Resolve every reference by identifier in one step, decode the records that had them, then keep the first
    record of each key (later ones rejected)."""
    resolved = await resolve(conn, records.wanted, _bundle_identifiers(records)) if records.wanted else {}
    for line, value in records.pending:
        errors = rewrite(value, resolved)
        if errors:
            kind = value.get("type")
            result.reject(RecordError(line=line, type=str(kind), key=record_key(value), errors=errors))
            continue
        _take(line, decode_line(line, msgspec.json.encode(value)), options, result, records)
    records.cited_sources.update(resolved[key] for key in records.cited_refs if key in resolved)
    for line, record in sorted(records.taken, key=lambda taken: taken[0]):
        kind = str(record.__struct_config__.tag)
        seen = records.by_type.setdefault(kind, {})
        key = _unique_key(record)
        if key in seen:
            message = f"the bundle already has this {kind} on line {seen[key][0]}"
            result.reject(_invalid(line, record, kind, [InvalidField(name="slug", location="body", message=message)]))
            continue
        seen[key] = (line, record)
    return resolved


async def _slugs(conn: asyncpg.Connection, table: str) -> dict[str, int]:
    return {row["slug"]: row["id"] for row in await conn.fetch(f"SELECT slug, id FROM {table}")}


def _drop_invalid(
    records: _Records, kind: str, result: ImportResult, check: Callable[[Any], list[InvalidField]]
) -> None:
    """Reject the records of ``kind`` that ``check`` finds errors in, keeping the rest."""
    kept: dict[object, tuple[int, Any]] = {}
    for key, (line, record) in records.by_type.get(kind, {}).items():
        errors = check(record)
        if errors:
            result.reject(_invalid(line, record, kind, errors))
        else:
            kept[key] = (line, record)
    records.by_type[kind] = kept


async def _stage(conn: asyncpg.Connection, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    """A temporary table with ``columns`` typed as in ``table``, holding ``rows``; returns its name."""
    stage = f"import_{table}"
    await conn.execute(
        f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS SELECT {', '.join(columns)} FROM {table} WITH NO DATA"
    )
    if rows:
        await conn.copy_records_to_table(stage, records=rows, columns=columns)
    return stage


async def _upsert(
    conn: asyncpg.Connection,
    table: str,
    key: list[str],
    columns: list[str],
    rows: list[tuple[Any, ...]],
    options: ImportOptions,
) -> dict[object, str]:
    """Insert new rows, update those where a value differs; ``{key: "created" | "updated"}`` for rows written."""
    stage = await _stage(conn, table, columns, rows)
    if not rows:
        return {}
    updatable = [column for column in columns if column not in key]
    statement = (
        f"INSERT INTO {table} AS t ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {stage} "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
        + ", ".join(f"{column} = excluded.{column}" for column in updatable)
        + ", updated_at = now() WHERE ("
        + ", ".join(f"t.{column}" for column in updatable)
        + ") IS DISTINCT FROM ("
        + ", ".join(f"excluded.{column}" for column in updatable)
        + ") RETURNING t.*, (xmax = 0) AS import_created"
    )
    if table in HISTORY_TABLES:
        statement = (
            f"WITH up AS ({statement}), rev AS ("
            "INSERT INTO revision (entity_type, entity_id, action, before, after, author, import_id) "
            f"SELECT '{table}', id, 'create', NULL, to_jsonb(up) - 'search_vector' - 'import_created', $1, $2 "
            "FROM up WHERE import_created) "
            f"SELECT {', '.join(key)}, import_created FROM up"
        )
        written = await conn.fetch(statement, options.author, options.import_id)
    else:
        written = await conn.fetch(f"WITH up AS ({statement}) SELECT {', '.join(key)}, import_created FROM up")
    return {
        (row[0] if len(key) == 1 else tuple(row[: len(key)])): "created" if row["import_created"] else "updated"
        for row in written
    }


def _tally(result: ImportResult, kind: str, total: int, written: dict[object, str]) -> None:
    counts = result.count(kind)
    created = sum(1 for state in written.values() if state == "created")
    counts.created += created
    counts.updated += len(written) - created
    counts.unchanged += total - len(written)
    if written:
        result.changed = True


async def _replace_links(
    conn: asyncpg.Connection,
    table: str,
    owner: str,
    items: tuple[str, ...],
    wanted: dict[int, set[tuple[Any, ...]]],
) -> set[int]:
    """Make each owner's linked items exactly ``wanted`` (aliases, topics, identifiers: tuples of the ``items``
    columns); returns the owners that changed. Every removal comes before any addition, so an identifier can
    move from one record to another."""
    if not wanted:
        return set()
    owners = list(wanted)
    existing: dict[int, set[tuple[Any, ...]]] = {owner_id: set() for owner_id in owners}
    columns = ", ".join(items)
    for row in await conn.fetch(f"SELECT {owner}, {columns} FROM {table} WHERE {owner} = ANY($1::bigint[])", owners):
        existing[row[0]].add(tuple(row[1:]))
    removed = [(owner_id, *value) for owner_id in owners for value in existing[owner_id] - wanted[owner_id]]
    added = [(owner_id, *value) for owner_id in owners for value in wanted[owner_id] - existing[owner_id]]
    if removed:
        matches = " AND ".join(f"{item} = ${index}" for index, item in enumerate(items, start=2))
        await conn.executemany(f"DELETE FROM {table} WHERE {owner} = $1 AND {matches}", removed)
    if added:
        await conn.copy_records_to_table(table, records=added, columns=[owner, *items])
    return {row[0] for row in removed + added}


def _identifier_links(ids: dict[str, int], records: list[tuple[int, Any]]) -> dict[int, set[tuple[Any, ...]]]:
    return {ids[r.slug]: {(item.scheme, item.identifier) for item in r.identifiers} for _, r in records}


async def _drop_identifier_clashes(
    conn: asyncpg.Connection, records: _Records, kind: str, result: ImportResult
) -> None:
    """Reject records of ``kind`` whose identifiers repeat one, or that another record of the kind holds: an
    earlier record of the bundle, or a stored one the bundle leaves holding it (as the write API's 409). Repeated
    until nothing more is rejected: a rejected record keeps its stored identifiers."""
    while await _drop_identifier_clashes_once(conn, records, kind, result):
        pass


async def _drop_identifier_clashes_once(
    conn: asyncpg.Connection, records: _Records, kind: str, result: ImportResult
) -> bool:
    valid = records.valid(kind)
    pairs = {(item.scheme, item.identifier) for _, r in valid for item in r.identifiers}
    if not pairs:
        return False
    rows = await conn.fetch(
        f"SELECT t.scheme, t.identifier, o.slug FROM {kind}_identifier t JOIN {kind} o ON o.id = t.{kind}_id "
        "JOIN unnest($1::text[], $2::text[]) AS w(scheme, identifier) "
        "ON w.scheme = t.scheme AND w.identifier = t.identifier",
        [scheme for scheme, _ in pairs],
        [identifier for _, identifier in pairs],
    )
    stored = {(row["scheme"], row["identifier"]): row["slug"] for row in rows}
    listed = {r.slug: {(item.scheme, item.identifier) for item in r.identifiers} for _, r in valid}
    claimed: dict[tuple[str, str], str] = {}
    for _, r in sorted(valid, key=lambda taken: taken[0]):
        for item in r.identifiers:
            claimed.setdefault((item.scheme, item.identifier), r.slug)

    def check(record: Any) -> list[InvalidField]:  # noqa: ANN401  (an actor, policy or source record)
        errors: list[InvalidField] = []
        seen: list[tuple[str, str]] = []
        for index, item in enumerate(record.identifiers):
            pair, name = (item.scheme, item.identifier), f"identifiers[{index}]"
            if pair in seen:
                message = f"duplicate identifier '{pair[0]}:{pair[1]}'"
                errors.append(InvalidField(name=name, location="body", message=message))
                continue
            seen.append(pair)
            holder = claimed.get(pair, record.slug)
            if holder == record.slug:
                holder = stored.get(pair, record.slug)
                if pair not in listed.get(holder, {pair}):
                    holder = record.slug  # the bundle takes it from its stored holder
            if holder != record.slug:
                message = f"'{pair[0]}:{pair[1]}' already identifies {kind} '{holder}'"
                errors.append(InvalidField(name=name, location="body", message=message))
        return errors

    _drop_invalid(records, kind, result, check)
    return len(records.valid(kind)) < len(valid)


async def _set_speaks_for(
    conn: asyncpg.Connection, actors: list[tuple[int, ActorRecord]], actor_ids: dict[str, int]
) -> set[int]:
    """The office each actor of the bundle speaks for (a second pass: it names another actor); the ids changed."""
    rows = [
        (
            actor_ids[r.slug],
            actor_ids.get(r.speaks_for.organisation) if r.speaks_for else None,
            r.speaks_for.title if r.speaks_for else None,
        )
        for _, r in actors
    ]
    changed = await conn.fetch(
        "UPDATE actor a SET speaks_for_organisation_id = v.organisation_id, speaks_for_title = v.title "
        "FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS v(id, organisation_id, title) "
        "WHERE a.id = v.id AND (a.speaks_for_organisation_id, a.speaks_for_title) "
        "IS DISTINCT FROM (v.organisation_id, v.title) RETURNING a.id",
        [row[0] for row in rows],
        [row[1] for row in rows],
        [row[2] for row in rows],
    )
    return {row["id"] for row in changed}


async def _touch(conn: asyncpg.Connection, table: str, ids: set[int]) -> None:
    """Touch rows whose links changed, so the change is in their revision history with its author."""
    if ids:
        await conn.execute(f"UPDATE {table} SET updated_at = now() WHERE id = ANY($1::bigint[])", list(ids))


def _moved_to_updated(result: ImportResult, kind: str, touched: set[int], written_ids: set[int]) -> None:
    moved = len(touched - written_ids)
    if moved:
        counts = result.count(kind)
        counts.unchanged -= moved
        counts.updated += moved
        result.changed = True


async def _apply_actors(
    conn: asyncpg.Connection, records: _Records, options: ImportOptions, result: ImportResult
) -> dict[str, int]:
    """Validate and upsert actors with their aliases, identifiers and the offices they speak for; every actor id."""
    await _drop_identifier_clashes(conn, records, "actor", result)
    known_actors = set(await _slugs(conn, "actor")) | {r.slug for _, r in records.valid("actor")}

    def check_speaks_for(actor: ActorRecord) -> list[InvalidField]:
        office = actor.speaks_for
        if office is None or office.organisation in known_actors:
            return []
        return [_unknown("speaks_for.organisation", "actor", office.organisation)]

    _drop_invalid(records, "actor", result, check_speaks_for)
    actors = records.valid("actor")
    rows: list[tuple[Any, ...]] = [(r.slug, r.name, r.kind.value, r.description, r.country) for _, r in actors]
    written = await _upsert(conn, "actor", ["slug"], ["slug", "name", "kind", "description", "country"], rows, options)
    _tally(result, "actor", len(actors), written)
    actor_ids = await _slugs(conn, "actor")
    if actors:
        aliases = {actor_ids[r.slug]: {(alias,) for alias in r.aliases} for _, r in actors}
        touched = await _replace_links(conn, "actor_alias", "actor_id", ("alias",), aliases)
        touched |= await _replace_links(
            conn, "actor_identifier", "actor_id", ("scheme", "identifier"), _identifier_links(actor_ids, actors)
        )
        touched |= await _set_speaks_for(conn, actors, actor_ids)
        await _touch(conn, "actor", touched)
        _moved_to_updated(result, "actor", touched, {actor_ids[slug] for slug in written if isinstance(slug, str)})
    return actor_ids


async def _apply_small_records(
    conn: asyncpg.Connection, records: _Records, options: ImportOptions, result: ImportResult
) -> None:
    """Validate and upsert topics, actors, roles, policies, relations, sources and division links, in that order."""
    topics = records.valid("topic")
    written = await _upsert(conn, "topic", ["slug"], ["slug", "name"], [(r.slug, r.name) for _, r in topics], options)
    _tally(result, "topic", len(topics), written)

    actor_ids = await _apply_actors(conn, records, options, result)

    def check_role(role: RoleRecord) -> list[InvalidField]:
        errors = [] if role.actor in actor_ids else [_unknown("actor", "actor", role.actor)]
        return errors + role_errors(role, actor_ids)

    _drop_invalid(records, "role", result, check_role)
    await _drop_office_clashes(conn, records, result, actor_ids)
    roles = records.valid("role")
    rows: list[tuple[Any, ...]] = [
        (
            actor_ids[r.actor],
            r.title,
            r.started_on,
            actor_ids.get(r.organisation) if r.organisation else None,
            r.ended_on,
            r.sole_holder,
        )
        for _, r in roles
    ]
    written = await _upsert(
        conn,
        "actor_role",
        ["actor_id", "title", "organisation_id", "started_on"],
        ["actor_id", "title", "started_on", "organisation_id", "ended_on", "sole_holder"],
        rows,
        options,
    )
    _tally(result, "role", len(roles), written)

    topic_ids = await _slugs(conn, "topic")
    _drop_invalid(records, "policy", result, lambda policy: topic_errors(policy.topics, topic_ids))
    await _drop_identifier_clashes(conn, records, "policy", result)
    policies = records.valid("policy")
    rows = [(r.slug, r.title, r.summary, r.jurisdiction) for _, r in policies]
    written = await _upsert(conn, "policy", ["slug"], ["slug", "title", "summary", "jurisdiction"], rows, options)
    _tally(result, "policy", len(policies), written)
    policy_ids = await _slugs(conn, "policy")
    if policies:
        wanted = {policy_ids[r.slug]: {(topic_ids[t],) for t in r.topics} for _, r in policies}
        touched = await _replace_links(conn, "policy_topic", "policy_id", ("topic_id",), wanted)
        touched |= await _replace_links(
            conn, "policy_identifier", "policy_id", ("scheme", "identifier"), _identifier_links(policy_ids, policies)
        )
        await _touch(conn, "policy", touched)
        _moved_to_updated(result, "policy", touched, {policy_ids[slug] for slug in written if isinstance(slug, str)})

    def check_relation(relation: RelationRecord) -> list[InvalidField]:
        errors = [] if relation.subject in policy_ids else [_unknown("subject", "policy", relation.subject)]
        return errors + relation_errors(relation.subject, relation, policy_ids)

    _drop_invalid(records, "relation", result, check_relation)
    relations = records.valid("relation")
    rows = [(policy_ids[r.subject], policy_ids[r.policy], r.kind.value, r.note) for _, r in relations]
    written = await _upsert(
        conn,
        "policy_relation",
        ["subject_policy_id", "object_policy_id", "kind"],
        ["subject_policy_id", "object_policy_id", "kind", "note"],
        rows,
        options,
    )
    _tally(result, "relation", len(relations), written)

    await _apply_sources(conn, records, options, result)
    await _apply_division_links(conn, records, options, result, policy_ids)


STORED_SOLE_HOLDERS_SQL = """
SELECT a.slug AS actor, r.title, o.slug AS organisation, r.started_on, r.ended_on
FROM actor_role r JOIN actor a ON a.id = r.actor_id JOIN actor o ON o.id = r.organisation_id
WHERE r.sole_holder
"""


async def _drop_office_clashes(
    conn: asyncpg.Connection, records: _Records, result: ImportResult, actor_ids: dict[str, int]
) -> None:
    """Reject a sole-holder role whose period overlaps another holder's of the same office, stored or on an
    earlier line, naming the clash as `PUT /v1/actors/{slug}/roles` does (the database's exclusion constraint
    would otherwise fail the whole import with no line to point at). A stored role that an accepted line restates
    (same actor, title, organisation and start) is replaced, so it is not a clash; when the restating line is
    rejected, the stored period stays and the lines are checked again against it."""
    stored = [
        ((row["actor"], row["title"], row["organisation"], row["started_on"]), row["ended_on"])
        for row in await conn.fetch(STORED_SOLE_HOLDERS_SQL)
    ]
    stored_keys = {key for key, _ in stored}
    rejected: dict[object, tuple[int, RoleRecord, str]] = {}
    while True:
        accepted = [(line, role) for line, role in records.valid("role") if _unique_key(role) not in rejected]
        restated = {_unique_key(role) for _, role in accepted}
        holders = [(key[0], key[1], key[2], key[3], end) for key, end in stored if key not in restated]
        found = False
        for line, role in accepted:
            if not (role.sole_holder and role.organisation):
                continue
            clash = next(
                (
                    holder
                    for holder in holders
                    if holder[1:3] == (role.title, role.organisation)
                    and periods_overlap(role.started_on, role.ended_on, holder[3], holder[4])
                ),
                None,
            )
            if clash is None:
                holders.append((role.actor, role.title, role.organisation, role.started_on, role.ended_on))
                continue
            rejected[_unique_key(role)] = (
                line,
                role,
                (
                    f"'{role.title}' of {role.organisation} has one holder at a time: {clash[0]} holds it from "
                    f"{period_text(clash[3], clash[4])}, which overlaps {period_text(role.started_on, role.ended_on)}"
                ),
            )
            if _unique_key(role) in stored_keys:  # the stored period it restated stays: check every line again
                found = True
                break
        if not found:
            break
    for key, (line, role, message) in sorted(rejected.items(), key=lambda item: item[1][0]):
        result.reject(_invalid(line, role, "role", [InvalidField(name="started_on", location="body", message=message)]))
        del records.by_type["role"][key]


SOURCE_COLUMNS = [
    "slug", "kind", "title", "title_inferred", "publisher", "publisher_inferred", "author", "url",
    "published_on", "published_on_precision", "published_on_inferred", "provenance_note", "content_sha256", "text",
    "division_number", "division_chamber", "division_question", "declared_ayes", "declared_noes",
]  # fmt: skip

# Stored divisions the bundle makes another kind, with what rests on them (as PATCH /v1/sources refuses).
DIVISION_DEPENDANTS_SQL = """
SELECT s.slug, (SELECT count(*) FROM evidence e WHERE e.source_id = s.id) AS votes,
       (SELECT count(*) FROM division_policy d WHERE d.source_id = s.id) AS links
FROM source s WHERE s.kind = 'parliamentary_division' AND s.slug = ANY($1::text[])
"""


async def _apply_sources(
    conn: asyncpg.Connection, records: _Records, options: ImportOptions, result: ImportResult
) -> None:
    undivided = [r.slug for _, r in records.valid("source") if r.kind is not DIVISION]
    dependants = {
        row["slug"]: f"{row['votes']} recorded votes and {row['links']} policy links rest on this division"
        for row in (await conn.fetch(DIVISION_DEPENDANTS_SQL, undivided) if undivided else [])
        if row["votes"] or row["links"]
    }

    def check(source: SourceRecord) -> list[InvalidField]:
        errors = _source_errors(source)
        if source.slug in dependants:
            errors.append(InvalidField(name="kind", location="body", message=dependants[source.slug]))
        return errors

    _drop_invalid(records, "source", result, check)
    await _drop_identifier_clashes(conn, records, "source", result)
    sources = records.valid("source")
    rows = [
        (
            r.slug,
            r.kind.value,
            r.title,
            r.title_inferred,
            r.publisher,
            r.publisher_inferred,
            r.author,
            r.url,
            r.published_on,
            r.published_on_precision.value,
            r.published_on_inferred,
            r.provenance_note,
            _sha256(r),
            r.text,
            *(
                (None,) * 5
                if r.division is None
                else (
                    r.division.number,
                    r.division.chamber,
                    r.division.question,
                    r.division.declared_ayes,
                    r.division.declared_noes,
                )
            ),
        )
        for _, r in sources
    ]
    written = await _upsert(conn, "source", ["slug"], SOURCE_COLUMNS, rows, options)
    _tally(result, "source", len(sources), written)
    if sources:
        source_ids = await _slugs(conn, "source")
        touched = await _replace_links(
            conn, "source_identifier", "source_id", ("scheme", "identifier"), _identifier_links(source_ids, sources)
        )
        await _touch(conn, "source", touched)
        _moved_to_updated(result, "source", touched, {source_ids[slug] for slug in written if isinstance(slug, str)})


# The recorded votes in these divisions on stances not retracted: what a changed link must keep meaning.
DIVISION_VOTES_SQL = """
SELECT ev.source_id, s.policy_id, ev.vote_option, s.slug AS stance_slug, s.position, s.ambiguity
FROM evidence ev JOIN stance s ON s.id = ev.stance_id AND s.retracted_at IS NULL
WHERE ev.kind = 'recorded_vote' AND ev.source_id = ANY($1::bigint[])
ORDER BY s.slug, ev.id
"""


async def _apply_division_links(
    conn: asyncpg.Connection,
    records: _Records,
    options: ImportOptions,
    result: ImportResult,
    policy_ids: dict[str, int],
) -> None:
    """Validate division-policy links as PUT /v1/sources/{slug}/policies does, and upsert them."""
    if not records.by_type.get("division_policy"):
        return
    divisions = {
        row["slug"]: (row["id"], SourceKind(row["kind"]))
        for row in await conn.fetch(
            "SELECT slug, id, kind FROM source WHERE slug = ANY($1::text[])",
            list({r.division for _, r in records.valid("division_policy")}),
        )
    }
    votes: dict[tuple[int, int], list[asyncpg.Record]] = {}
    division_ids = [source_id for source_id, kind in divisions.values() if kind is DIVISION]
    for row in await conn.fetch(DIVISION_VOTES_SQL, division_ids):
        votes.setdefault((row["source_id"], row["policy_id"]), []).append(row)

    def check(link: DivisionPolicyRecord) -> list[InvalidField]:
        errors = []
        division = divisions.get(link.division)
        if division is None:
            errors.append(_unknown("division", "source", link.division))
        elif division[1] is not DIVISION:
            message = f"'{link.division}' is a {division[1].value}, not a parliamentary_division"
            errors.append(InvalidField(name="division", location="body", message=message))
        if link.policy not in policy_ids:
            errors.append(_unknown("policy", "policy", link.policy))
        if link.aye_position == 0:
            message = (
                "an aye must mean a side (-2..+2, not 0): a division that says nothing about the policy is not "
                "linked to it"
            )
            errors.append(InvalidField(name="aye_position", location="body", message=message))
        if errors or division is None:
            return errors
        problems = []
        for row in votes.get((division[0], policy_ids[link.policy]), []):
            ambiguity = None if row["ambiguity"] is None else Ambiguity(row["ambiguity"])
            problem = contradiction(VoteOption(row["vote_option"]), link.aye_position, row["position"], ambiguity)
            if problem:
                problems.append(f"stance '{row['stance_slug']}': {problem}")
        if problems:
            more = f"; and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
            message = "; ".join(problems[:SHOWN]) + more
            errors.append(InvalidField(name="aye_position", location="body", message=message))
        return errors

    _drop_invalid(records, "division_policy", result, check)
    links = records.valid("division_policy")
    rows: list[tuple[Any, ...]] = [
        (divisions[r.division][0], policy_ids[r.policy], r.aye_position, r.note) for _, r in links
    ]
    written = await _upsert(
        conn,
        "division_policy",
        ["source_id", "policy_id"],
        ["source_id", "policy_id", "aye_position", "note"],
        rows,
        options,
    )
    _tally(result, "division_policy", len(links), written)


def _unknown(name: str, kind: str, slug: str) -> InvalidField:
    return InvalidField(name=name, location="body", message=f"unknown {kind} '{slug}'")


def _sha256(source: SourceRecord) -> str | None:
    if source.text is not None:
        return hashlib.sha256(source.text.encode()).hexdigest()
    return source.content_sha256


def _source_errors(source: SourceRecord) -> list[InvalidField]:
    errors = division_errors(
        source.kind, source.division is not None, source.published_on, source.published_on_precision
    )
    if source.text is not None and source.content_sha256 not in (None, _sha256(source)):
        errors.append(
            InvalidField(name="content_sha256", location="body", message="does not match the SHA-256 of `text`")
        )
    return errors


def _retraction_errors(stance: StanceRecord) -> list[InvalidField]:
    if (stance.retracted_at is None) != (stance.retraction_reason is None):
        message = "give both retracted_at and retraction_reason, or neither"
        return [InvalidField(name="retraction_reason", location="body", message=message)]
    return []


STANCE_COLUMNS = [
    "line", "slug", "actor_id", "policy_id", "position", "ambiguity", "stated_on", "stated_on_precision",
    "stated_on_inferred", "summary", "retracted_at", "retraction_reason",
]  # fmt: skip
EVIDENCE_COLUMNS = [
    "line", "stance_slug", "slug", "source_id", "kind", "text", "speaker_actor_id", "char_start", "char_end",
    "vote_option",
]  # fmt: skip


def _decode_stance(line: int, raw: bytes, resolved: dict[Key, str]) -> StanceRecord | RecordError | None:
    """A stance line as its record, its references by identifier replaced by slugs; None for other lines and for
    lines the first pass reported. Errors in lines with such references (decoded only now) are returned."""
    value = _with_references(raw)
    if value is None:
        record = decode_line(line, raw)
        if isinstance(record, StanceRecord):
            return record
        # not a stance, or not readable as one: the first pass took or reported it
        return record if isinstance(record, RecordError) and _is_stance(raw) else None
    if value.get("type") != "stance":
        return None
    errors = rewrite(value, resolved)
    if errors:
        return RecordError(line=line, type="stance", key=record_key(value), errors=errors)
    decoded = decode_line(line, msgspec.json.encode(value))
    return decoded if isinstance(decoded, StanceRecord | RecordError) else None


async def _stage_stances(
    conn: asyncpg.Connection,
    path: Path,
    options: ImportOptions,
    result: ImportResult,
    sources: dict[str, Any],
    resolved: dict[Key, str],
) -> None:
    """Second pass: validate each stance as ``POST /v1/stances`` would and COPY the good ones into staging."""
    await conn.execute(
        "CREATE TEMP TABLE import_stance ON COMMIT DROP AS SELECT 0 AS line, slug, actor_id, policy_id, position, "
        "ambiguity, stated_on, stated_on_precision, stated_on_inferred, summary, retracted_at, retraction_reason "
        "FROM stance WITH NO DATA"
    )
    await conn.execute(
        "CREATE TEMP TABLE import_evidence ON COMMIT DROP AS SELECT 0 AS line, ''::text AS stance_slug, slug, "
        "source_id, kind, text, speaker_actor_id, char_start, char_end, vote_option FROM evidence WITH NO DATA"
    )
    actor_ids = await _slugs(conn, "actor")
    policy_ids = await _slugs(conn, "policy")
    votes = await BundleVotes.load(conn, sources)
    stances: list[tuple[Any, ...]] = []
    evidence: list[tuple[Any, ...]] = []

    async def flush() -> None:
        if stances:
            await conn.copy_records_to_table("import_stance", records=stances, columns=STANCE_COLUMNS)
            await conn.copy_records_to_table("import_evidence", records=evidence, columns=EVIDENCE_COLUMNS)
            stances.clear()
            evidence.clear()

    for line, raw in bundle_lines(path, options.progress):
        if b'"stance"' not in raw:
            continue
        record = _decode_stance(line, raw, resolved)
        if record is None:
            continue  # reported by the first pass, or not a stance
        if isinstance(record, RecordError):
            result.reject(record)
            continue
        errors = stance_errors(record, actor_ids, policy_ids, sources) + _retraction_errors(record)
        claims = votes.claims(record, actor_ids, policy_ids, sources)
        if record.policy in policy_ids:
            errors += votes.errors(record, claims, policy_ids[record.policy])
        if errors:
            result.reject(_invalid(line, record, "stance", errors))
            continue
        votes.remember(line, record, claims)
        stances.append(
            (
                line,
                record.slug,
                actor_ids[record.actor],
                policy_ids[record.policy],
                record.position,
                record.ambiguity.value if record.ambiguity else None,
                record.stated_on,
                record.stated_on_precision.value,
                record.stated_on_inferred,
                record.summary,
                record.retracted_at,
                record.retraction_reason,
            )
        )
        for index, item in enumerate(record.evidence, start=1):
            evidence.append(
                (
                    line,
                    record.slug,
                    f"{record.slug}-e{index}",
                    sources[item.source].id,
                    item.kind.value,
                    item.text,
                    actor_ids[item.speaker] if item.speaker else None,
                    item.char_start,
                    item.char_end,
                    item.vote.value if item.vote else None,
                )
            )
        if len(stances) >= STAGE_BATCH:
            await flush()
    await flush()
    duplicates = await conn.fetch(
        "SELECT line, slug, first FROM (SELECT line, slug, min(line) OVER (PARTITION BY slug) AS first "
        "FROM import_stance) AS s WHERE line <> first ORDER BY line"
    )
    for row in duplicates:
        message = f"the bundle already has this stance on line {row['first']}"
        result.reject(
            RecordError(
                line=row["line"],
                type="stance",
                key=row["slug"],
                errors=[InvalidField(name="slug", location="body", message=message)],
            )
        )
    if duplicates:
        lines = [row["line"] for row in duplicates]
        await conn.execute("DELETE FROM import_stance WHERE line = ANY($1::int[])", lines)
        await conn.execute("DELETE FROM import_evidence WHERE line = ANY($1::int[])", lines)


async def _cited_sources(conn: asyncpg.Connection, slugs: set[str]) -> dict[str, Any]:
    rows = await conn.fetch(
        "SELECT slug, id, kind, published_on, published_on_precision, text FROM source WHERE slug = ANY($1::text[])",
        list(slugs),
    )
    return {row["slug"]: _Row(row) for row in rows}


class _Row:
    """An asyncpg record read by attribute, as ``stance_errors`` reads SQLAlchemy rows."""

    __slots__ = ("id", "kind", "published_on", "published_on_precision", "text")

    def __init__(self, row: asyncpg.Record) -> None:
        self.id = row["id"]
        self.kind = SourceKind(row["kind"])
        self.published_on = row["published_on"]
        self.published_on_precision = row["published_on_precision"]
        self.text = row["text"]


STANCE_VALUES = (
    "actor_id, policy_id, position, ambiguity, stated_on, stated_on_precision, stated_on_inferred, summary, "
    "retracted_at, retraction_reason"
)
EVIDENCE_VALUES = "source_id, kind, text, speaker_actor_id, char_start, char_end, vote_option"


async def _apply_stances(conn: asyncpg.Connection, options: ImportOptions, result: ImportResult) -> None:
    """Update the stances and evidence that differ, insert the new ones (with their `create` revisions)."""
    staged = await conn.fetchval("SELECT count(*) FROM import_stance")
    staged_evidence = await conn.fetchval("SELECT count(*) FROM import_evidence")
    if not staged:
        return
    await conn.execute("ANALYZE import_stance")
    await conn.execute("ANALYZE import_evidence")
    updated = await conn.execute(
        f"UPDATE stance AS s SET ({STANCE_VALUES}, version, updated_at) = "
        "(i.actor_id, i.policy_id, i.position, i.ambiguity, i.stated_on, i.stated_on_precision, "
        "i.stated_on_inferred, i.summary, coalesce(i.retracted_at, s.retracted_at), "
        "coalesce(i.retraction_reason, s.retraction_reason), s.version + 1, now()) "
        "FROM import_stance AS i WHERE s.slug = i.slug AND "
        f"({', '.join('s.' + c for c in STANCE_VALUES.split(', '))}) IS DISTINCT FROM "
        "(i.actor_id, i.policy_id, i.position, i.ambiguity, i.stated_on, i.stated_on_precision, "
        "i.stated_on_inferred, i.summary, coalesce(i.retracted_at, s.retracted_at), "
        "coalesce(i.retraction_reason, s.retraction_reason))"
    )
    stances_updated = _row_count(updated)
    updated = await conn.execute(
        f"UPDATE evidence AS e SET ({EVIDENCE_VALUES}, version, updated_at) = "
        f"({', '.join('i.' + c for c in EVIDENCE_VALUES.split(', '))}, e.version + 1, now()) "
        "FROM import_evidence AS i WHERE e.slug = i.slug AND "
        f"({', '.join('e.' + c for c in EVIDENCE_VALUES.split(', '))}) IS DISTINCT FROM "
        f"({', '.join('i.' + c for c in EVIDENCE_VALUES.split(', '))})"
    )
    evidence_updated = _row_count(updated)
    triggers_off = await _without_row_triggers(conn)
    rebuilt = await _drop_for_rebuild(conn) if triggers_off else []
    created = await conn.fetchval(
        f"WITH ins AS (INSERT INTO stance (slug, {STANCE_VALUES}) "
        f"SELECT i.slug, {', '.join('i.' + c for c in STANCE_VALUES.split(', '))} FROM import_stance AS i "
        "WHERE NOT EXISTS (SELECT 1 FROM stance AS s WHERE s.slug = i.slug) ORDER BY i.line "
        f"RETURNING id, slug, {STANCE_VALUES}, created_at, updated_at, version), "
        "rev AS (INSERT INTO revision (entity_type, entity_id, action, before, after, author, import_id) "
        "SELECT 'stance', id, 'create', NULL, to_jsonb(ins), $1, $2 FROM ins) "
        "SELECT count(*) FROM ins",
        options.author,
        options.import_id,
    )
    _record(result, "stance", staged, created, stances_updated)
    created = await conn.fetchval(
        f"WITH ins AS (INSERT INTO evidence (slug, stance_id, {EVIDENCE_VALUES}) "
        f"SELECT i.slug, s.id, {', '.join('i.' + c for c in EVIDENCE_VALUES.split(', '))} "
        "FROM import_evidence AS i JOIN stance AS s ON s.slug = i.stance_slug "
        "WHERE NOT EXISTS (SELECT 1 FROM evidence AS e WHERE e.slug = i.slug) "
        "ORDER BY i.line, length(i.slug), i.slug "
        f"RETURNING id, slug, stance_id, {EVIDENCE_VALUES}, created_at, updated_at, version), "
        "rev AS (INSERT INTO revision (entity_type, entity_id, action, before, after, author, import_id) "
        "SELECT 'evidence', id, 'create', NULL, to_jsonb(ins), $1, $2 FROM ins) "
        "SELECT count(*) FROM ins",
        options.author,
        options.import_id,
    )
    _record(result, "evidence", staged_evidence, created, evidence_updated)
    for item in rebuilt:
        await rebuild.create(conn, item)
    if triggers_off:
        await conn.execute("SET LOCAL session_replication_role = origin")


REBUILD_FROM = 20_000
"""The fewest new stances for which an import that at least doubles the table rebuilds its indexes."""


async def _drop_for_rebuild(conn: asyncpg.Connection) -> list[rebuild.Definition]:
    """When the new stances at least double the stance table (a first load, above all), lock the stance and
    evidence tables (and the revision table if it doubles too) for the rest of the import, drop their
    secondary indexes and unique constraints, and return what to build again once the rows are in."""
    new = await conn.fetchval(
        "SELECT count(*) FROM import_stance AS i WHERE NOT EXISTS (SELECT 1 FROM stance AS s WHERE s.slug = i.slug)"
    )
    if new < REBUILD_FROM or new < await conn.fetchval("SELECT count(*) FROM stance"):
        return []
    tables: tuple[str, ...] = ("stance", "evidence")
    if 2 * new >= await conn.fetchval("SELECT count(*) FROM revision"):
        tables += ("revision",)
    await conn.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
    await conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
    definitions = await rebuild.secondary_definitions(conn, tables, foreign_keys=False)
    await rebuild.drop(conn, definitions)
    return definitions


async def _without_row_triggers(conn: asyncpg.Connection) -> bool:
    """Switch this transaction's row triggers off (``session_replication_role = replica``) when the role may,
    after locking every row the staged stances and evidence refer to (``FOR KEY SHARE``, as the foreign-key
    triggers would, but once per referenced row instead of once per inserted row). False, triggers left on,
    when the role may not or a referenced row is gone."""
    allowed = await conn.fetchval(
        "SELECT current_setting('is_superuser') = 'on' OR has_parameter_privilege('session_replication_role', 'SET')"
    )
    if not allowed:
        return False
    present = await conn.fetchval(
        "SELECT (SELECT count(*) FROM (SELECT id FROM actor WHERE id IN (SELECT actor_id FROM import_stance "
        "UNION SELECT speaker_actor_id FROM import_evidence) FOR KEY SHARE) AS a) = (SELECT count(*) FROM "
        "(SELECT actor_id FROM import_stance UNION SELECT speaker_actor_id FROM import_evidence "
        "WHERE speaker_actor_id IS NOT NULL) AS r) "
        "AND (SELECT count(*) FROM (SELECT id FROM policy WHERE id IN (SELECT policy_id FROM import_stance) "
        "FOR KEY SHARE) AS p) = (SELECT count(DISTINCT policy_id) FROM import_stance) "
        "AND (SELECT count(*) FROM (SELECT id FROM source WHERE id IN (SELECT source_id FROM import_evidence) "
        "FOR KEY SHARE) AS s) = (SELECT count(DISTINCT source_id) FROM import_evidence) "
        "AND (SELECT count(*) FROM (SELECT id FROM stance WHERE slug IN (SELECT stance_slug FROM import_evidence) "
        "FOR KEY SHARE) AS t) = (SELECT count(*) FROM stance WHERE slug IN (SELECT stance_slug FROM import_evidence))"
    )
    if not present:
        return False
    await conn.execute("SET LOCAL session_replication_role = replica")
    return True


def _row_count(status: str) -> int:
    return int(status.rsplit(" ", 1)[-1])


def _record(result: ImportResult, kind: str, staged: int, created: int, updated: int) -> None:
    counts = result.count(kind)
    counts.created += created
    counts.updated += updated
    counts.unchanged += staged - created - updated
    if created or updated:
        result.changed = True


async def run_import(conn: asyncpg.Connection, path: Path, options: ImportOptions) -> ImportResult:
    """Load the bundle at ``path`` in the connection's open transaction (see the module's docstring)."""
    await conn.execute(
        "SELECT set_config('positions.author', $1, true), set_config('positions.bulk', 'on', true), "
        "set_config('positions.import_id', $2, true)",
        options.author,
        str(options.import_id) if options.import_id is not None else "",
    )
    result = ImportResult()
    records = _first_pass(path, options, result)
    if result.records == 0:
        message = "the bundle holds no records: send one JSON object per line"
        result.errors.append(
            RecordError(
                line=0, type=None, key=None, errors=[InvalidField(name="body", location="body", message=message)]
            )
        )
        raise ImportRejected(result)
    resolved = await _resolve_references(conn, records, options, result)
    await _apply_small_records(conn, records, options, result)
    if records.stance_lines:
        sources = await _cited_sources(conn, records.cited_sources)
        await _stage_stances(conn, path, options, result, sources, resolved)
    result.errors.sort(key=lambda error: error.line)
    if result.errors and (not options.partial or len(result.errors) >= result.records):
        raise ImportRejected(result)  # all or nothing, or partial with nothing valid to store
    if records.stance_lines:
        await _apply_stances(conn, options, result)
    await conn.execute("SELECT set_config('positions.bulk', '', true)")
    if result.changed:
        result.data_version = await conn.fetchval(
            "UPDATE data_version SET version = version + 1, changed_at = now() WHERE id = 1 RETURNING version"
        )
    else:
        result.data_version = await conn.fetchval("SELECT version FROM data_version WHERE id = 1")
    return result


def ordered_counts(result: ImportResult) -> ImportCounts:
    """Counts per record type (evidence counted apart from its stances)."""
    return ImportCounts(**result.counts)

"""SQL for comparisons, run on the asyncpg connection directly: these are the hot paths.

One query finds every effective stance (latest stated on or before each date, not retracted by then) with
its policy, evidence, source and speaker; Python then arranges the rows.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import asyncpg

from api.comparisons.schemas import AttributedVia, EffectiveStance
from api.comparisons.strength import EvidenceCounts, EvidenceStrength, counted_strength, stance_strength
from api.divisions.rules import CAST_VALUES
from api.errors import UnknownSlugs
from api.evidence.rows import (
    ACTOR_KINDS,
    EVIDENCE_COLUMNS,
    PRECISIONS,
    EvidenceReader,
    actor_ref,
    evidence_item,
    source_and_speaker,
)
from api.evidence.schemas import EvidenceItem
from api.refs import ActorRef, PolicyRef, position_label
from db.enums import PolicyRelationKind
from db.snapshots import recorded_moment, relations

VOTES_CAST = ", ".join(f"'{value}'" for value in CAST_VALUES)

# The effective stance per (as_of, actor, policy), as ``semantics.effective`` states it: the latest stated on or
# before `as_of` (not retracted by then); on that day, the one ``same_day_weight`` ranks first (a position resting
# on a vote cast); then the one recorded later. Whether a stance rests on a vote cast is looked up (a LATERAL
# probe of the partial index ix_evidence_vote_stance_id) only for stances with a position that share their day
# with another stance of the pair (`shares_day`): a comparison without such ties probes nothing more, and the
# lookup never becomes a hash of every stored vote. bench/README.md has the EXPLAIN before and after.
EFFECTIVE_CTE = """
WITH {asked}candidates AS (
    SELECT d.as_of, s.id, s.actor_id, s.policy_id, s.slug, s.position, s.ambiguity, s.stated_on,
           s.stated_on_precision, s.stated_on_inferred, s.summary,
           (s.retracted_at AT TIME ZONE 'UTC')::date AS retracted_on,
           (lead(s.stated_on) OVER pair = s.stated_on OR lag(s.stated_on) OVER pair = s.stated_on) AS shares_day
           {via_columns}
    FROM {dates}
    JOIN {stance} s ON s.stated_on <= d.as_of
    WHERE (s.retracted_at IS NULL OR (s.retracted_at AT TIME ZONE 'UTC')::date > d.as_of)
      {filters}
    WINDOW pair AS (PARTITION BY d.as_of, s.actor_id, s.policy_id ORDER BY s.stated_on DESC, s.id DESC)
), effective AS (
    SELECT DISTINCT ON (c.as_of, c.actor_id, c.policy_id) c.*
    FROM candidates c
    LEFT JOIN LATERAL (
        SELECT true AS found FROM {evidence} v
        WHERE c.shares_day AND c.position IS NOT NULL
          AND v.stance_id = c.id AND v.kind = 'recorded_vote' AND v.vote_option IN ({votes_cast})
        LIMIT 1
    ) vote_cast ON true
    ORDER BY c.as_of, c.actor_id, c.policy_id, c.stated_on DESC, {own_first}vote_cast.found IS NOT NULL DESC, c.id DESC
)"""

DATES = "unnest($1::date[]) AS d(as_of)"
"""The days of ``EFFECTIVE_CTE``: ``$1``, an array of dates."""

EFFECTIVE_SQL = (
    EFFECTIVE_CTE
    + """
SELECT e.as_of, e.id, e.actor_id, e.policy_id, e.slug, e.position, e.ambiguity, e.stated_on,
       e.stated_on_precision, e.stated_on_inferred, e.summary, e.retracted_on,
       p.slug AS policy_slug, p.title AS policy_title,
       a.slug AS actor_slug, a.name AS actor_name, a.kind AS actor_kind,{via_select}
       {evidence_columns}
FROM effective e
JOIN {policy} p ON p.id = e.policy_id
JOIN {actor} a ON a.id = e.actor_id{via_join}
LEFT JOIN {evidence} ev ON ev.stance_id = e.id
{source_and_speaker}
ORDER BY p.slug, e.as_of, a.slug, ev.id
"""
)

# compare/actors in one statement (one snapshot, one round trip, no transaction): the data version, the actors
# asked for by slug ($2, looked up through their unique index, each on at least one row so unknown slugs show),
# and each one's effective stances as of one day ($1, a plain date, so the planner estimates the stances read from
# the column's statistics) with their evidence. No ORDER BY: the rows are grouped in Python, evidence by its id.
ACTOR_COMPARISON_SQL = (
    EFFECTIVE_CTE
    + """
SELECT v.version, a.id AS actor_id, a.slug AS actor_slug, a.name AS actor_name, a.kind AS actor_kind,
       e.id, e.policy_id, e.slug, e.position, e.ambiguity, e.stated_on, e.stated_on_precision,
       e.stated_on_inferred, e.summary,
       p.slug AS policy_slug, p.title AS policy_title,
       ev.id AS evidence_id, {evidence_columns}
FROM data_version v
CROSS JOIN asked a
LEFT JOIN (
    effective e
    JOIN {policy} p ON p.id = e.policy_id
    LEFT JOIN {evidence} ev ON ev.stance_id = e.id
    {source_and_speaker}
) ON e.actor_id = a.id
WHERE v.id = 1
"""
)
ASKED_ACTORS = "asked AS (SELECT a.id, a.slug, a.name, a.kind FROM actor a WHERE a.slug = ANY($2::text[])), "
"""The actors of ``ACTOR_COMPARISON_SQL``, by slug, as they are now (as ``version_and_actors`` finds them)."""
ONE_DAY = "(SELECT $1::date AS as_of) AS d"

# Every actor's effective position on every policy as of one day ($1, a one-element array), with the actor's
# names and the stance's id and day: the rows of ``position_matrix.PositionMatrix`` (stances without a position
# are left out). Evidence is not counted here (an aggregate of the whole evidence table would add about half to
# the build): ``evidence_counts`` reads it for the few actors an answer lists.
ALIGNMENT_MATRIX_SQL = (
    EFFECTIVE_CTE
    + """
SELECT e.actor_id, e.policy_id, e.id, e.position, e.stated_on, a.slug, a.name, a.kind
FROM effective e
JOIN {actor} a ON a.id = e.actor_id
WHERE e.position IS NOT NULL
"""
)

EVIDENCE_COUNTS_SQL = """
SELECT stance_id,
       count(*) FILTER (WHERE kind = 'direct_quote') AS direct_quote,
       count(*) FILTER (WHERE kind = 'paraphrase') AS paraphrase,
       count(*) FILTER (WHERE kind = 'reported_action') AS reported_action,
       count(*) FILTER (WHERE kind = 'recorded_vote') AS recorded_vote
FROM evidence
WHERE stance_id = ANY($1::bigint[])
GROUP BY stance_id
"""


async def evidence_counts(connection: asyncpg.Connection, stance_ids: Sequence[int]) -> dict[int, tuple[int, ...]]:
    """Each stance's evidence items by kind (direct quote, paraphrase, reported action, recorded vote); a stance
    with none is absent."""
    rows = await connection.fetch(EVIDENCE_COUNTS_SQL, list(stance_ids))
    return {row["stance_id"]: tuple(row[1:]) for row in rows}


TIMELINE_SQL = """
SELECT s.id, s.slug, s.position, s.ambiguity, s.stated_on, s.stated_on_precision, s.stated_on_inferred,
       s.summary, s.retracted_at IS NOT NULL AS retracted,
       a.slug AS actor_slug, a.name AS actor_name, a.kind AS actor_kind,
       p.slug AS policy_slug, p.title AS policy_title,
       {evidence_columns}
FROM {stance} s
JOIN {actor} a ON a.id = s.actor_id
JOIN {policy} p ON p.id = s.policy_id
LEFT JOIN {evidence} ev ON ev.stance_id = s.id
{source_and_speaker}
WHERE s.policy_id = ANY($1::bigint[]) AND ($2 OR s.retracted_at IS NULL)
ORDER BY s.stated_on, s.id, ev.id
"""

# The policies $1 (an array) and those below them through `part_of` and `successor_of` (the member is the
# relation's subject), each once, at its shortest depth; relations as they are now. Depth-first order is built
# from the rows in Python.
FAMILY_SQL = """
WITH RECURSIVE tree(id, parent_id, relation, depth) AS (
    SELECT root, NULL::bigint, NULL::text, 0 FROM unnest($1::bigint[]) AS root
  UNION
    SELECT r.subject_policy_id, t.id, r.kind::text, t.depth + 1
    FROM tree t
    JOIN policy_relation r ON r.object_policy_id = t.id AND r.kind IN ('part_of', 'successor_of')
    WHERE t.depth < 20
)
SELECT DISTINCT ON (t.id) t.id, t.parent_id, t.relation, t.depth, p.slug, p.title
FROM tree t JOIN policy p ON p.id = t.id
ORDER BY t.id, t.depth, t.parent_id, t.relation
"""


# `attribution=holder`: each stance of an office that speaks for another office (Downing Street for the Prime
# Minister) counts as the stance of whoever held that office on the stance's day (roles are half-open periods),
# marked with the office (`via_actor_id`) and the role (`via_role`); a stance with no holder that day stays the
# office's. `{inner_filters}` narrows the stances read before they are re-keyed (an index can serve them there).
ATTRIBUTED_STANCES = """(
    SELECT s.id, coalesce(h.actor_id, s.actor_id) AS actor_id, s.policy_id, s.slug, s.position, s.ambiguity,
           s.stated_on, s.stated_on_precision, s.stated_on_inferred, s.summary, s.retracted_at,
           CASE WHEN h.actor_id IS NOT NULL THEN s.actor_id END AS via_actor_id, h.title AS via_role
    FROM {stance} s
    LEFT JOIN LATERAL (
        SELECT r.actor_id, r.title FROM {actor} o
        JOIN actor_role r ON r.organisation_id = o.speaks_for_organisation_id AND r.title = o.speaks_for_title
        WHERE o.id = s.actor_id
          AND (r.started_on IS NULL OR r.started_on <= s.stated_on) AND (r.ended_on IS NULL OR s.stated_on < r.ended_on)
        ORDER BY r.started_on DESC NULLS LAST, r.id DESC
        LIMIT 1
    ) h ON true
    WHERE true {inner_filters}
)"""


def _sql(
    template: str, moment_parameter: int | None, *, holder: bool = False, inner_filters: str = "", **parts: str
) -> str:
    """``template`` over the live tables, or over the tables as recorded at the timestamp in ``$moment_parameter``;
    with ``holder``, over stances attributed to office holders (``ATTRIBUTED_STANCES``)."""
    tables = relations(None if moment_parameter is None else f"${moment_parameter}")
    attribution = {"via_columns": "", "own_first": "", "via_select": "", "via_join": ""}
    if holder:
        attribution = {
            "via_columns": ", s.via_actor_id, s.via_role",
            "own_first": "c.via_actor_id IS NULL DESC, ",  # a person's own stance wins over an attributed one
            "via_select": "\n       e.via_role, va.slug AS via_slug, va.name AS via_name, va.kind AS via_kind,",
            "via_join": f"\nLEFT JOIN {tables['actor']} va ON va.id = e.via_actor_id",
        }
        tables = {**tables, "stance": ATTRIBUTED_STANCES.format(inner_filters=inner_filters, **tables)}
    return template.format(
        evidence_columns=EVIDENCE_COLUMNS,
        source_and_speaker=source_and_speaker(tables),
        **tables,
        **attribution,
        **({"asked": "", "dates": DATES} | parts),
    )


TOPIC_FILTER = (
    "AND EXISTS (SELECT 1 FROM policy_topic pt WHERE pt.policy_id = s.policy_id AND pt.topic_id = ${parameter})"
)
"""Stances on a policy of the topic in ``$parameter``."""


@dataclass(slots=True)
class Found:
    """Effective stances keyed by (as_of, actor id, policy id), with the refs the rows mention."""

    stances: dict[tuple[date, int, int], EffectiveStance] = field(default_factory=dict)
    policies: dict[int, PolicyRef] = field(default_factory=dict)
    actors: dict[int, ActorRef] = field(default_factory=dict)
    retracted_on: dict[str, date] = field(default_factory=dict)
    """The day each found stance was (later) retracted, by stance slug, for `dropped` changes."""


def _attributed_via(row: asyncpg.Record) -> AttributedVia | None:
    """The office a stance was attributed through (``attribution=holder``), or None when it is the actor's own."""
    slug = row.get("via_slug")
    if slug is None:
        return None
    office = ActorRef(slug=slug, name=row["via_name"], kind=ACTOR_KINDS[row["via_kind"]])
    return AttributedVia(office=office, role=row["via_role"])


def _stance(row: asyncpg.Record, evidence: list[EvidenceItem], as_of: date) -> EffectiveStance:
    """The stance of ``row`` with its evidence, its strength rated as of ``as_of``."""
    return EffectiveStance(
        slug=row["slug"],
        position=row["position"],
        label=position_label(row["position"], row["ambiguity"]),
        stated_on=row["stated_on"],
        stated_on_precision=PRECISIONS[row["stated_on_precision"]],
        stated_on_inferred=row["stated_on_inferred"],
        summary=row["summary"],
        evidence=evidence,
        strength=stance_strength(evidence, row["stated_on"], as_of),
        attributed_via=_attributed_via(row),
    )


async def effective_stances(
    connection: asyncpg.Connection,
    dates: Sequence[date],
    *,
    actor_ids: Sequence[int] | None = None,
    policy_ids: Sequence[int] | None = None,
    topic_id: int | None = None,
    as_recorded: datetime | None = None,
    holder: bool = False,
) -> Found:
    """Every effective stance as of each date, for the given actors, policies and topic.

    With ``as_recorded``, stances and evidence are read as the database stood at that moment. With ``holder``, an
    office's stances count as its holder's on their day (``ATTRIBUTED_STANCES``), each marked `attributed_via`.
    """
    filters: list[str] = []
    inner: list[str] = []
    args: list[object] = [list(dates)]
    moment_parameter = None
    if as_recorded is not None:
        args.append(recorded_moment(as_recorded))
        moment_parameter = len(args)
    if actor_ids is not None:
        args.append(list(actor_ids))
        filters.append(f"AND s.actor_id = ANY(${len(args)}::bigint[])")
        # read only these actors' stances and those of offices that speak for an office (re-keyed after)
        inner.append(
            f"AND (s.actor_id = ANY(${len(args)}::bigint[]) OR s.actor_id IN "
            "(SELECT id FROM actor WHERE speaks_for_organisation_id IS NOT NULL))"
        )
    if policy_ids is not None:
        args.append(list(policy_ids))
        filters.append(f"AND s.policy_id = ANY(${len(args)}::bigint[])")
        inner.append(f"AND s.policy_id = ANY(${len(args)}::bigint[])")
    if topic_id is not None:
        args.append(topic_id)
        filters.append(TOPIC_FILTER.format(parameter=len(args)))
    found = Found()
    sql = _sql(
        EFFECTIVE_SQL,
        moment_parameter,
        holder=holder,
        inner_filters=" ".join(inner),
        filters="\n      ".join(filters),
        votes_cast=VOTES_CAST,
    )
    collected: dict[tuple[date, int, int], tuple[asyncpg.Record, list[EvidenceItem]]] = {}
    for row in await connection.fetch(sql, *args):
        key = (row["as_of"], row["actor_id"], row["policy_id"])
        entry = collected.get(key)
        if entry is None:
            entry = collected[key] = (row, [])
            if row["retracted_on"] is not None:
                found.retracted_on[row["slug"]] = row["retracted_on"]
            if row["policy_id"] not in found.policies:
                found.policies[row["policy_id"]] = PolicyRef(slug=row["policy_slug"], title=row["policy_title"])
            if row["actor_id"] not in found.actors:
                found.actors[row["actor_id"]] = actor_ref(row, "actor")
        if row["evidence_slug"] is not None:
            entry[1].append(evidence_item(row))
    found.stances = {key: _stance(row, evidence, key[0]) for key, (row, evidence) in collected.items()}
    return found


@dataclass(slots=True)
class ActorComparisonData:
    """What ``actor_comparison_data`` read in its one statement."""

    version: int
    actors: list[tuple[int, ActorRef]]
    """The actors asked for, in the order asked."""
    found: Found


def actor_comparison_sql(*, as_recorded: bool) -> str:
    """``ACTOR_COMPARISON_SQL`` over the live tables, or over the tables as recorded at the timestamp in ``$3``."""
    return _sql(
        ACTOR_COMPARISON_SQL,
        3 if as_recorded else None,
        asked=ASKED_ACTORS,
        dates=ONE_DAY,
        filters="AND s.actor_id IN (SELECT id FROM asked)",
        votes_cast=VOTES_CAST,
    )


_LIVE_COMPARISON_SQL = actor_comparison_sql(as_recorded=False)
_RECORDED_COMPARISON_SQL = actor_comparison_sql(as_recorded=True)


ACTOR_COMPARISON_NAMES = (
    "version",
    "actor_id",
    "actor_slug",
    "actor_name",
    "actor_kind",
    "id",
    "policy_id",
    "slug",
    "position",
    "ambiguity",
    "stated_on",
    "stated_on_precision",
    "stated_on_inferred",
    "summary",
    "policy_slug",
    "policy_title",
    "evidence_id",
)
"""The columns ``ACTOR_COMPARISON_SQL`` selects before its ``EVIDENCE_COLUMNS``, in order: the rows are read by
position (a test holds the two together)."""
_HEAD = len(ACTOR_COMPARISON_NAMES)


async def actor_comparison_data(
    connection: asyncpg.Connection, slugs: Sequence[str], as_of: date, *, as_recorded: datetime | None = None
) -> ActorComparisonData:
    """The data version, the actors (404 naming every unknown slug) and their effective stances as of ``as_of``,
    from one statement: one consistent snapshot without a transaction."""
    args: list[object] = [as_of, list(slugs)]
    if as_recorded is not None:
        args.append(recorded_moment(as_recorded))
    rows = await connection.fetch(_RECORDED_COMPARISON_SQL if as_recorded else _LIVE_COMPARISON_SQL, *args)
    found = Found()
    actors, policies = found.actors, found.policies
    by_slug: dict[str, int] = {}
    # per stance id: its columns (ACTOR_COMPARISON_NAMES) and its evidence with the evidence ids
    collected: dict[int, tuple[tuple[Any, ...], list[tuple[int, EvidenceItem]]]] = {}
    reader = EvidenceReader(_HEAD)
    for row in rows:
        head = row[:_HEAD]
        actor_id = head[1]
        if actor_id not in actors:
            by_slug[head[2]] = actor_id
            actors[actor_id] = ActorRef(slug=head[2], name=head[3], kind=ACTOR_KINDS[head[4]])
        stance_id = head[5]
        if stance_id is None:  # an actor with no stance as of the day
            continue
        entry = collected.get(stance_id)
        if entry is None:
            entry = collected[stance_id] = (head, [])
            if head[6] not in policies:
                policies[head[6]] = PolicyRef(slug=head[14], title=head[15])
        if row[_HEAD] is not None:  # evidence_slug
            entry[1].append((head[16], reader.item(row)))
    missing = [slug for slug in slugs if slug not in by_slug]
    if missing:
        raise UnknownSlugs("actor", missing, location="query", name="actors")
    stances = found.stances
    for head, evidence in collected.values():
        if len(evidence) > 1:
            evidence.sort(key=_first)
        (_, actor_id, _, _, _, _, policy_id, slug, position, ambiguity, stated_on, precision, inferred, summary) = head[
            :14
        ]
        items = [item for _, item in evidence]
        stances[(as_of, actor_id, policy_id)] = EffectiveStance(
            slug=slug,
            position=position,
            label=position_label(position, ambiguity),
            stated_on=stated_on,
            stated_on_precision=PRECISIONS[precision],
            stated_on_inferred=inferred,
            summary=summary,
            evidence=items,
            strength=stance_strength(items, stated_on, as_of),
        )
    return ActorComparisonData(
        version=rows[0][0],
        actors=[(by_slug[slug], actors[by_slug[slug]]) for slug in slugs],
        found=found,
    )


def _first(pair: tuple[int, EvidenceItem]) -> int:
    return pair[0]


@dataclass(slots=True)
class TimelineRow:
    actor: ActorRef
    policy: PolicyRef
    stance: EffectiveStance
    retracted: bool


async def policy_timeline(
    connection: asyncpg.Connection,
    policy_ids: Sequence[int],
    *,
    include_retracted: bool,
    as_recorded: datetime | None = None,
) -> list[TimelineRow]:
    collected: dict[int, tuple[asyncpg.Record, list[EvidenceItem]]] = {}
    args: list[object] = [list(policy_ids), include_retracted]
    moment_parameter = None
    if as_recorded is not None:
        args.append(recorded_moment(as_recorded))
        moment_parameter = len(args)
    for row in await connection.fetch(_sql(TIMELINE_SQL, moment_parameter), *args):
        entry = collected.get(row["id"])
        if entry is None:
            entry = collected[row["id"]] = (row, [])
        if row["evidence_slug"] is not None:
            entry[1].append(evidence_item(row))
    return [
        TimelineRow(
            actor=actor_ref(row, "actor"),
            policy=PolicyRef(slug=row["policy_slug"], title=row["policy_title"]),
            stance=_stance(row, evidence, row["stated_on"]),
            retracted=row["retracted"],
        )
        for row, evidence in collected.values()
    ]


def matrix_sql(template: str) -> str:
    """``template`` (built on ``EFFECTIVE_CTE``) over the live tables, for every actor and policy."""
    return _sql(template, None, filters="", votes_cast=VOTES_CAST)


@dataclass(frozen=True, slots=True)
class FamilyRow:
    id: int
    policy: PolicyRef
    parent_id: int | None
    relation: PolicyRelationKind | None
    depth: int


async def policy_family(connection: asyncpg.Connection, policy_ids: Sequence[int]) -> list[FamilyRow]:
    """The policies and the policies below them, in one query, depth-first: each member after its parent,
    siblings (and roots) by slug."""
    rows = [
        FamilyRow(
            id=row["id"],
            policy=PolicyRef(slug=row["slug"], title=row["title"]),
            parent_id=row["parent_id"],
            relation=None if row["relation"] is None else PolicyRelationKind(row["relation"]),
            depth=row["depth"],
        )
        for row in await connection.fetch(FAMILY_SQL, list(policy_ids))
    ]
    children: dict[int | None, list[FamilyRow]] = {}
    for row in sorted(rows, key=lambda item: item.policy.slug):
        children.setdefault(row.parent_id, []).append(row)
    ordered: list[FamilyRow] = []
    pending = list(reversed(children.get(None, [])))
    while pending:
        row = pending.pop()
        ordered.append(row)
        pending.extend(reversed(children.get(row.id, [])))
    return ordered


@dataclass(slots=True)
class Parties:
    """Parties (actors of kind `party`) by id, and the ids of their members on a day."""

    refs: dict[int, ActorRef] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)


# Members of parties on a day: the actors holding any role in a party actor then (periods are half-open,
# [started_on, ended_on); an unknown start counts from always, an open end until now).
PARTY_MEMBERS_SQL = """
SELECT p.id AS party_id, p.slug, p.name, p.kind, r.actor_id AS member_id
FROM actor p
LEFT JOIN actor_role r ON r.organisation_id = p.id
    AND (r.started_on IS NULL OR r.started_on <= $2) AND (r.ended_on IS NULL OR $2 < r.ended_on)
WHERE p.kind = 'party' AND ($1::bigint[] IS NULL OR p.id = ANY($1::bigint[]))
ORDER BY p.slug, r.actor_id
"""


async def party_members(connection: asyncpg.Connection, party_ids: Sequence[int] | None, day: date) -> Parties:
    """The parties asked for (every party when None) and their members on ``day``, each member once."""
    parties = Parties()
    for row in await connection.fetch(PARTY_MEMBERS_SQL, None if party_ids is None else list(party_ids), day):
        party_id = row["party_id"]
        if party_id not in parties.refs:
            parties.refs[party_id] = ActorRef(slug=row["slug"], name=row["name"], kind=ACTOR_KINDS[row["kind"]])
            parties.members[party_id] = []
        members = parties.members[party_id]
        if row["member_id"] is not None and row["member_id"] not in members:
            members.append(row["member_id"])
    return parties


# Members' effective positions as of one day ($1, a one-element array) for a party roll-up: the position, the
# day and the evidence counted by kind (a roll-up shows no evidence text, so none is read or built).
MEMBER_POSITIONS_SQL = (
    EFFECTIVE_CTE
    + """
SELECT e.as_of, e.actor_id, e.policy_id, e.position, e.stated_on, p.slug AS policy_slug, p.title AS policy_title,
       k.direct_quote, k.paraphrase, k.reported_action, k.recorded_vote
FROM effective e
JOIN {policy} p ON p.id = e.policy_id
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE v.kind = 'direct_quote') AS direct_quote,
           count(*) FILTER (WHERE v.kind = 'paraphrase') AS paraphrase,
           count(*) FILTER (WHERE v.kind = 'reported_action') AS reported_action,
           count(*) FILTER (WHERE v.kind = 'recorded_vote') AS recorded_vote
    FROM {evidence} v WHERE v.stance_id = e.id
) k
"""
)


@dataclass(frozen=True, slots=True)
class MemberStance:
    """A member's effective position on a policy and what it rests on, as a party roll-up reads it."""

    position: int | None
    strength: EvidenceStrength


@dataclass(slots=True)
class MemberPositions:
    """Members' effective stances keyed as ``Found.stances`` is, and the policies they are on."""

    stances: dict[tuple[date, int, int], MemberStance] = field(default_factory=dict)
    policies: dict[int, PolicyRef] = field(default_factory=dict)


async def member_positions(
    connection: asyncpg.Connection,
    day: date,
    actor_ids: Sequence[int],
    *,
    policy_ids: Sequence[int] | None = None,
    topic_id: int | None = None,
) -> MemberPositions:
    """The effective position of each of ``actor_ids`` on each policy (of ``policy_ids``, of ``topic_id``) as of
    ``day``, with the strength of its evidence: what ``effective_stances`` finds, without the evidence itself."""
    args: list[object] = [[day], list(actor_ids)]
    filters = ["AND s.actor_id = ANY($2::bigint[])"]
    if policy_ids is not None:
        args.append(list(policy_ids))
        filters.append(f"AND s.policy_id = ANY(${len(args)}::bigint[])")
    if topic_id is not None:
        args.append(topic_id)
        filters.append(TOPIC_FILTER.format(parameter=len(args)))
    sql = _sql(MEMBER_POSITIONS_SQL, None, filters="\n      ".join(filters), votes_cast=VOTES_CAST)
    found = MemberPositions()
    for row in await connection.fetch(sql, *args):
        if row["policy_id"] not in found.policies:
            found.policies[row["policy_id"]] = PolicyRef(slug=row["policy_slug"], title=row["policy_title"])
        counts = EvidenceCounts(
            direct_quote=row["direct_quote"],
            paraphrase=row["paraphrase"],
            reported_action=row["reported_action"],
            recorded_vote=row["recorded_vote"],
        )
        found.stances[(day, row["actor_id"], row["policy_id"])] = MemberStance(
            position=row["position"], strength=counted_strength(counts, row["stated_on"], day)
        )
    return found


# Who held, on $2, the office each of the actors $1 speaks for (half-open periods; the latest-started if two).
HOLDERS_SQL = """
SELECT DISTINCT ON (o.id) o.id AS office_id, r.title, h.id, h.slug, h.name, h.kind
FROM actor o
JOIN actor_role r ON r.organisation_id = o.speaks_for_organisation_id AND r.title = o.speaks_for_title
JOIN actor h ON h.id = r.actor_id
WHERE o.id = ANY($1::bigint[])
  AND (r.started_on IS NULL OR r.started_on <= $2) AND (r.ended_on IS NULL OR $2 < r.ended_on)
ORDER BY o.id, r.started_on DESC NULLS LAST, r.id DESC
"""


async def office_holders(
    connection: asyncpg.Connection, actor_ids: Sequence[int], day: date
) -> dict[int, tuple[int, ActorRef, str]]:
    """For each of ``actor_ids`` that speaks for an office held on ``day``: the holder's id and ref, and the role."""
    rows = await connection.fetch(HOLDERS_SQL, list(actor_ids), day)
    return {
        row["office_id"]: (
            row["id"],
            ActorRef(slug=row["slug"], name=row["name"], kind=ACTOR_KINDS[row["kind"]]),
            row["title"],
        )
        for row in rows
    }


async def data_version(connection: asyncpg.Connection) -> int:
    version: int = await connection.fetchval("SELECT version FROM data_version WHERE id = 1")
    return version


async def version_and_actors(
    connection: asyncpg.Connection, slugs: Sequence[str], *, parameter: str, location: str = "query"
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
        raise UnknownSlugs("actor", missing, location=location, name=parameter)
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

"""SQL for evidence, including the per-stance evidence lists other resources embed.

Written as SQL text over the shared fragment of ``api.evidence.rows`` (the one the comparisons use too), with
``as_recorded`` time travel through ``db.snapshots.relations``.
"""

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import UnknownSlugs
from api.evidence.rows import EVIDENCE_COLUMNS, Row, actor_ref, evidence_item, source_and_speaker
from api.evidence.schemas import EvidenceDetail, EvidenceItem, StanceRef
from api.refs import PolicyRef, position_label
from db.enums import EvidenceKind
from db.models import TEXT_SEARCH_CONFIG
from db.snapshots import recorded_moment, relations, search_vector_sql

MOMENT = ":as_recorded"
"""The bind parameter of the ``as_recorded`` timestamp in these statements."""


def _tables(as_recorded_at: datetime | None) -> dict[str, str]:
    return relations(None if as_recorded_at is None else MOMENT)


async def evidence_by_stance(
    session: AsyncSession, stance_ids: list[int], as_recorded_at: datetime | None = None
) -> dict[int, list[EvidenceItem]]:
    """All evidence for the given stances in one query, grouped by stance id."""
    grouped: dict[int, list[EvidenceItem]] = defaultdict(list)
    if not stance_ids:
        return grouped
    tables = _tables(as_recorded_at)
    sql = f"""
        SELECT ev.stance_id, {EVIDENCE_COLUMNS}
        FROM {tables["evidence"]} ev
        {source_and_speaker(tables)}
        WHERE ev.stance_id = ANY(CAST(:stance_ids AS bigint[]))
        ORDER BY ev.id
    """
    params: dict[str, object] = {"stance_ids": stance_ids}
    if as_recorded_at is not None:
        params["as_recorded"] = recorded_moment(as_recorded_at)
    for row in (await session.execute(text(sql), params)).mappings():
        grouped[row["stance_id"]].append(evidence_item(row))
    return grouped


def _detail_sql(tables: dict[str, str], filters: list[str], *, limit: bool) -> str:
    return f"""
        SELECT ev.version, {EVIDENCE_COLUMNS},
               s.slug AS stance_slug, s.position, s.ambiguity, s.stated_on, s.retracted_at,
               sa.slug AS actor_slug, sa.name AS actor_name, sa.kind AS actor_kind,
               p.slug AS policy_slug, p.title AS policy_title
        FROM {tables["evidence"]} ev
        {source_and_speaker(tables)}
        JOIN {tables["stance"]} s ON s.id = ev.stance_id
        JOIN {tables["actor"]} sa ON sa.id = s.actor_id
        JOIN {tables["policy"]} p ON p.id = s.policy_id
        WHERE {" AND ".join(filters) or "TRUE"}
        ORDER BY ev.slug
        {"LIMIT :limit" if limit else ""}
    """


def _detail(row: Row) -> EvidenceDetail:
    item = evidence_item(row)
    return EvidenceDetail(
        slug=item.slug,
        kind=item.kind,
        text=item.text,
        speaker=item.speaker,
        source=item.source,
        char_start=item.char_start,
        char_end=item.char_end,
        vote=item.vote,
        version=row["version"],
        stance=StanceRef(
            slug=row["stance_slug"],
            actor=actor_ref(row, "actor"),
            policy=PolicyRef(slug=row["policy_slug"], title=row["policy_title"]),
            position=row["position"],
            label=position_label(row["position"], row["ambiguity"]),
            stated_on=row["stated_on"],
            retracted=row["retracted_at"] is not None,
        ),
    )


async def list_evidence(
    session: AsyncSession,
    *,
    q: str | None,
    actor_id: int | None,
    speaker_id: int | None,
    policy_id: int | None,
    source_id: int | None,
    kind: EvidenceKind | None,
    stated_from: date | None,
    stated_to: date | None,
    as_recorded_at: datetime | None = None,
    after: str | None,
    limit: int,
) -> list[EvidenceDetail]:
    """Evidence ordered by slug; ``q`` is PostgreSQL full-text search (web-search syntax) over the text."""
    filters: list[str] = []
    params: dict[str, object] = {"limit": limit + 1}
    if as_recorded_at is not None:
        params["as_recorded"] = recorded_moment(as_recorded_at)
    if q:
        vector = search_vector_sql("ev", "text", recorded=as_recorded_at is not None)
        filters.append(f"{vector} @@ websearch_to_tsquery('{TEXT_SEARCH_CONFIG}', :q)")
        params["q"] = q
    conditions: list[tuple[str, str, object]] = [
        ("s.actor_id = :actor_id", "actor_id", actor_id),
        ("coalesce(ev.speaker_actor_id, s.actor_id) = :speaker_id", "speaker_id", speaker_id),
        ("s.policy_id = :policy_id", "policy_id", policy_id),
        ("ev.source_id = :source_id", "source_id", source_id),
        ("ev.kind = :kind", "kind", None if kind is None else kind.value),
        ("s.stated_on >= :stated_from", "stated_from", stated_from),
        ("s.stated_on <= :stated_to", "stated_to", stated_to),
        ("ev.slug > :after", "after", after),
    ]
    for condition, name, value in conditions:
        if value is not None:
            filters.append(condition)
            params[name] = value
    sql = _detail_sql(_tables(as_recorded_at), filters, limit=True)
    return [_detail(row) for row in (await session.execute(text(sql), params)).mappings()]


async def get_evidence(session: AsyncSession, slug: str) -> EvidenceDetail:
    sql = _detail_sql(relations(None), ["ev.slug = :slug"], limit=False)
    row = (await session.execute(text(sql), {"slug": slug})).mappings().one_or_none()
    if row is None:
        raise UnknownSlugs("evidence", [slug])
    return _detail(row)

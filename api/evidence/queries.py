"""SQL for evidence, including the per-stance evidence lists other resources embed."""

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import UnknownSlugs
from api.evidence.schemas import EvidenceDetail, EvidenceItem, StanceRef
from api.refs import ActorRef, PolicyRef, SourceRef, position_label
from db.enums import EvidenceKind
from db.models import TEXT_SEARCH_CONFIG, Actor, Evidence, Policy, Source, Stance
from db.snapshots import as_recorded, search_vector


def _item_query(
    evidence: type[Evidence] = Evidence, as_recorded_at: datetime | None = None
) -> Select[*tuple[Any, ...]]:
    source = as_recorded(Source, as_recorded_at)
    speaker = as_recorded(Actor, as_recorded_at, name="speaker")
    return (
        select(
            evidence.id,
            evidence.stance_id,
            evidence.slug,
            evidence.kind,
            evidence.text,
            evidence.char_start,
            evidence.char_end,
            speaker.slug.label("speaker_slug"),
            speaker.name.label("speaker_name"),
            speaker.kind.label("speaker_kind"),
            source.slug.label("source_slug"),
            source.title.label("source_title"),
            source.publisher,
            source.author,
            source.url,
            source.published_on,
            source.published_on_inferred,
        )
        .join(source, source.id == evidence.source_id)
        .outerjoin(speaker, speaker.id == evidence.speaker_actor_id)
    )


def evidence_item(row: Row[*tuple[Any, ...]]) -> EvidenceItem:
    return EvidenceItem(
        slug=row.slug,
        kind=row.kind,
        text=row.text,
        speaker=ActorRef(slug=row.speaker_slug, name=row.speaker_name, kind=row.speaker_kind)
        if row.speaker_slug
        else None,
        source=SourceRef(
            slug=row.source_slug,
            title=row.source_title,
            publisher=row.publisher,
            author=row.author,
            url=row.url,
            published_on=row.published_on,
            published_on_inferred=row.published_on_inferred,
        ),
        char_start=row.char_start,
        char_end=row.char_end,
    )


async def evidence_by_stance(
    session: AsyncSession, stance_ids: list[int], as_recorded_at: datetime | None = None
) -> dict[int, list[EvidenceItem]]:
    """All evidence for the given stances in one query, grouped by stance id."""
    grouped: dict[int, list[EvidenceItem]] = defaultdict(list)
    if not stance_ids:
        return grouped
    evidence = as_recorded(Evidence, as_recorded_at)
    rows = await session.execute(_item_query(evidence).where(evidence.stance_id.in_(stance_ids)).order_by(evidence.id))
    for row in rows:
        grouped[row.stance_id].append(evidence_item(row))
    return grouped


def _detail_query(
    evidence: type[Evidence] = Evidence, stance: type[Stance] = Stance, as_recorded_at: datetime | None = None
) -> Select[*tuple[Any, ...]]:
    stance_actor = as_recorded(Actor, as_recorded_at, name="stance_actor")
    policy = as_recorded(Policy, as_recorded_at)
    return (
        _item_query(evidence, as_recorded_at)
        .add_columns(
            stance.slug.label("stance_slug"),
            stance.position,
            stance.ambiguity,
            stance.stated_on,
            stance.retracted_at,
            evidence.version,
            stance_actor.slug.label("actor_slug"),
            stance_actor.name.label("actor_name"),
            stance_actor.kind.label("actor_kind"),
            policy.slug.label("policy_slug"),
            policy.title.label("policy_title"),
        )
        .join(stance, stance.id == evidence.stance_id)
        .join(stance_actor, stance_actor.id == stance.actor_id)
        .join(policy, policy.id == stance.policy_id)
    )


def _detail(row: Row[*tuple[Any, ...]]) -> EvidenceDetail:
    item = evidence_item(row)
    return EvidenceDetail(
        slug=item.slug,
        kind=item.kind,
        text=item.text,
        speaker=item.speaker,
        source=item.source,
        char_start=item.char_start,
        char_end=item.char_end,
        version=row.version,
        stance=StanceRef(
            slug=row.stance_slug,
            actor=ActorRef(slug=row.actor_slug, name=row.actor_name, kind=row.actor_kind),
            policy=PolicyRef(slug=row.policy_slug, title=row.policy_title),
            position=row.position,
            label=position_label(row.position, row.ambiguity),
            stated_on=row.stated_on,
            retracted=row.retracted_at is not None,
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
    evidence = as_recorded(Evidence, as_recorded_at)
    stance = as_recorded(Stance, as_recorded_at)
    query = _detail_query(evidence, stance, as_recorded_at).order_by(evidence.slug).limit(limit + 1)
    if q:
        query = query.where(
            search_vector(evidence.search_vector, evidence.text, as_recorded_at).op("@@")(
                func.websearch_to_tsquery(TEXT_SEARCH_CONFIG, q)
            )
        )
    if actor_id is not None:
        query = query.where(stance.actor_id == actor_id)
    if speaker_id is not None:
        query = query.where(func.coalesce(evidence.speaker_actor_id, stance.actor_id) == speaker_id)
    if policy_id is not None:
        query = query.where(stance.policy_id == policy_id)
    if source_id is not None:
        query = query.where(evidence.source_id == source_id)
    if kind is not None:
        query = query.where(evidence.kind == kind)
    if stated_from is not None:
        query = query.where(stance.stated_on >= stated_from)
    if stated_to is not None:
        query = query.where(stance.stated_on <= stated_to)
    if after is not None:
        query = query.where(evidence.slug > after)
    return [_detail(row) for row in await session.execute(query)]


async def get_evidence(session: AsyncSession, slug: str) -> EvidenceDetail:
    row = (await session.execute(_detail_query().where(Evidence.slug == slug))).one_or_none()
    if row is None:
        raise UnknownSlugs("evidence", [slug])
    return _detail(row)

"""Writing stances and evidence: validated, one transaction per request, guarded by `If-Match`."""

from collections.abc import Container, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.bodies import given_fields
from api.divisions.checks import VoteClaim, kind_errors, vote_errors
from api.errors import Conflict, InvalidField, Unprocessable
from api.preconditions import lock_if_match
from api.quotes import occurs_in
from api.slugs import ensure_slug_free, slug_ids
from api.stances.write_schemas import EvidenceCreate, EvidenceUpdate, StanceCreate, StanceUpdate
from db.enums import Ambiguity, DatePrecision, EvidenceKind, SourceKind
from db.models import Actor, Evidence, Policy, Source, Stance


def _last_day(day: date, precision: DatePrecision) -> date:
    """The latest day a date of this precision can stand for (month precision: the month's last day)."""
    if precision is DatePrecision.YEAR:
        return date(day.year, 12, 31)
    if precision is DatePrecision.MONTH:
        next_month = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return date.fromordinal(next_month.toordinal() - 1)
    return day


async def _sources(session: AsyncSession, slugs: set[str]) -> dict[str, Any]:
    rows = await session.execute(
        select(
            Source.slug,
            Source.id,
            Source.kind,
            Source.published_on,
            Source.published_on_precision,
            Source.published_on_inferred,
            Source.text,
        ).where(Source.slug.in_(slugs))
    )
    return {row.slug: row for row in rows}


async def cited_sources(session: AsyncSession, slugs: set[str]) -> dict[str, Any]:
    """The rows ``stance_errors`` checks evidence against, by slug (with ``published_on_inferred`` too)."""
    return await _sources(session, slugs)


def _not_in_source(kind: EvidenceKind) -> str:
    """Every evidence text is the source's own words: a quote as spoken, a paraphrase as the article puts it."""
    if kind is EvidenceKind.DIRECT_QUOTE:
        return "this quote does not occur in the source"
    if kind is EvidenceKind.RECORDED_VOTE:
        return "a recorded vote's text is the member's entry as the division list prints it, and it is not in it"
    return f"a {kind.value.replace('_', ' ')} must be the source's own words, and this text does not occur in it"


def _evidence_errors(
    index: int, item: EvidenceCreate, stated_on: date, sources: Mapping[str, Any], speakers: Container[str]
) -> list[InvalidField]:
    where = f"evidence[{index}]"
    errors: list[InvalidField] = []
    source = sources.get(item.source)
    if source is None:
        errors.append(InvalidField(name=f"{where}.source", location="body", message=f"unknown source '{item.source}'"))
    else:
        published = source.published_on
        if published is not None and stated_on > _last_day(published, DatePrecision(source.published_on_precision)):
            errors.append(
                InvalidField(
                    name="stated_on",
                    location="body",
                    message=f"{stated_on.isoformat()} is after {item.source}'s publication ({published.isoformat()})",
                )
            )
        if source.text is not None and not occurs_in(item.text, source.text):
            errors.append(InvalidField(name=f"{where}.text", location="body", message=_not_in_source(item.kind)))
    errors.extend(kind_errors(where, item.kind, item.vote, None if source is None else source.kind.value))
    if item.speaker is not None and item.speaker not in speakers:
        errors.append(InvalidField(name=f"{where}.speaker", location="body", message=f"unknown actor '{item.speaker}'"))
    if (item.char_start is None) != (item.char_end is None) or (
        item.char_start is not None and item.char_end is not None and item.char_end <= item.char_start
    ):
        errors.append(
            InvalidField(name=f"{where}.char_end", location="body", message="give both offsets, end after start")
        )
    return errors


def _merged(errors: list[InvalidField]) -> list[InvalidField]:
    """One entry per field, its messages joined (several sources can each make `stated_on` invalid)."""
    messages: dict[tuple[str, str], list[str]] = {}
    for error in errors:
        found = messages.setdefault((error.name, error.location), [])
        if error.message not in found:
            found.append(error.message)
    return [
        InvalidField(name=name, location=location, message="; ".join(m)) for (name, location), m in messages.items()
    ]


def _position_errors(position: int | None, ambiguity: object) -> list[InvalidField]:
    if (position is None) == (ambiguity is None):
        return [
            InvalidField(
                name="ambiguity",
                location="body",
                message="give a position, or `position: null` with an ambiguity (mixed or unclear), not both",
            )
        ]
    return []


def stance_errors(
    data: StanceCreate, actors: Container[str], policies: Container[str], sources: Mapping[str, Any]
) -> list[InvalidField]:
    """Every reason ``data`` cannot be stored, given the known actor and policy slugs and the sources it cites
    (rows with ``published_on``, ``published_on_precision`` and ``text``), one entry per field.

    The one stance validation: ``POST /v1/stances`` and bulk imports (``api.imports``) both call it.
    """
    errors = _position_errors(data.position, data.ambiguity)
    if data.actor not in actors:
        errors.append(InvalidField(name="actor", location="body", message=f"unknown actor '{data.actor}'"))
    if data.policy not in policies:
        errors.append(InvalidField(name="policy", location="body", message=f"unknown policy '{data.policy}'"))
    for index, item in enumerate(data.evidence):
        errors.extend(_evidence_errors(index, item, data.stated_on, sources, actors))
    return _merged(errors) if errors else []


async def _vote_errors(
    session: AsyncSession,
    data: StanceCreate,
    actors: Mapping[str, int],
    policies: Mapping[str, int],
    sources: Mapping[str, Any],
) -> list[InvalidField]:
    """The checks of a stance's recorded votes against its division-policy links (see ``api.divisions``)."""
    if data.policy not in policies or data.actor not in actors:
        return []
    claims = [
        VoteClaim(
            field=f"evidence[{index}]",
            source_id=sources[item.source].id,
            source_slug=item.source,
            vote=item.vote,
            voter_id=actors[item.speaker] if item.speaker else actors[data.actor],
        )
        for index, item in enumerate(data.evidence)
        if item.kind is EvidenceKind.RECORDED_VOTE
        and item.vote is not None
        and item.source in sources
        and sources[item.source].kind is SourceKind.PARLIAMENTARY_DIVISION
        and (item.speaker is None or item.speaker in actors)
    ]
    return await vote_errors(
        session,
        claims,
        policy_id=policies[data.policy],
        policy_slug=data.policy,
        position=data.position,
        ambiguity=data.ambiguity,
    )


async def create_stance(session: AsyncSession, data: StanceCreate) -> None:
    """Insert the stance and all its evidence, or raise 422/409 having written nothing."""
    actors = await slug_ids(session, Actor, {data.actor} | {e.speaker for e in data.evidence if e.speaker})
    policies = await slug_ids(session, Policy, {data.policy})
    sources = await _sources(session, {e.source for e in data.evidence})
    errors = stance_errors(data, actors, policies, sources) + await _vote_errors(
        session, data, actors, policies, sources
    )
    if errors:
        raise Unprocessable("The stance is invalid; nothing was stored.", errors=errors)
    await ensure_slug_free(session, Stance, data.slug, resource="stance")
    stance_id = await session.scalar(
        insert(Stance)
        .values(
            slug=data.slug,
            actor_id=actors[data.actor],
            policy_id=policies[data.policy],
            position=data.position,
            ambiguity=data.ambiguity.value if data.ambiguity else None,
            stated_on=data.stated_on,
            stated_on_precision=data.stated_on_precision.value,
            stated_on_inferred=data.stated_on_inferred,
            summary=data.summary,
        )
        .returning(Stance.id)
    )
    await session.execute(
        insert(Evidence),
        [
            {
                "slug": f"{data.slug}-e{index}",
                "stance_id": stance_id,
                "source_id": sources[item.source].id,
                "kind": item.kind.value,
                "text": item.text,
                "speaker_actor_id": actors[item.speaker] if item.speaker else None,
                "char_start": item.char_start,
                "char_end": item.char_end,
                "vote_option": None if item.vote is None else item.vote.value,
            }
            for index, item in enumerate(data.evidence, start=1)
        ],
    )


async def _stated_after_sources(session: AsyncSession, stance_id: int, stated_on: date) -> list[InvalidField]:
    """An error for each of the stance's sources published before ``stated_on``."""
    rows = await session.execute(
        select(Source.slug, Source.published_on, Source.published_on_precision)
        .join(Evidence, Evidence.source_id == Source.id)
        .where(Evidence.stance_id == stance_id, Source.published_on.is_not(None))
        .distinct()
    )
    return [
        InvalidField(
            name="stated_on",
            location="body",
            message=f"{stated_on.isoformat()} is after {row.slug}'s publication ({row.published_on.isoformat()})",
        )
        for row in rows
        if stated_on > _last_day(row.published_on, DatePrecision(row.published_on_precision))
    ]


def _current_stance(slug: str) -> Select[*tuple[Any, ...]]:
    return select(
        Stance.id,
        Stance.slug,
        Stance.version,
        Stance.actor_id,
        Stance.policy_id,
        Stance.position,
        Stance.ambiguity,
        Stance.retracted_at,
    ).where(Stance.slug == slug)


async def _stored_vote_claims(session: AsyncSession, stance_id: int, actor_id: int) -> list[VoteClaim]:
    """The recorded votes a stance rests on, as claims to check again when its position changes."""
    rows = await session.execute(
        select(
            Evidence.id,
            Evidence.slug,
            Evidence.source_id,
            Evidence.vote_option,
            Evidence.speaker_actor_id,
            Source.slug.label("source_slug"),
        )
        .join(Source, Source.id == Evidence.source_id)
        .where(Evidence.stance_id == stance_id, Evidence.kind == EvidenceKind.RECORDED_VOTE)
        .order_by(Evidence.id)
    )
    return [
        VoteClaim(
            field=f"evidence '{row.slug}'",
            source_id=row.source_id,
            source_slug=row.source_slug,
            vote=row.vote_option,
            voter_id=row.speaker_actor_id or actor_id,
            evidence_id=row.id,
        )
        for row in rows
    ]


async def _policy_slug(session: AsyncSession, policy_id: int) -> str:
    slug = await session.scalar(select(Policy.slug).where(Policy.id == policy_id))
    return slug or ""


async def update_stance(session: AsyncSession, slug: str, if_match: set[str], data: StanceUpdate) -> None:
    """Apply a correction when `If-Match` carries the current ETag (412 otherwise); exactly one racer wins."""
    current = await lock_if_match(session, _current_stance(slug), resource="stance", slug=slug, if_match=if_match)
    changes = given_fields(data)
    position = changes.get("position", current.position)
    ambiguity = changes.get("ambiguity", current.ambiguity)
    if "position" in changes and changes["position"] is not None and "ambiguity" not in changes:
        ambiguity = changes["ambiguity"] = None
    errors = _position_errors(position, ambiguity)
    if "stated_on" in changes:
        errors.extend(await _stated_after_sources(session, current.id, changes["stated_on"]))
    if not errors and ("position" in changes or "ambiguity" in changes):
        errors.extend(
            await vote_errors(
                session,
                await _stored_vote_claims(session, current.id, current.actor_id),
                policy_id=current.policy_id,
                policy_slug=await _policy_slug(session, current.policy_id),
                position=position,
                ambiguity=None if ambiguity is None else Ambiguity(ambiguity),
                position_field="position",
            )
        )
    if errors:
        raise Unprocessable("The correction is invalid; nothing was stored.", errors=_merged(errors))
    values = {name: getattr(value, "value", value) for name, value in changes.items()}
    await session.execute(
        update(Stance)
        .where(Stance.id == current.id)
        .values(**values, version=Stance.version + 1, updated_at=func.now())
    )


async def retract_stance(session: AsyncSession, slug: str, if_match: set[str], reason: str) -> None:
    current = await lock_if_match(session, _current_stance(slug), resource="stance", slug=slug, if_match=if_match)
    if current.retracted_at is not None:
        raise Conflict(f"Stance '{slug}' is already retracted.")
    await session.execute(
        update(Stance)
        .where(Stance.id == current.id)
        .values(retracted_at=func.now(), retraction_reason=reason, version=Stance.version + 1, updated_at=func.now())
    )


async def update_evidence(session: AsyncSession, slug: str, if_match: set[str], data: EvidenceUpdate) -> None:
    current = await lock_if_match(
        session,
        select(
            Evidence.id,
            Evidence.slug,
            Evidence.version,
            Evidence.stance_id,
            Evidence.kind,
            Evidence.text,
            Evidence.source_id,
            Evidence.speaker_actor_id,
            Evidence.vote_option,
            Evidence.char_start,
            Evidence.char_end,
        ).where(Evidence.slug == slug),
        resource="evidence",
        slug=slug,
        if_match=if_match,
    )
    changes = given_fields(data)
    errors: list[InvalidField] = []
    speaker_id = current.speaker_actor_id
    if "speaker" in changes:
        speaker = changes.pop("speaker")
        speakers = await slug_ids(session, Actor, {speaker} if speaker else set())
        if speaker is not None and speaker not in speakers:
            errors.append(InvalidField(name="speaker", location="body", message=f"unknown actor '{speaker}'"))
        speaker_id = changes["speaker_actor_id"] = speakers.get(speaker) if speaker else None
    kind = EvidenceKind(changes.get("kind", current.kind))
    if "vote" in changes:
        changes["vote_option"] = changes.pop("vote")
    elif kind is not EvidenceKind.RECORDED_VOTE:
        changes["vote_option"] = None  # a recorded vote made another kind loses its option
    vote = changes.get("vote_option", current.vote_option)
    text = changes.get("text", current.text)
    source = (
        await session.execute(select(Source.slug, Source.kind, Source.text).where(Source.id == current.source_id))
    ).one()
    if source.text is not None and not occurs_in(text, source.text):
        errors.append(InvalidField(name="text", location="body", message=_not_in_source(kind)))
    errors.extend(kind_errors("", kind, vote, source.kind.value))
    start, end = changes.get("char_start", current.char_start), changes.get("char_end", current.char_end)
    if (start is None) != (end is None) or (start is not None and end is not None and end <= start):
        errors.append(InvalidField(name="char_end", location="body", message="give both offsets, end after start"))
    if not errors and kind is EvidenceKind.RECORDED_VOTE and vote is not None:
        stance = (
            await session.execute(
                select(Stance.actor_id, Stance.policy_id, Stance.position, Stance.ambiguity).where(
                    Stance.id == current.stance_id
                )
            )
        ).one()
        claim = VoteClaim(
            field="",
            source_id=current.source_id,
            source_slug=source.slug,
            vote=vote,
            voter_id=speaker_id or stance.actor_id,
            evidence_id=current.id,
        )
        errors.extend(
            await vote_errors(
                session,
                [claim],
                policy_id=stance.policy_id,
                policy_slug=await _policy_slug(session, stance.policy_id),
                position=stance.position,
                ambiguity=stance.ambiguity,
            )
        )
    if errors:
        raise Unprocessable("The correction is invalid; nothing was stored.", errors=errors)
    values = {name: getattr(value, "value", value) for name, value in changes.items()}
    await session.execute(
        update(Evidence)
        .where(Evidence.id == current.id)
        .values(**values, version=Evidence.version + 1, updated_at=func.now())
    )

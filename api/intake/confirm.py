"""Confirming intake candidates: source, new actors, stances and evidence in one transaction, through the
write API's own validation (``api.stances.writes.stance_errors``: unknown actors and policies, a stance dated after
its source, a quote that does not occur in the source's text, …) and its own inserts."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.actors.writes import create_actor
from api.errors import Forbidden, InvalidField, Unprocessable
from api.intake.schemas import (
    ConfirmAction,
    ConfirmedCandidate,
    ConfirmedEvidence,
    IntakeConfirmation,
    IntakeConfirmResult,
)
from api.slugs import STANCE_SLUG_MAX_LENGTH, slug_ids
from api.sources.writes import create_source
from api.stances.write_schemas import EvidenceCreate, StanceCreate
from api.stances.writes import cited_sources, create_stance, stance_errors
from db.enums import Ambiguity, DatePrecision, EvidenceKind, KeyScope
from db.models import Actor, Evidence, Policy, Stance

MAX_EVIDENCE_PER_STANCE = 20


@dataclass(slots=True)
class _Group:
    """Candidates that become one stance: same actor, policy and date."""

    actor: str
    policy: str
    stated_on: date
    members: list[int] = field(default_factory=list)
    slug: str = ""


def _field(index: int, name: str) -> str:
    return f"candidates[{index}].{name}"


def _body_errors(data: IntakeConfirmation) -> list[InvalidField]:
    errors = []
    for index, candidate in enumerate(data.candidates):
        if candidate.kind is EvidenceKind.RECORDED_VOTE:
            errors.append(
                InvalidField(
                    name=_field(index, "kind"),
                    location="body",
                    message="an intake candidate is a direct quote, a paraphrase or a reported action",
                )
            )
        if candidate.actor is None and candidate.speaker is None:
            errors.append(
                InvalidField(
                    name=_field(index, "actor"), location="body", message="give the stance's actor or a speaker"
                )
            )
        if (candidate.char_start is None) != (candidate.char_end is None) or (
            candidate.char_start is not None
            and candidate.char_end is not None
            and candidate.char_end <= candidate.char_start
        ):
            errors.append(
                InvalidField(
                    name=_field(index, "char_end"), location="body", message="give both offsets, end after start"
                )
            )
    return errors


async def _linked(session: AsyncSession, data: IntakeConfirmation) -> tuple[dict[int, Any], list[InvalidField]]:
    """Candidates naming stored evidence (``duplicate_of``): that evidence, with its stance's actor and policy; or,
    when the same words (same source, same kind) are also evidence of a stance with the candidate's actor and
    policy, that one, so the candidate links to it."""
    wanted = {c.duplicate_of for c in data.candidates if c.duplicate_of}
    if not wanted:
        return {}, []
    named = select(Evidence.text, Evidence.source_id, Evidence.kind).where(Evidence.slug.in_(wanted)).subquery()
    rows = await session.execute(
        select(
            Evidence.slug,
            Evidence.text,
            Evidence.source_id,
            Stance.slug.label("stance"),
            Actor.slug.label("actor"),
            Policy.slug.label("policy"),
        )
        .join(Stance, Stance.id == Evidence.stance_id)
        .join(Actor, Actor.id == Stance.actor_id)
        .join(Policy, Policy.id == Stance.policy_id)
        .join(
            named,
            (named.c.text == Evidence.text)
            & (named.c.source_id == Evidence.source_id)
            & (named.c.kind == Evidence.kind),
        )
        .order_by(Evidence.id)
    )
    same_words = list(rows)
    by_slug = {row.slug: row for row in same_words}
    linked: dict[int, Any] = {}
    errors = []
    for index, candidate in enumerate(data.candidates):
        if candidate.duplicate_of is None:
            continue
        row = by_slug.get(candidate.duplicate_of)
        if row is None:
            errors.append(
                InvalidField(
                    name=_field(index, "duplicate_of"),
                    location="body",
                    message=f"unknown evidence '{candidate.duplicate_of}'",
                )
            )
            continue
        actor = candidate.actor or candidate.speaker
        twin = next(
            (
                other
                for other in same_words
                if (other.text, other.source_id) == (row.text, row.source_id)
                and (other.actor, other.policy) == (actor, candidate.policy)
            ),
            None,
        )
        linked[index] = twin or row
    return linked, errors


def _offset_errors(data: IntakeConfirmation, source_text: str | None) -> list[InvalidField]:
    """Offsets, when given, must point at the candidate's text in the source's stored text."""
    if source_text is None:
        return []
    errors = []
    for index, candidate in enumerate(data.candidates):
        start, end = candidate.char_start, candidate.char_end
        if start is not None and end is not None and end > start and source_text[start:end] != candidate.text:
            errors.append(
                InvalidField(
                    name=_field(index, "char_start"),
                    location="body",
                    message="the offsets do not point at this text in the source's stored text",
                )
            )
    return errors


def _stance_slug(actor: str, policy: str, day: date) -> str:
    slug = f"{actor}-on-{policy}-{day.isoformat()}"
    return slug[:STANCE_SLUG_MAX_LENGTH].rstrip("-")


async def _free_slugs(session: AsyncSession, groups: list[_Group], data: IntakeConfirmation) -> None:
    """The stance slug each group asked for, else ``<actor>-on-<policy>-<date>`` with ``-2``, ``-3`` … when taken."""
    wanted: dict[int, str] = {}
    for number, group in enumerate(groups):
        named = next((data.candidates[i].stance for i in group.members if data.candidates[i].stance), None)
        wanted[number] = named or _stance_slug(group.actor, group.policy, group.stated_on)
    bases = set(wanted.values())
    taken = (
        set(
            (
                await session.scalars(
                    select(Stance.slug).where(or_(*(Stance.slug.startswith(base, autoescape=True) for base in bases)))
                )
            ).all()
        )
        if bases
        else set()
    )
    for number, group in enumerate(groups):
        base = wanted[number]
        chosen = any(data.candidates[i].stance for i in group.members)
        slug, suffix = base, 1
        while slug in taken and not chosen:
            suffix += 1
            tail = f"-{suffix}"
            slug = base[: STANCE_SLUG_MAX_LENGTH - len(tail)].rstrip("-") + tail
        taken.add(slug)
        group.slug = slug


def _group(
    data: IntakeConfirmation, linked: dict[int, Any], published_on: date | None
) -> tuple[list[_Group], list[InvalidField]]:
    groups: dict[tuple[str, str, date], _Group] = {}
    errors = []
    for index, candidate in enumerate(data.candidates):
        actor = candidate.actor or candidate.speaker or ""
        row = linked.get(index)
        if row is not None and row.actor == actor and row.policy == candidate.policy:
            continue  # the same words are already evidence of this actor on this policy: link, do not copy
        day = candidate.stated_on or published_on
        if day is None:
            errors.append(
                InvalidField(
                    name=_field(index, "stated_on"),
                    location="body",
                    message="the source has no publication date: give the day it was said",
                )
            )
            continue
        groups.setdefault((actor, candidate.policy, day), _Group(actor, candidate.policy, day)).members.append(index)
    for group in groups.values():
        first = data.candidates[group.members[0]]
        for index in group.members[1:]:
            other = data.candidates[index]
            if (other.position, other.ambiguity) != (first.position, first.ambiguity):
                errors.append(
                    InvalidField(
                        name=_field(index, "position"),
                        location="body",
                        message=f"candidates[{group.members[0]}] gives this actor, policy and day another position",
                    )
                )
        if len(group.members) > MAX_EVIDENCE_PER_STANCE:
            errors.append(
                InvalidField(
                    name=_field(group.members[MAX_EVIDENCE_PER_STANCE], "policy"),
                    location="body",
                    message=f"at most {MAX_EVIDENCE_PER_STANCE} pieces of evidence per stance",
                )
            )
    return list(groups.values()), errors


class _SourceRow(Protocol):
    published_on: date | None
    published_on_precision: str
    published_on_inferred: bool


def _stance(group: _Group, data: IntakeConfirmation, source_slug: str, source: _SourceRow) -> StanceCreate:
    first: ConfirmedCandidate = data.candidates[group.members[0]]
    precision = first.stated_on_precision or (
        DatePrecision(source.published_on_precision) if first.stated_on is None else DatePrecision.DAY
    )
    inferred = (
        first.stated_on_inferred
        if first.stated_on_inferred is not None
        else (bool(source.published_on_inferred) if first.stated_on is None else False)
    )
    ambiguity = first.ambiguity
    if first.position is None and ambiguity is None:
        ambiguity = Ambiguity.UNCLEAR
    return StanceCreate(
        slug=group.slug,
        actor=group.actor,
        policy=group.policy,
        position=first.position,
        ambiguity=ambiguity,
        stated_on=group.stated_on,
        stated_on_precision=precision,
        stated_on_inferred=inferred,
        summary=first.summary,
        evidence=[
            EvidenceCreate(
                kind=data.candidates[i].kind,
                text=data.candidates[i].text,
                source=source_slug,
                speaker=data.candidates[i].speaker if data.candidates[i].speaker != group.actor else None,
                char_start=data.candidates[i].char_start,
                char_end=data.candidates[i].char_end,
            )
            for i in group.members
        ],
    )


def _renamed(error: InvalidField, group: _Group) -> InvalidField:
    """A stance error named for the request: ``evidence[2].text`` is ``candidates[<its index>].text``."""
    name = error.name
    if name.startswith("evidence["):
        position, _, rest = name.removeprefix("evidence[").partition("]")
        return InvalidField(
            name=f"candidates[{group.members[int(position)]}]{rest}", location=error.location, message=error.message
        )
    return InvalidField(name=_field(group.members[0], name), location=error.location, message=error.message)


async def confirm(session: AsyncSession, data: IntakeConfirmation, scope: KeyScope) -> IntakeConfirmResult:
    """Store what the editor accepted, or raise (422/403/409) having stored nothing."""
    errors = _body_errors(data)
    if data.actors and scope is not KeyScope.ADMIN:
        raise Forbidden("Creating actors needs an admin key; confirm with stored actors, or ask an admin.")
    if errors:
        raise Unprocessable("The confirmation is invalid; nothing was stored.", errors=errors)
    for actor in data.actors:
        await create_actor(session, actor)
    if data.source is not None:
        await create_source(session, data.source)
    source_slug = data.source.slug if data.source is not None else str(data.source_slug)
    sources = await cited_sources(session, {source_slug})
    source = sources.get(source_slug)
    if source is None:
        raise Unprocessable(
            "The confirmation is invalid; nothing was stored.",
            errors=[InvalidField(name="source_slug", location="body", message=f"unknown source '{source_slug}'")],
        )
    linked, errors = await _linked(session, data)
    errors += _offset_errors(data, source.text)
    groups, group_errors = _group(data, linked, source.published_on)
    errors += group_errors
    await _free_slugs(session, groups, data)
    stances = [(group, _stance(group, data, source_slug, source)) for group in groups]
    mentioned = {s.actor for _, s in stances} | {e.speaker for _, s in stances for e in s.evidence if e.speaker}
    actors = await slug_ids(session, Actor, mentioned)
    policies = await slug_ids(session, Policy, {s.policy for _, s in stances})
    for group, stance in stances:
        errors += [_renamed(error, group) for error in stance_errors(stance, actors, policies, sources)]
    if errors:
        raise Unprocessable("The confirmation is invalid; nothing was stored.", errors=errors)
    for _, stance in stances:
        await create_stance(session, stance)
    items: list[ConfirmedEvidence] = []
    for group, stance in stances:
        for number, index in enumerate(group.members, start=1):
            row = linked.get(index)
            items.append(
                ConfirmedEvidence(
                    candidate=index,
                    action=ConfirmAction.CREATED,
                    evidence=f"{stance.slug}-e{number}",
                    stance=stance.slug,
                    duplicate_of=row.slug if row is not None else None,
                )
            )
    for index, row in linked.items():
        if not any(index in group.members for group in groups):
            items.append(
                ConfirmedEvidence(candidate=index, action=ConfirmAction.LINKED, evidence=row.slug, stance=row.stance)
            )
    items.sort(key=lambda item: item.candidate)
    return IntakeConfirmResult(
        source=source_slug,
        source_created=data.source is not None,
        actors_created=[actor.slug for actor in data.actors],
        stances_created=[stance.slug for _, stance in stances],
        evidence=items,
    )

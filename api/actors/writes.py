"""Writing actors, their aliases and roles (admin keys), each request in one transaction."""

from collections.abc import Container
from datetime import date

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.actors.write_schemas import ActorCreate, ActorRoleInput, ActorRolesReplace, ActorUpdate, Office
from api.bodies import given_fields
from api.errors import Conflict, InvalidField, Unprocessable
from api.identifiers import replace_identifiers
from api.slugs import ensure_slug_free, resolve_path_slug, slug_ids
from db.models import Actor, ActorAlias, ActorRole


async def _replace_aliases(session: AsyncSession, actor_id: int, aliases: list[str]) -> None:
    await session.execute(delete(ActorAlias).where(ActorAlias.actor_id == actor_id, ActorAlias.alias.not_in(aliases)))
    existing = set((await session.scalars(select(ActorAlias.alias).where(ActorAlias.actor_id == actor_id))).all())
    missing = [alias for alias in dict.fromkeys(aliases) if alias not in existing]
    if missing:
        await session.execute(insert(ActorAlias), [{"actor_id": actor_id, "alias": alias} for alias in missing])


async def _speaks_for(session: AsyncSession, office: Office | None) -> dict[str, object]:
    """The columns of ``speaks_for`` (422 when its organisation is unknown)."""
    if office is None:
        return {"speaks_for_organisation_id": None, "speaks_for_title": None}
    known = await slug_ids(session, Actor, [office.organisation])
    if office.organisation not in known:
        message = f"unknown actor '{office.organisation}'"
        raise Unprocessable(
            "The office spoken for is unknown; nothing was stored.",
            errors=[InvalidField(name="speaks_for.organisation", location="body", message=message)],
        )
    return {"speaks_for_organisation_id": known[office.organisation], "speaks_for_title": office.title}


async def create_actor(session: AsyncSession, data: ActorCreate) -> None:
    await ensure_slug_free(session, Actor, data.slug, resource="actor")
    speaks_for = await _speaks_for(session, data.speaks_for)
    actor_id = await session.scalar(
        insert(Actor)
        .values(
            slug=data.slug,
            name=data.name,
            kind=data.kind,
            description=data.description,
            country=data.country,
            **speaks_for,
        )
        .returning(Actor.id)
    )
    if actor_id is not None:
        await _replace_aliases(session, actor_id, data.aliases)
        await replace_identifiers(session, Actor, actor_id, data.identifiers)


async def update_actor(session: AsyncSession, slug: str, data: ActorUpdate) -> None:
    actor_id = await resolve_path_slug(session, Actor, slug, resource="actor", for_update=True)
    changes = given_fields(data)
    aliases = changes.pop("aliases", None)
    identifiers = changes.pop("identifiers", None)
    if "speaks_for" in changes:
        changes.update(await _speaks_for(session, data.speaks_for if isinstance(data.speaks_for, Office) else None))
        del changes["speaks_for"]
    # Always touch the actor row, so an alias-only change still leaves a revision with its author.
    await session.execute(update(Actor).where(Actor.id == actor_id).values(**changes, updated_at=func.now()))
    if aliases is not None:
        await _replace_aliases(session, actor_id, aliases)
    if identifiers is not None:
        await replace_identifiers(session, Actor, actor_id, identifiers)


def role_errors(role: ActorRoleInput, organisations: Container[str], *, where: str = "") -> list[InvalidField]:
    """Why one role cannot be stored (its organisation unknown, its period reversed); ``where`` prefixes names.

    Shared by ``PUT /v1/actors/{slug}/roles`` and bulk imports (``api.imports``).
    """
    errors: list[InvalidField] = []
    if role.organisation and role.organisation not in organisations:
        errors.append(
            InvalidField(name=f"{where}organisation", location="body", message=f"unknown actor '{role.organisation}'")
        )
    if role.started_on and role.ended_on and role.ended_on < role.started_on:
        errors.append(InvalidField(name=f"{where}ended_on", location="body", message="ends before it starts"))
    return errors


async def replace_roles(session: AsyncSession, slug: str, data: ActorRolesReplace) -> None:
    """Make the actor's roles exactly the listed ones (keyed by title, organisation and start date)."""
    actor_id = await resolve_path_slug(session, Actor, slug, resource="actor", for_update=True)
    organisations = {role.organisation for role in data.roles if role.organisation}
    known = await slug_ids(session, Actor, organisations)
    errors: list[InvalidField] = []
    seen: set[tuple[str, str | None, object]] = set()
    for index, role in enumerate(data.roles):
        errors.extend(role_errors(role, known, where=f"roles[{index}]."))
        if (role.title, role.organisation, role.started_on) in seen:
            errors.append(
                InvalidField(
                    name=f"roles[{index}]", location="body", message="duplicate title, organisation and start date"
                )
            )
        seen.add((role.title, role.organisation, role.started_on))
    errors.extend(_own_overlaps(data.roles))
    if errors:
        raise Unprocessable("The roles are invalid; nothing was stored.", errors=errors)
    await _check_other_holders(session, actor_id, data.roles, known)
    await session.execute(delete(ActorRole).where(ActorRole.actor_id == actor_id))
    if data.roles:
        await session.execute(
            insert(ActorRole),
            [
                {
                    "actor_id": actor_id,
                    "title": role.title,
                    "organisation_id": known.get(role.organisation) if role.organisation else None,
                    "started_on": role.started_on,
                    "ended_on": role.ended_on,
                    "sole_holder": role.sole_holder,
                }
                for role in data.roles
            ],
        )


def periods_overlap(a_start: date | None, a_end: date | None, b_start: date | None, b_end: date | None) -> bool:
    """Whether two half-open periods [start, end) share a day; a missing bound is unbounded."""
    return (a_end is None or b_start is None or b_start < a_end) and (
        b_end is None or a_start is None or a_start < b_end
    )


def period_text(start: date | None, end: date | None) -> str:
    return f"{start.isoformat() if start else 'an unknown day'} to {end.isoformat() if end else 'now'}"


def _own_overlaps(roles: list[ActorRoleInput]) -> list[InvalidField]:
    """Two periods of one sole-holder office in the same list must not overlap either."""
    errors = []
    for i, role in enumerate(roles):
        for other in roles[:i]:
            same_office = (other.title, other.organisation) == (role.title, role.organisation)
            both_sole = role.sole_holder and other.sole_holder
            if (
                both_sole
                and same_office
                and periods_overlap(role.started_on, role.ended_on, other.started_on, other.ended_on)
            ):
                message = "overlaps another period of the same office"
                errors.append(InvalidField(name=f"roles[{i}]", location="body", message=message))
    return errors


async def _check_other_holders(
    session: AsyncSession, actor_id: int, roles: list[ActorRoleInput], organisations: dict[str, int]
) -> None:
    """409 naming the holder whose period a new sole-holder role would overlap (the database enforces it too)."""
    for role in roles:
        if not role.sole_holder:
            continue
        organisation_id = organisations.get(role.organisation) if role.organisation else None
        holders = await session.execute(
            select(Actor.slug, ActorRole.started_on, ActorRole.ended_on)
            .join(Actor, Actor.id == ActorRole.actor_id)
            .where(
                ActorRole.sole_holder,
                ActorRole.actor_id != actor_id,
                ActorRole.title == role.title,
                ActorRole.organisation_id == organisation_id
                if organisation_id is not None
                else ActorRole.organisation_id.is_(None),
            )
        )
        for holder in holders:
            if periods_overlap(role.started_on, role.ended_on, holder.started_on, holder.ended_on):
                raise Conflict(
                    f"'{role.title}' has one holder at a time: {holder.slug} holds it from "
                    f"{period_text(holder.started_on, holder.ended_on)}, which overlaps "
                    f"{period_text(role.started_on, role.ended_on)}; nothing was stored."
                )

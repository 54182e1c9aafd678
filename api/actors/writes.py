"""Writing actors, their aliases and roles (admin keys), each request in one transaction."""

from collections.abc import Container

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.actors.write_schemas import ActorCreate, ActorRoleInput, ActorRolesReplace, ActorUpdate
from api.bodies import given_fields
from api.errors import InvalidField, Unprocessable
from api.identifiers import replace_identifiers
from api.slugs import ensure_slug_free, resolve_path_slug, slug_ids
from db.models import Actor, ActorAlias, ActorRole


async def _replace_aliases(session: AsyncSession, actor_id: int, aliases: list[str]) -> None:
    await session.execute(delete(ActorAlias).where(ActorAlias.actor_id == actor_id, ActorAlias.alias.not_in(aliases)))
    existing = set((await session.scalars(select(ActorAlias.alias).where(ActorAlias.actor_id == actor_id))).all())
    missing = [alias for alias in dict.fromkeys(aliases) if alias not in existing]
    if missing:
        await session.execute(insert(ActorAlias), [{"actor_id": actor_id, "alias": alias} for alias in missing])


async def create_actor(session: AsyncSession, data: ActorCreate) -> None:
    await ensure_slug_free(session, Actor, data.slug, resource="actor")
    actor_id = await session.scalar(
        insert(Actor)
        .values(slug=data.slug, name=data.name, kind=data.kind, description=data.description, country=data.country)
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
    if errors:
        raise Unprocessable("The roles are invalid; nothing was stored.", errors=errors)
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
                }
                for role in data.roles
            ],
        )

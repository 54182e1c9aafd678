"""GET /v1/actors and /v1/actors/{slug}."""

from typing import Annotated, Any

from litestar import Controller, Request, get, patch, post, put
from litestar.params import Parameter

from api.actors import queries, writes
from api.actors.schemas import ActorDetail, ActorPage
from api.actors.write_schemas import ActorCreate, ActorRolesReplace, ActorUpdate
from api.bodies import documented_body
from api.database import Session
from api.openapi import READ_ERRORS, UPDATE_ERRORS, WRITE_ERRORS, WRITE_SECURITY, problem_responses
from api.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, next_cursor
from api.params import AsRecorded, recorded_at
from api.writing import write_then_read
from db.enums import ActorKind, KeyScope

SlugPath = Annotated[str, Parameter(description="The actor's slug, e.g. `edi-rama`.", max_length=160)]

documented_body("createActor", ActorCreate)
documented_body("updateActor", ActorUpdate)
documented_body("replaceActorRoles", ActorRolesReplace)


class ActorController(Controller):
    path = "/v1/actors"
    tags = ["actors"]

    @get(
        "/",
        operation_id="listActors",
        summary="List actors",
        responses=problem_responses(*READ_ERRORS),
    )
    async def list_actors(
        self,
        session: Session,
        q: Annotated[
            str | None,
            Parameter(
                description="Search names and aliases, forgiving small typos: `rama`, `Sir Keir`, `starmr`.",
                min_length=1,
                max_length=200,
            ),
        ] = None,
        kind: Annotated[ActorKind | None, Parameter(description="Only actors of this kind.")] = None,
        country: Annotated[
            str | None, Parameter(description="ISO 3166-1 alpha-2 country code, e.g. `GB`.", pattern="^[A-Za-z]{2}$")
        ] = None,
        as_recorded: AsRecorded = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> ActorPage:
        """Actors ordered by slug, filtered by name or alias, kind and country."""
        after = decode_cursor(cursor, (str,))
        rows = await queries.list_actors(
            session,
            q=q,
            kind=kind,
            country=country,
            after=after[0] if after else None,
            limit=limit,
            as_recorded_at=recorded_at(as_recorded),
        )
        return ActorPage(items=rows[:limit], next_cursor=next_cursor(rows, limit, lambda row: (row.slug,)))

    @get(
        "/{slug:str}",
        operation_id="getActor",
        summary="Get an actor",
        responses=problem_responses(*READ_ERRORS),
    )
    async def get_actor(self, session: Session, slug: SlugPath) -> ActorDetail:
        """One actor with its aliases and roles over time."""
        return await queries.get_actor(session, slug)

    @post(
        "/",
        operation_id="createActor",
        summary="Create an actor",
        security=WRITE_SECURITY,
        responses=problem_responses(*WRITE_ERRORS),
        status_code=201,
    )
    async def create_actor(self, request: Request[Any, Any, Any], session: Session) -> ActorDetail:
        """Needs an admin key. Slugs are permanent public ids: 409 when taken."""
        return await write_then_read(
            request,
            session,
            KeyScope.ADMIN,
            ActorCreate,
            lambda data: writes.create_actor(session, data),
            lambda data: queries.get_actor(session, data.slug),
        )

    @patch(
        "/{slug:str}",
        operation_id="updateActor",
        summary="Correct an actor",
        security=WRITE_SECURITY,
        responses=problem_responses(*UPDATE_ERRORS),
    )
    async def update_actor(self, request: Request[Any, Any, Any], session: Session, slug: SlugPath) -> ActorDetail:
        """Needs an admin key. Only the fields given change; `aliases` replaces the list."""
        return await write_then_read(
            request,
            session,
            KeyScope.ADMIN,
            ActorUpdate,
            lambda data: writes.update_actor(session, slug, data),
            lambda _: queries.get_actor(session, slug),
        )

    @put(
        "/{slug:str}/roles",
        operation_id="replaceActorRoles",
        summary="Set an actor's roles",
        security=WRITE_SECURITY,
        responses=problem_responses(*UPDATE_ERRORS),
    )
    async def replace_roles(self, request: Request[Any, Any, Any], session: Session, slug: SlugPath) -> ActorDetail:
        """Needs an admin key. The listed roles become the actor's complete list of roles."""
        return await write_then_read(
            request,
            session,
            KeyScope.ADMIN,
            ActorRolesReplace,
            lambda data: writes.replace_roles(session, slug, data),
            lambda _: queries.get_actor(session, slug),
        )

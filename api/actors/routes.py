"""/v1/actors: list, search and read actors; admins create and correct them and set their roles."""

from typing import Annotated

from litestar import Controller, Response, get, patch, post, put
from litestar.params import Parameter

from api.actors import queries, writes
from api.actors.schemas import ActorDetail, ActorPage
from api.actors.write_schemas import ActorCreate, ActorRolesReplace, ActorUpdate
from api.database import Session
from api.endpoints import endpoint
from api.idempotency import idempotent
from api.identifiers import IdentifierFilter
from api.openapi import READ_ERRORS, UPDATE_ERRORS, WRITE_ERRORS, WRITE_SECURITY, problem_responses
from api.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, next_cursor
from api.params import AsRecorded, recorded_at
from api.writing import Write
from db.enums import ActorKind, KeyScope

SlugPath = Annotated[str, Parameter(description="The actor's slug, e.g. `edi-rama`.", max_length=160)]


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
                description=(
                    "Search names and aliases, forgiving small typos: `rama`, `Sir Keir`, `starmr`. Results are "
                    "ordered by relevance: an exact name first, then an exact alias, then trigram closeness."
                ),
                min_length=1,
                max_length=200,
            ),
        ] = None,
        identifier: IdentifierFilter = None,
        kind: Annotated[ActorKind | None, Parameter(description="Only actors of this kind.")] = None,
        country: Annotated[
            str | None, Parameter(description="ISO 3166-1 alpha-2 country code, e.g. `GB`.", pattern="^[A-Za-z]{2}$")
        ] = None,
        as_recorded: AsRecorded = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> ActorPage:
        """Actors ordered by slug (by relevance with `q`), filtered by name or alias, identifier, kind and country."""
        after = decode_cursor(cursor, queries.RELEVANCE_CURSOR if q else (str,))
        rows = await queries.list_actors(
            session,
            q=q,
            identifier=identifier,
            kind=kind,
            country=country,
            after=after,
            limit=limit,
            as_recorded_at=recorded_at(as_recorded),
        )
        return ActorPage(
            items=[actor for actor, _ in rows[:limit]], next_cursor=next_cursor(rows, limit, lambda row: row[1])
        )

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
        opt=endpoint(body=ActorCreate, scope=KeyScope.ADMIN, idempotent=True),
    )
    async def create_actor(self, write: Write) -> Response[ActorDetail]:
        """Needs an admin key. Slugs are permanent public ids: 409 when taken, and when an identifier already
        belongs to another actor. Send `Idempotency-Key` to make retries safe."""
        data = write.body(ActorCreate)

        async def perform() -> ActorDetail:
            await writes.create_actor(write.session, data)
            return await queries.get_actor(write.session, data.slug)

        return await idempotent(write, ActorDetail, perform, lambda actor: {"Location": f"/v1/actors/{actor.slug}"})

    @patch(
        "/{slug:str}",
        operation_id="updateActor",
        summary="Correct an actor",
        security=WRITE_SECURITY,
        responses=problem_responses(*UPDATE_ERRORS),
        opt=endpoint(body=ActorUpdate, scope=KeyScope.ADMIN),
    )
    async def update_actor(self, write: Write, slug: SlugPath) -> ActorDetail:
        """Needs an admin key. Only the fields given change; `aliases` and `identifiers` replace their lists."""
        await writes.update_actor(write.session, slug, write.body(ActorUpdate))
        return await queries.get_actor(write.session, slug)

    @put(
        "/{slug:str}/roles",
        operation_id="replaceActorRoles",
        summary="Set an actor's roles",
        security=WRITE_SECURITY,
        responses=problem_responses(*UPDATE_ERRORS),
        opt=endpoint(body=ActorRolesReplace, scope=KeyScope.ADMIN),
    )
    async def replace_roles(self, write: Write, slug: SlugPath) -> ActorDetail:
        """Needs an admin key. The listed roles become the actor's complete list of roles."""
        await writes.replace_roles(write.session, slug, write.body(ActorRolesReplace))
        return await queries.get_actor(write.session, slug)

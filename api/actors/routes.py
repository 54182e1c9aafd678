"""GET /v1/actors and /v1/actors/{slug}."""

from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter

from api.actors import queries
from api.actors.schemas import ActorDetail, ActorPage
from api.database import Session
from api.openapi import READ_ERRORS, problem_responses
from api.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, next_cursor
from api.params import AsRecorded, utc
from db.enums import ActorKind

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
            as_recorded_at=utc(as_recorded),
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

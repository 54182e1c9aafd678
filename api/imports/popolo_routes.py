"""GET /v1/export/popolo: the dataset's persons, organizations and memberships as Popolo JSON."""

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.datastructures import State
from litestar.params import Parameter

from api.database import driver_of, read_connection
from api.imports.popolo import DEFAULT_SCHEME, PopoloExport, export_popolo
from api.openapi import problem_responses


class PopoloExportController(Controller):
    path = "/v1/export/popolo"
    tags = ["imports"]

    @get(
        "/",
        operation_id="exportPopolo",
        summary="Export people, organisations and roles as Popolo JSON",
        responses=problem_responses(400, 503),
    )
    async def export(
        self,
        request: Request[Any, Any, Any],
        state: State,
        scheme: Annotated[
            str,
            Parameter(
                description="The identifier scheme whose identifiers are written as the Popolo `id`s (an actor "
                "without one gets its slug); the other identifiers are listed under `identifiers`.",
                pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$",
            ),
        ] = DEFAULT_SCHEME,
    ) -> PopoloExport:
        """Actors of kind person as `persons`, the other actors (anonymous sources aside) as `organizations`
        (`classification` is the actor's kind), the roles of persons as `memberships`: a role's organisation is
        its `organization_id`, a title ending `(post: …)` gives `post_id`, and a party role titled "Member" over
        exactly the dates of another role of the person is written as that membership's `on_behalf_of_id`.
        `positions import popolo FILE` loads such a file."""
        async with read_connection(request, state) as connection:
            return await export_popolo(await driver_of(connection), scheme)

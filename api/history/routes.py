"""GET /v1/changes: the change feed, for dashboards and mirrors that follow along."""

from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter

from api.database import Session
from api.history import queries
from api.history.schemas import ChangeFeed
from api.openapi import problem_responses
from api.pagination import DEFAULT_LIMIT, Limit, decode_cursor, encode_cursor


class ChangeFeedController(Controller):
    path = "/v1/changes"
    tags = ["history"]

    @get("/", operation_id="listChanges", summary="Follow changes", responses=problem_responses(400, 503))
    async def list_changes(
        self,
        session: Session,
        since: Annotated[
            str | None,
            Parameter(
                description="`next_cursor` from the previous call; omit to start from the first change.", max_length=200
            ),
        ] = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> ChangeFeed:
        """Every recorded change to actors, roles, policies, relations, sources, stances and evidence, in order."""
        after = decode_cursor(since, (int,), parameter="since")
        last_id = after[0] if after else 0
        rows = await queries.changes_since(session, last_id, limit)
        if rows:
            last_id = rows[-1][0]
        return ChangeFeed(items=[item for _, item in rows], next_cursor=encode_cursor((last_id,)))

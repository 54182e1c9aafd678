"""GET /v1/stances and /v1/stances/{slug}."""

from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter

from api.database import Session
from api.lookups import resolve_slug
from api.openapi import READ_ERRORS, problem_responses
from api.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, next_cursor
from api.params import check_date_range
from api.stances import queries
from api.stances.schemas import StancePage, StanceWithEvidence
from db.models import Actor, Policy, Topic


class StanceController(Controller):
    path = "/v1/stances"
    tags = ["stances"]

    @get("/", operation_id="listStances", summary="List and search stances", responses=problem_responses(*READ_ERRORS))
    async def list_stances(
        self,
        session: Session,
        q: Annotated[
            str | None,
            Parameter(
                description="Full-text search over stance summaries and their evidence, e.g. `marriage with Italy`.",
                min_length=1,
                max_length=200,
            ),
        ] = None,
        actor: Annotated[str | None, Parameter(description="Only this actor's stances (slug).", max_length=160)] = None,
        policy: Annotated[
            str | None, Parameter(description="Only stances on this policy (slug).", max_length=160)
        ] = None,
        topic: Annotated[
            str | None, Parameter(description="Only stances on policies with this topic (slug).", max_length=160)
        ] = None,
        stated_from: Annotated[date | None, Parameter(description="Stated on or after this date (YYYY-MM-DD).")] = None,
        stated_to: Annotated[date | None, Parameter(description="Stated on or before this date (YYYY-MM-DD).")] = None,
        include_retracted: Annotated[
            bool, Parameter(description="Also list retracted stances (marked `retracted: true`).")
        ] = False,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> StancePage:
        """Stances in the order they were stated, each with its evidence and sources."""
        check_date_range(stated_from, stated_to, start_name="stated_from", end_name="stated_to")
        after = decode_cursor(cursor, (date, str))
        rows = await queries.list_stances(
            session,
            q=q,
            actor_id=await resolve_slug(session, Actor, actor, resource="actor", parameter="actor") if actor else None,
            policy_id=await resolve_slug(session, Policy, policy, resource="policy", parameter="policy")
            if policy
            else None,
            topic_id=await resolve_slug(session, Topic, topic, resource="topic", parameter="topic") if topic else None,
            stated_from=stated_from,
            stated_to=stated_to,
            include_retracted=include_retracted,
            after=(after[0], after[1]) if after else None,
            limit=limit,
        )
        return StancePage(
            items=rows[:limit], next_cursor=next_cursor(rows, limit, lambda row: (row.stated_on, row.slug))
        )

    @get("/{slug:str}", operation_id="getStance", summary="Get a stance", responses=problem_responses(*READ_ERRORS))
    async def get_stance(
        self,
        session: Session,
        slug: Annotated[
            str,
            Parameter(description="The stance's slug, e.g. `edi-rama-on-uk-return-hubs-2025-05-15`.", max_length=160),
        ],
    ) -> StanceWithEvidence:
        """One stance with its evidence."""
        return await queries.get_stance(session, slug)

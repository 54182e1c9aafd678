"""GET /v1/policies, /v1/policies/{slug} and /v1/topics."""

from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter

from api.database import Session
from api.lookups import resolve_slug
from api.openapi import READ_ERRORS, problem_responses
from api.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, next_cursor
from api.params import AsRecorded, utc
from api.policies import queries
from api.policies.schemas import PolicyDetail, PolicyPage, TopicList
from db.models import Topic

PolicySlug = Annotated[str, Parameter(description="The policy's slug, e.g. `uk-return-hubs`.", max_length=160)]


class PolicyController(Controller):
    path = "/v1/policies"
    tags = ["policies"]

    @get("/", operation_id="listPolicies", summary="List policies", responses=problem_responses(*READ_ERRORS))
    async def list_policies(
        self,
        session: Session,
        q: Annotated[
            str | None, Parameter(description="Words in the title or summary.", min_length=1, max_length=200)
        ] = None,
        topic: Annotated[
            str | None,
            Parameter(description="Only policies with this topic slug, e.g. `asylum-returns`.", max_length=160),
        ] = None,
        jurisdiction: Annotated[
            str | None, Parameter(description="Jurisdiction code, e.g. `GB` or `IT-AL`.", max_length=32)
        ] = None,
        as_recorded: AsRecorded = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> PolicyPage:
        """Policies ordered by slug."""
        after = decode_cursor(cursor, (str,))
        topic_id = await resolve_slug(session, Topic, topic, resource="topic", parameter="topic") if topic else None
        rows = await queries.list_policies(
            session,
            q=q,
            topic_id=topic_id,
            jurisdiction=jurisdiction,
            after=after[0] if after else None,
            limit=limit,
            as_recorded_at=utc(as_recorded),
        )
        return PolicyPage(items=rows[:limit], next_cursor=next_cursor(rows, limit, lambda row: (row.slug,)))

    @get("/{slug:str}", operation_id="getPolicy", summary="Get a policy", responses=problem_responses(*READ_ERRORS))
    async def get_policy(self, session: Session, slug: PolicySlug) -> PolicyDetail:
        """One policy with its topics and relations (e.g. return hubs *compared with* the Rwanda scheme)."""
        return await queries.get_policy(session, slug)


class TopicController(Controller):
    path = "/v1/topics"
    tags = ["policies"]

    @get("/", operation_id="listTopics", summary="List topics", responses=problem_responses(503))
    async def list_topics(self, session: Session) -> TopicList:
        """Every topic, for filters such as `topic=` on policies, stances and comparisons."""
        return TopicList(items=await queries.list_topics(session))

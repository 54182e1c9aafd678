"""GET /v1/policies, /v1/policies/{slug} and /v1/topics."""

from typing import Annotated, Any

from litestar import Controller, Request, get, patch, post, put
from litestar.params import Parameter

from api.bodies import documented_body
from api.database import Session
from api.lookups import resolve_slug
from api.openapi import READ_ERRORS, UPDATE_ERRORS, WRITE_ERRORS, WRITE_SECURITY, problem_responses
from api.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, next_cursor
from api.params import AsRecorded, recorded_at
from api.policies import queries, writes
from api.policies.schemas import PolicyDetail, PolicyPage, TopicList
from api.policies.write_schemas import PolicyCreate, PolicyRelationsReplace, PolicyUpdate
from api.writing import write_then_read
from db.enums import KeyScope
from db.models import Topic

PolicySlug = Annotated[str, Parameter(description="The policy's slug, e.g. `uk-return-hubs`.", max_length=160)]

documented_body("createPolicy", PolicyCreate)
documented_body("updatePolicy", PolicyUpdate)
documented_body("replacePolicyRelations", PolicyRelationsReplace)


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
            as_recorded_at=recorded_at(as_recorded),
        )
        return PolicyPage(items=rows[:limit], next_cursor=next_cursor(rows, limit, lambda row: (row.slug,)))

    @get("/{slug:str}", operation_id="getPolicy", summary="Get a policy", responses=problem_responses(*READ_ERRORS))
    async def get_policy(self, session: Session, slug: PolicySlug) -> PolicyDetail:
        """One policy with its topics and relations (e.g. return hubs *compared with* the Rwanda scheme)."""
        return await queries.get_policy(session, slug)

    @post(
        "/",
        operation_id="createPolicy",
        summary="Create a policy",
        security=WRITE_SECURITY,
        responses=problem_responses(*WRITE_ERRORS),
        status_code=201,
    )
    async def create_policy(self, request: Request[Any, Any, Any], session: Session) -> PolicyDetail:
        """Needs an admin key. Slugs are permanent public ids: 409 when taken."""
        return await write_then_read(
            request,
            session,
            KeyScope.ADMIN,
            PolicyCreate,
            lambda data: writes.create_policy(session, data),
            lambda data: queries.get_policy(session, data.slug),
        )

    @patch(
        "/{slug:str}",
        operation_id="updatePolicy",
        summary="Correct a policy",
        security=WRITE_SECURITY,
        responses=problem_responses(*UPDATE_ERRORS),
    )
    async def update_policy(self, request: Request[Any, Any, Any], session: Session, slug: PolicySlug) -> PolicyDetail:
        """Needs an admin key. Only the fields given change; `topics` replaces the list."""
        return await write_then_read(
            request,
            session,
            KeyScope.ADMIN,
            PolicyUpdate,
            lambda data: writes.update_policy(session, slug, data),
            lambda _: queries.get_policy(session, slug),
        )

    @put(
        "/{slug:str}/relations",
        operation_id="replacePolicyRelations",
        summary="Set a policy's relations",
        security=WRITE_SECURITY,
        responses=problem_responses(*UPDATE_ERRORS),
    )
    async def replace_relations(
        self, request: Request[Any, Any, Any], session: Session, slug: PolicySlug
    ) -> PolicyDetail:
        """Needs an admin key. The listed relations become the policy's complete list of outgoing relations."""
        return await write_then_read(
            request,
            session,
            KeyScope.ADMIN,
            PolicyRelationsReplace,
            lambda data: writes.replace_relations(session, slug, data),
            lambda _: queries.get_policy(session, slug),
        )


class TopicController(Controller):
    path = "/v1/topics"
    tags = ["policies"]

    @get("/", operation_id="listTopics", summary="List topics", responses=problem_responses(503))
    async def list_topics(self, session: Session) -> TopicList:
        """Every topic, for filters such as `topic=` on policies, stances and comparisons."""
        return TopicList(items=await queries.list_topics(session))

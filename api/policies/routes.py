"""/v1/policies and /v1/topics: list and read policies and topics; admins create and correct policies."""

from typing import Annotated

from litestar import Controller, Response, get, patch, post, put
from litestar.params import Parameter

from api.database import Session
from api.endpoints import endpoint
from api.idempotency import idempotent
from api.identifiers import IdentifierFilter
from api.openapi import READ_ERRORS, UPDATE_ERRORS, WRITE_ERRORS, WRITE_SECURITY, problem_responses
from api.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, next_cursor
from api.params import AsRecorded, recorded_at
from api.policies import queries, writes
from api.policies.schemas import PolicyDetail, PolicyPage, Topic, TopicList
from api.policies.write_schemas import PolicyCreate, PolicyRelationsReplace, PolicyUpdate, TopicCreate, TopicUpdate
from api.slugs import resolve_slug
from api.writing import Write
from db.enums import KeyScope
from db.models import Topic as TopicRow

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
        identifier: IdentifierFilter = None,
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
        """Policies ordered by slug, filtered by words, identifier, topic and jurisdiction."""
        after = decode_cursor(cursor, (str,))
        topic_id = await resolve_slug(session, TopicRow, topic, resource="topic", parameter="topic") if topic else None
        rows = await queries.list_policies(
            session,
            q=q,
            identifier=identifier,
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
        opt=endpoint(body=PolicyCreate, scope=KeyScope.ADMIN, idempotent=True),
    )
    async def create_policy(self, write: Write) -> Response[PolicyDetail]:
        """Needs an admin key. Slugs are permanent public ids: 409 when taken, and when an identifier already
        belongs to another policy. Send `Idempotency-Key` to make retries safe."""
        data = write.body(PolicyCreate)

        async def perform() -> PolicyDetail:
            await writes.create_policy(write.session, data)
            return await queries.get_policy(write.session, data.slug)

        return await idempotent(
            write, PolicyDetail, perform, lambda policy: {"Location": f"/v1/policies/{policy.slug}"}
        )

    @patch(
        "/{slug:str}",
        operation_id="updatePolicy",
        summary="Correct a policy",
        security=WRITE_SECURITY,
        responses=problem_responses(*UPDATE_ERRORS),
        opt=endpoint(body=PolicyUpdate, scope=KeyScope.ADMIN),
    )
    async def update_policy(self, write: Write, slug: PolicySlug) -> PolicyDetail:
        """Needs an admin key. Only the fields given change; `topics` and `identifiers` replace their lists."""
        await writes.update_policy(write.session, slug, write.body(PolicyUpdate))
        return await queries.get_policy(write.session, slug)

    @put(
        "/{slug:str}/relations",
        operation_id="replacePolicyRelations",
        summary="Set a policy's relations",
        security=WRITE_SECURITY,
        responses=problem_responses(*UPDATE_ERRORS),
        opt=endpoint(body=PolicyRelationsReplace, scope=KeyScope.ADMIN),
    )
    async def replace_relations(self, write: Write, slug: PolicySlug) -> PolicyDetail:
        """Needs an admin key. The listed relations become the policy's complete list of outgoing relations."""
        await writes.replace_relations(write.session, slug, write.body(PolicyRelationsReplace))
        return await queries.get_policy(write.session, slug)


TopicSlug = Annotated[str, Parameter(description="The topic's slug, e.g. `asylum-returns`.", max_length=160)]


class TopicController(Controller):
    path = "/v1/topics"
    tags = ["policies"]

    @get("/", operation_id="listTopics", summary="List topics", responses=problem_responses(503))
    async def list_topics(self, session: Session) -> TopicList:
        """Every topic, for filters such as `topic=` on policies, stances and comparisons."""
        return TopicList(items=await queries.list_topics(session))

    @get("/{slug:str}", operation_id="getTopic", summary="Get a topic", responses=problem_responses(*READ_ERRORS))
    async def get_topic(self, session: Session, slug: TopicSlug) -> Topic:
        """One topic."""
        return await queries.get_topic(session, slug)

    @post(
        "/",
        operation_id="createTopic",
        summary="Create a topic",
        security=WRITE_SECURITY,
        responses=problem_responses(*WRITE_ERRORS),
        status_code=201,
        opt=endpoint(body=TopicCreate, scope=KeyScope.ADMIN, idempotent=True),
    )
    async def create_topic(self, write: Write) -> Response[Topic]:
        """Needs an admin key. Slugs are permanent public ids: 409 when taken. Send `Idempotency-Key` to make
        retries safe."""
        data = write.body(TopicCreate)

        async def perform() -> Topic:
            await writes.create_topic(write.session, data)
            return await queries.get_topic(write.session, data.slug)

        return await idempotent(write, Topic, perform, lambda topic: {"Location": f"/v1/topics/{topic.slug}"})

    @patch(
        "/{slug:str}",
        operation_id="updateTopic",
        summary="Correct a topic",
        security=WRITE_SECURITY,
        responses=problem_responses(*UPDATE_ERRORS),
        opt=endpoint(body=TopicUpdate, scope=KeyScope.ADMIN),
    )
    async def update_topic(self, write: Write, slug: TopicSlug) -> Topic:
        """Needs an admin key. Only the fields given change."""
        await writes.update_topic(write.session, slug, write.body(TopicUpdate))
        return await queries.get_topic(write.session, slug)

"""/v1/stances: list, read, record, correct and retract stances, and their revision history."""

from datetime import date
from typing import Annotated, Any, cast

from litestar import Controller, MediaType, Request, Response, get, patch, post
from litestar.params import Parameter
from litestar.serialization import encode_json

from api.database import Session
from api.endpoints import endpoint
from api.history import queries as history
from api.history.schemas import RevisionHistory
from api.idempotency import idempotent
from api.openapi import CONDITIONAL_UPDATE_ERRORS, READ_ERRORS, WRITE_ERRORS, WRITE_SECURITY, problem_responses
from api.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, next_cursor
from api.params import AsRecorded, check_date_range, recorded_at
from api.preconditions import entity_etag
from api.slugs import resolve_path_slug, resolve_slug
from api.stances import jsonld, queries, writes
from api.stances.schemas import StancePage, StanceWithEvidence
from api.stances.write_schemas import StanceCreate, StanceRetraction, StanceUpdate
from api.writing import Write
from db.enums import KeyScope
from db.models import Actor, Policy, Stance, Topic

StanceSlug = Annotated[
    str, Parameter(description="The stance's slug, e.g. `edi-rama-on-uk-return-hubs-2025-05-15`.", max_length=160)
]


def _with_etag(stance: StanceWithEvidence) -> Response[StanceWithEvidence]:
    return Response(stance, headers={"ETag": entity_etag(stance.slug, stance.version)})


def _created_headers(stance: StanceWithEvidence) -> dict[str, str]:
    return {"ETag": entity_etag(stance.slug, stance.version), "Location": f"/v1/stances/{stance.slug}"}


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
        as_recorded: AsRecorded = None,
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
            as_recorded_at=recorded_at(as_recorded),
        )
        return StancePage(
            items=rows[:limit], next_cursor=next_cursor(rows, limit, lambda row: (row.stated_on, row.slug))
        )

    @get(
        "/{slug:str}",
        operation_id="getStance",
        summary="Get a stance",
        opt=endpoint(also=(jsonld.MEDIA_TYPE,)),
        responses=problem_responses(*READ_ERRORS),
    )
    async def get_stance(
        self, request: Request[Any, Any, Any], session: Session, slug: StanceSlug
    ) -> Response[StanceWithEvidence]:
        """One stance with its evidence; the `ETag` header is what `If-Match` needs for a correction. With
        `Accept: application/ld+json` the same stance as schema.org JSON-LD: a `Claim` for the position, a
        `Quotation` per direct quote (`spokenByCharacter`, `isPartOf` its source as a `NewsArticle`), a
        `CreativeWork` marked by `genre` for a paraphrase or reported action."""
        stance = await queries.get_stance(session, slug)
        if request.accept.best_match([MediaType.JSON, jsonld.MEDIA_TYPE], default=MediaType.JSON) != jsonld.MEDIA_TYPE:
            response = _with_etag(stance)
            response.headers["Vary"] = "Accept"
            return response
        graph = jsonld.stance_graph(stance, str(request.base_url).rstrip("/"))
        etag = entity_etag(stance.slug, stance.version).removesuffix('"') + '-ld"'  # another representation
        answer = Response(
            content=encode_json(graph), media_type=jsonld.MEDIA_TYPE, headers={"ETag": etag, "Vary": "Accept"}
        )
        return cast(Response[StanceWithEvidence], answer)

    @post(
        "/",
        operation_id="createStance",
        summary="Record a stance with its evidence",
        security=WRITE_SECURITY,
        responses=problem_responses(*WRITE_ERRORS),
        status_code=201,
        opt=endpoint(body=StanceCreate, scope=KeyScope.EDITOR, idempotent=True),
    )
    async def create_stance(self, write: Write) -> Response[StanceWithEvidence]:
        """Create a stance and all its evidence in one transaction: everything is stored or nothing.

        Needs an editor key. Send `Idempotency-Key` to make retries safe: a retry with the same key and
        body returns the first result; the same key with another body is a 422.
        """
        data = write.body(StanceCreate)

        async def perform() -> StanceWithEvidence:
            await writes.create_stance(write.session, data)
            return await queries.get_stance(write.session, data.slug)

        return await idempotent(write, StanceWithEvidence, perform, _created_headers)

    @patch(
        "/{slug:str}",
        operation_id="updateStance",
        summary="Correct a stance",
        security=WRITE_SECURITY,
        responses=problem_responses(*CONDITIONAL_UPDATE_ERRORS),
        opt=endpoint(body=StanceUpdate, scope=KeyScope.EDITOR, if_match=True),
    )
    async def update_stance(self, write: Write, slug: StanceSlug) -> Response[StanceWithEvidence]:
        """Change the given fields. Needs an editor key and `If-Match` with the current ETag (412 if stale)."""
        await writes.update_stance(write.session, slug, write.if_match, write.body(StanceUpdate))
        return _with_etag(await queries.get_stance(write.session, slug))

    @post(
        "/{slug:str}/retraction",
        operation_id="retractStance",
        summary="Retract a stance",
        security=WRITE_SECURITY,
        responses=problem_responses(*CONDITIONAL_UPDATE_ERRORS),
        status_code=200,
        opt=endpoint(body=StanceRetraction, scope=KeyScope.EDITOR, if_match=True, idempotent=True),
    )
    async def retract_stance(self, write: Write, slug: StanceSlug) -> Response[StanceWithEvidence]:
        """Retract instead of delete: the record stays, with the reason, and stops counting from today.

        Needs an editor key and `If-Match` with the current ETag. `Idempotency-Key` is honoured too: a retry
        with the same key and body replays the first answer (a retry without it meets a changed ETag: 412).
        """

        async def perform() -> StanceWithEvidence:
            await writes.retract_stance(write.session, slug, write.if_match, write.body(StanceRetraction).reason)
            return await queries.get_stance(write.session, slug)

        return await idempotent(
            write,
            StanceWithEvidence,
            perform,
            lambda stance: {"ETag": entity_etag(stance.slug, stance.version)},
            status_code=200,
        )

    @get(
        "/{slug:str}/history",
        operation_id="getStanceHistory",
        summary="A stance's revision history",
        responses=problem_responses(*READ_ERRORS),
    )
    async def stance_history(self, session: Session, slug: StanceSlug) -> RevisionHistory:
        """Every recorded version of the stance, oldest first, with who made each change and when."""
        return RevisionHistory(
            slug=slug,
            revisions=await history.revisions(
                session, "stance", await resolve_path_slug(session, Stance, slug, resource="stance")
            ),
        )

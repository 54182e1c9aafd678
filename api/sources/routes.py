"""/v1/sources: list and read sources; editors create and correct them."""

from datetime import date
from typing import Annotated

from litestar import Controller, Response, get, patch, post, put
from litestar.params import Parameter

from api.database import Session
from api.divisions import writes as division_writes
from api.divisions.schemas import DivisionPoliciesReplace
from api.endpoints import endpoint
from api.idempotency import idempotent
from api.identifiers import IdentifierFilter
from api.openapi import READ_ERRORS, UPDATE_ERRORS, WRITE_ERRORS, WRITE_SECURITY, problem_responses
from api.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, next_cursor
from api.params import AsRecorded, check_date_range, recorded_at
from api.sources import queries, writes
from api.sources.schemas import SourceDetail, SourcePage
from api.sources.write_schemas import SourceCreate, SourceUpdate
from api.writing import Write
from db.enums import KeyScope, SourceKind

SourceSlug = Annotated[str, Parameter(description="The source's slug.", max_length=160)]
TEXT_PLAIN = "text/plain"  # Litestar adds "; charset=utf-8"


class SourceController(Controller):
    path = "/v1/sources"
    tags = ["sources"]

    @get("/", operation_id="listSources", summary="List sources", responses=problem_responses(*READ_ERRORS))
    async def list_sources(
        self,
        session: Session,
        q: Annotated[
            str | None,
            Parameter(
                description=(
                    "Full-text search over the title and the stored text (web-search syntax: words, "
                    '`"a phrase"`, `or`, `-word`), e.g. `"return hubs"`.'
                ),
                min_length=1,
                max_length=200,
            ),
        ] = None,
        identifier: IdentifierFilter = None,
        kind: Annotated[SourceKind | None, Parameter(description="Only sources of this kind.")] = None,
        publisher: Annotated[
            str | None, Parameter(description="Publisher name contains this text.", min_length=1, max_length=200)
        ] = None,
        published_from: Annotated[
            date | None, Parameter(description="Published on or after this date (YYYY-MM-DD).")
        ] = None,
        published_to: Annotated[
            date | None, Parameter(description="Published on or before this date (YYYY-MM-DD).")
        ] = None,
        as_recorded: AsRecorded = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> SourcePage:
        """Sources ordered by slug, filtered by words in the title or text, identifier, kind, publisher and date."""
        check_date_range(published_from, published_to, start_name="published_from", end_name="published_to")
        after = decode_cursor(cursor, (str,))
        rows = await queries.list_sources(
            session,
            q=q,
            identifier=identifier,
            kind=kind,
            publisher=publisher,
            published_from=published_from,
            published_to=published_to,
            after=after[0] if after else None,
            limit=limit,
            as_recorded_at=recorded_at(as_recorded),
        )
        return SourcePage(items=rows[:limit], next_cursor=next_cursor(rows, limit, lambda row: (row.slug,)))

    @get("/{slug:str}", operation_id="getSource", summary="Get a source", responses=problem_responses(*READ_ERRORS))
    async def get_source(self, session: Session, slug: SourceSlug) -> SourceDetail:
        """One source with its provenance: what the text states and what was inferred. A parliamentary division
        also lists its policy links, its recorded votes (one per member: how they voted and the stances the vote
        backs) and their tally: ayes and noes counted from the stored votes (proxies included), tellers counted
        apart, and the differences from the declared totals (`totals_match` when there are none)."""
        return await queries.get_source(session, slug)

    @get(
        "/{slug:str}/text",
        operation_id="getSourceText",
        summary="Read a source's stored text",
        security=WRITE_SECURITY,
        media_type=TEXT_PLAIN,
        responses=problem_responses(400, 401, 403, 404, 429, 503),
        opt=endpoint(scope=KeyScope.EDITOR),
    )
    async def get_source_text(self, write: Write, slug: SourceSlug) -> Response[str]:
        """The full text stored with the source, as `text/plain; charset=utf-8`, exactly as stored (its SHA-256 is
        the source's `content_sha256`).

        Needs an editor key: stored texts are kept to check quotes against and are not republished publicly
        (`Cache-Control: private, no-store`). Each read counts against the key's rate limit like a write. 404
        `unknown-slug` for an unknown source, 404 `no-stored-text` when it has no text.
        """
        text = await writes.stored_text(write.session, slug)
        return Response(text, media_type=TEXT_PLAIN, headers={"Cache-Control": "private, no-store"})

    @post(
        "/",
        operation_id="createSource",
        summary="Create a source",
        security=WRITE_SECURITY,
        responses=problem_responses(*WRITE_ERRORS),
        status_code=201,
        opt=endpoint(body=SourceCreate, scope=KeyScope.EDITOR, idempotent=True),
    )
    async def create_source(self, write: Write) -> Response[SourceDetail]:
        """Needs an editor key. Record only what the source gives; flag inferred values. 409 when the slug is
        taken or an identifier already belongs to another source. Send `Idempotency-Key` to make retries safe."""
        data = write.body(SourceCreate)

        async def perform() -> SourceDetail:
            await writes.create_source(write.session, data)
            return await queries.get_source(write.session, data.slug)

        return await idempotent(write, SourceDetail, perform, lambda source: {"Location": f"/v1/sources/{source.slug}"})

    @patch(
        "/{slug:str}",
        operation_id="updateSource",
        summary="Correct a source",
        security=WRITE_SECURITY,
        responses=problem_responses(*UPDATE_ERRORS),
        opt=endpoint(body=SourceUpdate, scope=KeyScope.EDITOR),
    )
    async def update_source(self, write: Write, slug: SourceSlug) -> SourceDetail:
        """Needs an editor key. Only the fields given change; `identifiers` replaces the list."""
        await writes.update_source(write.session, slug, write.body(SourceUpdate))
        return await queries.get_source(write.session, slug)

    @put(
        "/{slug:str}/policies",
        operation_id="replaceDivisionPolicies",
        summary="Replace a division's policy links",
        security=WRITE_SECURITY,
        responses=problem_responses(*UPDATE_ERRORS),
        opt=endpoint(body=DivisionPoliciesReplace, scope=KeyScope.EDITOR),
    )
    async def replace_division_policies(self, write: Write, slug: SourceSlug) -> SourceDetail:
        """Needs an editor key. States once, per policy, what the division's votes mean: an aye means
        `aye_position` (-2..+2, not 0), a no the opposite; proxies count as the vote they carry, abstain, absent
        and teller mean no position. A `recorded_vote` on a stance needs its division linked to the stance's
        policy, and a stance whose position contradicts what its vote means is a 422. Unlisted links are removed;
        a link that recorded votes rest on cannot be removed or changed to contradict them (422)."""
        await division_writes.replace_policies(write.session, slug, write.body(DivisionPoliciesReplace))
        return await queries.get_source(write.session, slug)

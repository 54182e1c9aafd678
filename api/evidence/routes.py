"""/v1/evidence: list, read and correct evidence, and its revision history."""

from datetime import date
from typing import Annotated

from litestar import Controller, Response, get, patch
from litestar.params import Parameter

from api.database import Session
from api.endpoints import endpoint
from api.evidence import queries
from api.evidence.schemas import EvidenceDetail, EvidencePage
from api.history import queries as history
from api.history.schemas import RevisionHistory
from api.openapi import CONDITIONAL_UPDATE_ERRORS, READ_ERRORS, WRITE_SECURITY, problem_responses
from api.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, next_cursor
from api.params import AsRecorded, check_date_range, recorded_at
from api.preconditions import entity_etag
from api.slugs import resolve_path_slug, resolve_slug
from api.stances import writes
from api.stances.write_schemas import EvidenceUpdate
from api.writing import Write
from db.enums import EvidenceKind, KeyScope
from db.models import Actor, Evidence, Policy, Source

EvidenceSlug = Annotated[
    str, Parameter(description="The evidence slug, e.g. `edi-rama-on-uk-return-hubs-2025-05-15-e1`.", max_length=170)
]


class EvidenceController(Controller):
    path = "/v1/evidence"
    tags = ["evidence"]

    @get(
        "/", operation_id="listEvidence", summary="List and search evidence", responses=problem_responses(*READ_ERRORS)
    )
    async def list_evidence(
        self,
        session: Session,
        q: Annotated[
            str | None,
            Parameter(
                description='Full-text search in web-search syntax: `marriage with Italy`, `"return hubs" -Rwanda`.',
                min_length=1,
                max_length=200,
            ),
        ] = None,
        actor: Annotated[
            str | None, Parameter(description="Only evidence for this actor's stances (actor slug).", max_length=160)
        ] = None,
        speaker: Annotated[
            str | None,
            Parameter(
                description="Only evidence spoken by this actor (the stance's actor when no speaker is named).",
                max_length=160,
            ),
        ] = None,
        policy: Annotated[
            str | None, Parameter(description="Only evidence about this policy (slug).", max_length=160)
        ] = None,
        source: Annotated[
            str | None, Parameter(description="Only evidence from this source (slug).", max_length=160)
        ] = None,
        kind: Annotated[EvidenceKind | None, Parameter(description="Only this kind of evidence.")] = None,
        stated_from: Annotated[date | None, Parameter(description="Stance stated on or after this date.")] = None,
        stated_to: Annotated[date | None, Parameter(description="Stance stated on or before this date.")] = None,
        as_recorded: AsRecorded = None,
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> EvidencePage:
        """Evidence ordered by slug, each with its source and the stance it supports."""
        check_date_range(stated_from, stated_to, start_name="stated_from", end_name="stated_to")
        after = decode_cursor(cursor, (str,))
        rows = await queries.list_evidence(
            session,
            q=q,
            actor_id=await resolve_slug(session, Actor, actor, resource="actor", parameter="actor") if actor else None,
            speaker_id=await resolve_slug(session, Actor, speaker, resource="actor", parameter="speaker")
            if speaker
            else None,
            policy_id=await resolve_slug(session, Policy, policy, resource="policy", parameter="policy")
            if policy
            else None,
            source_id=await resolve_slug(session, Source, source, resource="source", parameter="source")
            if source
            else None,
            kind=kind,
            stated_from=stated_from,
            stated_to=stated_to,
            after=after[0] if after else None,
            limit=limit,
            as_recorded_at=recorded_at(as_recorded),
        )
        return EvidencePage(items=rows[:limit], next_cursor=next_cursor(rows, limit, lambda row: (row.slug,)))

    @get(
        "/{slug:str}",
        operation_id="getEvidence",
        summary="Get a piece of evidence",
        responses=problem_responses(*READ_ERRORS),
    )
    async def get_evidence(self, session: Session, slug: EvidenceSlug) -> Response[EvidenceDetail]:
        """One piece of evidence with its source, speaker and stance; `ETag` is what `If-Match` needs."""
        evidence = await queries.get_evidence(session, slug)
        return Response(evidence, headers={"ETag": entity_etag(evidence.slug, evidence.version)})

    @patch(
        "/{slug:str}",
        operation_id="updateEvidence",
        summary="Correct a piece of evidence",
        security=WRITE_SECURITY,
        responses=problem_responses(*CONDITIONAL_UPDATE_ERRORS),
        opt=endpoint(body=EvidenceUpdate, scope=KeyScope.EDITOR, if_match=True),
    )
    async def update_evidence(self, write: Write, slug: EvidenceSlug) -> Response[EvidenceDetail]:
        """Change the given fields. Needs an editor key and `If-Match` with the current ETag (412 if stale)."""
        await writes.update_evidence(write.session, slug, write.if_match, write.body(EvidenceUpdate))
        evidence = await queries.get_evidence(write.session, slug)
        return Response(evidence, headers={"ETag": entity_etag(evidence.slug, evidence.version)})

    @get(
        "/{slug:str}/history",
        operation_id="getEvidenceHistory",
        summary="A piece of evidence's revision history",
        responses=problem_responses(*READ_ERRORS),
    )
    async def evidence_history(self, session: Session, slug: EvidenceSlug) -> RevisionHistory:
        """Every recorded version of the evidence, oldest first, with who made each change and when."""
        return RevisionHistory(
            slug=slug,
            revisions=await history.revisions(
                session,
                "evidence",
                await resolve_path_slug(session, Evidence, slug, resource="evidence"),
            ),
        )

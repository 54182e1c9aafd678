"""/v1/intake: read an article into candidate evidence, and store the candidates an editor confirms."""

from litestar import Controller, Response, post

from api.endpoints import endpoint
from api.idempotency import idempotent
from api.intake import confirm as confirming
from api.intake.schemas import IntakeConfirmation, IntakeConfirmResult, IntakeRequest, IntakeResult
from api.intake.service import read_article
from api.openapi import WRITE_ERRORS, WRITE_SECURITY, problem_responses
from api.writing import Write
from db.enums import KeyScope


class IntakeController(Controller):
    path = "/v1/intake"
    tags = ["intake"]

    @post(
        "/",
        operation_id="readArticle",
        summary="Read an article into candidate evidence",
        security=WRITE_SECURITY,
        responses=problem_responses(400, 401, 403, 404, 413, 415, 422, 429, 503),
        status_code=200,
        opt=endpoint(body=IntakeRequest, scope=KeyScope.EDITOR),
    )
    async def read_article(self, write: Write) -> IntakeResult:
        """The direct quotes and paraphrases of an article, each with its offsets, its speaker (a stored actor,
        or a name to propose as a new one), the reporting verb, a policy and position suggestion, and the stored
        evidence it duplicates. Stores nothing.

        Needs an editor key, and counts against its rate limit like a write. Send the article's `text` (plain
        text or HTML), or the `source` slug of a stored source to read its stored text (404 `no-stored-text` when
        it has none). Offsets count Unicode code points of the response's `text`. `method` says how candidates
        are found."""
        return await read_article(write.session, write.body(IntakeRequest))

    @post(
        "/confirm",
        operation_id="confirmIntake",
        summary="Store the candidates an editor accepts",
        security=WRITE_SECURITY,
        responses=problem_responses(*WRITE_ERRORS),
        status_code=201,
        opt=endpoint(body=IntakeConfirmation, scope=KeyScope.EDITOR, idempotent=True),
    )
    async def confirm(self, write: Write) -> Response[IntakeConfirmResult]:
        """Create the source (or use a stored one), new actors (admin key only) and the stances with their
        evidence, in one transaction, validated as `POST /v1/stances` validates them: a quote that does not occur
        in the source's stored text, an unknown actor or policy, or a stance dated after its source is a 422
        naming the candidate (`candidates[2].text`), and nothing is stored.

        Candidates with the same actor, policy and day become one stance (slug `<actor>-on-<policy>-<day>`, or
        the `stance` given, `-2`, `-3` … when taken). A candidate whose `duplicate_of` is evidence of a stance
        with the same actor and policy is linked to it, not stored again. The answer lists each candidate as
        `created` or `linked`. Send `Idempotency-Key` to make retries safe."""
        data = write.body(IntakeConfirmation)

        async def perform() -> IntakeConfirmResult:
            return await confirming.confirm(write.session, data, write.editor.scope)

        return await idempotent(
            write, IntakeConfirmResult, perform, lambda result: {"Location": f"/v1/sources/{result.source}"}
        )

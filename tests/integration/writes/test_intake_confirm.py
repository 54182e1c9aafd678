"""POST /v1/intake/confirm: candidates an editor accepts become a source, stances and evidence in one transaction,
validated as the write API validates them, with duplicates of stored evidence linked instead of copied."""

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]
Problem = Callable[..., dict[str, Any]]
Stored = Callable[[], Awaitable[dict[str, int]]]

ARTICLE = (
    "Albania's prime minister spoke after the talks in Tirana.\n\n"
    "\u201cWe will not host a centre for anyone else,\u201d Edi Rama said. \u201cOur agreement with Italy is the "
    "only one.\u201d\n\n"
    "Chris Philp, the shadow home secretary, said the government had \u201cno plan at all\u201d for return hubs.\n"
)
SOURCE = {
    "slug": "intake-rama-rules-out-hub-2025-05-15",
    "kind": "news_article",
    "title": "Rama rules out a hub",
    "publisher": "Test Gazette",
    "published_on": "2025-05-15",
    "text": ARTICLE,
}


async def candidates(client: Client, key: dict[str, str]) -> dict[str, dict[str, Any]]:
    response = await client.post("/v1/intake", json={"text": ARTICLE, "published_on": "2025-05-15"}, headers=key)
    assert response.status_code == 200, response.text
    return {c["text"]: c for c in response.json()["candidates"]}


def accepted(candidate: dict[str, Any], **edits: Any) -> dict[str, Any]:
    """A candidate as the dashboard sends it back: the extractor's fields plus the editor's choices."""
    body = {
        "kind": candidate["kind"],
        "text": candidate["text"],
        "char_start": candidate["char_start"],
        "char_end": candidate["char_end"],
        "speaker": candidate["speaker"]["actor"],
        "policy": candidate["policy"] or "uk-albania-return-hub-hosting",
        "position": -2,
        "summary": "Rama ruled out Albania hosting a UK return hub.",
    }
    body.update(edits)
    return body


async def test_confirmed_candidates_become_stances_whose_quotes_pass_the_verbatim_check(
    writer: Client, editor: dict[str, str], db: asyncpg.Connection
) -> None:
    found = await candidates(writer, editor)
    first = found["We will not host a centre for anyone else"]
    second = found["Our agreement with Italy is the only one."]
    assert first["speaker"]["actor"] == second["speaker"]["actor"] == "edi-rama"
    response = await writer.post(
        "/v1/intake/confirm",
        json={"source": SOURCE, "candidates": [accepted(first), accepted(second)]},
        headers=editor,
    )
    assert response.status_code == 201, response.text
    result = response.json()
    slug = "edi-rama-on-uk-albania-return-hub-hosting-2025-05-15-2"  # the seed already has the plain slug
    assert result == {
        "source": SOURCE["slug"],
        "source_created": True,
        "actors_created": [],
        "stances_created": [slug],
        "evidence": [
            {"candidate": 0, "action": "created", "evidence": f"{slug}-e1", "stance": slug, "duplicate_of": None},
            {"candidate": 1, "action": "created", "evidence": f"{slug}-e2", "stance": slug, "duplicate_of": None},
        ],
    }
    stance = (await writer.get(f"/v1/stances/{slug}")).json()
    assert (stance["actor"]["slug"], stance["position"], stance["stated_on"]) == ("edi-rama", -2, "2025-05-15")
    assert [e["text"] for e in stance["evidence"]] == [first["text"], second["text"]]
    assert [e["kind"] for e in stance["evidence"]] == ["direct_quote", "direct_quote"]
    rows = await db.fetch(
        "SELECT e.text, e.char_start, e.char_end, s.text AS source_text FROM evidence e "
        "JOIN source s ON s.id = e.source_id WHERE s.slug = $1 ORDER BY e.id",
        SOURCE["slug"],
    )
    for row in rows:  # the quotes are the source's words, exactly where the offsets say
        assert row["source_text"][row["char_start"] : row["char_end"]] == row["text"]
    history = (await writer.get(f"/v1/stances/{slug}/history")).json()
    assert history["revisions"][0]["author"] == "Module Editor"


async def test_a_quote_not_in_the_source_text_is_a_422_and_nothing_is_stored(
    writer: Client, editor: dict[str, str], stored: Stored, problem: Problem
) -> None:
    found = await candidates(writer, editor)
    good = accepted(found["We will not host a centre for anyone else"])
    edited = accepted(
        found["Our agreement with Italy is the only one."],
        text="Our agreement with Italy is the best one.",
        char_start=None,
        char_end=None,
    )
    before = await stored()
    response = await writer.post(
        "/v1/intake/confirm", json={"source": SOURCE, "candidates": [good, edited]}, headers=editor
    )
    body = problem(response, 422, "validation-failed")
    assert body["errors"] == [
        {"name": "candidates[1].text", "location": "body", "message": "this quote does not occur in the source"}
    ]
    assert await stored() == before
    assert (await writer.get(f"/v1/sources/{SOURCE['slug']}")).status_code == 404


async def test_confirmation_errors_name_the_candidate(writer: Client, editor: dict[str, str], problem: Problem) -> None:
    found = await candidates(writer, editor)
    quote = found["We will not host a centre for anyone else"]
    wrong_offsets = accepted(quote, char_start=quote["char_start"] + 1, char_end=quote["char_end"] + 1)
    unknown_policy = accepted(found["Our agreement with Italy is the only one."], policy="no-such-policy")
    conflicting = accepted(quote, position=1)
    vote = accepted(quote, kind="recorded_vote")
    nobody = accepted(quote, speaker=None)
    response = await writer.post(
        "/v1/intake/confirm",
        json={"source": SOURCE, "candidates": [wrong_offsets, unknown_policy, conflicting, vote, nobody]},
        headers=editor,
    )
    names = sorted(e["name"] for e in problem(response, 422, "validation-failed")["errors"])
    assert names == ["candidates[3].kind", "candidates[4].actor"]
    response = await writer.post(
        "/v1/intake/confirm",
        json={"source": SOURCE, "candidates": [wrong_offsets, unknown_policy, conflicting]},
        headers=editor,
    )
    names = sorted(e["name"] for e in problem(response, 422, "validation-failed")["errors"])
    assert names == ["candidates[0].char_start", "candidates[1].policy", "candidates[2].position"]
    neither = await writer.post("/v1/intake/confirm", json={"candidates": [accepted(quote)]}, headers=editor)
    assert [e["name"] for e in problem(neither, 422, "validation-failed")["errors"]] == ["source"]
    missing = await writer.post(
        "/v1/intake/confirm", json={"source_slug": "no-such-source", "candidates": [accepted(quote)]}, headers=editor
    )
    assert [e["name"] for e in problem(missing, 422, "validation-failed")["errors"]] == ["source_slug"]


async def test_duplicates_link_to_stored_evidence(
    writer: Client, editor: dict[str, str], db: asyncpg.Connection
) -> None:
    text = "\u201cI remain faithful to my marriage with Italy,\u201d Rama added.\n"
    read = await writer.post("/v1/intake", json={"text": text, "published_on": "2025-05-15"}, headers=editor)
    candidate = read.json()["candidates"][0]
    duplicate = candidate["duplicate_of"]
    assert duplicate is not None
    stored = await db.fetchrow(
        "SELECT s.slug AS stance, a.slug AS actor, p.slug AS policy FROM evidence e "
        "JOIN stance s ON s.id = e.stance_id JOIN actor a ON a.id = s.actor_id JOIN policy p ON p.id = s.policy_id "
        "WHERE e.slug = $1",
        duplicate,
    )
    assert stored is not None
    source = {**SOURCE, "slug": "intake-faithful-2025-05-15", "text": text}
    same = accepted(candidate, policy=stored["policy"], duplicate_of=duplicate, position=None, ambiguity="unclear")
    other = accepted(candidate, policy="uk-albania-strategic-partnership", duplicate_of=duplicate, position=1)
    evidence_before = await db.fetchval("SELECT count(*) FROM evidence")
    response = await writer.post(
        "/v1/intake/confirm", json={"source": source, "candidates": [same, other]}, headers=editor
    )
    assert response.status_code == 201, response.text
    result = response.json()
    new = "edi-rama-on-uk-albania-strategic-partnership-2025-05-15-2"
    assert result["stances_created"] == [new]
    assert result["evidence"] == [
        {"candidate": 0, "action": "linked", "evidence": duplicate, "stance": stored["stance"], "duplicate_of": None},
        {"candidate": 1, "action": "created", "evidence": f"{new}-e1", "stance": new, "duplicate_of": duplicate},
    ]
    assert await db.fetchval("SELECT count(*) FROM evidence") == evidence_before + 1

    # the same words are evidence of two seed stances of Rama's: whichever is named, the one on the
    # candidate's policy is linked
    twins = {
        "uk-return-hubs": "edi-rama-on-uk-return-hubs-2025-05-15-e2",
        "italy-albania-migrant-centres": "edi-rama-on-italy-albania-migrant-centres-2025-05-15-e2",
    }
    for policy, evidence in twins.items():
        other_twin = next(slug for slug in twins.values() if slug != evidence)
        body = {
            "source_slug": source["slug"],
            "candidates": [accepted(candidate, policy=policy, duplicate_of=other_twin, position=None)],
        }
        response = await writer.post("/v1/intake/confirm", json=body, headers=editor)
        assert response.status_code == 201, response.text
        assert response.json()["evidence"][0]["action"] == "linked"
        assert response.json()["evidence"][0]["evidence"] == evidence
        assert response.json()["stances_created"] == []
    unknown = accepted(candidate, duplicate_of="no-such-evidence-e1")
    response = await writer.post(
        "/v1/intake/confirm",
        json={"source": {**source, "slug": "intake-faithful-2"}, "candidates": [unknown]},
        headers=editor,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["name"] == "candidates[0].duplicate_of"


async def test_new_actors_need_an_admin_key(
    writer: Client, editor: dict[str, str], admin: dict[str, str], problem: Problem
) -> None:
    text = "Jane Example, a Labour MP, said the hubs were \u201ca moral disgrace dressed up as policy\u201d.\n"
    read = await writer.post("/v1/intake", json={"text": text, "published_on": "2025-05-15"}, headers=editor)
    candidate = next(c for c in read.json()["candidates"] if c["kind"] == "direct_quote")
    assert (candidate["speaker"]["actor"], candidate["speaker"]["name"]) == (None, "Jane Example")
    actor = {"slug": "jane-example", "name": "Jane Example", "kind": "person", "country": "GB"}
    body = {
        "source": {**SOURCE, "slug": "intake-jane-example-2025-05-15", "text": text},
        "actors": [actor],
        "candidates": [accepted(candidate, speaker="jane-example", policy="uk-return-hubs", position=-2)],
    }
    problem(await writer.post("/v1/intake/confirm", json=body, headers=editor), 403, "forbidden")
    problem(await writer.post("/v1/intake/confirm", json=body), 401, "unauthorized")
    response = await writer.post("/v1/intake/confirm", json=body, headers=admin)
    assert response.status_code == 201, response.text
    assert response.json()["actors_created"] == ["jane-example"]
    assert response.json()["stances_created"] == ["jane-example-on-uk-return-hubs-2025-05-15"]
    assert (await writer.get("/v1/actors/jane-example")).status_code == 200


async def test_a_confirmation_to_a_stored_source_is_idempotent(writer: Client, editor: dict[str, str]) -> None:
    created = await writer.post("/v1/sources", json=SOURCE, headers=editor)
    assert created.status_code == 201, created.text
    found = await candidates(writer, editor)
    philp = next(c for c in found.values() if c["kind"] == "direct_quote" and c["speaker"]["actor"] == "chris-philp")
    body = {
        "source_slug": SOURCE["slug"],
        "candidates": [accepted(philp, policy="uk-return-hubs", position=-1, summary="Philp said there was no plan.")],
    }
    headers = {**editor, "Idempotency-Key": "confirm-philp-1"}
    first = await writer.post("/v1/intake/confirm", json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert first.json()["source_created"] is False
    again = await writer.post("/v1/intake/confirm", json=body, headers=headers)
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert first.json()["stances_created"] == ["chris-philp-on-uk-return-hubs-2025-05-15-2"]

"""A source's stored text and evidence as long as a Hansard speech: stored whole, read back by an editor key
(`GET /v1/sources/{slug}/text`), and searchable, a phrase near the end of 20,000 words included (PostgreSQL's
plain `to_tsvector` puts every word past the 16,383rd at one position, where no phrase matches)."""

import random
from typing import Any

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.problems import assert_problem

Client = AsyncTestClient[Litestar]

WORDS = 20_000
PHRASE = "albanian ferry timetable"


def speech() -> str:
    """20,000 words; the phrase once, at word 19,900; its words apart (and in another order) early on."""
    generator = random.Random(12)
    words = [f"w{generator.randrange(5000)}" for _ in range(WORDS)]
    words[100] = "timetable"
    words[5000] = "ferry"
    words[8000] = "albanian"
    words[19_900:19_903] = PHRASE.split()
    return " ".join(words[:WORDS])


SOURCE_SLUG = "hansard-long-speech-2025-05-20"
STANCE_SLUG = "edi-rama-on-a-long-speech-2025-05-20"


async def store_speech(writer: Client, editor: dict[str, str], text: str) -> None:
    source = {
        "slug": SOURCE_SLUG,
        "kind": "statement",
        "title": "A long speech",
        "published_on": "2025-05-20",
        "text": text,
    }
    created = await writer.post("/v1/sources", json=source, headers=editor)
    assert created.status_code == 201, created.text
    assert created.json()["has_text"] is True
    stance = {
        "slug": STANCE_SLUG,
        "actor": "edi-rama",
        "policy": "uk-albania-strategic-partnership",
        "position": 1,
        "stated_on": "2025-05-20",
        "summary": "Rama spoke at length.",
        "evidence": [{"kind": "direct_quote", "text": text, "source": SOURCE_SLUG}],
    }
    recorded = await writer.post("/v1/stances", json=stance, headers=editor)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["evidence"][0]["text"] == text  # whole, not cut at 5,000 characters


async def test_a_phrase_near_the_end_of_a_long_text_is_found(
    writer: Client, editor: dict[str, str], db: asyncpg.Connection
) -> None:
    text = speech()
    assert len(text) > 100_000
    await store_speech(writer, editor, text)
    # the problem this solves: the plain vector loses the phrase's positions
    plain = await db.fetchval(
        "SELECT to_tsvector('positions', text) @@ websearch_to_tsquery('positions', $1) FROM source WHERE slug = $2",
        f'"{PHRASE}"',
        SOURCE_SLUG,
    )
    assert plain is False

    def found(page: dict[str, Any]) -> list[str]:
        return [item["slug"] for item in page["items"]]

    phrase = {"q": f'"{PHRASE}"'}
    evidence = (await writer.get("/v1/evidence", params=phrase)).json()
    assert found(evidence) == [f"{STANCE_SLUG}-e1"]
    assert found((await writer.get("/v1/stances", params=phrase)).json()) == [STANCE_SLUG]
    assert found((await writer.get("/v1/sources", params=phrase)).json()) == [SOURCE_SLUG]
    # as recorded now (the vector computed on the fly by the same function)
    now = (await db.fetchval("SELECT now() + interval '1 second'")).isoformat()
    assert found((await writer.get("/v1/evidence", params={**phrase, "as_recorded": now})).json()) == [
        f"{STANCE_SLUG}-e1"
    ]
    assert found((await writer.get("/v1/sources", params={**phrase, "as_recorded": now})).json()) == [SOURCE_SLUG]
    # the same words, not as that phrase, do not match a phrase search; all of them do match as words
    reversed_phrase = {"q": '"timetable ferry albanian"'}
    assert found((await writer.get("/v1/evidence", params=reversed_phrase)).json()) == []
    assert found((await writer.get("/v1/sources", params=reversed_phrase)).json()) == []
    words = {"q": "timetable albanian ferry"}
    assert found((await writer.get("/v1/evidence", params=words)).json()) == [f"{STANCE_SLUG}-e1"]
    # a word from the very end, and the title, find the source too
    assert found((await writer.get("/v1/sources", params={"q": text.split()[-1]})).json()) == [SOURCE_SLUG]
    assert SOURCE_SLUG in found((await writer.get("/v1/sources", params={"q": "long speech"})).json())


async def test_an_editor_reads_a_sources_stored_text(writer: Client, editor: dict[str, str]) -> None:
    text = "First line of the statement.\nSecond line, with “typographic” quotes and Durrës."
    source = {"slug": "a-stored-statement", "kind": "statement", "title": "A statement", "text": text}
    assert (await writer.post("/v1/sources", json=source, headers=editor)).status_code == 201

    response = await writer.get("/v1/sources/a-stored-statement/text", headers=editor)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.text == text

    assert_problem(await writer.get("/v1/sources/a-stored-statement/text"), 401, "unauthorized")
    wrong = {"Authorization": "Bearer pos_not_a_key"}
    assert_problem(await writer.get("/v1/sources/a-stored-statement/text", headers=wrong), 401)
    assert_problem(await writer.get("/v1/sources/no-such-source/text", headers=editor), 404, "unknown-slug")
    seed = "starmer-return-hubs-plan-rebuffed-in-albania-2025-05-16"  # seed sources keep no text
    assert (await writer.get(f"/v1/sources/{seed}")).json()["has_text"] is False
    assert_problem(await writer.get(f"/v1/sources/{seed}/text", headers=editor), 404, "no-stored-text")
    # q= over sources: the title and the stored text
    listed = (await writer.get("/v1/sources", params={"q": "Durres"})).json()
    assert [item["slug"] for item in listed["items"]] == ["a-stored-statement"]

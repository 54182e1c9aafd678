"""The dashboard's Intake view in a real browser: an editor pastes a seed article, reads its candidates
highlighted in the text, edits two, confirms them with a key the page keeps only in memory, and the new stances
are read back from the API with their verbatim evidence.

The pages open on a server of this module's own over its own clone of the seeded database (it writes). The
article is one of the five seed articles (``../shared/seeds``; skipped when they are not beside the repository,
which holds only quotes and metadata).
"""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from playwright.async_api import Locator, Page, expect

from api.auth import generate_key
from db.embedded import PROJECT_ROOT
from db.engine import plain_url
from tests.conftest import running_server
from tests.e2e.browser import Screenshots

pytestmark = pytest.mark.slow

ARTICLES = next(
    (p for p in (PROJECT_ROOT.parent / "shared" / "seeds", Path("/work/shared/seeds")) if p.is_dir()),
    None,
)
STARMER_VISIT = "001_aa0c2542b18268f3.txt"  # Starmer's first official visit to Albania, statements "on May 15"
NATO_ALLY = "a strong Nato ally and a key partner in Ukraine's fight against Russian aggression"
NOT_ONE_OF_THEM = "Rama made it clear Albania would not be one of them"


@pytest.fixture(scope="module")
def article() -> str:
    if ARTICLES is None:
        pytest.skip("the seed articles (../shared/seeds) are not here")
    return (ARTICLES / STARMER_VISIT).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
async def intake_database(databases: Any) -> str:
    url: str = await databases.clone("intake_ui")
    return url


@pytest.fixture(scope="module")
async def editor_key(intake_database: str) -> str:
    key = generate_key()
    connection = await asyncpg.connect(plain_url(intake_database))
    try:
        await connection.execute(
            "INSERT INTO api_key (name, prefix, key_hash, scope) VALUES ($1, $2, $3, 'editor')",
            "Intake Desk",
            key.prefix,
            key.key_hash,
        )
    finally:
        await connection.close()
    return key.secret


@pytest.fixture(scope="module")
async def dashboard_server(intake_database: str) -> AsyncIterator[str]:
    async with running_server(intake_database) as base:
        yield base


def candidate(page: Page, words: str) -> Locator:
    return page.locator("li.intake-candidate").filter(has=page.locator("blockquote", has_text=words))


async def read_article(page: Page, key: str, text: str) -> None:
    await page.goto("/dashboard/")
    await page.get_by_role("link", name="Intake", exact=True).click()
    await expect(page.get_by_role("heading", name="Intake", level=1)).to_be_visible()
    assert page.url.endswith("?view=intake")
    await page.get_by_label("Editor key").fill(key)
    await page.get_by_label("Article text").fill(text)
    await page.get_by_label("Title", exact=True).first.fill("Starmer in Albania: statements on 15 May")
    await page.get_by_label("Published on").fill("2025-05-15")
    await page.get_by_role("button", name="Read the article").click()
    await expect(page.locator("#intake-heading")).to_contain_text("candidates, read as of 15 May 2025")


async def test_an_editor_confirms_two_candidates_and_the_stances_are_stored(
    page: Page, shots: Screenshots, article: str, editor_key: str, dashboard_server: str
) -> None:
    await read_article(page, editor_key, article)

    # Every candidate is highlighted in the text, numbered like its card; quotes and paraphrases apart.
    cards = page.locator("li.intake-candidate")
    count = await cards.count()
    assert count >= 10
    numbered = {
        int(n)
        for mark in await page.locator("mark.candidate-span").all()
        for n in (await mark.get_attribute("data-candidates") or "").split()
    }
    assert numbered == set(range(1, count + 1))
    highlighted = page.locator("mark.candidate-span.kind-direct_quote", has_text=NATO_ALLY)
    await expect(highlighted).to_have_count(1)

    # The quote: Starmer's, with the extractor's speaker; the editor picks the policy and position.
    nato = candidate(page, NATO_ALLY)
    await expect(nato).to_have_count(1)
    await expect(nato.locator(".cite")).to_contain_text("Keir Starmer")
    await expect(nato.get_by_label("Speaker (actor slug)")).to_have_value("keir-starmer")
    await nato.get_by_role("checkbox", name="Accept candidate").check()
    await nato.get_by_label("Policy").select_option("uk-albania-defence-cooperation")
    await nato.get_by_label("Position").select_option("1")
    await nato.get_by_label("Summary of the stance").fill("Starmer calls Albania a strong Nato ally and a key partner.")

    # The paraphrase: Rama's, reported in the article's words.
    rama = candidate(page, NOT_ONE_OF_THEM)
    await expect(rama.get_by_label("Speaker (actor slug)")).to_have_value("edi-rama")
    await rama.get_by_role("checkbox", name="Accept candidate").check()
    await rama.get_by_label("Policy").select_option(label="Albania hosting a UK return hub")
    await rama.get_by_label("Position").select_option("-2")

    # A missing summary is caught in the page, naming the card, before anything is sent.
    await page.get_by_role("button", name="Confirm the accepted candidates").click()
    await expect(page.locator("#form-confirm .form-error")).to_contain_text("write a summary of the stance")
    await rama.get_by_label("Summary of the stance").fill("Rama rules out Albania hosting a UK return hub.")

    await page.get_by_role("button", name="Confirm the accepted candidates").click()
    stored = page.locator(".intake-confirmed")
    await expect(stored.get_by_role("heading", name="Stored")).to_be_visible()
    await expect(stored).to_contain_text("New source starmer-in-albania-statements-on-15-may-2025-05-15")
    rows = stored.locator("li[data-stance]")
    await expect(rows).to_have_count(2)
    await shots.take()

    # The key was never written anywhere the page keeps: not the URL, storage or a cookie.
    assert editor_key not in page.url
    kept = await page.evaluate("() => [localStorage.length, sessionStorage.length, document.cookie]")
    assert kept == [0, 0, ""]

    # Read back: two new stances, each with its quote verbatim from the article, its speaker and the new source.
    slugs = [await row.get_attribute("data-stance") for row in await rows.all()]
    async with httpx.AsyncClient(base_url=dashboard_server) as api:
        stances = {}
        for slug in slugs:
            response = await api.get(f"/v1/stances/{slug}")
            assert response.status_code == 200, response.text
            stances[response.json()["policy"]["slug"]] = response.json()
    defence = stances["uk-albania-defence-cooperation"]
    assert (defence["actor"]["slug"], defence["position"]) == ("keir-starmer", 1)
    assert [(e["kind"], e["text"]) for e in defence["evidence"]] == [("direct_quote", NATO_ALLY)]
    hosting = stances["uk-albania-return-hub-hosting"]
    assert (hosting["actor"]["slug"], hosting["position"]) == ("edi-rama", -2)
    [paraphrase] = hosting["evidence"]
    assert paraphrase["kind"] == "paraphrase"
    assert paraphrase["text"] in article
    for stance in (defence, hosting):
        assert stance["stated_on"] == "2025-05-15"
        [source] = {e["source"]["slug"] for e in stance["evidence"]}
        assert source == "starmer-in-albania-statements-on-15-may-2025-05-15"


async def test_an_unknown_speaker_is_the_apis_422_shown_on_the_card_it_names(
    page: Page, shots: Screenshots, article: str, editor_key: str
) -> None:
    await read_article(page, editor_key, article)
    nato = candidate(page, NATO_ALLY)
    number = (await nato.get_attribute("id") or "").removeprefix("candidate-")
    await nato.get_by_role("checkbox", name="Accept candidate").check()
    await nato.get_by_label("Speaker (actor slug)").fill("nobody-we-know")
    await nato.get_by_label("Policy").select_option("uk-albania-defence-cooperation")
    await nato.get_by_label("Summary of the stance").fill("Someone praises Albania.")
    await page.locator("#confirm-slug").fill("intake-ui-unknown-speaker")
    await page.get_by_role("button", name="Confirm the accepted candidates").click()

    alert = page.locator("#intake-result [role=alert]")
    await expect(alert).to_be_visible()
    await expect(alert.locator(".error-fields")).to_contain_text(f"candidate {number}")
    await expect(alert.locator(".error-fields")).to_contain_text("nobody-we-know")
    await shots.take()

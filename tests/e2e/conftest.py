"""The browser fixtures of the dashboard tests: Debian's Chromium driven by Playwright.

Each test leaves a screenshot in artifacts/screenshots/<test-name>.png (also when it fails). Chromium comes
from Debian (scripts/setup.d/20-chromium installs it); Playwright's own browser downloads are never used. Pages
open on ``dashboard_server``: the shared read-only live server, unless a test module gives its own.
"""

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, async_playwright

from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, Screenshots


@pytest.fixture
def dashboard_server(live_server: str) -> str:
    """The server the pages open on; a module that writes overrides it with a server over its own database."""
    return live_server


@pytest.fixture(scope="session")
def chromium() -> str:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup.d/20-chromium (apt-get install chromium)")
    return str(CHROMIUM)


@pytest.fixture(scope="session")
async def browser(chromium: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Browser, dashboard_server: str) -> AsyncIterator[Page]:
    context = await browser.new_context(
        base_url=dashboard_server, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    await context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
async def shots(page: Page, request: pytest.FixtureRequest) -> AsyncIterator[Screenshots]:
    """Screenshots named after the test; one is taken at the end if the test took none (e.g. it failed)."""
    taker = Screenshots(page, request.node.name)
    yield taker
    if not taker.taken and not page.is_closed():
        await taker.take()

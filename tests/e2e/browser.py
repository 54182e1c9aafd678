"""What the browser tests share besides fixtures: where Chromium is, how it starts, and screenshots."""

from pathlib import Path

from playwright.async_api import Page

from db.embedded import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"


class Screenshots:
    def __init__(self, page: Page, name: str) -> None:
        self.page = page
        self.path = SCREENSHOTS / f"{name}.png"
        self.taken = False

    async def take(self, target: Page | None = None) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await (target or self.page).screenshot(path=str(self.path))
        self.taken = True

"""Journeys in a real browser: Gemist's web application on a real 127.0.0.1 port, driven by
Playwright through the distribution's Chromium (``apt-get install chromium``; Playwright's own
browser download is not used). ``GEMIST_CHROMIUM`` names another Chromium binary.

One browser per test session (starting it is the slow part), a fresh browser context per test
(no cookie, cache or storage carried from one journey to the next). Playwright's async API
needs the browser and the pages in one event loop, so everything here runs in the session's
loop: each test module in this directory sets ``pytestmark = BROWSER`` and the database engine
below replaces the suite's (whose loop is the test's own).

When Chromium is missing the tests fail and say how to install it: a browser test that skips
would hide that the journeys were never walked.

``GEMIST_SCREENSHOTS=docs/screenshots`` saves a screenshot of each page a journey shows
(:meth:`Visit.screenshot`); without it nothing is written.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, ConsoleMessage, Page, ViewportSize, async_playwright
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import connect
from bot.web import create_app
from bot.web.server import WebServer
from scheduler.clock import VirtualClock
from tests.helpers.web import School, school

__all__ = ["BROWSER", "Site", "Visit", "chromium_path"]

BROWSER = pytest.mark.asyncio(loop_scope="session")
"""The mark of every browser test: it runs in the loop of the session's browser."""

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--no-sandbox",  # the tests may run as root in a container, where the sandbox cannot start
    "--disable-dev-shm-usage",  # a container's small /dev/shm
    "--disable-gpu",
)
PHONE: ViewportSize = {"width": 390, "height": 844}
"""Families open the links from the e-mail on their phone."""
CSP_VIOLATION = re.compile(r"Content Security Policy|Refused to (load|apply|execute|connect)", re.I)


def chromium_path() -> str:
    """The Chromium to drive: ``GEMIST_CHROMIUM`` or Debian's; fails, saying how to install it,
    when there is none."""
    path = os.environ.get("GEMIST_CHROMIUM") or DEFAULT_CHROMIUM
    if not os.access(path, os.X_OK) or not Path(path).is_file():
        pytest.fail(
            f"The browser tests (tests/browser) need Chromium, and there is none at {path}. "
            "Install the distribution's package (`apt-get install -y chromium`; .ci/run does "
            "this when it is missing), or set GEMIST_CHROMIUM to a Chromium binary.",
            pytrace=False,
        )
    return path


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the whole session."""
    path = chromium_path()
    async with async_playwright() as playwright:
        found = await playwright.chromium.launch(
            executable_path=path, headless=True, args=list(CHROMIUM_FLAGS)
        )
        try:
            yield found
        finally:
            await found.close()


@pytest_asyncio.fixture(loop_scope="session")
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """The suite's engine (SQLite and PostgreSQL), made in the session's loop: the web server
    and the test use it there."""
    found = connect(db_url)
    yield found
    await found.dispose()


@dataclass
class Site:
    """The test school (:func:`tests.helpers.web.school`) and the address of its web
    application."""

    town: School
    root: str

    def url(self, path: str) -> str:
        return f"{self.root}{path}"


@pytest_asyncio.fixture(loop_scope="session")
async def site(engine: AsyncEngine, clock: VirtualClock) -> AsyncIterator[Site]:
    """The web application on a free 127.0.0.1 port, served as ``gemist web`` serves it (plain
    http here, as behind the school's reverse proxy: no ``Strict-Transport-Security``)."""
    town = await school(engine, clock)
    context = dataclasses.replace(town.context(), https=False)
    server = WebServer(create_app(context), "127.0.0.1", 0)
    await server.start()
    try:
        yield Site(town, f"http://127.0.0.1:{server.port}")
    finally:
        await server.close()


@dataclass
class Visit:
    """A page in a fresh browser context, and everything the browser said while showing it."""

    page: Page
    console: list[str] = field(default_factory=list)
    """Console messages of type error or warning, and uncaught page errors, as ``type: text``."""
    failed: list[str] = field(default_factory=list)
    """Requests that failed or got an error status, as ``status url``."""
    shots: list[Path] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [line for line in self.console if CSP_VIOLATION.search(line)]

    def listen(self) -> None:
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))
        self.page.on("requestfailed", lambda request: self.failed.append(f"- {request.url}"))
        self.page.on(
            "response",
            lambda response: (
                self.failed.append(f"{response.status} {response.url}")
                if response.status >= 400
                else None
            ),
        )

    def _on_console(self, message: ConsoleMessage) -> None:
        where = message.location.get("url", "")
        if message.type in {"error", "warning"}:
            self.console.append(f"{message.type}: {message.text} ({where})")

    async def screenshot(self, name: str, *, full_page: bool = True) -> None:
        """The whole page as ``<GEMIST_SCREENSHOTS>/<name>.png``, only when that is set; with
        ``full_page`` false, only what the window shows (a long form's part that matters)."""
        folder = os.environ.get("GEMIST_SCREENSHOTS")
        if not folder:
            return
        path = Path(folder) / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        await self.page.screenshot(path=str(path), full_page=full_page)
        self.shots.append(path)


@pytest_asyncio.fixture(loop_scope="session")
async def visit(browser: Browser) -> AsyncIterator[Visit]:
    """A phone-sized page in a browser context of its own, for one test."""
    context = await browser.new_context(viewport=PHONE, locale="nl-BE")
    try:
        found = Visit(await context.new_page())
        found.listen()
        yield found
    finally:
        await context.close()

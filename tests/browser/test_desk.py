"""The coordinator's desk in a real browser: asking for a sign-in link, opening it (in the
browser that asked: signed in; in another: refused), *Vandaag*, a pupil's timeline, releasing
a held day on *Wachtrij*, and signing out (the session is gone: reloading or going back shows
the sign-in page). Every page loads under the strict Content Security Policy with nothing
refused and nothing said in the console.

The school is the desk's test school (:func:`tests.bot.web.desk.conftest.build_town`): staff
of every kind, pupils of two spilfiguren, today's marks, messages and answers, and a held day.
The link is read where the desk planned it: the outbox row of its message (no channel sends
here), as the staff member would read it in their mail.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest_asyncio
import sqlalchemy as sa
from playwright.async_api import Browser, expect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.models import DeskSession, OutreachHold
from bot.web import WebContext, create_app
from bot.web.server import WebServer
from scheduler.clock import VirtualClock
from tests.bot.web.desk.conftest import Town, build_town
from tests.browser.conftest import BROWSER, PHONE, Visit

pytestmark = BROWSER

DESKTOP = {"width": 1280, "height": 800}
STAFF = "S02"
"""A coordinator, spilfiguur of P1: *Vandaag*, *Leerling* and *Wachtrij* are theirs."""
ADDRESS = "s02@school.example"


@dataclass
class Desk:
    """The desk's school and the address of its web application."""

    town: Town
    context: WebContext
    root: str

    def url(self, path: str) -> str:
        return f"{self.root}{path}"

    async def settled(self) -> None:
        """Wait for what the application does beside its answers (planning a link)."""
        pending = list(self.context.pending)
        if pending:
            await asyncio.gather(*pending)

    async def link(self) -> str:
        """The path of the last sign-in link planned for :data:`STAFF`."""
        await self.settled()
        links = await self.town.links(STAFF)
        assert links, "no sign-in link was planned"
        return urlsplit(str(links[-1]["link"])).path

    async def sessions(self) -> list[tuple[object, ...]]:
        async with self.town.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(col(DeskSession.staff_id), col(DeskSession.ended_at))
            )
            return [tuple(row) for row in rows]


@pytest_asyncio.fixture(loop_scope="session")
async def desk(engine: AsyncEngine, clock: VirtualClock) -> AsyncIterator[Desk]:
    """The desk on a free 127.0.0.1 port, over plain http (as behind a reverse proxy)."""
    town = await build_town(engine, clock)
    context = dataclasses.replace(town.context(), https=False)
    server = WebServer(create_app(context), "127.0.0.1", 0)
    await server.start()
    try:
        yield Desk(town, context, f"http://127.0.0.1:{server.port}")
    finally:
        await server.close()


@pytest_asyncio.fixture(loop_scope="session")
async def other(browser: Browser) -> AsyncIterator[Visit]:
    """A second browser, of its own: another person's, or a mail filter following links."""
    context = await browser.new_context(viewport=PHONE, locale="nl-BE")
    try:
        found = Visit(await context.new_page())
        found.listen()
        yield found
    finally:
        await context.close()


def _clean(visit: Visit, *expected: str) -> None:
    """Nothing refused by the CSP, nothing in the console, no failed request but those
    ``expected`` (``status path``), and in the console only Chromium's own line about each of
    those (it reports any page with an error status)."""
    assert visit.csp_violations() == []
    failed = [f"{line.split()[0]} {urlsplit(line.split()[1]).path}" for line in visit.failed]
    assert failed == list(expected)
    said = [line for line in visit.console if not _reports(line, expected)]
    assert said == []


def _reports(line: str, expected: tuple[str, ...]) -> bool:
    """Whether the console's ``line`` is Chromium's report of one of the ``expected`` answers."""
    if not line.startswith("error: Failed to load resource"):
        return False
    where = urlsplit(line.rsplit("(", 1)[-1].rstrip(")")).path
    return any(
        f"status of {status} " in line and where == path
        for status, path in (item.split(" ", 1) for item in expected)
    )


async def _ask_for_link(desk: Desk, visit: Visit) -> str:
    page = visit.page
    await page.goto(desk.url("/desk/aanmelden"))
    await expect(page.locator("h1")).to_have_text("Aanmelden")
    await page.get_by_label("E-mailadres of personeelsnummer").fill(ADDRESS)
    await page.get_by_role("button", name="Stuur mij een link").click()
    await expect(page.locator("h1")).to_have_text("Kijk je berichten na")
    return await desk.link()


async def _shots(visit: Visit, name: str) -> None:
    """The page at a phone's width and at a desktop's."""
    await visit.screenshot(f"desk-{name}-phone")
    await visit.page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
    await visit.screenshot(f"desk-{name}-desktop")
    await visit.page.set_viewport_size(PHONE)


async def test_a_link_signs_in_only_the_browser_that_asked_for_it(desk: Desk, visit, other):
    await visit.page.goto(desk.url("/desk/aanmelden"))
    await _shots(visit, "sign-in")
    link = await _ask_for_link(desk, visit)
    await _shots(visit, "link-sent")

    # Another browser (with a cookie of its own) gets the same refusal as a dead link...
    await other.page.goto(desk.url("/desk/aanmelden"))
    refused = await other.page.goto(desk.url(link))
    assert refused is not None
    assert refused.status == 404
    await expect(other.page.locator("h1")).to_have_text("Deze link werkt niet (meer)")
    await other.screenshot("desk-link-refused-phone")
    assert await desk.sessions() == []

    # ...and does not use it up: the browser that asked is signed in.
    await visit.page.goto(desk.url(link))
    assert urlsplit(visit.page.url).path == "/desk/vandaag"
    await expect(visit.page.locator("h1")).to_contain_text("Vandaag")
    await expect(visit.page.locator(".who")).to_have_text("NaamS02 Collega")
    assert [staff for staff, _ended in await desk.sessions()] == [desk.town.staff[STAFF]]

    # Used now: refused to the other browser still, and no second session.
    again = await other.page.goto(desk.url(link))
    assert again is not None
    assert again.status == 404
    assert len(await desk.sessions()) == 1
    _clean(visit)
    _clean(other, f"404 {link}", f"404 {link}")


async def test_a_coordinator_reads_today_a_timeline_releases_a_hold_and_signs_out(
    desk: Desk, visit
):
    page, town = visit.page, desk.town
    await page.goto(desk.url(await _ask_for_link(desk, visit)))
    await expect(page.locator("h1")).to_contain_text("Vandaag")
    await expect(page.locator("main")).to_contain_text("Kind P1")
    await expect(page.locator("main")).not_to_contain_text("Kind P2")  # S03's pupil
    await _shots(visit, "today")

    await page.locator("nav").get_by_role("link", name="Leerling").click()
    await expect(page.locator("h1")).to_have_text("Leerlingen")
    await page.get_by_role("link", name="Kind P1").click()
    assert urlsplit(page.url).path == f"/desk/leerling/{town.pupils['P1']}"
    await expect(page.locator("h1")).to_contain_text("Kind P1")
    await expect(page.locator("ol.timeline li").first).to_be_visible()
    await _shots(visit, "pupil")

    await page.locator("nav").get_by_role("link", name="Wachtrij").click()
    await expect(page.locator("h1")).to_have_text("Wachtrij")
    await _shots(visit, "queue")
    await page.get_by_role("button", name="Vrijgeven: de berichten gaan uit").click()
    await expect(page.locator("p.note")).to_have_text("Genoteerd.")
    await expect(page.locator("main")).to_contain_text("Niets wacht op een beslissing.")
    await expect(page.locator("main")).to_contain_text("vrijgegeven")
    async with town.engine.connect() as conn:
        hold = (
            await conn.execute(sa.select(col(OutreachHold.status), col(OutreachHold.decided_by)))
        ).one()
    assert tuple(hold) == ("released", f"desk:{STAFF}")
    assert town.told[-1] == "news"  # the released day's messages go out at once

    await page.get_by_role("button", name="Afmelden").click()
    await expect(page.locator("h1")).to_have_text("Aanmelden")
    await expect(page.locator("p.note").first).to_have_text("Je bent afgemeld.")
    [(_staff, ended)] = await desk.sessions()
    assert ended is not None  # ended on the server, not only forgotten by the browser

    await page.go_back()  # the queue again, from the browser's history: asked anew, refused
    await expect(page.locator("h1")).to_have_text("Aanmelden")
    await page.goto(desk.url("/desk/wachtrij"))
    await page.reload()
    assert urlsplit(page.url).path == "/desk/aanmelden"
    await expect(page.locator("nav")).to_have_count(0)
    _clean(visit)

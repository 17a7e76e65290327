"""The coordinator's desk in a real browser: asking for a sign-in link, opening it (in the
browser that asked: signed in; in another: refused), *Vandaag*, a pupil's timeline, *Bereik*,
*Invoer*, releasing a held day on *Wachtrij*, and signing out (the session is gone: reloading
or going back shows the sign-in page); marking a case seen on *Opvolging*; on *Regels*, a CLB
threshold above the law refused at its field, and a rule changed, previewed (the page
refreshes itself until the replay is done), saved, and then planned with by the bot's next
tick. Every page loads under the strict Content Security Policy with nothing refused and
nothing said in the console.

The school is the desk's test school (:func:`tests.bot.web.desk.conftest.build_town`): staff
of every kind, pupils of two spilfiguren, today's marks, messages and answers, and a held day.
The link is read where the desk planned it: the outbox row of its message (no channel sends
here), as the staff member would read it in their mail.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest_asyncio
import sqlalchemy as sa
from playwright.async_api import Browser, expect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.models import Contact, DeskSession, Outreach, OutreachHold, RulesVersion
from bot.planning.tick import planner_tick
from bot.rulebook import versions
from bot.rulebook.preview import SchoolPreviews, forget_replays
from bot.rules import Rules
from bot.web import WebContext, create_app
from bot.web.server import WebServer
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS, VirtualClock
from tests.bot.web.desk.conftest import Town, build_town
from tests.bot.web.desk.test_cases import ASKS, CLB, nudge
from tests.browser.conftest import BROWSER, PHONE, Visit
from tests.helpers.seed import SCHOOL

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
    """The desk on a free 127.0.0.1 port, over plain http (as behind a reverse proxy), with the
    preview of *Regels* as ``gemist web`` sets it up."""
    forget_replays()
    town = await build_town(engine, clock)
    context = dataclasses.replace(
        town.context(),
        https=False,
        previews=SchoolPreviews(school_id=SCHOOL, calendar=SchoolCalendar(), tz=BRUSSELS),
    )
    server = WebServer(create_app(context), "127.0.0.1", 0)
    await server.start()
    try:
        yield Desk(town, context, f"http://127.0.0.1:{server.port}")
    finally:
        await server.close()
        forget_replays()


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


async def _shots(visit: Visit, name: str, *, full_page: bool = True) -> None:
    """The page at a phone's width and at a desktop's (the window only, without
    ``full_page``: *Regels* is a long form, whole it makes a megabyte of picture)."""
    await visit.screenshot(f"desk-{name}-phone", full_page=full_page)
    await visit.page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
    await visit.screenshot(f"desk-{name}-desktop", full_page=full_page)
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


async def test_a_coordinator_reads_today_a_timeline_reach_imports_releases_a_hold_signs_out(
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

    await page.locator("nav").get_by_role("link", name="Bereik").click()
    await expect(page.locator("h1")).to_have_text("Bereik")
    await _shots(visit, "reach")
    await page.locator("nav").get_by_role("link", name="Invoer").click()
    await expect(page.locator("h1")).to_have_text("Invoer")
    await _shots(visit, "imports")

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


async def _seen_by(desk: Desk, outreach: int) -> tuple[object, ...]:
    async with desk.town.engine.connect() as conn:
        found = await conn.execute(
            sa.select(col(Outreach.acknowledged_at), col(Outreach.acknowledged_by)).where(
                col(Outreach.id) == outreach
            )
        )
        return tuple(found.one())


async def test_a_coordinator_marks_a_case_seen_on_follow_up(desk: Desk, visit):
    page, town = visit.page, desk.town
    asks = await nudge(town, "P1", STAFF, ASKS, 30)
    clb = await nudge(town, "P1", STAFF, CLB, 20)
    await page.goto(desk.url(await _ask_for_link(desk, visit)))
    await page.locator("nav").get_by_role("link", name="Opvolging").click()
    await expect(page.locator("h1")).to_have_text("Opvolging")
    cases = page.locator("li.nudge")
    await expect(cases).to_have_count(2)
    await expect(cases.first).to_contain_text("vraagt om een gesprek")  # the most urgent first
    await _shots(visit, "follow-up")

    await cases.first.get_by_role("button", name="Gezien, ik volg het op").click()
    await expect(page.locator("p.note")).to_have_text("Genoteerd: gezien.")
    await expect(page).to_have_url(re.compile(r"/desk/opvolging\?pagina=1&klaar=ack$"))
    await expect(cases).to_have_count(1)  # the seen case is gone; the CLB threshold stays
    await expect(cases.first).to_contain_text("drempel voor het CLB bereikt")
    assert await _seen_by(desk, asks) == (town.clock.now(), f"desk:{STAFF}")
    assert await _seen_by(desk, clb) == (None, None)

    await page.reload()  # back on the page after a redirect: a reload does not post again
    await expect(cases).to_have_count(1)
    _clean(visit)


async def _rules_versions(desk: Desk) -> list[tuple[int, str, list[str]]]:
    async with desk.town.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(
                col(RulesVersion.number), col(RulesVersion.saved_by), col(RulesVersion.changes)
            ).order_by(col(RulesVersion.number))
        )
        return [(int(n), str(by), list(changes)) for n, by, changes in rows]


async def test_a_clb_threshold_above_the_law_is_refused_at_its_field(desk: Desk, visit):
    page = visit.page
    await page.goto(desk.url(await _ask_for_link(desk, visit)))
    await page.locator("nav").get_by_role("link", name="Regels").click()
    await expect(page.locator("h1")).to_have_text("Regels")
    threshold = page.locator('input[name="nudges.problematic_half_days"]')
    await threshold.fill("6")
    await page.get_by_role("button", name="Opslaan: Gemist gebruikt deze regels vanaf nu").click()
    await expect(page.get_by_role("alert")).to_contain_text("Er is niets opgeslagen.")
    await expect(threshold).to_have_value("6")  # what was typed stays, marked at its field
    await expect(threshold).to_have_attribute("aria-invalid", "true")
    problem = page.locator('[id="nudges.problematic_half_days-problem"]')
    await expect(problem).to_be_visible()
    await expect(problem).to_contain_text("5")
    # On a phone the form wraps its long setting names instead of scrolling sideways.
    wide = await page.evaluate("document.documentElement.scrollWidth")
    assert wide <= await page.evaluate("window.innerWidth")
    await threshold.scroll_into_view_if_needed()
    await _shots(visit, "rules-refused", full_page=False)
    assert await _rules_versions(desk) == []
    _clean(visit, "422 /desk/regels")


async def test_a_rule_changed_previewed_and_saved_is_the_one_the_bot_plans_with(desk: Desk, visit):
    page, town = visit.page, desk.town
    await _reachable_p1(town)
    planner = versions.CurrentRules(town.engine, SCHOOL, Rules.default())  # as `gemist run`'s
    # The running bot's tick before the change: P1, marked B this morning, gets a check-in.
    assert await _tick(town, planner) == 1
    assert await _checkins_of_p1(town) == ["planned"]
    await page.goto(desk.url(await _ask_for_link(desk, visit)))
    await page.locator("nav").get_by_role("link", name="Regels").click()
    await expect(page.locator("h1")).to_have_text("Regels")
    await _shots(visit, "rules", full_page=False)

    # No check-in of the pupil on a problematic absence (code B): P1 is marked B today.
    checkin = page.locator('select[name="codes.B.pupil_checkin"]')
    await checkin.select_option("false")
    await page.get_by_role("button", name="Voorbeeld bekijken").click()
    await expect(page).to_have_url(re.compile(r"/desk/regels/voorbeeld$"))
    # The page refreshes itself (meta refresh) until the replay is done: wait for the result.
    decided = page.get_by_role("button", name="Deze regels opslaan")
    await expect(decided).to_be_visible(timeout=60_000)
    await expect(page.locator("meta[http-equiv=refresh]")).to_have_count(0)
    difference = page.locator("table.difference").first
    await expect(difference).to_contain_text("minder")
    await expect(page.locator("main")).to_contain_text("Met de voorgestelde regels")
    await _shots(visit, "rules-preview")
    assert await _rules_versions(desk) == []  # a preview saves nothing

    await decided.click()
    await expect(page.locator("h1")).to_have_text("Regels")
    await expect(page.locator("p.note.done")).to_contain_text("Versie 1 is opgeslagen.")
    await expect(page.locator("p.note.done")).to_contain_text("codes.B.pupil_checkin")
    await expect(checkin).to_have_value("false")  # the form shows the rules in force now
    assert await _rules_versions(desk) == [(1, STAFF, ["codes.B.pupil_checkin"])]

    # The running bot's next tick reads the version in force before it plans: the check-in
    # that is no longer called for is withdrawn, and none is planned again.
    assert await _tick(town, planner) == 0
    assert planner.number == 1
    assert planner.rules.code("B").pupil_checkin is False
    assert planner.rules.code("Z").pupil_checkin is True  # nothing else changed
    assert await _checkins_of_p1(town) == ["withdrawn"]
    _clean(visit)


async def _reachable_p1(town: Town) -> None:
    """P1 linked a chat (the test school's pupils have no contact), and today's class is not
    held (the held day of :func:`build_town` stops the planner for it): a tick plans for P1."""
    async with town.engine.begin() as conn:
        await conn.execute(
            sa.insert(Contact).values(
                school_id=SCHOOL, role="pupil", person_id=town.pupils["P1"], channel="telegram",
                address="5101", state="active", chosen=False, since=town.clock.now(),
            )
        )  # fmt: skip
        await conn.execute(sa.delete(OutreachHold))


async def _tick(town: Town, planner: versions.CurrentRules) -> int:
    """The planner tick as ``gemist run`` runs it: the rules in force first, then the plan."""
    rules = await planner.refresh()
    return await planner_tick(
        town.engine, school_id=SCHOOL, rules=rules, calendar=SchoolCalendar(), clock=town.clock
    )


async def _checkins_of_p1(town: Town) -> list[str]:
    """The statuses of the check-ins the planner planned for P1 (not the seeded, sent one)."""
    async with town.engine.connect() as conn:
        found = await conn.execute(
            sa.select(col(Outreach.status))
            .where(col(Outreach.kind) == "pupil_checkin")
            .where(col(Outreach.pupil_id) == town.pupils["P1"])
            .where(col(Outreach.idempotency_key) != "checkin-P1")
            .order_by(col(Outreach.id))
        )
        return [str(status) for status in found.scalars()]

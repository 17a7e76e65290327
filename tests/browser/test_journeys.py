"""A family's journeys from an e-mail's link, in a real browser: the answer link's page, its one
confirm button, the thanks, and the answer in the database; the unsubscribe page and its one
button. Every page loads under the strict Content Security Policy with nothing refused, and
with Gemist's stylesheet applied."""

from __future__ import annotations

from playwright.async_api import expect

from bot.links import Purpose
from tests.browser.conftest import BROWSER, Site, Visit

pytestmark = BROWSER

ACCENT = "rgb(31, 111, 92)"
"""The buttons' colour in gemist.css: the stylesheet loaded and applied."""


async def _open(visit: Visit, url: str) -> None:
    """The link followed from the e-mail."""
    response = await visit.page.goto(url)
    assert response is not None
    assert response.status == 200


def _clean(visit: Visit) -> None:
    assert visit.csp_violations() == []
    assert visit.console == []
    assert visit.failed == []


async def test_an_answer_link_is_confirmed_with_its_one_button_and_recorded(site: Site, visit):
    town, page = site.town, visit.page
    await _open(visit, site.url(f"/a/{town.token(Purpose.ANSWER, town.checkin, 'sick')}"))

    await expect(page.locator("html")).to_have_attribute("lang", "nl")
    await expect(page.locator("h1")).to_have_text("Het gekozen antwoord")
    await expect(page.locator("p.answer")).to_have_text("Ik ben ziek")
    confirm = page.locator("form.confirm").get_by_role("button")
    await expect(confirm).to_have_count(1)
    await expect(confirm).to_have_text("Bevestigen")
    await expect(confirm).to_have_css("background-color", ACCENT)
    await visit.screenshot("answer-confirm")
    assert await town.replies() == []  # opening the link (as a mail scanner does) records nothing

    await confirm.click()
    await expect(page.locator("h1")).to_have_text("Bedankt!")
    assert page.url == site.url(f"/a/{town.token(Purpose.ANSWER, town.checkin, 'sick')}")
    await expect(page.locator("p.close")).to_have_text("Dit venster kan nu dicht.")
    await visit.screenshot("answer-thanks")

    assert await town.replies() == [("pupil", "P1", "sick", town.checkin, "P1:2026-11-17")]
    assert town.told == ["news"]
    _clean(visit)


async def test_a_guardian_stops_the_messages_with_the_unsubscribe_page(site: Site, visit):
    town, page = site.town, visit.page
    await _open(visit, site.url(f"/u/{town.token(Purpose.UNSUBSCRIBE, town.notice)}"))

    await expect(page.locator("html")).to_have_attribute("lang", "tr")
    await expect(page.locator("footer")).to_have_text("Testschool")
    stop = page.get_by_role("button")
    await expect(stop).to_have_count(1)
    await expect(stop).to_contain_text("Ja, stop de berichten")  # the Dutch beside her Turkish
    await expect(stop).to_have_css("background-color", ACCENT)
    await visit.screenshot("unsubscribe")
    assert await town.contact_state("guardian", town.g1) == "active"

    await stop.click()
    await expect(page.locator("h1")).to_contain_text("Gestopt")
    await expect(page.get_by_role("button")).to_have_count(0)
    await visit.screenshot("unsubscribed")

    assert await town.contact_state("guardian", town.g1) == "unsubscribed"
    assert await town.contact_state("pupil", town.p1) == "active"  # only that person
    _clean(visit)

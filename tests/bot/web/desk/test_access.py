"""The authorization matrix: every role by every page of the desk and every pupil, decided in one
place (:mod:`bot.web.desk.access`) and kept by every handler. A pupil who is not yours is
answered 404, as a pupil that does not exist."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.models import Outreach, OutreachHold, RulesVersion, TimelineView
from bot.web.desk.access import Page, PupilRef, Viewer, may, pages_of
from tests.bot.web.desk.conftest import Town, csrf_of, sign_in
from tests.bot.web.desk.test_cases import ASKS, nudge

ALL = set(Page)
CARE = {Page.TODAY, Page.FOLLOW_UP, Page.PUPIL, Page.REACH}
ROLES = {
    # who: (their role, their pupils, the pages they may open, the pupils they may see)
    "direction": ("direction", False, ALL, {"P1", "P2", "P3"}),
    "coordinator": ("coordinator", True, ALL, {"P1"}),
    "coordinator without pupils": ("coordinator", False, ALL - CARE | {Page.TODAY}, set()),
    "clb": ("clb", False, CARE | {Page.RULES}, {"P1", "P2", "P3"}),
    "teacher": ("teacher", False, {Page.TODAY}, set()),
    "teacher and spilfiguur": ("teacher", True, CARE, {"P1"}),
}
PUPILS = {"P1": 1, "P2": 2, "P3": 3}
SPILFIGUREN = {"P1": 10, "P2": 20, "P3": 30}


def _viewer(role: str, spilfiguur: bool) -> Viewer:
    return Viewer(10, "school", role, "Naam", "nl", spilfiguur)


@pytest.mark.parametrize("who", sorted(ROLES))
@pytest.mark.parametrize("page", list(Page))
def test_the_pages_each_role_may_open(who: str, page: Page) -> None:
    role, spilfiguur, pages, _pupils = ROLES[who]
    assert may(_viewer(role, spilfiguur), page) is (page in pages)


@pytest.mark.parametrize("who", sorted(ROLES))
@pytest.mark.parametrize("pupil", sorted(PUPILS))
def test_the_pupils_each_role_may_see(who: str, pupil: str) -> None:
    role, spilfiguur, _pages, pupils = ROLES[who]
    ref = PupilRef(PUPILS[pupil], "school", SPILFIGUREN[pupil])
    assert may(_viewer(role, spilfiguur), Page.PUPIL, ref) is (
        pupil in pupils and Page.PUPIL in ROLES[who][2]
    )


@pytest.mark.parametrize("who", sorted(ROLES))
def test_nobody_sees_a_pupil_of_another_school(who: str) -> None:
    role, spilfiguur, _pages, _pupils = ROLES[who]
    assert not may(_viewer(role, spilfiguur), Page.PUPIL, PupilRef(1, "elsewhere", 10))


def test_the_navigation_shows_only_what_may_be_opened() -> None:
    assert pages_of(_viewer("teacher", False)) == (Page.TODAY,)
    assert pages_of(_viewer("direction", False)) == tuple(Page)


# -- the same matrix over HTTP, with the town's staff (conftest.STAFF) ---------------------------

PAGES = ["vandaag", "opvolging", "leerling", "regels", "bereik", "invoer", "wachtrij"]
HTTP = {
    # staff id: the pages that open (200), the pupils whose page opens
    "S01": (set(PAGES), {"P1", "P2", "P3"}),  # direction
    "S02": (set(PAGES), {"P1"}),  # coordinator, spilfiguur of P1
    "S03": (set(PAGES), {"P2"}),  # coordinator, spilfiguur of P2
    "S04": ({"vandaag", "opvolging", "leerling", "regels", "bereik"}, {"P1", "P2", "P3"}),  # clb
    "S05": ({"vandaag"}, set()),  # teacher
    "S06": ({"vandaag", "opvolging", "leerling", "bereik"}, {"P3"}),  # teacher, spilfiguur of P3
}


@pytest.mark.parametrize("staff_id", sorted(HTTP))
async def test_every_role_by_every_page_and_pupil_over_http(town: Town, staff_id: str):
    pages, pupils = HTTP[staff_id]
    opened: dict[str, int] = {}
    async with town.client() as client:
        await sign_in(town, client, staff_id)
        for page in PAGES:
            opened[page] = (await client.get(f"/desk/{page}")).status
        for pupil, key in town.pupils.items():
            opened[pupil] = (await client.get(f"/desk/leerling/{key}")).status
        opened["no such pupil"] = (await client.get("/desk/leerling/987654")).status
        opened["an id past any key"] = (await client.get("/desk/leerling/99999999999")).status
        opened["no such page"] = (await client.get("/desk/geheim")).status
        token = await csrf_of(await client.get("/desk/vandaag"))
        hold = await town.scalar(sa.select(col(OutreachHold.id)))
        release = {"csrf": token, "hold": str(hold)}
        decided = await client.post("/desk/wachtrij", data={**release, "decision": "release"})
        opened["wachtrij: vrijgeven"] = decided.status
        saved = await client.post(
            "/desk/regels", data={"csrf": token, "actie": "opslaan", "pupil.min_age": "14"}
        )
        opened["regels: opslaan"] = saved.status
        sign_out = await client.post("/desk/afmelden", data={"csrf": await csrf_of(
            await client.get("/desk/vandaag"))})  # fmt: skip
        opened["afmelden"] = sign_out.status
    expected = {page: 200 if page in pages else 404 for page in PAGES}
    expected |= {pupil: 200 if pupil in pupils else 404 for pupil in town.pupils}
    expected |= {"no such pupil": 404, "an id past any key": 404, "no such page": 404}
    expected |= {"afmelden": 200}
    runs_the_bot = "wachtrij" in pages
    expected["wachtrij: vrijgeven"] = 200 if runs_the_bot else 404  # 200: after the 303 back
    makes_the_rules = "regels" in pages
    expected["regels: opslaan"] = 200 if makes_the_rules else 404  # 200: after the 303 back
    assert opened == expected
    views = await town.scalar(sa.select(sa.func.count()).select_from(TimelineView))
    assert views == len(pupils)  # only the pages that opened were views
    status = await town.scalar(sa.select(col(OutreachHold.status)))
    assert status == ("released" if runs_the_bot else "held")
    saved_by = await town.scalar(sa.select(col(RulesVersion.saved_by)))
    assert saved_by == (staff_id if makes_the_rules else None)


async def test_another_coordinators_pupil_looks_like_no_pupil(town: Town):
    async with town.client() as client:
        await sign_in(town, client, "S02")
        other = await client.get(f"/desk/leerling/{town.pupils['P2']}")
        other_text = await other.text()
        none = await client.get("/desk/leerling/987654")
        none_text = await none.text()
    assert other.status == none.status == 404
    assert "Kind P2" not in other_text
    assert other_text == none_text


async def test_a_view_of_a_pupils_page_is_recorded(town: Town):
    async with town.client() as client:
        await sign_in(town, client, "S02")
        await client.get(f"/desk/leerling/{town.pupils['P1']}")
    async with town.engine.connect() as conn:
        rows = (
            await conn.execute(
                sa.select(
                    col(TimelineView.pupil_id), col(TimelineView.viewer_id),
                    col(TimelineView.channel), col(TimelineView.viewed_at),
                )
            )
        ).all()  # fmt: skip
    assert [tuple(row) for row in rows] == [
        (town.pupils["P1"], town.staff["S02"], "desk", town.clock.now())
    ]


# -- the actions of *Opvolging*, by every role on every pupil's case -----------------------------

ACTS = {
    # staff id: the pupils whose case they may mark as seen (their Opvolging's pupils)
    "S01": {"P1", "P2", "P3"},  # direction
    "S02": {"P1"},
    "S03": {"P2"},
    "S04": {"P1", "P2", "P3"},  # clb
    "S05": set(),  # teacher: no Opvolging at all
    "S06": {"P3"},
}


@pytest.mark.parametrize("staff_id", sorted(ACTS))
async def test_every_role_by_every_pupils_case_over_http(town: Town, staff_id: str):
    cases = {pupil: await nudge(town, pupil, "S02", ASKS, 10) for pupil in town.pupils}
    answered: dict[str, int] = {}
    async with town.client() as client:
        await sign_in(town, client, staff_id)
        for pupil, case in cases.items():
            token = await csrf_of(await client.get("/desk/vandaag"))
            answer = await client.post(
                f"/desk/opvolging/{case}", data={"csrf": token, "action": "ack"},
                allow_redirects=False,
            )  # fmt: skip
            answered[pupil] = answer.status
    assert answered == {pupil: 303 if pupil in ACTS[staff_id] else 404 for pupil in cases}
    async with town.engine.connect() as conn:
        seen = {
            int(pupil)
            for (pupil,) in await conn.execute(
                sa.select(col(Outreach.pupil_id)).where(col(Outreach.acknowledged_at).is_not(None))
            )
        }
    assert seen == {town.pupils[pupil] for pupil in ACTS[staff_id]}

"""*Opvolging* over HTTP (both backends): the open cases of the viewer's pupils, the message
each case sent in the viewer's language, and every action posted through the one writer, as
the chat's button stores it; another coordinator's case is not found and stays as it was."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient
from sqlmodel import col

from bot.desk import choices
from bot.models import Outreach, PupilPause, Reply
from bot.rulebook import versions
from bot.rules import Rules
from bot.web.desk import cases
from tests.bot.web.desk.conftest import Town, csrf_of, sign_in
from tests.helpers.seed import SCHOOL

MONDAY = "2026-11-16"
ASKS = {"reason": "asks_to_talk", "answer": "want_to_talk", "from": "pupil", "date": MONDAY}
CLB = {"reason": "clb_threshold", "date": MONDAY, "problematic": 5, "missed_half_days": 5}
HELD = {"reason": "held_notice", "date": MONDAY, "episode": f"{MONDAY}:am"}


async def nudge(town: Town, pupil: str, to: str, payload: dict[str, Any], minutes: int) -> int:
    """A nudge about ``pupil`` sent to ``to`` ``minutes`` ago, as the engine writes one."""
    at = town.clock.now() - dt.timedelta(minutes=minutes)
    full = {"school": "School", "class_name": "1A", "first_name": f"Kind {pupil}", **payload}
    async with town.engine.begin() as conn:
        found = await conn.execute(
            sa.insert(Outreach)
            .values(
                school_id=SCHOOL, idempotency_key=f"nudge-{pupil}-{payload['reason']}",
                kind="coordinator_nudge", recipient_role="coordinator",
                recipient_id=town.staff[to], channel="email", pupil_id=town.pupils[pupil],
                lang="nl", payload=full, text="…", due_at=at,
                expires_at=at + dt.timedelta(days=1), status="sent", next_attempt_at=at,
                sent_at=at, created_at=at, updated_at=at,
            )
            .returning(col(Outreach.id))
        )  # fmt: skip
        return int(found.scalar_one())


async def nudged(town: Town) -> dict[str, int]:
    """P1 (S02's) asks to talk and reached the CLB threshold; P2 (S03's) has a held notice;
    P3 (S06's) asks to talk."""
    return {
        "asks": await nudge(town, "P1", "S02", ASKS, 30),
        "clb": await nudge(town, "P1", "S02", CLB, 20),
        "held": await nudge(town, "P2", "S03", HELD, 40),
        "p3": await nudge(town, "P3", "S06", ASKS, 10),
    }


async def page_of(client: TestClient, query: str = "") -> str:
    response = await client.get(f"/desk/opvolging{query}")
    assert response.status == 200
    return await response.text()


async def row(town: Town, outreach: int) -> Any:
    async with town.engine.connect() as conn:
        return (
            await conn.execute(
                sa.select(
                    col(Outreach.acknowledged_at), col(Outreach.acknowledged_by),
                    col(Outreach.snoozed_until),
                ).where(col(Outreach.id) == outreach)
            )
        ).one()  # fmt: skip


async def replies(town: Town) -> list[tuple[Any, ...]]:
    async with town.engine.connect() as conn:
        found = await conn.execute(
            sa.select(
                col(Reply.pupil_id), col(Reply.sender_role), col(Reply.sender_id),
                col(Reply.answer), col(Reply.outreach_id),
            )
            .where(col(Reply.sender_role) == "coordinator")
            .order_by(col(Reply.id))
        )  # fmt: skip
        return [tuple(r) for r in found]


async def pauses(town: Town) -> list[tuple[Any, ...]]:
    async with town.engine.connect() as conn:
        found = await conn.execute(
            sa.select(
                col(PupilPause.pupil_id), col(PupilPause.starts), col(PupilPause.ends),
                col(PupilPause.created_by),
            )
        )  # fmt: skip
        return [tuple(r) for r in found]


async def post(client: TestClient, outreach: int, action: str, value: str = "", **more: Any):
    token = await csrf_of(await client.get("/desk/opvolging"))
    data = {"csrf": token, "action": action, "value": value, **more}
    return await client.post(f"/desk/opvolging/{outreach}", data=data, allow_redirects=False)


async def test_a_spilfiguur_sees_the_cases_of_their_own_pupils_only(town: Town):
    await nudged(town)
    async with town.client() as client:
        await sign_in(town, client, "S02")
        page = await page_of(client)
    assert "Kind P1 Test" in page
    assert "Kind P1 (1A) wil graag met iemand praten" in page  # the message, in Dutch
    assert "vraagt om een gesprek" in page  # its reason's label
    assert "drempel voor het CLB bereikt" in page
    assert "Het CLB is al betrokken" in page  # the CLB case's own button
    assert "Kind P2" not in page
    assert "Kind P3" not in page
    # Asks to talk is more urgent than the CLB threshold: it comes first.
    assert page.index("vraagt om een gesprek") < page.index("drempel voor het CLB bereikt")
    assert "5 van 5 problematische halve dagen" not in page  # the town's P1 has 2 marks today
    assert "2 in totaal" in page


async def test_the_whole_school_sees_every_case_in_its_own_language(town: Town):
    await nudged(town)
    async with town.client() as client:
        await sign_in(town, client, "S04")  # the CLB, reads French
        page = await page_of(client)
    for pupil in ("Kind P1", "Kind P2", "Kind P3"):
        assert pupil in page
    assert "Kind P1 (1A) aimerait parler à quelqu" in page
    assert "NaamS03 Collega" in page  # the spilfiguur, for the whole school
    assert "Vu, je m&#39;en occupe" in page  # the actions in French too
    assert "Gezien, ik volg het op" not in page
    assert 'lang="fr"' in page


async def test_no_open_case_says_so(town: Town):
    async with town.client() as client:
        await sign_in(town, client, "S02")
        page = await page_of(client)
    assert "Geen open meldingen." in page


def _day(town: Town, key: str, index: int = 0) -> dt.date:
    offered = choices(town.clock.today(), town.context().calendar)
    if key == "snooze":
        return offered.snooze[index][1]
    if key == "pause":
        return offered.pause[index][1]
    return offered.returns[index]


async def test_seen_marks_the_case_as_the_chats_button_does(town: Town):
    ids = await nudged(town)
    async with town.client() as client:
        await sign_in(town, client, "S02")
        told = len(town.told)
        answer = await post(client, ids["asks"], "ack")
        assert answer.status == 303
        assert answer.headers["Location"].endswith("desk/opvolging?pagina=1&klaar=ack")
        page = await page_of(client, "?pagina=1&klaar=ack")
        again = await post(client, ids["asks"], "ack")
        assert again.headers["Location"].endswith("klaar=0")  # nothing left to decide
    assert "Genoteerd: gezien." in page
    assert "vraagt om een gesprek" not in page  # seen: no longer open
    assert "drempel voor het CLB bereikt" in page
    assert tuple(await row(town, ids["asks"])) == (town.clock.now(), "desk:S02", None)
    assert len(town.told) == told + 1  # the service is told once: the second decided nothing


async def test_remind_me_later_snoozes_to_the_school_day_chosen(town: Town):
    ids = await nudged(town)
    async with town.client() as client:
        await sign_in(town, client, "S02")
        days = choices(town.clock.today(), town.context().calendar).snooze[-1][0]
        assert (await post(client, ids["asks"], "snooze", str(days))).status == 303
        page = await page_of(client, "?klaar=snooze")
    acked, by, until = await row(town, ids["asks"])
    assert (acked, by, until) == (None, None, _day(town, "snooze", -1))
    assert "Genoteerd: je krijgt er later een herinnering over." in page
    assert "uitgesteld tot" in page


async def test_a_pause_is_stored_as_the_chat_stores_it(town: Town):
    ids = await nudged(town)
    async with town.client() as client:
        await sign_in(town, client, "S02")
        days = choices(town.clock.today(), town.context().calendar).pause[0][0]
        assert (await post(client, ids["clb"], "pause", str(days))).status == 303
        page = await page_of(client)
    today = town.clock.today()
    assert await pauses(town) == [(town.pupils["P1"], today, _day(town, "pause"), "desk:S02")]
    assert "Berichten gepauzeerd van" in page


async def test_a_return_date_is_the_spilfiguurs_answer(town: Town):
    ids = await nudged(town)
    back = _day(town, "return", 1)
    async with town.client() as client:
        await sign_in(town, client, "S02")
        assert (await post(client, ids["asks"], "return", back.isoformat())).status == 303
    found = await replies(town)
    assert len(found) == 1
    assert found[0][:3] == (town.pupils["P1"], "coordinator", "S02")
    assert back.isoformat() in found[0][3]


async def test_the_clb_involved_is_stored_and_counted(town: Town):
    ids = await nudged(town)
    async with town.client() as client:
        await sign_in(town, client, "S02")
        assert (await post(client, ids["clb"], "clb_involved")).status == 303
        page = await page_of(client)
    found = await replies(town)
    assert [r[:4] for r in found] == [(town.pupils["P1"], "coordinator", "S02", "clb:involved")]
    assert "Het CLB is betrokken sinds" in page


@pytest.mark.parametrize(("action", "answer"), [("send_notice", "notice:send"),
                                                ("keep_notice", "notice:keep")])  # fmt: skip
async def test_a_held_notice_is_sent_or_kept(town: Town, action: str, answer: str):
    ids = await nudged(town)
    async with town.client() as client:
        await sign_in(town, client, "S03")
        page = await page_of(client)
        assert "Stuur het bericht aan de ouders toch" in page
        assert (await post(client, ids["held"], action)).status == 303
    found = await replies(town)
    assert found == [(town.pupils["P2"], "coordinator", "S03", answer, ids["held"])]
    acked, by, _until = await row(town, ids["held"])
    assert (acked, by) == (town.clock.now(), "desk:S03")  # the nudge counts as seen


async def test_another_coordinators_case_is_not_found_and_stays_open(town: Town):
    ids = await nudged(town)
    async with town.client() as client:
        await sign_in(town, client, "S02")
        told = len(town.told)
        other = await post(client, ids["held"], "send_notice")
        other_text = await other.text()
        none = await post(client, 987654, "ack")
        unoffered = await post(client, ids["asks"], "clb_involved")  # not its button
        odd = await post(client, ids["asks"], "erase")
    assert other.status == none.status == unoffered.status == odd.status == 404
    assert "Kind P2" not in other_text
    assert tuple(await row(town, ids["held"])) == (None, None, None)
    assert tuple(await row(town, ids["asks"])) == (None, None, None)
    assert await replies(town) == []
    assert len(town.told) == told


async def test_an_action_without_its_token_changes_nothing(town: Town):
    ids = await nudged(town)
    async with town.client() as client:
        await sign_in(town, client, "S02")
        missing = await client.post(f"/desk/opvolging/{ids['asks']}", data={"action": "ack"})
        wrong = await client.post(
            f"/desk/opvolging/{ids['asks']}", data={"action": "ack", "csrf": "0" * 64}
        )
    assert missing.status == wrong.status == 403
    assert tuple(await row(town, ids["asks"])) == (None, None, None)


async def test_a_choice_that_is_not_offered_changes_nothing(town: Town):
    ids = await nudged(town)
    async with town.client() as client:
        await sign_in(town, client, "S02")
        bad = await post(client, ids["asks"], "snooze", "999")
        long = await post(client, ids["asks"], "return", "2026-11-18" * 3)
        far = await post(client, ids["asks"], "return", "2030-01-07")
        past = await post(client, ids["asks"], "return", "2026-11-02")
    assert bad.status == long.status == far.status == past.status == 404
    assert await replies(town) == []
    assert tuple(await row(town, ids["asks"])) == (None, None, None)


async def test_the_cases_come_a_page_of_pupils_at_a_time(
    town: Town, monkeypatch: pytest.MonkeyPatch
):
    ids = await nudged(town)
    monkeypatch.setattr(cases, "PAGE_SIZE", 1)
    async with town.client() as client:
        await sign_in(town, client, "S01")
        first = await page_of(client)
        second = await page_of(client, "?pagina=2")
        past = await page_of(client, "?pagina=99")
        answer = await post(client, ids["p3"], "ack", pagina="2")
    assert "1 tot 1 van 3" in first
    assert "pagina=2" in first
    # The longest waiting of the two who ask to talk first (P1, 30 minutes), then P3.
    assert "Kind P1" in first
    assert "Kind P3" not in first
    assert "Kind P3" in second
    assert "Kind P1" not in second
    assert "2 tot 2 van 3" in second
    assert "Kind P2" in past  # past the last page: the last page
    assert answer.headers["Location"].endswith("desk/opvolging?pagina=2&klaar=ack")


async def test_a_case_this_version_cannot_word_shows_its_reason_and_can_be_seen(town: Town):
    odd = await nudge(town, "P1", "S02", {"reason": "from_a_newer_version"}, 5)
    async with town.client() as client:
        await sign_in(town, client, "S02")
        page = await page_of(client)
        assert (await post(client, odd, "ack")).status == 303
        refused = await post(client, odd, "snooze", "1")  # only "seen" is offered for it
    assert "from_a_newer_version" in page
    assert f'action="../desk/opvolging/{odd}"' in page
    assert refused.status == 404
    assert (await row(town, odd))[1] == "desk:S02"


async def test_the_counts_go_against_the_thresholds_in_force_a_saved_version_included(
    town: Town,
):
    """A version saved on Regels is what the bot plans with from its next tick: the page counts
    against it, not against the rules file the server started with."""
    await nudged(town)
    await versions.save(
        town.engine,
        SCHOOL,
        "nudges:\n  problematic_half_days: 3\n",
        by="S02",
        at=dt.datetime(2026, 11, 16, 8, 0, tzinfo=dt.UTC),
        fallback=Rules.default(),
    )
    async with town.client() as client:
        await sign_in(town, client, "S02")
        page = await page_of(client)
    assert "2 van 3 problematische halve dagen" in page

"""*Opvolging* (:mod:`bot.desk.cases`) on the example school with real nudges (both backends):
open cases per pupil, most urgent first, scoped by spilfiguur, with the chat's actions, the
year's counts and the pauses; the actions go through the one writer."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from bot.answers import record_reply
from bot.desk import Scope, act, choices, open_cases
from bot.desk.cases import Case, PauseSpan
from bot.engine.facts import SenderRole
from bot.rules import Pause
from tests.bot.desk.school import (
    CALENDAR,
    MONDAY,
    RULES,
    SCHOOL,
    at,
    cases_school,
    ids,
    tick_and_send,
)

WHOLE = Scope.school(SCHOOL)
TUESDAY = dt.date(2026, 11, 17)


async def read(engine, scope=WHOLE, today=MONDAY, rules=RULES, **kwargs):
    async with engine.connect() as conn:
        return await open_cases(conn, scope, today=today, rules=rules, **kwargs)


async def do(engine, scope, case: Case, key: str, value: str = "", today=MONDAY):
    async with engine.begin() as conn:
        return await act(
            conn,
            scope,
            case.nudges[0].id,
            key,
            value,
            staff_id="S03",
            by="web:S03",
            at=at(12, 0, today),
            today=today,
            calendar=CALENDAR,
        )


def _payload(stored) -> dict:
    return stored if isinstance(stored, dict) else json.loads(stored)


def pupils(page) -> list[str]:
    return [case.pupil_id for case in page.items]


def case_of(page, pupil_id: str) -> Case:
    return next(case for case in page.items if case.pupil_id == pupil_id)


async def staff_scope(engine, staff_id: str) -> Scope:
    return Scope.of_spilfiguur(SCHOOL, (await ids(engine)).staff[staff_id])


async def test_open_cases_come_per_pupil_the_most_urgent_first(engine, tmp_path):
    await cases_school(engine, tmp_path)

    page = await read(engine)

    # Asks to talk first (Omar waited longer than Yasmine), then unreachable, then the CLB.
    assert pupils(page) == ["P0017", "P0002", "P0001", "P0022"]
    assert [[n.reason for n in case.nudges] for case in page.items] == [
        ["asks_to_talk"],
        ["asks_to_talk"],
        ["unreachable"],
        ["clb_threshold"],
    ]
    assert all(case.urgent and case.snoozed_until is None for case in page.items)
    yasmine = case_of(page, "P0002")
    assert (yasmine.first_name, yasmine.class_name, yasmine.spilfiguur) == (
        "Yasmine",
        "1A",
        "Koen De Backer",
    )
    assert yasmine.nudges[0].variant == "call_interpreter"  # her father writes French
    assert yasmine.nudges[0].payload["language"] == "fr"
    lotte = case_of(page, "P0001").nudges[0]
    assert (lotte.payload["person"], lotte.payload["cause"]) == ("Katrien Peeters", "blocked")
    ruben = case_of(page, "P0022")
    assert ruben.nudges[0].actions == ("ack", "clb_involved", "snooze", "pause")
    assert case_of(page, "P0017").nudges[0].actions == ("ack", "snooze", "return", "pause")
    counts = ruben.counts
    assert (counts.problematic, counts.clb_threshold, counts.clb_reached) == (5, 5, True)
    assert (counts.total, counts.school_year, counts.clb_involved_at) == (5, "2026-2027", None)
    assert case_of(page, "P0017").counts.total == 0
    assert (page.total, page.number, page.pages) == (4, 1, 1)


async def test_a_spilfiguur_sees_only_the_cases_of_their_own_pupils(engine, tmp_path):
    await cases_school(engine, tmp_path)

    assert pupils(await read(engine, await staff_scope(engine, "S03"))) == ["P0017", "P0022"]
    assert pupils(await read(engine, await staff_scope(engine, "S02"))) == ["P0002"]
    assert pupils(await read(engine, await staff_scope(engine, "S05"))) == ["P0001"]
    nobody = await read(engine, await staff_scope(engine, "S04"))  # the CLB: no pupils
    assert (nobody.items, nobody.total, nobody.pages) == ((), 0, 1)


async def test_an_action_on_another_coordinators_case_is_not_found(engine, tmp_path):
    await cases_school(engine, tmp_path)
    omar = case_of(await read(engine), "P0017")

    assert await do(engine, await staff_scope(engine, "S02"), omar, "ack") is None
    assert await do(engine, Scope.school("another school"), omar, "ack") is None

    assert pupils(await read(engine))[0] == "P0017"  # still open


async def test_only_the_actions_and_choices_the_chat_offers_are_taken(engine, tmp_path):
    await cases_school(engine, tmp_path)
    page = await read(engine)
    ruben, omar = case_of(page, "P0022"), case_of(page, "P0017")

    assert await do(engine, WHOLE, ruben, "return", "2026-11-18") is None  # not on a CLB case
    assert await do(engine, WHOLE, omar, "snooze", "2") is None  # 1 or 3 school days
    assert await do(engine, WHOLE, omar, "delete") is None

    assert await read(engine) == page


async def test_seen_closes_the_case(engine, tmp_path):
    await cases_school(engine, tmp_path)
    hanne = await staff_scope(engine, "S03")
    omar = case_of(await read(engine, hanne), "P0017")

    acted = await do(engine, hanne, omar, "ack")

    assert acted is not None
    assert acted.done
    assert acted.answer.template == "staff_ack.ack"
    assert pupils(await read(engine, hanne)) == ["P0022"]
    async with engine.connect() as conn:
        by = await conn.scalar(
            sa.text("SELECT acknowledged_by FROM outreach WHERE id = :id"),
            {"id": omar.nudges[0].id},
        )
    assert by == "web:S03"
    again = await do(engine, WHOLE, omar, "ack")  # seen already: nothing left to decide
    assert again is not None
    assert not again.done


async def test_a_snoozed_case_goes_last_until_its_day(engine, tmp_path):
    await cases_school(engine, tmp_path)
    omar = case_of(await read(engine), "P0017")

    acted = await do(engine, WHOLE, omar, "snooze", "1")

    assert acted is not None
    assert acted.done
    assert acted.answer.day == TUESDAY
    page = await read(engine)
    assert pupils(page) == ["P0002", "P0001", "P0022", "P0017"]
    snoozed = case_of(page, "P0017")
    assert (snoozed.snoozed_until, snoozed.urgent) == (TUESDAY, False)
    assert snoozed.nudges[0].snoozed(MONDAY)
    assert pupils(await read(engine, today=TUESDAY))[0] == "P0017"  # its day came


async def test_a_pause_shows_on_the_case_with_the_rules_files_own(engine, tmp_path):
    await cases_school(engine, tmp_path)
    lotte = case_of(await read(engine), "P0001")
    file_pause = Pause(pupil="P0001", start=dt.date(2026, 12, 1), until=None, reason="ziekenhuis")
    rules = RULES.model_copy(update={"pauses": (file_pause,)})

    acted = await do(engine, await staff_scope(engine, "S05"), lotte, "pause", "5")

    assert acted is not None
    assert acted.done
    friday = dt.date(2026, 11, 20)
    lotte = case_of(await read(engine, rules=rules), "P0001")
    assert lotte.pauses == (
        PauseSpan(MONDAY, friday, "desk", "web:S03", None),
        PauseSpan(dt.date(2026, 12, 1), None, "rules", None, "ziekenhuis"),
    )
    assert lotte.paused_today
    assert not case_of(await read(engine, today=dt.date(2026, 11, 23)), "P0001").paused_today
    assert lotte.nudges  # a pause does not close the case: the coordinator follows it up


async def test_the_clb_involved_closes_the_threshold_case_and_is_told(engine, tmp_path):
    clock = await cases_school(engine, tmp_path)
    ruben = case_of(await read(engine), "P0022")

    acted = await do(engine, WHOLE, ruben, "clb_involved")

    assert acted is not None
    assert acted.done
    assert "P0022" not in pupils(await read(engine))
    await record_reply(
        engine,
        school_id=SCHOOL,
        pupil_id="P0022",
        sender_role=SenderRole.PUPIL,
        sender_id="P0022",
        answer="want_to_talk",
        at=at(13, 0),
    )
    await tick_and_send(engine, clock, at(13, 5))
    again = case_of(await read(engine), "P0022")
    assert [n.reason for n in again.nudges] == ["asks_to_talk"]
    assert again.counts.clb_involved_at == at(12, 0).astimezone(dt.UTC)


async def test_a_reminder_is_the_same_case_as_its_nudge(engine, tmp_path):
    clock = await cases_school(engine, tmp_path)
    wednesday = dt.date(2026, 11, 18)  # two school days after they were sent

    await tick_and_send(engine, clock, at(11, 0, wednesday))

    async with engine.connect() as conn:
        rows = await conn.execute(sa.text("SELECT payload FROM outreach WHERE status = 'sent'"))
        reasons = [_payload(payload).get("reason") for (payload,) in rows]
    reminders = reasons.count("unacknowledged")
    assert reminders == 4  # one per open case
    page = await read(engine, today=wednesday)
    assert [len(case.nudges) for case in page.items] == [1, 1, 1, 1]


async def test_the_cases_come_in_pages(engine, tmp_path):
    await cases_school(engine, tmp_path)

    second = await read(engine, page=2, size=1)
    assert (pupils(second), second.total, second.pages) == (["P0002"], 4, 4)
    assert (second.has_previous, second.has_next, second.first, second.last) == (
        True,
        True,
        2,
        2,
    )
    beyond = await read(engine, page=9, size=3)  # the last page there is
    assert (beyond.number, pupils(beyond)) == (2, ["P0022"])
    assert pupils(await read(engine, page=0, size=3)) == ["P0017", "P0002", "P0001"]
    with pytest.raises(ValueError, match="page size 0"):
        await read(engine, size=0)


def test_the_choices_are_the_chats_on_that_day():
    found = choices(MONDAY, CALENDAR)

    assert found.snooze == ((1, TUESDAY), (3, dt.date(2026, 11, 19)))
    assert found.pause == (
        (5, dt.date(2026, 11, 20)),
        (10, dt.date(2026, 11, 27)),
        (20, dt.date(2026, 12, 11)),
    )
    assert found.returns[:2] == (TUESDAY, dt.date(2026, 11, 18))
    assert len(found.returns) == 6


async def test_a_return_date_is_stored_as_the_spilfiguurs_answer(engine, tmp_path):
    await cases_school(engine, tmp_path)
    omar = case_of(await read(engine), "P0017")

    acted = await do(engine, WHOLE, omar, "return", "2026-11-18")

    assert acted is not None
    assert acted.done
    assert acted.answer.day == dt.date(2026, 11, 18)
    async with engine.connect() as conn:
        stored = (
            await conn.execute(
                sa.text("SELECT sender_role, sender_id, answer FROM reply WHERE outreach_id = :id"),
                {"id": omar.nudges[0].id},
            )
        ).all()
    assert [tuple(row) for row in stored] == [("coordinator", "S03", "return:2026-11-18")]
    assert "P0017" in pupils(await read(engine))  # a return date is no "seen"

"""The episode rules of :mod:`bot.answers.episodes`, on both backends: which message an answer
answers, and what is stored once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.answers import DECISIONS, Decision, decide, message_row, record_reply, store_tap
from bot.engine.facts import SenderRole
from bot.models import Guardian, Outreach, Pupil, Reply
from bot.outbox import write_transaction
from messages import TEMPLATES
from scheduler.clock import BRUSSELS, VirtualClock
from tests.helpers.seed import SCHOOL, seed_pupils

MONDAY = dt.date(2026, 11, 16)


def at(hour: int, minute: int = 0, day: int = 17) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=BRUSSELS)


@pytest.fixture
async def school(engine: AsyncEngine, clock: VirtualClock) -> dict[str, int]:
    """Pupil P1 with guardian G1; no message sent yet."""
    await seed_pupils(engine, clock, ["P1"])
    async with engine.begin() as conn:
        pupil = await conn.scalar(sa.select(col(Pupil.id)))
        guardian = await conn.scalar(
            sa.insert(Guardian)
            .values(
                school_id=SCHOOL,
                guardian_id="G1",
                first_name="Mama",
                last_name="Test",
                language="nl",
                updated_at=clock.now(),
            )
            .returning(col(Guardian.id))
        )
    assert pupil is not None
    assert guardian is not None
    return {"pupil": int(pupil), "guardian": int(guardian)}


async def sent(
    engine: AsyncEngine,
    school: dict[str, int],
    kind: str,
    role: str,
    when: dt.datetime,
    episode: str,
    **payload: Any,
) -> int:
    """A message about P1 that went out at ``when``; its row id."""
    recipient = school["pupil"] if role == "pupil" else school["guardian"]
    if role == "coordinator":
        recipient = 1
    async with engine.begin() as conn:
        row = await conn.scalar(
            sa.insert(Outreach)
            .values(
                school_id=SCHOOL,
                idempotency_key=f"{kind}:{role}:{when.isoformat()}",
                kind=kind,
                recipient_role=role,
                recipient_id=recipient,
                channel="telegram",
                pupil_id=school["pupil"],
                lang="nl",
                payload={"episode": episode, **payload},
                due_at=when,
                expires_at=when + dt.timedelta(days=1),
                next_attempt_at=when,
                status="sent",
                sent_at=when,
                created_at=when,
                updated_at=when,
            )
            .returning(col(Outreach.id))
        )
    assert row is not None
    return int(row)


async def stored(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(
                col(Reply.sender_role),
                col(Reply.answer),
                col(Reply.episode_key),
                col(Reply.outreach_id),
            ).order_by(col(Reply.id))
        )
        return [tuple(row) for row in rows]


async def replay(
    engine: AsyncEngine, role: SenderRole, sender: str, answer: str, when: dt.datetime
):  # type: ignore[no-untyped-def]
    return await record_reply(
        engine,
        school_id=SCHOOL,
        pupil_id="P1",
        sender_role=role,
        sender_id=sender,
        answer=answer,
        at=when,
    )


async def test_an_answer_without_its_message_answers_the_last_one_with_buttons_to_the_sender(
    engine, school
):
    notice = await sent(engine, school, "guardian_notice", "guardian", at(12, 30), "ep-A")
    # An apology about the same pupil went to the guardian later: it has no buttons to answer.
    await sent(engine, school, "guardian_correction", "guardian", at(15, 0), "ep-B")
    await sent(engine, school, "pupil_checkin", "pupil", at(10, 30, day=18), "ep-C")

    assert await replay(engine, SenderRole.GUARDIAN, "G1", "sick", at(16, 0)) is True
    # Once per message, as a second tap on the same button stores nothing.
    assert await replay(engine, SenderRole.GUARDIAN, "G1", "sick", at(16, 5)) is False

    assert await stored(engine) == [("guardian", "sick", "ep-A", notice)]


async def test_a_message_sent_after_the_answer_is_not_what_it_answers(engine, school):
    checkin = await sent(engine, school, "pupil_checkin", "pupil", at(10, 30), "ep-A")
    await sent(engine, school, "pupil_checkin", "pupil", at(10, 30, day=18), "ep-B")

    await replay(engine, SenderRole.PUPIL, "P1", "sick", at(11, 0))

    assert await stored(engine) == [("pupil", "sick", "ep-A", checkin)]


async def test_an_answer_of_a_sender_who_got_nothing_is_about_the_pupils_latest_absence(
    engine, school
):
    await sent(engine, school, "pupil_checkin", "pupil", at(10, 30), "ep-A")
    await sent(engine, school, "coordinator_nudge", "coordinator", at(10, 45), "ep-nudge")

    await replay(engine, SenderRole.GUARDIAN, "G1", "return:2026-11-20", at(11, 0))
    await replay(engine, SenderRole.GUARDIAN, "G1", "return:2026-11-20", at(11, 5))

    # Not tied to a message, so not folded: the replay stores what it is given.
    assert await stored(engine) == [
        ("guardian", "return:2026-11-20", "ep-A", None),
        ("guardian", "return:2026-11-20", "ep-A", None),
    ]


async def test_own_words_are_about_the_latest_absence_whoever_got_its_message(engine, school):
    await sent(engine, school, "guardian_notice", "guardian", at(12, 30), "ep-A")
    await sent(engine, school, "pupil_checkin", "pupil", at(10, 30, day=18), "ep-B")

    await replay(engine, SenderRole.GUARDIAN, "G1", "Hij is nog ziek.", at(11, 0, day=18))

    assert await stored(engine) == [("guardian", "Hij is nog ziek.", "ep-B", None)]


async def test_a_tapped_answer_belongs_to_the_message_tapped_whatever_became_of_it(engine, school):
    old = await sent(engine, school, "pupil_checkin", "pupil", at(10, 30), "ep-A")
    await sent(engine, school, "pupil_checkin", "pupil", at(10, 30, day=18), "ep-B")
    async with engine.begin() as conn:
        await conn.execute(
            sa.update(Outreach).where(col(Outreach.id) == old).values(status="expired")
        )
    async with write_transaction(engine) as conn:
        row = await message_row(conn, old)
        assert row is not None
        first = await store_tap(
            conn, row=row, sender_role="pupil", sender_id="P1", answer="sick", at=at(12, 0, 18)
        )
        again = await store_tap(
            conn, row=row, sender_role="pupil", sender_id="P1", answer="sick", at=at(12, 1, 18)
        )

    assert (first, again) == (True, False)
    assert await stored(engine) == [("pupil", "sick", "ep-A", old)]


async def test_a_coordinators_return_date_is_stored_once_per_nudge_about_the_latest_absence(
    engine, school
):
    await sent(engine, school, "pupil_checkin", "pupil", at(10, 30), "ep-A")
    nudge = await sent(engine, school, "coordinator_nudge", "coordinator", at(10, 45), "2026")
    async with write_transaction(engine) as conn:
        row = await message_row(conn, nudge)
        assert row is not None
        decision = Decision(
            row, "return", "S1", "telegram:S1", at(11, 0), MONDAY, dt.date(2026, 11, 20)
        )
        results = [await decide(conn, decision), await decide(conn, decision)]
        unknown = await decide(conn, Decision(row, "wave", "S1", "telegram:S1", at(11, 0), MONDAY))

    assert results == [True, False]
    assert unknown is False
    assert await stored(engine) == [("coordinator", "return:2026-11-20", "ep-A", nudge)]


def test_every_button_under_a_staff_message_is_a_decision():
    staff = ("coordinator_nudge", "hold_alert", "teacher_welcome")
    keys = {
        button.key
        for template_id, template in TEMPLATES.items()
        if template_id.split(".")[0] in staff
        for button in template.buttons
    }
    assert keys == set(DECISIONS)

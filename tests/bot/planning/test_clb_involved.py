""" "CLB is al betrokken" and the daily message's buttons, stored (both backends): the decision
with who and when, the nudge seen, the same decision once; a tap under one pupil of a daily
message reaches that pupil's nudges."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa

from bot import answers
from bot.engine.facts import CLB_INVOLVED, SenderRole
from bot.outbox import write_transaction
from bot.planning.decisions import digest_nudges
from bot.planning.facts_db import load_school_facts
from scheduler.clock import BRUSSELS
from tests.bot.planning.test_recent_pupils import SCHOOL, SENT, _nudge, _school

AT = datetime(2026, 11, 17, 11, 0, tzinfo=BRUSSELS).astimezone(UTC)


async def _digest(engine, items: list[dict[str, object]]) -> int:  # type: ignore[no-untyped-def]
    async with write_transaction(engine) as conn:
        hanne = await conn.scalar(sa.text("SELECT id FROM staff WHERE staff_id = 'S03'"))
        return int(
            await conn.scalar(
                sa.text(
                    "INSERT INTO outreach (school_id, idempotency_key, kind, recipient_role, "
                    "recipient_id, channel, lang, payload, due_at, expires_at, status, attempts, "
                    "next_attempt_at, sent_at, created_at, updated_at) VALUES (:s, 'digest', "
                    "'coordinator_digest', 'coordinator', :hanne, 'telegram', 'nl', :payload, "
                    ":t, :t, 'sent', 1, :t, :t, :t, :t) RETURNING id"
                ),
                {"s": SCHOOL, "hanne": hanne, "payload": json.dumps({"items": items}), "t": SENT},
            )
        )


async def _decide(engine, outreach_id: int, key: str) -> bool:  # type: ignore[no-untyped-def]
    """The tap ``key`` under the message ``outreach_id``, by Hanne, as the bot stores it."""
    async with write_transaction(engine) as conn:
        row = await answers.message_row(conn, outreach_id)
        assert row is not None
        decision = answers.Decision(
            row=row, key=key, sender_id="S03", by="telegram:S03", at=AT, today=AT.date()
        )
        return await answers.decide(conn, decision)


async def _id(engine, key: str) -> int:  # type: ignore[no-untyped-def]
    async with engine.connect() as conn:
        found = await conn.scalar(
            sa.text("SELECT id FROM outreach WHERE idempotency_key = :key"), {"key": key}
        )
    return int(found)


async def test_clb_involved_is_stored_with_who_and_when_once(engine, clock):
    ruben = await _school(engine, clock)
    await _nudge(engine, ruben, "clb", reason="clb_threshold", date="2026-11-10")
    nudge = await _id(engine, "clb")
    assert await _decide(engine, nudge, "clb_involved")
    assert not await _decide(engine, nudge, "clb_involved")  # the same tap again decides nothing
    async with engine.connect() as conn:
        stored = (
            await conn.execute(
                sa.text("SELECT sender_role, sender_id, answer, pupil_id FROM reply")
            )
        ).all()
        seen_by = await conn.scalar(
            sa.text("SELECT acknowledged_by FROM outreach WHERE id = :id"), {"id": nudge}
        )
        facts = await load_school_facts(conn, SCHOOL)
    assert [tuple(row) for row in stored] == [("coordinator", "S03", CLB_INVOLVED, ruben)]
    assert seen_by == "telegram:S03"
    [pupil] = [p for p in facts.pupils if p.id == ruben]
    # The planner finds it among the pupil's answers (and never takes it for someone's words).
    [decision] = [r for r in pupil.replies if r.sender_role == SenderRole.COORDINATOR]
    assert (decision.answer, decision.is_free_text, decision.at) == (CLB_INVOLVED, False, AT)


async def test_a_tap_under_a_pupil_of_the_daily_message_reaches_their_nudges(engine, clock):
    ruben = await _school(engine, clock)
    await _nudge(engine, ruben, "pattern", reason="pattern", gathered="yes")
    await _nudge(engine, ruben, "other", reason="no_answer")
    digest = await _digest(
        engine,
        [{"first_name": "Ruben", "keys": ["pattern"]}, {"first_name": "X", "keys": ["other"]}],
    )
    async with engine.connect() as conn:
        assert await digest_nudges(conn, SCHOOL, digest, 0) == [await _id(engine, "pattern")]
        assert await digest_nudges(conn, SCHOOL, digest, 1) == [await _id(engine, "other")]
        assert await digest_nudges(conn, SCHOOL, digest, 2) == []  # no such pupil
        assert await digest_nudges(conn, SCHOOL, await _id(engine, "other"), 0) == []
    # "seen" under Ruben in the daily message marks his nudge seen, and only his.
    assert await _decide(engine, digest, "ack:0")
    async with engine.connect() as conn:
        rows = await conn.execute(sa.text("SELECT idempotency_key, acknowledged_by FROM outreach"))
        seen = {row[0]: row[1] for row in rows}
    assert (seen["pattern"], seen["other"]) == ("telegram:S03", None)
    assert not await _decide(engine, digest, "pause:0")  # not a decision offered per pupil

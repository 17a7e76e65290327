"""The replay replays the live bot: a conversation's answers, exported as a replies file and
replayed by ``gemist simulate`` over the same roster and feed, give the same outbox ladder.

The people tap and write through the real bot (the local Bot API server, python-telegram-bot,
the conversation and its inbox); the live clock moves as the replay's does (the feed at 09:30,
a tick every quarter of an hour from 07:00 to 20:30), and every answer comes on a quarter of an
hour, so that the live bot, which acts on an answer at once, and the replay, which acts at its
next tick, plan at the same instants. Then every outbox row of both is compared: kind,
recipient, pupil, due time and status.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Awaitable, Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

import bot.simulate as simulate_module
from bot.db import connect, connect_scratch
from bot.models import Guardian, Outreach, Pupil, Reply, Staff
from bot.rules import Rules
from bot.simulate import simulate
from integrations.telegram.local_server import SentMessage
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS, VirtualClock
from tests.helpers.telegram import EXAMPLE, SCHOOL, SCHOOL_NAME, World, telegram_world

TUESDAY, WEDNESDAY, THURSDAY = (dt.date(2026, 11, day) for day in (17, 18, 19))
FEED = {day: f"P0003,{day},am,B,\nP0003,{day},pm,B,\n" for day in (TUESDAY, WEDNESDAY, THURSDAY)}
STAFF = ("S02", "S05", "S06", "S08", "S09", "S10")  # Emir's spilfiguur and 1A's teachers

Action = Callable[[World], Awaitable[object]]


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BRUSSELS)


async def _live_day(world: World, day: dt.date, actions: dict[dt.time, Action]) -> None:
    """One school day as the replay runs it: the feed at 09:30, answers, then a tick, every
    quarter of an hour from 07:00 to 20:30."""
    moment = at(day, 7)
    while moment <= at(day, 20, 30):
        world.clock.set(moment)
        if moment.time() == dt.time(9, 30):
            await world.feed(FEED[day])
        if (action := actions.get(moment.time())) is not None:
            await action(world)
            await world.conversation.settled()
        await world.tick()
        moment += dt.timedelta(minutes=15)


def _latest_with(world: World, chat: int, key: str) -> SentMessage:
    """The newest message to ``chat`` with a button ``key``."""
    for message in reversed(world.api.messages_to(chat)):
        keys = [
            button["callback_data"].split(".")[2]
            for row in (message.reply_markup or {}).get("inline_keyboard", ())
            for button in row
        ]
        if key in keys:
            return message
    raise AssertionError(f"no message with a button {key!r}")


def _tap(chat_of: str, key: str, *, replies: int = 2) -> Action:
    async def tap(world: World) -> object:
        chat = world.chats[chat_of]  # type: ignore[attr-defined]
        return await world.tap(chat, _latest_with(world, chat, key), key, replies=replies)

    return tap


def _write(chat_of: str, text: str) -> Action:
    async def write(world: World) -> object:
        return await world.say(world.chats[chat_of], text)  # type: ignore[attr-defined]

    return write


ANSWERS: dict[dt.date, dict[dt.time, Action]] = {
    TUESDAY: {
        dt.time(10, 45): _tap("P0003", "sick"),  # under the check-in
        dt.time(13, 0): _tap("G005", "return", replies=1),  # under the notice: the choice
        dt.time(13, 15): _tap("G005", "return:2026-11-23"),
        dt.time(13, 30): _write("G005", "Emir hasta, yarın gelir."),  # noqa: RUF001 (Turkish)
    },
    WEDNESDAY: {},
    THURSDAY: {dt.time(11, 0): _write("P0003", "Ik ben nog altijd ziek, sorry.")},
}


async def _ladder(engine: AsyncEngine) -> list[tuple[object, ...]]:
    """Every outbox row: kind, recipient (role and roster id), pupil, due time, status."""
    async with engine.connect() as conn:
        ids: dict[tuple[str, int], str] = {}
        for role, table, column in (
            ("pupil", Pupil, col(Pupil.pupil_id)),
            ("guardian", Guardian, col(Guardian.guardian_id)),
            ("staff", Staff, col(Staff.staff_id)),
        ):
            rows = await conn.execute(sa.select(col(table.id), column))
            ids.update({(role, pk): person for pk, person in rows})
        rows = await conn.execute(
            sa.select(
                col(Outreach.kind),
                col(Outreach.recipient_role),
                col(Outreach.recipient_id),
                col(Outreach.pupil_id),
                col(Outreach.due_at),
                col(Outreach.status),
            )
        )
        found = []
        for kind, role, recipient, pupil, due, status in rows:
            who = ids[(role if role in ("pupil", "guardian") else "staff", recipient)]
            due_at = due if due.tzinfo is not None else due.replace(tzinfo=dt.UTC)
            found.append((kind, role, who, ids.get(("pupil", pupil)), due_at, status))
    return sorted(found, key=lambda row: (row[4], *map(str, row)))


async def _export_replies(engine: AsyncEngine, path: Path) -> int:
    """The stored answers of pupils and guardians as a replies file; how many."""
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                sa.select(
                    col(Reply.received_at),
                    col(Reply.sender_role),
                    col(Reply.sender_id),
                    col(Pupil.pupil_id),
                    col(Reply.answer),
                )
                .join(Pupil, col(Pupil.id) == col(Reply.pupil_id))
                .where(col(Reply.sender_role).in_(("pupil", "guardian")))
                .order_by(col(Reply.id))
            )
        ).all()
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["at", "sender_role", "sender_id", "pupil_id", "answer"])
        for received, role, sender, pupil, answer in rows:
            received = received if received.tzinfo else received.replace(tzinfo=dt.UTC)
            writer.writerow(
                [received.astimezone(BRUSSELS).isoformat(), role, sender, pupil, answer]
            )
    return len(rows)


def _roster_with_chats(folder: Path, chats: dict[str, int]) -> Path:
    """The example roster, with the chats the live people linked as their ``telegram``."""
    folder.mkdir()
    for name, key in (
        ("pupils.csv", "pupil_id"),
        ("guardians.csv", "guardian_id"),
        ("staff.csv", "staff_id"),
        ("teaching.csv", None),
    ):
        text = (EXAMPLE / "roster" / name).read_text(encoding="utf-8")
        delimiter = ";" if ";" in text.splitlines()[0] else ","
        rows = list(csv.DictReader(text.splitlines(), delimiter=delimiter))
        with (folder / name).open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter)
            writer.writeheader()
            for row in rows:
                if key is not None and row[key] in chats:
                    row["telegram"] = str(chats[row[key]])
                writer.writerow(row)
    return folder


async def test_a_live_conversations_answers_replayed_give_the_same_ladder(
    engine, tmp_path, monkeypatch
):
    clock = VirtualClock(at(dt.date(2026, 11, 16), 18), BRUSSELS)  # linked the evening before
    async with telegram_world(engine, clock, tmp_path) as world:
        world.chats = {  # type: ignore[attr-defined]
            "P0003": await world.link("pupil", "P0003"),
            "G005": await world.link("guardian", "G005"),
            **{staff: await world.link("staff", staff) for staff in STAFF},
        }
        for day in (TUESDAY, WEDNESDAY, THURSDAY):
            await _live_day(world, day, ANSWERS[day])
        chats = dict(world.chats)  # type: ignore[attr-defined]
    live = await _ladder(engine)
    replies = tmp_path / "replies.csv"
    assert (
        await _export_replies(engine, replies) == 4
    )  # sick, return:2026-11-23 and two messages in own words

    feed = tmp_path / "absences.csv"
    feed.write_text(
        "pupil_id,date,half_day,code,expected_return\n" + "".join(FEED.values()), encoding="utf-8"
    )
    kept = tmp_path / "replay.db"
    monkeypatch.setattr(simulate_module, "connect_scratch", lambda _path: connect_scratch(kept))
    await simulate(
        _roster_with_chats(tmp_path / "roster", chats),
        feed,
        rules=Rules.default(),
        calendar=SchoolCalendar(),
        replies=replies,
        start=TUESDAY,
        end=THURSDAY,
        tz=BRUSSELS,
        school_id=SCHOOL,
        school_name=SCHOOL_NAME,
    )
    replay_engine = connect(f"sqlite:///{kept}")
    try:
        replayed = await _ladder(replay_engine)
    finally:
        await replay_engine.dispose()

    kinds = {row[0] for row in live}
    assert {"pupil_checkin", "coordinator_nudge", "coordinator_forward"} <= kinds
    assert replayed == live

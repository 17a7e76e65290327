"""``gemist simulate``: replay a period in virtual time through the real engine (docs/contracts.md).

A throw-away SQLite database in a temporary folder; the roster imported at the start; then a
:class:`~scheduler.clock.VirtualClock` walks every day from the first to the last date. On each
day, in this order at equal instants:

1. at the feed time (:data:`FEED_TIME`, 09:30), on a date the feed has rows for, and on every
   school day between its first and last date (a day on which nobody was absent), that date's
   rows are imported with the real :func:`~bot.imports.import_absences`, as the whole
   register of that date;
2. every reply is stored at its own instant by the live bot's rules
   (:func:`bot.answers.record_reply`: own words are also passed on to the spilfiguur);
3. every :data:`TICK_EVERY` from :data:`FIRST_TICK` to :data:`LAST_TICK`, the planner tick
   (:func:`~bot.planning.tick.planner_tick`) and then the dispatcher run until nothing is due,
   through the school's delivery gate (:class:`~bot.planning.gate.DeliveryGate`): the pipeline of
   :mod:`bot.pipeline`, as in ``gemist run``. It delivers to one
   :class:`~bot.outbox.RecordingChannel` for each channel ``gemist run`` could send over (the
   school's usable channels, :mod:`bot.channels.registry`), with that channel's capabilities;
   texts are rendered at dispatch as the channel would show them, and a message for any other
   channel is not delivered, as it would not be live.

**The history before the period.** With ``--from`` after the feed's first date, the days from
that first date on are replayed too, silently: their messages go out in the replay (they count
for caps, reminders and what the pupils' facts hold) and only those at or after the first day of
the period are returned. A message therefore says what it would have said live: "missed 5
half-days this school year" counts the absences before the period as well. Replies before the
period are part of that history.

Nothing here decides who gets what: that is the planner's, the outbox's and the dispatcher's
business, exactly as in live mode. The same input gives the same output, byte for byte.

Skipped ticks
-------------
The planner's output depends only on the stored facts, the local date and the horizon
(:func:`~bot.planning.tick.horizon_at`: on a day with a feed it moves at ``pupil.checkin_at`` and
at :data:`~bot.planning.tick.DAY_COMPLETE`, on a day without one it stays), and the outbox keeps
the first row of every idempotency key. A planner tick whose facts, date and horizon equal
those of the last tick that ran would therefore store nothing, and the replay skips it. In the
replay the facts change only with an import, a stored reply or a dispatcher run that changed
what the planner reads of the outbox: a message of one of
:data:`~bot.planning.facts_db.SENT_KINDS` sent, or any outcome but a plain delivery or a
postponement (a failure, an expiry, a retry). Of these, only the outcomes and a check-in
delivered make a tick run again at once: the guardian notice counts its grace period from the
moment the check-in went out, so the next tick plans it. Any other message sent changes nothing
a tick would propose on the same date: the reminder of a nudge is due at least one school day
after it went out (``coordinator.reminder_after_school_days`` is positive), the digest counts
the nudges sent before the day began, and an apology follows only a message about a day whose
marks are gone, which the tick that ran before the dispatcher at the same instant would have
withdrawn, not let go out. The pupils' changed facts are read by the next tick that runs (see
"Facts kept between ticks"). Which pupils a tick plans does depend on other rows (a pupil with
a planned row is planned), but not what it proposes for them (the tests hold
``planner_tick(everyone=True)`` to the same rows). The holds a tick stores are its own output,
found again by the next tick on the same facts. This invariant binds the planner: a step due at
a time of day (the daily digest) is planned ahead with its due time, never decided by the tick
that happens to run at that time.

Likewise the dispatcher runs at a tick only from the earliest instant a planned row may be
tried (:func:`~bot.outbox.store.next_attempt`, read again after every planner tick and every
dispatcher run, the only steps of the replay that write to the outbox): a run before it would
find nothing due. No row is ever left in ``sending`` here, which a live dispatcher also looks
for.

Facts kept between ticks
------------------------
A tick reads the facts of the pupils with news, each with their whole school year, and most are
what the tick before read. The replay is the only writer of its store and knows what each write
touched, so it keeps them (:class:`~bot.planning.facts_cache.FactsCache`) and tells the cache
what changed: everything after the roster import; the pupils whose marks an import wrote (each
mark it inserts, changes or retracts carries its run); the pupil of a stored reply; the pupil of
each message of :data:`~bot.planning.facts_db.SENT_KINDS` delivered (the only outreach the facts
hold; nothing in the replay acknowledges a nudge), the pupils a coordinator's daily message
names (their gathered nudges went out with it), and the open nudges' count when a nudge or a
daily message was delivered. A dispatcher run that found rows left in
``sending``, or lost one, forgets everything, to be safe.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.answers import record_reply
from bot.channels.registry import capabilities as usable_capabilities
from bot.config import Settings
from bot.contacts import ChannelOrder
from bot.db import connect_scratch, migrate
from bot.domain import OutreachKind
from bot.engine.episodes import Slot
from bot.engine.facts import SenderRole, answer_problem
from bot.imports import import_absences, import_roster
from bot.models import AbsenceMark, FeedDay, Guardian, Pupil, Staff
from bot.outbox import (
    Capabilities,
    ChannelRouter,
    DispatchReport,
    Recorded,
    RecordingChannel,
    store,
)
from bot.pipeline import assemble
from bot.planning.facts_cache import FactsCache
from bot.planning.facts_db import SENT_KINDS
from bot.planning.tick import horizon_at
from bot.rules import Rules
from integrations.abc import AbsenceBatch, AbsenceRow, AbsenceSource, RowReject
from integrations.csv import CsvAbsenceSource, CsvRosterSource
from integrations.csv.reader import CsvTable
from integrations.exceptions import FeedParseError
from messages import Overrides
from scheduler.calendar import SchoolCalendar
from scheduler.clock import VirtualClock

__all__ = [
    "FEED_TIME",
    "FIRST_TICK",
    "LAST_TICK",
    "TICK_EVERY",
    "FeedDays",
    "ReplayedReply",
    "SimulatedMessage",
    "SimulationError",
    "read_feed",
    "read_replies",
    "replay_store",
    "simulate",
]

FEED_TIME = dt.time(9, 30)
FIRST_TICK = dt.time(7, 0)
LAST_TICK = dt.time(20, 30)
TICK_EVERY = dt.timedelta(minutes=15)
DAYS_AFTER = 7
"""Without ``--to``, the replay runs this many days past the feed's last date."""

REPLY_COLUMNS = ("at", "sender_role", "sender_id", "pupil_id", "answer")
WORKER = "simulate"
CHECKIN = OutreachKind.PUPIL_CHECKIN
"""Its delivery starts the grace period of the guardian notice: the next tick plans it."""

Warn = Callable[[str], None]


class SimulationError(Exception):
    """The input cannot be replayed (exit code 2); the message says which file and why."""


@dataclass(frozen=True, slots=True)
class SimulatedMessage:
    """One delivered message, as ``simulate --json`` prints it."""

    at: dt.datetime
    kind: str
    recipient_role: str
    recipient_id: str
    pupil_id: str | None
    channel: str
    lang: str
    text: str

    def as_json(self) -> dict[str, Any]:
        """The fields in the order of docs/contracts.md; ``at`` in local time with its offset."""
        return {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "recipient_role": self.recipient_role,
            "recipient_id": self.recipient_id,
            "pupil_id": self.pupil_id,
            "channel": self.channel,
            "lang": self.lang,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class ReplayedReply:
    at: dt.datetime
    sender_role: SenderRole
    sender_id: str
    pupil_id: str
    answer: str


class FeedDays(Protocol):
    """The feed of a replay, day by day: which days it speaks for and their rows."""

    def covers(self, day: dt.date, calendar: SchoolCalendar) -> bool:
        """Whether the feed has the register of ``day`` (also when nobody was absent)."""

    def day(self, date: dt.date) -> AbsenceSource:
        """That date's rows, as the school's system would deliver them that morning."""


class _Feed:
    """The absence feed read once, its rows grouped by date."""

    def __init__(self, source: CsvAbsenceSource) -> None:
        self.source = source
        self.rows: dict[dt.date, list[AbsenceRow]] = defaultdict(list)
        self.kept: dict[dt.date | None, list[tuple[str | None, dt.date | None, str | None]]] = (
            defaultdict(list)
        )
        self.rejects: list[str] = []

    async def read(self) -> None:
        async for batch in self.source.batches():
            for row in batch.records:
                self.rows[row[1]].append(row)
            for kept in batch.kept:
                self.kept[kept[1]].append(kept)
            for reject in batch.rejects:
                where = f"line {reject.line}" if reject.line is not None else "file"
                column = f", {reject.column}" if reject.column else ""
                self.rejects.append(f"{reject.file} {where}{column}: {reject.reason}")

    def covers(self, day: dt.date, calendar: SchoolCalendar) -> bool:
        """Whether the feed speaks for ``day``: a date it lists, or a school day between its
        first and last date (the register of a day on which nobody was absent)."""
        if day in self.rows:
            return True
        return (
            bool(self.rows)
            and min(self.rows) <= day <= max(self.rows)
            and (calendar.is_school_day(day))
        )

    def day(self, date: dt.date) -> _DaySource:
        kept = [*self.kept.get(date, ()), *self.kept.get(None, ())]
        return _DaySource(self.source, date, self.rows.get(date, []), kept)


class _DaySource(AbsenceSource):
    """One date's rows of the feed: what the school's system would deliver that morning."""

    def __init__(
        self,
        feed: CsvAbsenceSource,
        date: dt.date,
        rows: list[AbsenceRow],
        kept: list[tuple[str | None, dt.date | None, str | None]],
    ) -> None:
        self.name = f"{feed.name}@{date.isoformat()}"
        self.location = feed.location
        self.covers = (date,)  # the register of that day, also when nobody is on it
        self._batch = AbsenceBatch(records=list(rows), kept=list(kept), rows=len(rows))

    async def batches(self) -> AsyncIterator[AbsenceBatch]:
        yield self._batch


def read_replies(path: Path, tz: ZoneInfo) -> list[ReplayedReply]:
    """The replies file (``at,sender_role,sender_id,pupil_id,answer``), in time order.

    Read like every canonical file (BOM, ``;`` or ``,``, header names trimmed, not-CSV
    refused); any row that cannot be used makes the whole file unusable.
    """
    replies: list[ReplayedReply] = []
    try:
        with CsvTable(path, REPLY_COLUMNS) as table:
            for row in table:
                if isinstance(row, RowReject):
                    raise SimulationError(f"{row.file}, line {row.line}: {row.reason}")
                line, fields = row
                values = {name: fields[table.columns[name]] for name in REPLY_COLUMNS}
                replies.append(_reply(table.name, line, values, tz))
    except FeedParseError as err:
        raise SimulationError(str(err)) from err
    return sorted(replies, key=lambda reply: reply.at)


def _reply(file: str, line: int, row: Mapping[str, str | None], tz: ZoneInfo) -> ReplayedReply:
    values = {name: (row.get(name) or "").strip() for name in REPLY_COLUMNS}
    try:
        at = dt.datetime.fromisoformat(values["at"])
    except ValueError:
        raise SimulationError(
            f"{file}, line {line}, column at: not a date and time: {values['at']!r}"
        ) from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=tz)
    try:
        role = SenderRole(values["sender_role"])
    except ValueError:
        raise SimulationError(
            f"{file}, line {line}, column sender_role: expected pupil or guardian, "
            f"not {values['sender_role']!r}"
        ) from None
    for name in ("sender_id", "pupil_id", "answer"):
        if not values[name]:
            raise SimulationError(f"{file}, line {line}, column {name}: empty")
    if (problem := answer_problem(role, values["answer"])) is not None:
        raise SimulationError(f"{file}, line {line}, column answer: {problem}")
    return ReplayedReply(at, role, values["sender_id"], values["pupil_id"], values["answer"])


async def simulate(
    roster: Path,
    absences: Path,
    *,
    rules: Rules,
    calendar: SchoolCalendar,
    replies: Path | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    tz: ZoneInfo,
    school_id: str = "school",
    school_name: str = "School",
    code_map: Mapping[str, str] | None = None,
    overrides: Overrides | None = None,
    channels: Mapping[str, Capabilities] | None = None,
    warn: Warn | None = None,
) -> list[SimulatedMessage]:
    """Replay the period and return every message delivered in it, in order; the feed's days
    before ``start`` are replayed first, silently (see "The history before the period").

    ``channels`` are the channels ``gemist run`` could send over, with their capabilities
    (:func:`bot.channels.capabilities` of the school's settings; by default Telegram alone):
    a message for another channel is not delivered, as it would not be live.

    Raises :class:`SimulationError` for input that cannot be replayed; rejected rows and
    replies that name nobody are told to ``warn`` and left out.
    """
    say: Warn = warn or (lambda _text: None)
    feed = _Feed(CsvAbsenceSource(absences, code_map=code_map))
    try:
        await feed.read()
    except FeedParseError as err:
        raise SimulationError(str(err)) from err
    for text in [*feed.source.warnings(), *feed.rejects]:
        say(text)
    answers = read_replies(replies, tz) if replies is not None else []
    if start is None or end is None:
        if not feed.rows:
            raise SimulationError(f"{absences.name}: no usable rows, and no --from and --to")
        start = start or min(feed.rows)
        end = end or max(feed.rows) + dt.timedelta(days=DAYS_AFTER)
    if end < start:
        raise SimulationError(f"--to {end} is before --from {start}")
    first = min(start, min(feed.rows, default=start))  # the history before the period
    with tempfile.TemporaryDirectory(prefix="gemist-simulate-") as folder:
        engine = connect_scratch(Path(folder) / "simulate.db")
        try:
            await migrate(engine)
            replay = _Replay(
                engine,
                rules,
                calendar,
                tz,
                school_id,
                school_name,
                say,
                first,
                overrides,
                usable_capabilities(Settings()) if channels is None else channels,
            )
            found = await replay.run(roster, feed, answers, first, end)
        finally:
            await engine.dispose()
    return [message for message in found if message.at.date() >= start]


async def read_feed(
    absences: Path, code_map: Mapping[str, str] | None = None, warn: Warn | None = None
) -> FeedDays:
    """An absence feed file read once, day by day, for :func:`replay_store`; rejected rows are
    told to ``warn`` and left out."""
    feed = _Feed(CsvAbsenceSource(absences, code_map=code_map))
    try:
        await feed.read()
    except FeedParseError as err:
        raise SimulationError(str(err)) from err
    for text in [*feed.source.warnings(), *feed.rejects]:
        (warn or (lambda _text: None))(text)
    return feed


async def replay_store(
    engine: AsyncEngine,
    feed: FeedDays,
    *,
    rules: Rules,
    calendar: SchoolCalendar,
    start: dt.date,
    end: dt.date,
    tz: ZoneInfo,
    replies: Sequence[ReplayedReply] = (),
    school_id: str = "school",
    school_name: str = "School",
    overrides: Overrides | None = None,
    channels: Mapping[str, Capabilities] | None = None,
    warn: Warn | None = None,
) -> list[SimulatedMessage]:
    """Replay ``start`` to ``end`` on a store that already holds the school (its roster and
    whatever happened before ``start``): the feed's days are imported and the replies stored
    at their instants, the planner and the dispatcher run as in :func:`simulate`. The store is
    written to: give a scratch copy, never the school's own database."""
    replay = _Replay(
        engine,
        rules,
        calendar,
        tz,
        school_id,
        school_name,
        warn or (lambda _text: None),
        start,
        overrides,
        usable_capabilities(Settings()) if channels is None else channels,
    )
    replay.facts_version += 1
    await replay.read_pupil_ids()
    return await replay.replay(feed, list(replies), start, end)


class _Replay:
    def __init__(
        self,
        engine: AsyncEngine,
        rules: Rules,
        calendar: SchoolCalendar,
        tz: ZoneInfo,
        school_id: str,
        school_name: str,
        warn: Warn,
        start: dt.date,
        overrides: Overrides | None,
        channels: Mapping[str, Capabilities],
    ) -> None:
        self.engine = engine
        self.rules = rules
        self.calendar = calendar
        self.tz = tz
        self.school_id = school_id
        self.school_name = school_name
        self.warn = warn
        self.clock = VirtualClock(dt.datetime.combine(start, dt.time(), tzinfo=tz), tz)
        self.recorded: list[Recorded] = []
        """What the channels delivered, in order, whichever channel it went over."""
        self.facts = FactsCache()
        """The pupils' facts read by earlier ticks (see "Facts kept between ticks")."""
        # One recording channel for each channel `gemist run` could send over, with its
        # capabilities: a row for any other channel fails here as it would there.
        recording = ChannelRouter(
            {
                name: RecordingChannel(self.clock, capabilities=caps, deliveries=self.recorded)
                for name, caps in channels.items()
            }
        )
        self.pipeline = assemble(
            engine,
            school_id=school_id,
            rules=rules,
            calendar=calendar,
            clock=self.clock,
            channels=recording,
            worker_id=WORKER,
            overrides=overrides,
            facts=self.facts,
            reach=ChannelOrder(tuple(channels), frozenset(channels)),
        )
        self.dispatcher = self.pipeline.dispatcher
        self.facts_version = 0
        """Counts the changes to the stored facts that may change a tick's proposals: imports,
        replies, dispatcher runs with an outcome other than a delivery (see "Skipped ticks")."""
        self.last_planned: tuple[int, dt.date, Slot] | None = None
        """What the last planner tick that ran planned from (see "Skipped ticks")."""
        self.pupil_ids: dict[str, int] = {}
        """The roster's pupil ids, to the database's."""
        self.feed_days: frozenset[dt.date] = frozenset()
        """The days the store has a feed for, as after the last import."""
        self.next_attempt: dt.datetime | None = None
        """The earliest instant a planned row may be tried (see "Skipped ticks")."""

    async def run(
        self,
        roster: Path,
        feed: FeedDays,
        answers: list[ReplayedReply],
        start: dt.date,
        end: dt.date,
    ) -> list[SimulatedMessage]:
        await self.import_roster(roster)
        return await self.replay(feed, answers, start, end)

    async def replay(
        self, feed: FeedDays, answers: list[ReplayedReply], start: dt.date, end: dt.date
    ) -> list[SimulatedMessage]:
        """Walk the days from ``start`` to ``end`` over the store as it is."""
        pending = [reply for reply in answers if reply.at >= self.clock.now()]
        for reply in answers[: len(answers) - len(pending)]:
            self.warn(f"reply at {reply.at.isoformat()} comes before the replay starts: left out")
        day = start
        while day <= end:
            for _at, _order, action in self.events(day, feed, pending):
                await action()
            day += dt.timedelta(days=1)
        return await self.messages()

    async def import_roster(self, roster: Path) -> None:
        self.facts_version += 1
        self.facts.forget_all()
        report = await import_roster(
            self.engine,
            CsvRosterSource(roster, today=self.clock.today()),
            school_id=self.school_id,
            school_name=self.school_name,
            clock=self.clock,
            started_by=WORKER,
        )
        if report.error is not None:
            raise SimulationError(f"roster: {report.error}")
        for text in report.warnings:
            self.warn(f"roster: {text}")
        await self.read_pupil_ids()
        for file in report.files:
            for reject in file.rejects:
                where = f"line {reject.line}" if reject.line is not None else "file"
                self.warn(f"{reject.file} {where}: {reject.reason}")

    async def read_pupil_ids(self) -> None:
        """The roster's pupil ids in the store, and the days it has a feed for."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(col(Pupil.pupil_id), col(Pupil.id)).where(
                    col(Pupil.school_id) == self.school_id
                )
            )
            self.pupil_ids = {pupil_id: pk for pupil_id, pk in rows if pk is not None}
            days = await conn.execute(
                sa.select(col(FeedDay.date)).where(col(FeedDay.school_id) == self.school_id)
            )
            self.feed_days = frozenset(days.scalars())

    def events(
        self, day: dt.date, feed: FeedDays, pending: list[ReplayedReply]
    ) -> list[tuple[dt.datetime, int, Callable[[], Any]]]:
        """Everything that happens on ``day``, in order (at equal instants: feed, replies,
        ticks)."""
        found: list[tuple[dt.datetime, int, Callable[[], Any]]] = []
        if feed.covers(day, self.calendar):
            feed_at = self.clock.localize(day, FEED_TIME.hour, FEED_TIME.minute)
            found.append((feed_at, 0, self.feed_action(feed_at, feed, day)))
        for reply in pending:
            if reply.at.astimezone(self.tz).date() == day:
                found.append((reply.at, 1, self.reply_action(reply)))
        moment = dt.datetime.combine(day, FIRST_TICK)
        while moment.time() <= LAST_TICK and moment.date() == day:
            at = self.clock.localize(day, moment.hour, moment.minute)
            found.append((at, 2, self.tick_action(at)))
            moment += TICK_EVERY
        found.sort(key=lambda event: (event[0].astimezone(dt.UTC), event[1]))
        return found

    async def at(self, instant: dt.datetime, work: Any) -> None:
        self.clock.set(instant)
        await work

    def feed_action(self, instant: dt.datetime, feed: FeedDays, day: dt.date) -> Callable[[], Any]:
        return lambda: self.at(instant, self.import_day(feed, day))

    def reply_action(self, reply: ReplayedReply) -> Callable[[], Any]:
        return lambda: self.at(reply.at, self.store_reply(reply))

    def tick_action(self, instant: dt.datetime) -> Callable[[], Any]:
        return lambda: self.at(instant, self.tick())

    async def import_day(self, feed: FeedDays, day: dt.date) -> None:
        self.facts_version += 1
        report = await import_absences(
            self.engine,
            feed.day(day),
            school_id=self.school_id,
            school_name=self.school_name,
            clock=self.clock,
            started_by=WORKER,
            calendar=self.calendar,
        )
        async with self.engine.connect() as conn:
            days = await conn.execute(
                sa.select(col(FeedDay.date)).where(col(FeedDay.school_id) == self.school_id)
            )
            self.feed_days = frozenset(days.scalars())
            if report.run_id is None:
                self.facts.forget_all()
                return
            written = await conn.execute(
                sa.select(col(AbsenceMark.pupil_id))
                .where(col(AbsenceMark.run_id) == report.run_id)
                .distinct()
            )
            self.facts.forget(written.scalars())

    async def store_reply(self, reply: ReplayedReply) -> None:
        self.facts_version += 1
        if (pupil := self.pupil_ids.get(reply.pupil_id)) is not None:
            self.facts.forget([pupil])
        stored = await record_reply(
            self.engine,
            school_id=self.school_id,
            pupil_id=reply.pupil_id,
            sender_role=reply.sender_role,
            sender_id=reply.sender_id,
            answer=reply.answer,
            at=reply.at,
            channels=self.pipeline.reach,
        )
        if stored is None:
            self.warn(f"reply at {reply.at.isoformat()}: no pupil {reply.pupil_id!r}; left out")

    async def tick(self) -> None:
        if (planned_from := self.planned_from()) != self.last_planned:
            await self.pipeline.plan()
            self.last_planned = planned_from
            self.next_attempt = await store.next_attempt(self.engine)
        if self.next_attempt is None or self.clock.now() < self.next_attempt:
            return
        delivered = len(self.recorded)
        report = await self.dispatcher.drain()
        messages = [record.message for record in self.recorded[delivered:]]
        if _changes_plans(report) or any(m.kind == CHECKIN for m in messages):
            self.facts_version += 1
        if report.recovered or report.released or report.lost:
            self.facts.forget_all()
        if report.undelivered or report.expired:  # a check-in that will not go out, perhaps
            self.facts.forget_all()
        self.facts.forget(
            message.pupil_id
            for message in messages
            if message.kind in SENT_KINDS and message.pupil_id is not None
        )
        # Nudges gathered for a coordinator's daily message go out without a delivery of their
        # own (bot.outbox.rendering): the daily message names their pupils.
        digest = OutreachKind.COORDINATOR_DIGEST
        gathered = [item for m in messages if m.kind == digest for item in m.payload["items"]]
        self.facts.forget(int(item["pupil"]) for item in gathered if item.get("pupil"))
        if len(report.sent) > len(messages) + sum(len(item["keys"]) for item in gathered):
            self.facts.forget_all()  # one went without its daily message: whose is not known
        coordinator = (OutreachKind.COORDINATOR_NUDGE, digest)
        if any(message.kind in coordinator for message in messages):
            self.facts.nudged(self.clock.now())
        self.next_attempt = await store.next_attempt(self.engine)

    def planned_from(self) -> tuple[int, dt.date, Slot]:
        """The facts' version, the local date and the horizon: all a planner tick's output
        depends on, so a skipped tick is one that would have stored nothing."""
        local = self.clock.local_now()
        horizon = horizon_at(local, self.rules, self.calendar, self.feed_days)
        return self.facts_version, local.date(), horizon

    async def messages(self) -> list[SimulatedMessage]:
        """The recorded deliveries, with roster ids instead of database ids."""
        ids: dict[tuple[str, int], str] = {}
        async with self.engine.connect() as conn:
            for role, table, column in (
                ("pupil", Pupil, col(Pupil.pupil_id)),
                ("guardian", Guardian, col(Guardian.guardian_id)),
                ("staff", Staff, col(Staff.staff_id)),
            ):
                rows = await conn.execute(sa.select(col(table.id), column))
                ids.update({(role, pk): person for pk, person in rows if pk is not None})
        found: list[SimulatedMessage] = []
        for recorded in self.recorded:
            message = recorded.message
            role = (
                message.recipient_role
                if message.recipient_role in ("pupil", "guardian")
                else "staff"
            )
            pupil = ids.get(("pupil", message.pupil_id)) if message.pupil_id is not None else None
            found.append(
                SimulatedMessage(
                    at=recorded.at.astimezone(self.tz),
                    kind=message.kind,
                    recipient_role=message.recipient_role,
                    recipient_id=ids.get((role, message.recipient_id), str(message.recipient_id)),
                    pupil_id=pupil,
                    channel=message.channel,
                    lang=message.lang,
                    text=message.text or "",
                )
            )
        return found


def _changes_plans(report: DispatchReport) -> bool:
    """Whether a dispatcher run changed what a planner tick would propose now (see "Skipped
    ticks"): any outcome but a plain delivery or a postponement."""
    if report.undelivered or report.expired or report.retried:
        return True
    return bool(report.recovered or report.released or report.lost)

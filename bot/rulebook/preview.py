"""The preview of a rule change on the school's own history: what the proposed rules would have
sent over a past period, next to what the rules in force would have, and the difference.

Both sides are replays (:func:`bot.simulate.replay_store`: the real planner, outbox, gate and
dispatcher in virtual time, as ``gemist simulate``), never a model of them, so a preview cannot
promise what the bot would not do. They run on private scratch copies, never on the school's
database, which is only read:

1. *The school at the start of the period*: the roster and contacts as they are today; the
   marks, feed days, replies and messages from before the period (messages that were sent, or
   ended otherwise, before it began; acknowledgements made before it); the holds and pauses as
   the coordinators decided them. Written once into a scratch SQLite file (:func:`snapshot`),
   then copied for each side, so that both start from the same day.
2. *The period*: each feed day's marks, as the school's database holds them now (the final
   code of each half-day; a mark retracted later is left out), imported at the feed time;
   the replies stored at their own instants; the ticks every quarter of an hour.

The difference (:class:`Preview`) counts the messages by kind and by recipient role, and
picks a few examples side by side: the same pupil on the same day (or the same staff member,
for messages about nobody in particular, such as the daily overview).

What a replay cannot know is left as it is on both sides: a coordinator acknowledging a nudge
during the period, a family's contact details changing, a correction made to a mark later the
same day. The difference between the two sides therefore comes from the rules alone.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import multiprocessing
import pickle
import shutil
import tempfile
import time
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import SQLModel, col

from bot.db import connect, connect_scratch, migrate
from bot.engine.facts import SenderRole
from bot.models import (
    AbsenceMark,
    FeedDay,
    MarkCorrection,
    Outreach,
    OutreachEvent,
    Pupil,
    PupilPause,
    Reply,
    School,
)
from bot.outbox import Capabilities
from bot.rules import Rules
from bot.simulate import ReplayedReply, SimulatedMessage, replay_store
from integrations.abc import AbsenceBatch, AbsenceRow, AbsenceSource
from messages import Overrides
from scheduler.calendar import SchoolCalendar

__all__ = [
    "Difference",
    "Example",
    "Preview",
    "SchoolPreviews",
    "examples",
    "forget_replays",
    "last_school_weeks",
    "preview",
    "report",
    "snapshot",
]

SCHOOL_WEEKS = 4
"""The default period: the last four school weeks up to today."""
EXAMPLES = 5
_BATCH = 5_000
_ENDED = ("sent", "cancelled", "expired", "undelivered", "failed")
"""The outbox states in which a row stays as it is: history, not plans."""
_ROLES = frozenset(role.value for role in SenderRole)
_SKIPPED = {
    "rules_version",
    "signing_key",
    "timeline_view",
    "privacy_log",
    "invitation",
    "import_reject",
    "outreach_event",  # the outbox's audit trail: written, never read to decide
}
"""Tables a replay never reads: left out of the scratch copy (they hold nothing it needs)."""


def last_school_weeks(
    today: dt.date, calendar: SchoolCalendar, weeks: int = SCHOOL_WEEKS
) -> tuple[dt.date, dt.date]:
    """From the Monday of the ``weeks``-th school week back (a week with a school day, this
    one counting when it had one by ``today``) up to ``today``."""
    monday = today - dt.timedelta(days=today.weekday())
    start, found = monday, 0
    for _ in range(53):
        days = (monday + dt.timedelta(days=offset) for offset in range(7))
        if any(day <= today and calendar.is_school_day(day) for day in days):
            start, found = monday, found + 1
            if found == weeks:
                break
        monday -= dt.timedelta(days=7)
    return start, today


# --- the difference ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Difference:
    """How many messages of one kind (or to one role) each side sends."""

    name: str
    current: int
    proposed: int

    @property
    def change(self) -> int:
        return self.proposed - self.current


@dataclass(frozen=True, slots=True)
class Example:
    """What each side sends to or about one person on one day, where the two differ."""

    about: str
    """The pupil's roster id, or ``role:id`` of the recipient of a message about nobody."""
    day: dt.date
    current: tuple[SimulatedMessage, ...]
    proposed: tuple[SimulatedMessage, ...]


@dataclass(frozen=True, slots=True)
class Preview:
    """The two replays of one period and their difference."""

    start: dt.date
    end: dt.date
    current: tuple[SimulatedMessage, ...]
    proposed: tuple[SimulatedMessage, ...]
    examples: tuple[Example, ...]
    seconds: Mapping[str, float] = field(default_factory=dict)
    """How long each step took: ``snapshot``, ``current`` and ``proposed`` (each replay that
    ran), ``replays`` (both, from the end of the snapshot)."""
    replayed: frozenset[str] = frozenset({"current", "proposed"})
    """The sides replayed now; the others were kept from an earlier preview (:data:`REMEMBERED`)."""

    @property
    def by_kind(self) -> list[Difference]:
        """Per kind of message (its template), every kind either side sends."""
        return _compare(self.current, self.proposed, lambda message: message.kind)

    @property
    def by_role(self) -> list[Difference]:
        """Per recipient role (pupil, guardian, teacher, coordinator)."""
        return _compare(self.current, self.proposed, lambda message: message.recipient_role)

    @property
    def unchanged(self) -> bool:
        """Whether the proposed rules send exactly what the current ones do."""
        return _keys(self.current) == _keys(self.proposed)


def _compare(
    current: Sequence[SimulatedMessage], proposed: Sequence[SimulatedMessage], key: Any
) -> list[Difference]:
    before = Counter(key(message) for message in current)
    after = Counter(key(message) for message in proposed)
    names = sorted(set(before) | set(after))
    return [Difference(name, before[name], after[name]) for name in names]


def _keys(messages: Iterable[SimulatedMessage]) -> Counter[tuple[Any, ...]]:
    return Counter(
        (m.at, m.kind, m.recipient_role, m.recipient_id, m.pupil_id, m.channel, m.text)
        for m in messages
    )


def _about(message: SimulatedMessage) -> str:
    return message.pupil_id or f"{message.recipient_role}:{message.recipient_id}"


def examples(
    current: Sequence[SimulatedMessage], proposed: Sequence[SimulatedMessage], count: int
) -> list[Example]:
    """Up to ``count`` (person, day) pairs whose messages differ: those where the kinds sent
    differ most first, then by day and person, so that the same input gives the same pick."""
    groups: dict[tuple[str, dt.date], tuple[list[SimulatedMessage], list[SimulatedMessage]]]
    groups = defaultdict(lambda: ([], []))
    for side, messages in enumerate((current, proposed)):
        for message in messages:
            groups[(_about(message), message.at.date())][side].append(message)
    differing = []
    for (about, day), (before, after) in groups.items():
        if _keys(before) == _keys(after):
            continue
        kinds = Counter(m.kind for m in after)
        kinds.subtract(Counter(m.kind for m in before))
        weight = sum(abs(n) for n in kinds.values())
        differing.append((-weight, day, about, before, after))
    differing.sort(key=lambda item: item[:3])
    # One example per pupil at most, so that a handful shows several cases.
    chosen: list[Example] = []
    seen: set[str] = set()
    for _weight, day, about, before, after in differing:
        if about in seen:
            continue
        seen.add(about)
        chosen.append(Example(about, day, tuple(before), tuple(after)))
        if len(chosen) == count:
            break
    return chosen


# --- the school at the start of the period ----------------------------------------------------


def _local_midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(dt.UTC)


def _tables() -> list[sa.Table]:
    return [table for table in SQLModel.metadata.sorted_tables if table.name not in _SKIPPED]


def _history_filter(table: sa.Table, school_id: str, start: dt.date, since: dt.datetime) -> Any:
    """Which rows of ``table`` were already there when the period began."""
    name = table.name
    if name == AbsenceMark.__tablename__:
        return sa.and_(table.c.school_id == school_id, table.c.date < start)
    if name == FeedDay.__tablename__:
        return sa.and_(table.c.school_id == school_id, table.c.date < start)
    if name == MarkCorrection.__tablename__:
        marks = AbsenceMark.__table__  # type: ignore[attr-defined]
        kept = sa.select(marks.c.id).where(marks.c.school_id == school_id, marks.c.date < start)
        return sa.and_(table.c.mark_id.in_(kept), table.c.corrected_at < since)
    if name == Outreach.__tablename__:
        return _outreach_before(table, school_id, since)
    if name == OutreachEvent.__tablename__:
        outreach = Outreach.__table__  # type: ignore[attr-defined]
        kept = sa.select(outreach.c.id).where(_outreach_before(outreach, school_id, since))
        return sa.and_(table.c.outreach_id.in_(kept), table.c.at < since)
    if name == Reply.__tablename__:
        return sa.and_(table.c.school_id == school_id, table.c.received_at < since)
    if name == PupilPause.__tablename__:
        return table.c.school_id == school_id
    if name == School.__tablename__:
        return table.c.id == school_id
    if "school_id" in table.c:
        return table.c.school_id == school_id
    return sa.true()  # a link table: its rows follow the school's people


def _outreach_before(table: sa.Table, school_id: str, since: dt.datetime) -> Any:
    ended = sa.or_(
        table.c.sent_at < since,
        sa.and_(table.c.status.in_(_ENDED[1:]), table.c.updated_at < since),
    )
    return sa.and_(table.c.school_id == school_id, table.c.created_at < since, ended)


def _as_then(table: sa.Table, row: dict[str, Any], since: dt.datetime, kept: set[int]) -> None:
    """A row as it was when the period began (what changed since is the replay's to redo)."""
    if table.name == Outreach.__tablename__:
        if row["acknowledged_at"] is not None and row["acknowledged_at"] >= since:
            row["acknowledged_at"] = row["acknowledged_by"] = None
    elif table.name == Reply.__tablename__ and row["outreach_id"] not in kept:
        row["outreach_id"] = None


async def snapshot(
    live: AsyncEngine, scratch: AsyncEngine, school_id: str, start: dt.date, tz: ZoneInfo
) -> bytes:
    """Write into the (migrated, empty) ``scratch`` store what ``live`` held of the school when
    ``start`` began (see the module's docstring); ``live`` is only read. Returns a digest of
    every row written: equal digests, equal stores."""
    since = _local_midnight(start, tz)
    outreach_ids: set[int] = set()
    digest = hashlib.blake2b(digest_size=32)
    async with live.connect() as source, scratch.begin() as target:
        for table in _tables():
            digest.update(table.name.encode())
            result = await source.stream(
                sa.select(table)
                .where(_history_filter(table, school_id, start, since))
                .order_by(*table.primary_key.columns)
            )
            async for chunk in result.mappings().partitions(_BATCH):
                rows = [dict(row) for row in chunk]
                for row in rows:
                    _as_then(table, row, since, outreach_ids)
                    digest.update(repr(tuple(row.values())).encode())
                if table.name == Outreach.__tablename__:
                    outreach_ids.update(int(row["id"]) for row in rows)
                await target.execute(sa.insert(table), rows)
    return digest.digest()


_MIGRATED: bytes | None = None
"""A migrated, empty scratch store, as its file's bytes: made by the first preview of the
process, then written out for each next one (the schema is the code's, which does not change
while the process runs; migrating a new file takes some half a second)."""


async def _migrated(path: Path) -> None:
    """A migrated, empty scratch store at ``path`` (a file that does not exist yet)."""
    global _MIGRATED
    if _MIGRATED is not None:
        await asyncio.to_thread(path.write_bytes, _MIGRATED)
        return
    engine = connect_scratch(path)
    try:
        await migrate(engine)
        async with engine.begin() as conn:  # everything in the file itself, none in its log
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        await engine.dispose()
    _MIGRATED = await asyncio.to_thread(path.read_bytes)


# --- the period -------------------------------------------------------------------------------


class _StoredFeed:
    """The period's marks as the school's database holds them, day by day (a
    :class:`bot.simulate.FeedDays`)."""

    def __init__(self, rows: dict[dt.date, list[AbsenceRow]], days: frozenset[dt.date]) -> None:
        self.rows = rows
        self.days = days | frozenset(rows)

    def covers(self, day: dt.date, calendar: SchoolCalendar) -> bool:
        return day in self.days

    def day(self, date: dt.date) -> AbsenceSource:
        return _DayRows(date, self.rows.get(date, []))


class _DayRows(AbsenceSource):
    def __init__(self, date: dt.date, rows: list[AbsenceRow]) -> None:
        self.name = f"preview@{date.isoformat()}"
        self.location = "the school's database"
        self.covers = (date,)
        self._batch = AbsenceBatch(records=rows, rows=len(rows))

    async def batches(self) -> Any:
        yield self._batch


async def _period(
    conn: AsyncConnection, school_id: str, start: dt.date, end: dt.date, tz: ZoneInfo
) -> tuple[_StoredFeed, list[ReplayedReply]]:
    marks = await conn.execute(
        sa.select(
            col(Pupil.pupil_id),
            col(AbsenceMark.date),
            col(AbsenceMark.half_day),
            col(AbsenceMark.code),
            col(AbsenceMark.expected_return),
            col(AbsenceMark.note),
        )
        .join(Pupil, col(Pupil.id) == col(AbsenceMark.pupil_id))
        .where(
            col(AbsenceMark.school_id) == school_id,
            col(AbsenceMark.date) >= start,
            col(AbsenceMark.date) <= end,
            col(AbsenceMark.retracted_at).is_(None),
        )
        .order_by(col(AbsenceMark.date), col(Pupil.pupil_id), col(AbsenceMark.half_day))
    )
    rows: dict[dt.date, list[AbsenceRow]] = defaultdict(list)
    for pupil, day, half, code, back, note in marks:
        rows[day].append((pupil, day, half, code, back, note, None))
    days = await conn.execute(
        sa.select(col(FeedDay.date)).where(
            col(FeedDay.school_id) == school_id,
            col(FeedDay.date) >= start,
            col(FeedDay.date) <= end,
        )
    )
    replies = await conn.execute(
        sa.select(
            col(Reply.received_at),
            col(Reply.sender_role),
            col(Reply.sender_id),
            col(Pupil.pupil_id),
            col(Reply.answer),
        )
        .join(Pupil, col(Pupil.id) == col(Reply.pupil_id))
        .where(
            col(Reply.school_id) == school_id,
            col(Reply.received_at) >= _local_midnight(start, tz),
            col(Reply.received_at) < _local_midnight(end + dt.timedelta(days=1), tz),
        )
        .order_by(col(Reply.received_at), col(Reply.id))
    )
    answers = [
        ReplayedReply(at.astimezone(tz), SenderRole(role), sender, pupil, answer)
        for at, role, sender, pupil, answer in replies
        if role in _ROLES
    ]
    return _StoredFeed(dict(rows), frozenset(days.scalars())), answers


# --- the preview ------------------------------------------------------------------------------


async def preview(
    live: AsyncEngine,
    *,
    school_id: str,
    current: Rules,
    proposed: Rules,
    calendar: SchoolCalendar,
    tz: ZoneInfo,
    start: dt.date,
    end: dt.date,
    school_name: str = "School",
    overrides: Overrides | None = None,
    channels: Mapping[str, Capabilities] | None = None,
    example_count: int = EXAMPLES,
    parallel: bool = True,
) -> Preview:
    """Replay ``start`` to ``end`` (both included) of the school in ``live`` under the
    ``current`` and the ``proposed`` rules, each on its own scratch copy; ``live`` is read,
    never written. ``channels``: those ``gemist run`` sends over (default: Telegram).

    With ``parallel`` the two replays run at the same time, each in a process of its own (the
    replay is one thread's work; a machine has more); the result is the same either way."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    timings: dict[str, float] = {}
    began = time.perf_counter()
    # Started first, so that the worker processes come up while the snapshot is written.
    pool = _pool() if parallel else None
    try:
        with tempfile.TemporaryDirectory(prefix="gemist-preview-") as folder:
            base = Path(folder) / "start.db"
            await _migrated(base)
            scratch = connect_scratch(base)
            try:
                history = await snapshot(live, scratch, school_id, start, tz)
                async with scratch.begin() as conn:
                    await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                await scratch.dispose()
            async with live.connect() as conn:
                feed, replies = await _period(conn, school_id, start, end, tz)
            timings["snapshot"] = time.perf_counter() - began
            sides = [
                _Side(
                    name=name,
                    store=str(Path(folder) / f"{name}.db"),
                    base=str(base),
                    feed=feed,
                    replies=tuple(replies),
                    rules=rules,
                    calendar=calendar,
                    start=start,
                    end=end,
                    tz=tz,
                    school_id=school_id,
                    school_name=school_name,
                    overrides=overrides,
                    channels=None if channels is None else dict(channels),
                )
                for name, rules in (("current", current), ("proposed", proposed))
            ]
            keys = [side.key(history) for side in sides]
            found = {key: _REPLAYS[key] for key in keys if key in _REPLAYS}
            todo: dict[bytes, _Side] = {}  # the same rules on both sides: one replay
            for side, key in zip(sides, keys, strict=True):
                if key not in found:
                    todo.setdefault(key, side)
            missing = list(todo.values())
            if pool is None:
                done = [await side.run() for side in missing]
            else:
                loop = asyncio.get_running_loop()
                done = await asyncio.gather(
                    *(loop.run_in_executor(pool, _run_side, side) for side in missing)
                )
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
    for (key, side), (messages, seconds) in zip(todo.items(), done, strict=True):
        timings[side.name] = seconds
        found[key] = messages
        _remember(key, messages)
    timings["replays"] = time.perf_counter() - began - timings["snapshot"]
    before, after = (found[key] for key in keys)
    return Preview(
        start=start,
        end=end,
        current=tuple(before),
        proposed=tuple(after),
        examples=tuple(examples(before, after, example_count)),
        seconds=timings,
        replayed=frozenset(side.name for side in missing),
    )


@dataclass(frozen=True, slots=True)
class SchoolPreviews:
    """:func:`preview` bound to one school's settings, for the desk's *Regels* page: the web
    application may not import the replay itself (the import contracts keep ``bot.simulate``
    out of ``bot.web``), so ``gemist web`` and ``gemist run`` hand it this."""

    school_id: str
    calendar: SchoolCalendar
    tz: ZoneInfo
    school_name: str = "School"
    overrides: Overrides | None = None
    channels: Mapping[str, Capabilities] | None = None
    parallel: bool = True

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The default period: the last four school weeks up to ``today``."""
        return last_school_weeks(today, self.calendar)

    async def run(
        self, live: AsyncEngine, current: Rules, proposed: Rules, start: dt.date, end: dt.date
    ) -> Preview:
        """The preview of ``proposed`` against ``current`` over ``start`` to ``end``, of the
        school in ``live``'s database.

        It runs in a thread of its own, on an event loop and a connection of its own to the
        same database: reading the school, writing the snapshot and migrating the scratch copy
        are Python work of a second or more on a big school, and the caller's loop (the web
        server's) must keep answering meanwhile. The replays themselves run in worker
        processes, as :func:`preview` does."""
        url = live.url.render_as_string(hide_password=False)
        return await asyncio.to_thread(self._apart, url, current, proposed, start, end)

    def _apart(
        self, url: str, current: Rules, proposed: Rules, start: dt.date, end: dt.date
    ) -> Preview:
        return asyncio.run(self._on(url, current, proposed, start, end))

    async def _on(
        self, url: str, current: Rules, proposed: Rules, start: dt.date, end: dt.date
    ) -> Preview:
        engine = connect(url)
        try:
            return await self._preview(engine, current, proposed, start, end)
        finally:
            await engine.dispose()

    async def _preview(
        self, live: AsyncEngine, current: Rules, proposed: Rules, start: dt.date, end: dt.date
    ) -> Preview:
        return await preview(
            live,
            school_id=self.school_id,
            current=current,
            proposed=proposed,
            calendar=self.calendar,
            tz=self.tz,
            start=start,
            end=end,
            school_name=self.school_name,
            overrides=self.overrides,
            channels=self.channels,
            parallel=self.parallel,
        )


REMEMBERED = 8
"""Replays kept in this process: a coordinator who tries one change after another replays the
rules in force once. A replay depends only on its inputs (the store at the start, the period's
feed and replies, the rules, the calendar...), and the key is a digest of all of them, so a
replay found here is the one a new run would give, byte for byte."""
_REPLAYS: OrderedDict[bytes, list[SimulatedMessage]] = OrderedDict()


def _remember(key: bytes, messages: list[SimulatedMessage]) -> None:
    _REPLAYS[key] = messages
    _REPLAYS.move_to_end(key)
    while len(_REPLAYS) > REMEMBERED:
        _REPLAYS.popitem(last=False)


def forget_replays() -> None:
    """Empty the replays kept in this process."""
    _REPLAYS.clear()


@dataclass(frozen=True, slots=True)
class _Side:
    """One replay of the preview, all it needs in values that can go to another process."""

    name: str
    store: str
    base: str
    feed: _StoredFeed
    replies: tuple[ReplayedReply, ...]
    rules: Rules
    calendar: SchoolCalendar
    start: dt.date
    end: dt.date
    tz: ZoneInfo
    school_id: str
    school_name: str
    overrides: Overrides | None
    channels: dict[str, Capabilities] | None

    def key(self, history: bytes) -> bytes:
        """A digest of everything this replay's messages depend on, with the store at the
        start of the period as its ``history`` digest."""
        digest = hashlib.blake2b(history, digest_size=32)
        for part in (
            repr(sorted(self.feed.rows.items())),
            repr(sorted(self.feed.days)),
            repr(self.replies),
            self.rules.model_dump_json(),
            repr((self.start, self.end, str(self.tz), self.school_id, self.school_name)),
            repr(sorted((self.channels or {}).items())),
        ):
            digest.update(part.encode())
        digest.update(pickle.dumps((self.calendar, self.overrides)))
        return digest.digest()

    async def run(self) -> tuple[list[SimulatedMessage], float]:
        """The messages of the period on a copy of the school at its start, and the seconds."""
        began = time.perf_counter()
        shutil.copyfile(self.base, self.store)
        engine = connect_scratch(Path(self.store))
        try:
            found = await replay_store(
                engine,
                self.feed,
                rules=self.rules,
                calendar=self.calendar,
                start=self.start,
                end=self.end,
                tz=self.tz,
                replies=self.replies,
                school_id=self.school_id,
                school_name=self.school_name,
                overrides=self.overrides,
                channels=self.channels,
            )
        finally:
            await engine.dispose()
        messages = [message for message in found if message.at.date() >= self.start]
        return messages, time.perf_counter() - began


def _run_side(side: _Side) -> tuple[list[SimulatedMessage], float]:
    """A side in a worker process, on an event loop of its own."""
    return asyncio.run(side.run())


def _pool() -> ProcessPoolExecutor:
    """Two workers forked from a server that has imported the replay once: a worker starts in
    milliseconds, not in the second a fresh interpreter takes to import Gemist."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["bot.simulate", "bot.rulebook.preview"])
    pool = ProcessPoolExecutor(max_workers=2, mp_context=context)
    for _ in range(2):  # workers start on demand: ask for both now
        pool.submit(int)
    return pool


def report(result: Preview, *, text_width: int = 100) -> Iterator[str]:
    """The preview as ``gemist rules preview`` prints it."""
    yield (
        f"Preview {result.start} to {result.end}: {len(result.current)} messages with the "
        f"current rules, {len(result.proposed)} with the proposed ({_signed(result)})"
    )
    if result.unchanged:
        yield "The proposed rules send exactly the same messages in this period."
        return
    for title, rows in (("By kind", result.by_kind), ("By recipient", result.by_role)):
        yield ""
        yield f"{title:<28}{'current':>9}{'proposed':>10}{'change':>8}"
        for row in rows:
            change = f"{row.change:+d}" if row.change else "0"
            yield f"  {row.name:<26}{row.current:>9}{row.proposed:>10}{change:>8}"
    for example in result.examples:
        yield ""
        yield f"{example.about} on {example.day}:"
        for label, messages in (("current", example.current), ("proposed", example.proposed)):
            if not messages:
                yield f"  {label:<9} nothing"
            for index, message in enumerate(messages):
                text = " ".join(message.text.split())
                if len(text) > text_width:
                    text = text[: text_width - 1] + "…"
                lead = label if index == 0 else ""
                yield (
                    f"  {lead:<9} {message.at:%H:%M} {message.kind} to "
                    f"{message.recipient_role} {message.recipient_id}: {text}"
                )


def _signed(result: Preview) -> str:
    change = len(result.proposed) - len(result.current)
    return f"{change:+d}" if change else "no change in number"

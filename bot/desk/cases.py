"""*Opvolging*: the open cases, grouped per pupil, most urgent first.

A case is a coordinator nudge (:mod:`bot.engine._nudges`) that went out this school year and
that nobody marked as seen: what the chat keeps reminding of. A reminder (``unacknowledged``)
is the same case as the nudge it reminds of, not another one (as
:func:`bot.planning.facts_db.read_open_nudges` counts them); one that the coordinator snoozed
is still open, with the school day it comes back.

Pupils are ordered as the coordinator should read them: those with a case that is not snoozed
first, by their most urgent reason (:data:`bot.engine.attention.RANK`: asks to talk, a held
notice, a parent who did not know, unreachable, the CLB threshold, ...), the longest waiting
first; then the pupils whose every case is snoozed, the first to come back first.

Each case carries the actions its message offers in the chat (:func:`messages.buttons_for`:
seen, remind me later, return date, pause, CLB involved, send or keep a held notice), so that
the page offers exactly those and posts them to the one writer (:func:`act`, which calls
:func:`bot.answers.decide` as a tap does). The choices a button offers (how many school days,
which return date) are :func:`choices`.

There is no storage for a coordinator's notes on a case (no table holds them): the page has
none to show yet.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.answers import Decision, decide, message_row
from bot.answers.staff import PAUSE_DAYS, SNOOZE_DAYS, StaffAnswer, return_days, staff_answer
from bot.desk.scope import DEFAULT_SIZE, Page, Scope, checked, clamp
from bot.domain import HalfDay, OutreachKind
from bot.engine.attention import RANK, URGENT
from bot.engine.episodes import Mark, year_counts
from bot.engine.facts import CLB_INVOLVED, SenderRole
from bot.models import (
    AbsenceMark,
    Outreach,
    Pupil,
    PupilPause,
    Reply,
    SchoolClass,
    Staff,
)
from bot.rules import Rules
from messages import buttons_for
from scheduler.calendar import SchoolCalendar, SchoolYear

__all__ = [
    "Acted",
    "Case",
    "Choices",
    "Nudge",
    "PauseSpan",
    "YearCounts",
    "act",
    "choices",
    "open_cases",
]

KIND = OutreachKind.COORDINATOR_NUDGE
REMINDER = "unacknowledged"
_PAYLOAD = Outreach.__table__.c.payload  # type: ignore[attr-defined]
_REASON = sa.func.coalesce(_PAYLOAD["reason"].as_string(), "")


@dataclass(frozen=True, slots=True)
class Nudge:
    """One open case: a nudge sent to the coordinator that nobody marked as seen."""

    id: int
    """The outreach row's id: what an action is posted with (:func:`act`)."""
    reason: str
    """``asks_to_talk``, ``held_notice``, ``did_not_know``, ``unreachable``,
    ``clb_threshold``, ``informed_school``, ``no_answer``, ``absent_half_days``, ``pattern``."""
    variant: str | None
    """A reason's own wording: ``parent_call``, ``parent_call_no_relation``,
    ``parent_call_unnamed``, ``call_interpreter``, ``unreachable_pupil``, ``held_talk``, ..."""
    also: tuple[str, ...]
    """The reasons the same message said besides its own (urgent ones of one instant)."""
    urgent: bool
    day: dt.date | None
    """The day the nudge is about (``payload["date"]``)."""
    sent_at: dt.datetime
    snoozed_until: dt.date | None
    """The school day its reminder waits for ("remind me later"); None when not snoozed."""
    actions: tuple[str, ...]
    """The keys of the buttons its message offers, in their order: ``ack``, ``snooze``,
    ``return``, ``pause``, ``clb_involved``, ``send_notice``, ``keep_notice``."""
    lang: str
    payload: Mapping[str, Any]
    """The render context (read-only): with :func:`messages.render_outreach` the page shows
    the text the coordinator got; ``signal``, ``count``, ``person``, ``channel``, ``cause``
    and the like are in it."""

    def snoozed(self, today: dt.date) -> bool:
        return self.snoozed_until is not None and self.snoozed_until > today


@dataclass(frozen=True, slots=True)
class YearCounts:
    """The pupil's absences this school year against the thresholds of the rules."""

    school_year: str
    """``2026-2027``."""
    problematic: int
    """Problematic half-days (B): what the CLB threshold counts, whatever the code switches."""
    clb_threshold: int
    """``nudges.problematic_half_days`` (at most 5, by law)."""
    clb_involved_at: dt.datetime | None
    """When the spilfiguur said this school year that the CLB is involved already."""
    justified: int
    unknown: int
    not_compulsory: int
    total: int
    """Every half-day marked absent, whatever its code."""
    for_coordinator: int
    """Half-days of a code that counts for the coordinator (justified ones too; not A)."""
    absent_threshold: int | None
    """``nudges.absent_half_days``; None when that nudge is off."""

    @property
    def clb_reached(self) -> bool:
        return self.problematic >= self.clb_threshold


@dataclass(frozen=True, slots=True)
class PauseSpan:
    """A pause of the family's messages that holds today or is still to come."""

    starts: dt.date | None
    ends: dt.date | None
    """None: open-ended (only a pause in the rules file can be)."""
    source: str
    """``desk`` (a coordinator paused from a message or the desk), ``rules`` (the file)."""
    by: str | None
    """Who paused, as the audit keeps it (``telegram:S02``); None for the rules file."""
    reason: str | None

    def covers(self, day: dt.date) -> bool:
        return (self.starts is None or self.starts <= day) and (
            self.ends is None or day <= self.ends
        )


@dataclass(frozen=True, slots=True)
class Case:
    """A pupil with open cases."""

    pupil: int
    """The pupil's database id (the opaque id for the pupil's page)."""
    pupil_id: str
    """The roster id (``P0042``)."""
    first_name: str
    last_name: str
    class_name: str
    spilfiguur: str | None
    """The spilfiguur's name, for the whole-school view."""
    nudges: tuple[Nudge, ...]
    """Not snoozed first, most urgent first, the longest waiting first."""
    urgent: bool
    """Whether a case that is not snoozed has an urgent reason."""
    snoozed_until: dt.date | None
    """When every case is snoozed: the first day one comes back; else None."""
    counts: YearCounts
    pauses: tuple[PauseSpan, ...]
    paused_today: bool


@dataclass(frozen=True, slots=True)
class Choices:
    """What the buttons that first ask offer, as the chat offers them today: post ``snooze``
    with the number of school days, ``pause`` with the number of school days, ``return`` with
    the ISO date."""

    snooze: tuple[tuple[int, dt.date], ...]
    """(school days, the day it comes back)."""
    pause: tuple[tuple[int, dt.date], ...]
    """(school days, the last day paused)."""
    returns: tuple[dt.date, ...]


def choices(today: dt.date, calendar: SchoolCalendar) -> Choices:
    """The choices of ``snooze``, ``pause`` and ``return`` on ``today`` (as
    :func:`bot.answers.staff.staff_answer` will work them out when posted)."""
    return Choices(
        snooze=tuple((n, calendar.school_day_after(today, n)) for n in SNOOZE_DAYS),
        pause=tuple((n, calendar.school_day_after(today, n - 1)) for n in PAUSE_DAYS),
        returns=tuple(return_days(calendar, today)),
    )


async def open_cases(
    conn: AsyncConnection,
    scope: Scope,
    *,
    today: dt.date,
    rules: Rules,
    page: int = 1,
    size: int = DEFAULT_SIZE,
) -> Page[Case]:
    """The pupils in ``scope`` with open cases this school year (of ``today``), most urgent
    first, one page of them."""
    page, size = checked(page, size)
    year = SchoolYear.containing(today)
    start = dt.datetime.combine(year.span_start, dt.time(), tzinfo=dt.UTC)
    rows = await conn.execute(
        sa.select(
            col(Outreach.id),
            col(Outreach.pupil_id),
            _REASON,
            col(Outreach.sent_at),
            col(Outreach.snoozed_until),
        )
        .join(Pupil, col(Pupil.id) == col(Outreach.pupil_id))
        .where(*_open(scope, start), *scope.joined())
    )
    per_pupil: dict[int, list[tuple[int, int, dt.datetime, dt.date | None]]] = defaultdict(list)
    for outreach_id, pupil, reason, sent_at, snoozed in rows:
        per_pupil[pupil].append((outreach_id, _rank(reason), sent_at, snoozed))
    ordered = sorted(per_pupil, key=lambda pupil: _urgency(per_pupil[pupil], pupil, today))
    page = clamp(page, size, len(ordered))
    chosen = ordered[(page - 1) * size : page * size]
    ids = [outreach_id for pupil in chosen for outreach_id, *_ in per_pupil[pupil]]
    cases = await _cases(conn, scope, chosen, ids, today=today, rules=rules, year=year)
    return Page(tuple(cases), page, size, len(ordered))


def _open(scope: Scope, start: dt.datetime) -> list[sa.ColumnElement[bool]]:
    return [
        col(Outreach.school_id) == scope.school_id,
        col(Outreach.kind) == KIND,
        col(Outreach.sent_at) >= start,
        col(Outreach.status) == "sent",
        col(Outreach.acknowledged_at).is_(None),
        _REASON != REMINDER,
    ]


def _rank(reason: str) -> int:
    return RANK.index(reason) if reason in RANK else len(RANK)


def _urgency(
    nudges: Sequence[tuple[int, int, dt.datetime, dt.date | None]], pupil: int, today: dt.date
) -> tuple[int, int, float, int]:
    """Awake first, by the most urgent reason, the longest waiting; then the snoozed, the
    first to come back first."""
    awake = [(rank, sent) for _, rank, sent, snoozed in nudges if not _snoozed(snoozed, today)]
    if awake:
        rank, sent = min(awake, key=lambda item: (item[0], item[1]))
        return (0, rank, sent.timestamp(), pupil)
    back = min(snoozed for *_, snoozed in nudges if snoozed is not None)
    rank = min(rank for _, rank, _, _ in nudges)
    return (1, back.toordinal(), float(rank), pupil)


def _snoozed(until: dt.date | None, today: dt.date) -> bool:
    return until is not None and until > today


async def _cases(
    conn: AsyncConnection,
    scope: Scope,
    pupils: Sequence[int],
    ids: Sequence[int],
    *,
    today: dt.date,
    rules: Rules,
    year: SchoolYear,
) -> list[Case]:
    if not pupils:
        return []
    nudges = await _nudges(conn, ids, today)
    people = await _pupils(conn, scope, pupils)
    counts = await _counts(conn, pupils, rules, year)
    pauses = await _pauses(conn, pupils, people, rules, today)
    found = []
    for pupil in pupils:
        pupil_id, first, last, class_name, spilfiguur = people[pupil]
        mine = sorted(nudges[pupil], key=lambda n: (n.snoozed(today), _rank(n.reason), n.sent_at))
        awake = [n for n in mine if not n.snoozed(today)]
        back = None if awake else min(n.snoozed_until for n in mine if n.snoozed_until)
        spans = pauses.get(pupil, ())
        found.append(
            Case(
                pupil=pupil,
                pupil_id=pupil_id,
                first_name=first,
                last_name=last,
                class_name=class_name,
                spilfiguur=spilfiguur,
                nudges=tuple(mine),
                urgent=any(n.urgent for n in awake),
                snoozed_until=back,
                counts=counts[pupil],
                pauses=spans,
                paused_today=any(span.covers(today) for span in spans),
            )
        )
    return found


async def _nudges(
    conn: AsyncConnection, ids: Sequence[int], today: dt.date
) -> dict[int, list[Nudge]]:
    rows = await conn.execute(
        sa.select(
            col(Outreach.id),
            col(Outreach.pupil_id),
            col(Outreach.kind),
            col(Outreach.payload),
            col(Outreach.sent_at),
            col(Outreach.snoozed_until),
            col(Outreach.lang),
        ).where(col(Outreach.id).in_(ids))
    )
    found: dict[int, list[Nudge]] = defaultdict(list)
    for outreach_id, pupil, kind, payload, sent_at, snoozed, lang in rows:
        payload = payload if isinstance(payload, dict) else {}
        reason = str(payload.get("reason") or "")
        also = tuple(
            str(line.get("reason") or "")
            for line in payload.get("also", ())
            if isinstance(line, dict)
        )
        found[pupil].append(
            Nudge(
                id=outreach_id,
                reason=reason,
                variant=_text(payload.get("variant")),
                also=also,
                urgent=reason in URGENT or any(other in URGENT for other in also),
                day=_date(payload.get("date")),
                sent_at=sent_at,
                snoozed_until=snoozed,
                actions=_actions(kind, payload),
                lang=lang,
                payload=MappingProxyType(payload),
            )
        )
    return found


def _actions(kind: str, payload: Mapping[str, Any]) -> tuple[str, ...]:
    try:
        return buttons_for(kind, payload)
    except LookupError:  # a reason this version has no template for: only "seen"
        return ("ack",)


async def _pupils(
    conn: AsyncConnection, scope: Scope, pupils: Sequence[int]
) -> dict[int, tuple[str, str, str, str, str | None]]:
    rows = await conn.execute(
        sa.select(
            col(Pupil.id),
            col(Pupil.pupil_id),
            col(Pupil.first_name),
            col(Pupil.last_name),
            col(SchoolClass.name),
            col(Staff.first_name),
            col(Staff.last_name),
        )
        .join(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id))
        .outerjoin(Staff, col(Staff.id) == col(Pupil.spilfiguur_id))
        .where(col(Pupil.id).in_(pupils), *scope.pupils())
    )
    return {
        int(pk or 0): (pid, first, last, class_name, f"{s_first} {s_last}" if s_first else None)
        for pk, pid, first, last, class_name, s_first, s_last in rows
    }


async def _counts(
    conn: AsyncConnection, pupils: Sequence[int], rules: Rules, year: SchoolYear
) -> dict[int, YearCounts]:
    """The engine's own count (:func:`~bot.engine.episodes.year_counts`) of every active mark
    of the school year, per pupil."""
    rows = await conn.execute(
        sa.select(
            col(AbsenceMark.pupil_id),
            col(AbsenceMark.date),
            col(AbsenceMark.half_day),
            col(AbsenceMark.code),
        ).where(
            col(AbsenceMark.pupil_id).in_(pupils),
            col(AbsenceMark.date) >= year.span_start,
            col(AbsenceMark.date) <= year.span_end,
            col(AbsenceMark.retracted_at).is_(None),
        )
    )
    marks: dict[int, list[Mark]] = defaultdict(list)
    for pupil, day, half, code in rows:
        marks[pupil].append(Mark(day, HalfDay(half), code))
    involved = await _clb_involved(conn, pupils, year)
    nudges = rules.nudges
    found = {}
    for pupil in pupils:
        counts = year_counts(marks[pupil], year)
        counted = sum(1 for mark in marks[pupil] if rules.code(mark.code).coordinator)
        found[pupil] = YearCounts(
            school_year=str(year),
            problematic=counts.problematic,
            clb_threshold=nudges.problematic_half_days,
            clb_involved_at=involved.get(pupil),
            justified=counts.justified,
            unknown=counts.unknown,
            not_compulsory=counts.not_compulsory,
            total=counts.total,
            for_coordinator=counted,
            absent_threshold=nudges.absent_half_days,
        )
    return found


async def _clb_involved(
    conn: AsyncConnection, pupils: Sequence[int], year: SchoolYear
) -> dict[int, dt.datetime]:
    start = dt.datetime.combine(year.span_start, dt.time(), tzinfo=dt.UTC)
    rows = await conn.execute(
        sa.select(col(Reply.pupil_id), sa.func.min(col(Reply.received_at)))
        .where(
            col(Reply.pupil_id).in_(pupils),
            col(Reply.sender_role) == SenderRole.COORDINATOR,
            col(Reply.answer) == CLB_INVOLVED,
            col(Reply.received_at) >= start,
        )
        .group_by(col(Reply.pupil_id))
    )
    return {int(pupil): at for pupil, at in rows}


async def _pauses(
    conn: AsyncConnection,
    pupils: Sequence[int],
    people: Mapping[int, tuple[str, str, str, str, str | None]],
    rules: Rules,
    today: dt.date,
) -> dict[int, tuple[PauseSpan, ...]]:
    """The pauses that hold today or are to come: the desk's and the rules file's."""
    rows = await conn.execute(
        sa.select(
            col(PupilPause.pupil_id),
            col(PupilPause.starts),
            col(PupilPause.ends),
            col(PupilPause.created_by),
        )
        .where(col(PupilPause.pupil_id).in_(pupils), col(PupilPause.ends) >= today)
        .order_by(col(PupilPause.starts), col(PupilPause.id))
    )
    found: dict[int, list[PauseSpan]] = defaultdict(list)
    for pupil, starts, ends, by in rows:
        found[pupil].append(PauseSpan(starts, ends, "desk", by, None))
    roster = {person[0]: pk for pk, person in people.items()}
    for pause in rules.pauses:
        paused = roster.get(pause.pupil)
        if paused is not None and (pause.until is None or pause.until >= today):
            found[paused].append(PauseSpan(pause.start, pause.until, "rules", None, pause.reason))
    return {pupil: tuple(spans) for pupil, spans in found.items()}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Acted:
    """What an action posted from the page did: whether something was (still) to decide, and
    how the chat would say what was noted (:mod:`bot.answers.staff`: a template and its
    values, and the day it names)."""

    done: bool
    answer: StaffAnswer


async def act(
    conn: AsyncConnection,
    scope: Scope,
    outreach_id: int,
    key: str,
    value: str = "",
    *,
    staff_id: str,
    by: str,
    at: dt.datetime,
    today: dt.date,
    calendar: SchoolCalendar,
) -> Acted | None:
    """The action ``key`` (with its choice ``value``: school days, an ISO date) on the open
    case ``outreach_id``, stored in the caller's transaction by the one writer
    (:func:`bot.answers.decide`) as the same button in the chat stores it. ``staff_id`` is the
    roster id of who acts, ``by`` how the audit names them (``web:S02``).

    None when there is no such case in ``scope`` (a page answers 404: another coordinator's
    pupil is not found, not forbidden), or the key is not among the case's actions, or the
    value is not one of its choices."""
    row = await message_row(conn, outreach_id)
    if row is None or row.school_id != scope.school_id or row.kind != KIND:
        return None
    if row.pupil_id is None or not await _in_scope(conn, scope, row.pupil_id):
        return None
    if key not in _actions(row.kind, row.payload):
        return None
    answer = staff_answer(row, key, value, today=today, calendar=calendar)
    if answer is None:
        return None
    if key == "return" and answer.day not in return_days(calendar, today):
        return None  # the chat offers these days only; a form can send any date
    decision = Decision(row, key, staff_id, by, at, today, answer.day)
    return Acted(await decide(conn, decision), answer)


async def _in_scope(conn: AsyncConnection, scope: Scope, pupil: int) -> bool:
    found = await conn.scalar(
        sa.select(col(Pupil.id)).where(col(Pupil.id) == pupil, *scope.pupils())
    )
    return found is not None

"""Reading the planner's facts from the store: every active pupil of a school in a few queries.

One query per kind of fact (pupils, active marks, feed days, guardians, teachers, staff,
replies, the notices and nudges sent), each for the whole school, grouped per pupil in memory:
the number of queries does not grow with the number of pupils.

Besides the :class:`~bot.engine.facts.PupilFacts`, the reading keeps what the message texts
need and the planner does not: the school's name, the pupil's class and who signs the message
(the spilfiguur). :func:`bot.planning.tick.planner_tick` puts these in each row's payload, so that
rendering at dispatch needs nothing but the row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.contacts import DEFAULT_ORDER, ENDED, ChannelOrder, Reachable
from bot.contacts import store as contacts
from bot.db import one_of
from bot.domain import HalfDay, OutreachKind, Role
from bot.engine.episodes import Mark
from bot.engine.facts import (
    Cause,
    Channel,
    GuardianFacts,
    PupilFacts,
    ReplyFacts,
    SenderRole,
    SentFacts,
    StaffFacts,
    UnreachableFacts,
)
from bot.models import (
    AbsenceMark,
    Contact,
    FeedDay,
    Guardian,
    GuardianLink,
    MarkCorrection,
    Outreach,
    OutreachHold,
    Pupil,
    PupilPause,
    Reply,
    School,
    SchoolClass,
    Staff,
    TeachingAssignment,
)
from bot.planning.namesakes import read_names_for_staff

if TYPE_CHECKING:
    from bot.planning.facts_cache import FactsCache

__all__ = [
    "ROLE_LABELS",
    "Chosen",
    "Context",
    "Person",
    "SchoolFacts",
    "channel_of",
    "load_school_facts",
    "read_contacts",
    "read_open_nudges",
    "read_pupils",
    "read_recent_pupils",
    "read_school_figures",
    "read_staff",
]

ROLE_LABELS: Mapping[str, str] = {
    "coordinator": "leerlingenbegeleiding",
    "teacher": "leerkracht",
    "titularis": "klastitularis",
    "clb": "CLB",
    "direction": "directie",
}
"""How a staff member's role is named after their name when they sign a message."""


@dataclass(frozen=True, slots=True)
class SchoolFacts:
    """The pupils' facts, the school's feed days, each pupil's render context, and the figures
    about the whole school that the hold and the digest need."""

    school_id: str
    school_name: str
    feed_days: frozenset[dt.date]
    pupils: tuple[PupilFacts, ...]
    context: Mapping[int, Mapping[str, Any]]
    """Per pupil (database id): ``school``, ``class_name``, ``sender`` and ``contact``."""
    feed_arrived: Mapping[dt.date, dt.datetime] | None = None
    """When the first import of each feed day landed (``feed_day.first_imported_at``): a
    coordinator's nudge about a day waits for it. None: not known (facts built by hand)."""
    class_sizes: Mapping[str, int] = field(default_factory=dict)
    """Active pupils per class name, over the whole school (also when ``pupils`` is a part)."""
    coordinators: Mapping[int, StaffFacts] = field(default_factory=dict)
    """Every spilfiguur of an active pupil, by database id."""
    open_nudges: Mapping[int, int] = field(default_factory=dict)
    """Per coordinator (database id): nudges sent since ``since`` nobody acknowledged."""
    since: dt.date | None = None
    """When set, ``pupils`` holds only the pupils something may be due for (see
    :func:`load_school_facts`)."""

    @property
    def school_size(self) -> int:
        return sum(self.class_sizes.values())


def channel_of(contacts: Iterable[Reachable], channels: ChannelOrder) -> Channel | None:
    """The channel a person is reached on (:func:`bot.contacts.reach`); None: unreachable."""
    reached = channels.reach(contacts)
    return None if reached is None else cast(Channel, reached.channel)


@dataclass(frozen=True, slots=True)
class Person:
    """A staff member: as the planner sees them, and as a message signed by them names them."""

    facts: StaffFacts
    name: str
    role: str
    email: str | None


async def load_school_facts(
    conn: AsyncConnection,
    school_id: str,
    *,
    since: dt.date | None = None,
    year_start: dt.date | None = None,
    nudges_before: dt.datetime | None = None,
    cache: FactsCache | None = None,
    channels: ChannelOrder = DEFAULT_ORDER,
) -> SchoolFacts:
    """The facts of the active pupils of ``school_id``, sorted by roster id.

    Without ``since``, every active pupil. With ``since`` (the first day whose news the tick
    still acts on: the school day before today, or the last day with a feed before it), only the
    pupils something may be due for, each with all their facts (:func:`read_recent_pupils`):
    the planner gives the same rows for them, and nothing new for anyone else. ``year_start``
    bounds the nudges counted as open for the digest, and ``nudges_before`` leaves out those
    sent from then on (the morning's digest counts what was open when the day began). With a
    ``cache`` (:class:`~bot.planning.facts_cache.FactsCache`), only the pupils it does not hold
    are read, and the roster's figures only once. ``channels`` decides who is reached how
    (the school's order, the channels that exist).
    """
    school_name = await conn.scalar(sa.select(col(School.name)).where(col(School.id) == school_id))
    arrived = await conn.execute(
        sa.select(col(FeedDay.date), col(FeedDay.first_imported_at)).where(
            col(FeedDay.school_id) == school_id
        )
    )
    feed_arrived: dict[dt.date, dt.datetime] = dict(arrived.all())
    feed_days = frozenset(feed_arrived)
    chosen: Chosen = None
    if since is not None:
        recent = await read_recent_pupils(conn, school_id, since)
        if len(recent) <= MAX_CHOSEN:
            chosen = recent
    name = school_name or school_id
    staff: Mapping[int, Person]
    sizes: Mapping[str, int]
    coordinators: Mapping[int, StaffFacts]
    open_nudges: Mapping[int, int]
    if cache is None:
        staff = await read_staff(conn, school_id, channels)
        pupils = await read_pupils(conn, school_id, name, staff, chosen, channels)
        sizes, coordinators = await read_school_figures(conn, school_id, staff)
        open_nudges = await read_open_nudges(conn, school_id, year_start, nudges_before)
    else:
        staff, (sizes, coordinators) = await cache.roster(conn, school_id, channels)
        pupils = await cache.pupils(conn, school_id, name, staff, chosen, channels)
        open_nudges = await cache.open_nudges(conn, school_id, year_start, nudges_before)
    return SchoolFacts(
        school_id,
        name,
        feed_days,
        tuple(facts for facts, _context in pupils),
        {facts.id: context for facts, context in pupils},
        feed_arrived=feed_arrived,
        class_sizes=sizes,
        coordinators=coordinators,
        open_nudges=open_nudges,
        since=since,
    )


Context = Mapping[str, Any]
"""A pupil's render context: ``school``, ``class_name``, ``sender`` and ``contact``."""


async def read_pupils(
    conn: AsyncConnection,
    school_id: str,
    school_name: str,
    staff: Mapping[int, Person],
    chosen: Chosen,
    channels: ChannelOrder = DEFAULT_ORDER,
    staff_names: Mapping[int, str] | None = None,
) -> list[tuple[PupilFacts, Context]]:
    """The facts and render context of the chosen active pupils (all with None), in the
    database's order of roster ids. ``staff_names``: :func:`read_names_for_staff` of the
    school as it is now, when the caller holds it (read here without it)."""
    marks = await _marks(conn, school_id, chosen)
    guardians = await _guardians(conn, school_id, chosen, channels)
    reachable = await read_contacts(conn, school_id, "pupil", chosen)
    teachers = await _teachers(conn, school_id, staff, chosen)
    replies = await _replies(conn, school_id, chosen)
    sent = await _sent(conn, school_id, chosen)
    pauses = await _pauses(conn, school_id, chosen)
    unreachable = await _unreachable(conn, school_id, chosen)
    if staff_names is None:
        staff_names = await read_names_for_staff(conn, school_id)
    refused = await _refused(conn, school_id, chosen)
    query = (
        sa.select(
            col(Pupil.id),
            col(Pupil.pupil_id),
            col(Pupil.first_name),
            col(Pupil.birth_date),
            col(Pupil.language),
            col(Pupil.spilfiguur_id),
            col(Pupil.guardian_consent),
            col(SchoolClass.name),
        )
        .join(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id))
        .where(col(Pupil.school_id) == school_id, col(Pupil.active))
        .order_by(col(Pupil.pupil_id))
    )
    if chosen is not None:
        query = query.where(one_of(conn.dialect, col(Pupil.id), chosen))
    rows = await conn.execute(query)
    found: list[tuple[PupilFacts, Context]] = []
    for row in rows:
        spilfiguur = staff.get(row.spilfiguur_id) if row.spilfiguur_id is not None else None
        facts = PupilFacts(
            school_id=school_id,
            id=row.id,
            pupil_id=row.pupil_id,
            first_name=row.first_name,
            birth_date=row.birth_date,
            class_name=row.name,
            language=row.language or "nl",
            channel=channel_of(reachable.get(row.id, ()), channels),
            guardian_consent=bool(row.guardian_consent),
            marks=tuple(marks.get(row.id, ())),
            guardians=tuple(guardians.get(row.id, ())),
            teachers=tuple(teachers.get(row.id, ())),
            spilfiguur=spilfiguur.facts if spilfiguur else None,
            replies=tuple(replies.get(row.id, ())),
            sent=tuple(sent.sent.get(row.id, ())),
            undelivered=tuple(sent.undelivered.get(row.id, ())),
            pauses=tuple(pauses.get(row.id, ())),
            unreachable=tuple(unreachable.get(row.id, ())),
            name_for_staff=staff_names.get(row.id),
            refused=tuple(refused.get(row.id, ())),
        )
        found.append((facts, _context(school_name, row.name, spilfiguur)))
    return found


async def read_recent_pupils(conn: AsyncConnection, school_id: str, since: dt.date) -> list[int]:
    """The pupils something may be due for, on a tick that acts on the news from ``since`` on:
    their database ids, sorted, each once.

    Every step the planner can propose anew is about a day with a mark from ``since`` on (an
    episode still going on, a return seen today, a signal reached), about an answer, a
    correction or a hold decision since then, or about a nudge still waiting for its reminder
    (:func:`_awaiting_reminders`); and a pupil with a planned row is planned again so that what
    is no longer called for can be withdrawn. Everyone else would get the same rows as before,
    which the outbox already holds.
    """
    found = await conn.execute(_RECENT, _recent_parameters(school_id, since))
    return sorted(set(found.scalars()))


def _recent_parameters(school_id: str, since: dt.date) -> dict[str, Any]:
    start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC) - dt.timedelta(days=1)
    return {
        "school": school_id,
        "since": since,
        "start": start,
        "reminders_from": start - dt.timedelta(days=REMINDER_LOOKBACK_DAYS),
    }


def _recent() -> sa.CompoundSelect[int]:
    """:func:`read_recent_pupils`'s statement, with parameters (:func:`_recent_parameters`),
    built once: it has nine parts, and building it took longer than running it."""
    school = sa.bindparam("school", type_=sa.String())
    since = sa.bindparam("since", type_=sa.Date())
    start = sa.bindparam("start", type_=Outreach.__table__.c.updated_at.type)  # type: ignore[attr-defined]
    mark = AbsenceMark.__table__.c  # type: ignore[attr-defined]
    outreach = Outreach.__table__.c  # type: ignore[attr-defined]
    holds = OutreachHold.__table__  # type: ignore[attr-defined]
    held = holds.c
    parts: list[sa.Select[int]] = [
        sa.select(mark.pupil_id).where(
            mark.school_id == school, mark.date >= since, mark.retracted_at.is_(None)
        ),
        sa.select(outreach.pupil_id).where(
            outreach.school_id == school,
            outreach.status == "planned",
            outreach.pupil_id.is_not(None),
        ),
        _awaiting_reminders(school, sa.bindparam("reminders_from", type_=start.type)),
        # A snoozed nudge's reminder is a step of its own, due on the snooze's day.
        sa.select(outreach.pupil_id).where(
            outreach.school_id == school,
            outreach.snoozed_until >= since,
            outreach.acknowledged_at.is_(None),
            outreach.pupil_id.is_not(None),
        ),
        sa.select(col(Reply.pupil_id)).where(
            col(Reply.school_id) == school, col(Reply.received_at) >= start
        ),
        # From the few recent corrections to their marks: a join let the database walk
        # every mark of the school to find them.
        sa.select(mark.pupil_id).where(
            mark.school_id == school,
            mark.id.in_(
                sa.select(col(MarkCorrection.mark_id)).where(
                    col(MarkCorrection.corrected_at) >= start
                )
            ),
        ),
        sa.select(col(PupilPause.pupil_id)).where(
            col(PupilPause.school_id) == school,
            sa.or_(col(PupilPause.created_at) >= start, col(PupilPause.ends) >= since),
        ),
        sa.select(mark.pupil_id)
        .join(holds, sa.and_(held.school_id == mark.school_id, held.date == mark.date))
        .where(
            mark.school_id == school,
            mark.retracted_at.is_(None),
            held.decided_at >= start,
        ),
        *_recently_unreachable(school, start),
    ]
    return sa.union(*parts)


def _awaiting_reminders(school_id: Any, sent_from: Any) -> sa.Select[int]:
    """The pupils of the nudges sent since ``sent_from`` that nobody acknowledged and whose
    reminder is not stored yet (:func:`~bot.engine._nudges.nudge_reminders`).

    Once a nudge's reminder is in the outbox, planning its pupil again proposes the same row,
    which changes nothing (a planned one keeps its pupil among the planned anyway), unless it
    was withdrawn: then it may come back, so it does not count as stored. A reminder is no
    nudge to be reminded of. Most nudges of the last weeks have had their reminder: leaving
    their pupils out halves what a tick plans.
    """
    outreach = Outreach.__table__  # type: ignore[attr-defined]
    nudge, reminder = outreach.c, outreach.alias("reminder").c
    # The reminders of those nudges, read once: a reminder is planned after its nudge went out,
    # so it went out since then too, or not yet. (Per nudge, walking its pupil's messages for
    # one took longer than the rest of the question.)
    reminded = reminder.payload["nudge"].as_string()
    stored = sa.select(reminded).where(
        reminder.kind == OutreachKind.COORDINATOR_NUDGE,
        sa.or_(reminder.sent_at >= sent_from, reminder.sent_at.is_(None)),
        reminder.status != "withdrawn",
        reminded.is_not(None),  # NOT IN a list holding a NULL would hold for no nudge
    )
    return sa.select(nudge.pupil_id).where(
        *_nudges_to_spilfiguren(school_id, sent_from),
        nudge.pupil_id.is_not(None),
        sa.func.coalesce(nudge.payload["reason"].as_string(), "") != "unacknowledged",
        nudge.idempotency_key.not_in(stored),
    )


def _nudges_to_spilfiguren(school_id: Any, sent_from: Any) -> list[sa.ColumnElement[bool]]:
    """The sent nudges nobody acknowledged since ``sent_from``, to someone who is the
    spilfiguur of an active pupil.

    A nudge goes to the pupil's spilfiguur as ``coordinator``, and its reminder only to the
    pupil's current one. Naming the role and the people lets the database walk the caps' index
    (role, person, sent) from ``sent_from`` on for each of them, instead of every message sent.
    """
    outreach = Outreach.__table__.c  # type: ignore[attr-defined]
    spilfiguren = sa.select(col(Pupil.spilfiguur_id)).where(
        col(Pupil.school_id) == school_id,
        col(Pupil.active),
        col(Pupil.spilfiguur_id).is_not(None),
    )
    return [
        outreach.recipient_role == Role.COORDINATOR,
        outreach.recipient_id.in_(spilfiguren.distinct()),
        outreach.sent_at >= sent_from,
        outreach.school_id == school_id,
        outreach.kind == OutreachKind.COORDINATOR_NUDGE,
        outreach.status == "sent",
        outreach.acknowledged_at.is_(None),
    ]


REMINDER_LOOKBACK_DAYS = 21
"""A nudge sent longer ago than this has had its reminder (two school days, the weekend and a
holiday week in between included)."""


async def read_school_figures(
    conn: AsyncConnection, school_id: str, staff: Mapping[int, Person]
) -> tuple[dict[str, int], dict[int, StaffFacts]]:
    """Active pupils per class, and every spilfiguur of an active pupil."""
    rows = await conn.execute(
        sa.select(col(SchoolClass.name), col(Pupil.spilfiguur_id), sa.func.count())
        .join(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id))
        .where(col(Pupil.school_id) == school_id, col(Pupil.active))
        .group_by(col(SchoolClass.name), col(Pupil.spilfiguur_id))
    )
    sizes: dict[str, int] = defaultdict(int)
    coordinators: dict[int, StaffFacts] = {}
    for class_name, spilfiguur_id, count in rows:
        sizes[class_name] += count
        person = staff.get(spilfiguur_id) if spilfiguur_id is not None else None
        if person is not None:
            coordinators[person.facts.id] = person.facts
    return dict(sizes), coordinators


async def read_open_nudges(
    conn: AsyncConnection,
    school_id: str,
    year_start: dt.date | None,
    before: dt.datetime | None = None,
) -> dict[int, int]:
    """Per coordinator (database id): the nudges sent since ``year_start`` (ever, without)
    that nobody acknowledged; a reminder is the same case as its nudge, not another one."""
    payload = Outreach.__table__.c.payload  # type: ignore[attr-defined]
    query = (
        sa.select(col(Outreach.recipient_id), sa.func.count())
        .where(
            col(Outreach.school_id) == school_id,
            col(Outreach.kind) == OutreachKind.COORDINATOR_NUDGE,
            col(Outreach.status) == "sent",
            col(Outreach.acknowledged_at).is_(None),
            sa.func.coalesce(payload["reason"].as_string(), "") != "unacknowledged",
        )
        .group_by(col(Outreach.recipient_id))
    )
    if before is not None:
        query = query.where(col(Outreach.sent_at) < before)
    if year_start is not None:
        start = dt.datetime.combine(year_start, dt.time(), tzinfo=dt.UTC)
        query = query.where(col(Outreach.sent_at) >= start)
    return {int(recipient): int(count) for recipient, count in await conn.execute(query)}


def signature(school: str, name: str, role: str, email: str | None) -> tuple[str, str]:
    """How a message from a staff member is signed, and whom it says to contact: "Koen De
    Backer (leerlingenbegeleiding)" and "Koen De Backer, koen@school.be" (with the school's
    name when there is no e-mail address)."""
    contact = f"{name}, {email}" if email else f"{name} ({school})"
    return f"{name} ({ROLE_LABELS.get(role, role)})", contact


def _context(school: str, class_name: str, signer: Person | None) -> Context:
    if signer is None:
        return {"school": school, "class_name": class_name, "sender": school, "contact": school}
    sender, contact = signature(school, signer.name, signer.role, signer.email)
    return {"school": school, "class_name": class_name, "sender": sender, "contact": contact}


async def read_staff(
    conn: AsyncConnection, school_id: str, channels: ChannelOrder = DEFAULT_ORDER
) -> dict[int, Person]:
    reachable = await read_contacts(conn, school_id, "staff", None)
    emails = await contacts.addresses(conn, "staff", "email", school_id=school_id)
    rows = await conn.execute(
        sa.select(
            col(Staff.id),
            col(Staff.staff_id),
            col(Staff.first_name),
            col(Staff.last_name),
            col(Staff.role),
            col(Staff.language),
        ).where(col(Staff.school_id) == school_id, col(Staff.active))
    )
    return {
        row.id: Person(
            StaffFacts(
                row.id,
                row.staff_id,
                row.language or "nl",
                channel_of(reachable.get(row.id, ()), channels),
            ),
            f"{row.first_name} {row.last_name}",
            row.role,
            emails.get(row.id),
        )
        for row in rows
    }


async def read_contacts(
    conn: AsyncConnection, school_id: str, role: str, chosen: Chosen
) -> dict[int, list[Reachable]]:
    """The active contacts of the school's people of ``role``, per database id; of pupils and
    guardians, only those of the chosen pupils (all with None)."""
    if chosen is None:
        return await contacts.reachable(conn, role, col(Contact.school_id) == school_id)
    if role == "pupil":
        return await contacts.reachable(
            conn, role, one_of(conn.dialect, col(Contact.person_id), chosen)
        )
    linked = sa.select(col(GuardianLink.guardian_id)).where(
        one_of(conn.dialect, col(GuardianLink.pupil_id), chosen)
    )
    return await contacts.reachable(conn, role, col(Contact.person_id).in_(linked))


Chosen = list[int] | None
"""The database ids of the pupils to read (:func:`read_recent_pupils`), or None for all."""

MAX_CHOSEN = 20_000
"""More pupils than this are read whole: a list of ids that long costs more than it saves."""

_Query = TypeVar("_Query", bound=sa.Select[*tuple[Any, ...]])


def _among(
    conn: AsyncConnection, query: _Query, school: Any, column: Any, chosen: Chosen
) -> _Query:
    """``query`` limited to the school's rows (``school`` is the condition), or to the chosen
    pupils' (``column`` holds the pupil's id).

    With chosen pupils, the school's condition is left out: their rows are the school's anyway,
    and without it the database has one obvious way in, the pupils' index, instead of a guess
    between that and the school's.
    """
    return query.where(school if chosen is None else one_of(conn.dialect, column, chosen))


async def _marks(conn: AsyncConnection, school_id: str, chosen: Chosen) -> dict[int, list[Mark]]:
    query = sa.select(
        col(AbsenceMark.pupil_id),
        col(AbsenceMark.date),
        col(AbsenceMark.half_day),
        col(AbsenceMark.code),
        col(AbsenceMark.expected_return),
    ).where(col(AbsenceMark.retracted_at).is_(None))
    school = col(AbsenceMark.school_id) == school_id
    rows = await conn.execute(_among(conn, query, school, col(AbsenceMark.pupil_id), chosen))
    found: dict[int, list[Mark]] = defaultdict(list)
    halves = {half.value: half for half in HalfDay}  # a lookup, not an enum call per mark
    for pupil_id, date, half_day, code, expected_return in rows:
        found[pupil_id].append(Mark(date, halves[half_day], code, expected_return))
    return found


async def _guardians(
    conn: AsyncConnection, school_id: str, chosen: Chosen, channels: ChannelOrder
) -> dict[int, list[GuardianFacts]]:
    reachable = await read_contacts(conn, school_id, "guardian", chosen)
    query = (
        sa.select(
            col(GuardianLink.pupil_id),
            col(GuardianLink.may_contact),
            col(Guardian.id),
            col(Guardian.guardian_id),
            col(Guardian.language),
            col(Guardian.contact_moment),
            col(Guardian.first_name),
            col(Guardian.last_name),
            col(GuardianLink.relation),
        )
        .join(Guardian, col(Guardian.id) == col(GuardianLink.guardian_id))
        .where(col(Guardian.active))
    )
    school = col(Guardian.school_id) == school_id
    # No ORDER BY: sorted per pupil below, so that the database can start from the chosen
    # pupils' links instead of walking every guardian in order.
    rows = await conn.execute(_among(conn, query, school, col(GuardianLink.pupil_id), chosen))
    found: dict[int, list[GuardianFacts]] = defaultdict(list)
    for row in rows:
        found[row.pupil_id].append(
            GuardianFacts(
                row.id,
                row.guardian_id,
                row.language or "nl",
                channel_of(reachable.get(row.id, ()), channels),
                bool(row.may_contact),
                row.contact_moment,
                f"{row.first_name} {row.last_name}",
                row.relation or None,
            )
        )
    for guardians in found.values():
        guardians.sort(key=lambda guardian: guardian.guardian_id)
    return found


async def _teachers(
    conn: AsyncConnection, school_id: str, staff: Mapping[int, Person], chosen: Chosen
) -> dict[int, list[StaffFacts]]:
    query = (
        sa.select(col(Pupil.id), col(TeachingAssignment.staff_id))
        .join(TeachingAssignment, col(TeachingAssignment.class_id) == col(Pupil.class_id))
        .where(col(Pupil.active))
    )
    school = col(Pupil.school_id) == school_id
    rows = await conn.execute(_among(conn, query, school, col(Pupil.id), chosen))
    found: dict[int, list[StaffFacts]] = defaultdict(list)
    for pupil_id, staff_id in rows:
        person = staff.get(staff_id)
        if person is not None and pupil_id is not None:
            found[pupil_id].append(person.facts)
    for teachers in found.values():
        teachers.sort(key=lambda teacher: teacher.staff_id)
    return found


async def _replies(
    conn: AsyncConnection, school_id: str, chosen: Chosen
) -> dict[int, list[ReplyFacts]]:
    query = sa.select(
        col(Reply.pupil_id),
        col(Reply.received_at),
        col(Reply.sender_role),
        col(Reply.answer),
        col(Reply.episode_key),
        col(Reply.sender_id),
    ).order_by(col(Reply.received_at), col(Reply.id))
    school = col(Reply.school_id) == school_id
    rows = await conn.execute(_among(conn, query, school, col(Reply.pupil_id), chosen))
    found: dict[int, list[ReplyFacts]] = defaultdict(list)
    for pupil_id, at, role, answer, episode_key, sender in rows:
        found[pupil_id].append(ReplyFacts(at, SenderRole(role), answer, episode_key, sender))
    return found


SENT_KINDS = (
    OutreachKind.PUPIL_CHECKIN,
    OutreachKind.GUARDIAN_NOTICE,
    OutreachKind.COORDINATOR_NUDGE,
)
"""The kinds of sent message the planner builds on (the notice's grace period, corrections,
nudge reminders)."""
UNDELIVERED = ("failed", "expired", "cancelled", "dead")
"""The end states of a check-in that did not go out (the notice then does not wait for it)."""


class _Sent(NamedTuple):
    """Per pupil: the messages that went out, and the keys of check-ins that never did."""

    sent: dict[int, list[SentFacts]]
    undelivered: dict[int, list[tuple[str, dt.datetime]]]


async def _sent(conn: AsyncConnection, school_id: str, chosen: Chosen) -> _Sent:
    payload = Outreach.__table__.c.payload  # type: ignore[attr-defined]
    checkin = col(Outreach.kind) == OutreachKind.PUPIL_CHECKIN
    query = (
        sa.select(
            col(Outreach.pupil_id),
            col(Outreach.idempotency_key),
            col(Outreach.kind),
            col(Outreach.recipient_role),
            col(Outreach.recipient_id),
            col(Outreach.sent_at),
            # Two fields of the payload, read by the database: decoding each whole payload
            # (the render context) took most of a tick's reading.
            payload["date"].as_string(),
            payload["reason"].as_string(),
            col(Outreach.acknowledged_at),
            col(Outreach.snoozed_until),
            col(Outreach.status),
            col(Outreach.updated_at),
            # What one message per pupil per day needs of a nudge (bot.engine.attention).
            payload["signal"].as_string(),
            payload["count"].as_integer(),
            payload["covers"].as_string(),
            payload["variant"].as_string(),
        )
        .where(
            sa.or_(
                col(Outreach.status) == "sent",
                sa.and_(checkin, col(Outreach.status).in_(UNDELIVERED)),
            ),
            col(Outreach.kind).in_(SENT_KINDS),
            col(Outreach.pupil_id).is_not(None),
        )
        .order_by(col(Outreach.sent_at), col(Outreach.id))
    )
    school = col(Outreach.school_id) == school_id
    rows = await conn.execute(_among(conn, query, school, col(Outreach.pupil_id), chosen))
    found = _Sent(defaultdict(list), defaultdict(list))
    for (
        pupil_id,
        key,
        kind,
        role,
        recipient,
        sent_at,
        about,
        reason,
        acked,
        snoozed,
        status,
        ended,
        signal,
        count,
        covers,
        variant,
    ) in rows:
        if status != "sent":
            found.undelivered[pupil_id].append((key, ended))
            continue
        found.sent[pupil_id].append(
            SentFacts(
                key=key,
                kind=kind,
                recipient_role=role,
                recipient_id=recipient,
                sent_at=sent_at,
                date=_iso_date(about),
                reason=reason,
                acknowledged=acked is not None,
                snoozed_until=snoozed,
                signal=signal,
                count=count,
                covers=tuple(covers.split()) if covers else (),
                variant=variant,
            )
        )
    return found


async def _refused(
    conn: AsyncConnection, school_id: str, chosen: Chosen
) -> dict[int, list[tuple[str, str]]]:
    """Per pupil, the keys and channels of the rows about them that failed for good."""
    query = sa.select(
        col(Outreach.pupil_id), col(Outreach.idempotency_key), col(Outreach.channel)
    ).where(col(Outreach.status) == "failed", col(Outreach.pupil_id).is_not(None))
    school = col(Outreach.school_id) == school_id
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for pupil_id, key, channel in await conn.execute(
        _among(conn, query, school, col(Outreach.pupil_id), chosen)
    ):
        found[cast(int, pupil_id)].append((key, channel))
    for rows in found.values():
        rows.sort()
    return found


async def _pauses(
    conn: AsyncConnection, school_id: str, chosen: Chosen
) -> dict[int, list[tuple[dt.date, dt.date]]]:
    query = sa.select(col(PupilPause.pupil_id), col(PupilPause.starts), col(PupilPause.ends))
    query = query.order_by(col(PupilPause.starts), col(PupilPause.id))
    school = col(PupilPause.school_id) == school_id
    found: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for pupil_id, starts, ends in await conn.execute(
        _among(conn, query, school, col(PupilPause.pupil_id), chosen)
    ):
        found[pupil_id].append((starts, ends))
    return found


def _iso_date(text: str | None) -> dt.date | None:
    """A payload's ``date``; None when absent or not a date (the payload is ours, but old rows
    or a hand-edited one must not stop a tick)."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


ENDED_STATES = sorted(state.value for state in ENDED)
"""The states of a contact that no longer reaches the person (:data:`bot.contacts.ENDED`)."""


def _ended() -> list[sa.ColumnElement[bool]]:
    return [col(Contact.state).in_(ENDED_STATES)]


def _recently_unreachable(school_id: Any, start: Any) -> list[sa.Select[int]]:
    """The pupils whose own contact, or a guardian's (about any child), ended since ``start``
    (blocked, bounced, unsubscribed): their spilfiguur is to be told (``unreachable``)."""
    recent = [col(Contact.school_id) == school_id, col(Contact.since) >= start, *_ended()]
    return [
        sa.select(col(Contact.person_id)).where(col(Contact.role) == "pupil", *recent),
        sa.select(col(GuardianLink.pupil_id))
        .join(Contact, col(Contact.person_id) == col(GuardianLink.guardian_id))
        .where(col(Contact.role) == "guardian", *recent),
    ]


async def _unreachable(
    conn: AsyncConnection, school_id: str, chosen: Chosen
) -> dict[int, list[UnreachableFacts]]:
    """Per pupil, the pupil themself and the guardians whose contact on a channel ended, with
    the channel, the state it ended in and since when (a guardian's counts for each of their
    children)."""
    found: dict[int, list[UnreachableFacts]] = defaultdict(list)
    school = col(Contact.school_id) == school_id
    pupils = (
        sa.select(
            col(Contact.person_id),
            col(Pupil.pupil_id),
            col(Pupil.first_name),
            col(Pupil.last_name),
            col(Contact.since),
            col(Contact.channel),
            col(Contact.state),
        )
        .join(Contact, col(Contact.person_id) == col(Pupil.id))
        .where(col(Contact.role) == "pupil", *_ended())
    )
    for pk, pupil_id, first, last, at, channel, state in await conn.execute(
        _among(conn, pupils, school, col(Pupil.id), chosen)
    ):
        found[pk].append(
            UnreachableFacts(
                "pupil", pupil_id, at, f"{first} {last}", None, channel, cast(Cause, state)
            )
        )
    guardians = (
        sa.select(
            col(GuardianLink.pupil_id),
            col(Guardian.guardian_id),
            col(Guardian.first_name),
            col(Guardian.last_name),
            col(GuardianLink.relation),
            col(Contact.since),
            col(Contact.channel),
            col(Contact.state),
        )
        .join(Guardian, col(Guardian.id) == col(GuardianLink.guardian_id))
        .join(Contact, col(Contact.person_id) == col(Guardian.id))
        .where(col(Contact.role) == "guardian", col(Guardian.active), *_ended())
    )
    for pk, guardian_id, first, last, relation, at, channel, state in await conn.execute(
        _among(conn, guardians, school, col(GuardianLink.pupil_id), chosen)
    ):
        found[pk].append(
            UnreachableFacts(
                "guardian",
                guardian_id,
                at,
                f"{first} {last}",
                relation,
                channel,
                cast(Cause, state),
            )
        )
    for people in found.values():
        people.sort(key=lambda person: (person.at, person.role, person.person_id, person.channel))
    return found


_RECENT = _recent()

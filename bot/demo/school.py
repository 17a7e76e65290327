"""The demo's school and its two weeks: who is absent when, who answers what (issue 5, item 7).

The roster is the fictional Sint-Jozefcollege of ``docs/example/roster`` (30 pupils, guardians
in twelve languages, teachers, two coordinators), kept as package data under ``data/roster`` so
that ``gemist demo`` works from an installed wheel. One change: Emir Yilmaz (``P0003``, 1A) is
born on 3 December 2014, so that he is 11 in the demo's weeks and his guardian hears first.
``tests/bot/demo/test_school.py`` holds the copy to the example, so the two cannot drift.

The absences run over two school weeks, Monday 16 to Friday 27 November 2026 (no holiday; the
Wednesday afternoons are free). Each line of :data:`_ABSENCES` is there to show one step of the
ladder; :data:`EXPECTED` says which, and the tests replay the scenario to hold it. The feed is
delivered every school day at :data:`~bot.simulate.FEED_TIME`; on Thursday 26 the secretariat
delivers the day's register once more at 14:00, without Kacper's mark (a teacher had ticked the
wrong name, and Kacper had said "Ik ben wel op school"): that is the correction, which
``gemist simulate`` (one import per date) cannot replay.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.simulate import FEED_TIME
from integrations.abc import AbsenceBatch, AbsenceRow, AbsenceSource
from scheduler.calendar import SchoolCalendar

__all__ = [
    "BY_EMAIL",
    "CORRECTED",
    "EXPECTED",
    "FIRST_DAY",
    "LAST_DAY",
    "MOMENTS",
    "REPLIES",
    "ROSTER",
    "ROSTER_FILES",
    "STAFF_TAPS",
    "TZ",
    "Expected",
    "FeedDelivery",
    "Reply",
    "StaffTap",
    "absence_rows",
    "feed_deliveries",
    "write_absences",
    "write_replies",
    "write_roster",
]

TZ = ZoneInfo("Europe/Brussels")
FIRST_DAY = dt.date(2026, 11, 16)
LAST_DAY = dt.date(2026, 11, 27)
ROSTER = Path(__file__).parent / "data" / "roster"
"""The roster folder as the school delivers it: nobody's Telegram chat is known yet."""
ROSTER_FILES = ("pupils.csv", "guardians.csv", "staff.csv", "teaching.csv")


@dataclass(frozen=True, slots=True)
class _Absent:
    pupil_id: str
    days: str  # "11-16 11-17": every lesson half-day; "11-19:am": that half-day only
    code: str
    expected_return: str | None = None
    note: str | None = None


_ABSENCES = (
    # Yasmine (1A, 12): not known yet; she taps "Ik ben ziek", her parents get the soft notice.
    _Absent("P0002", "11-16", "-"),
    # Ruben (3A, 14): problematic half-days adding up to the CLB threshold on Monday 23, the
    # fourth short absence in two weeks that same morning: one message says both.
    _Absent("P0022", "11-16 11-18:am 11-20:am 11-23", "B"),
    # Emir (1A, 11): too young for a check-in; his mother hears at once, in Turkish.
    _Absent("P0003", "11-17", "-"),
    # Hamid (1B, 12): ill for six school days, back on Wednesday 25 (medical certificate).
    _Absent("P0012", "11-17 11-18 11-19 11-20 11-23 11-24", "Z", "11-25", "medisch attest"),
    # Maksym (3A, 15): absent on Wednesday morning; he asks to talk, which holds the notice to
    # his mother until his spilfiguur decides.
    _Absent("P0023", "11-18", "B"),
    # Adam (1B, 12): not known yet; his mother explains in Arabic, in her own words.
    _Absent("P0014", "11-19", "-"),
    # Jens (5B): a disciplinary exclusion; the bot leaves him and his mother alone.
    _Absent("P0029", "11-19 11-20", "R", None, "tijdelijke uitsluiting"),
    # Zofia (1A): one sick day with a note from her parents.
    _Absent("P0004", "11-20", "Z", None, "briefje van de ouders"),
    # Kacper (3A, 14): marked absent by mistake; he says he is at school, the notice to his
    # mother waits, and the afternoon's delivery drops the mark.
    _Absent("P0020", "11-26", "B"),
)
CORRECTED = ("P0020", dt.date(2026, 11, 26), dt.datetime(2026, 11, 26, 14, 0, tzinfo=TZ))
"""The pupil whose mark a later delivery drops, the date of the mark, when it is delivered."""


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(f"2026-{text}")


def absence_rows(calendar: SchoolCalendar | None = None) -> list[AbsenceRow]:
    """Every mark as the register first shows it, in date order (Kacper's included)."""
    calendar = calendar or SchoolCalendar()
    rows: list[AbsenceRow] = []
    for absent in _ABSENCES:
        expected = _date(absent.expected_return) if absent.expected_return else None
        for item in absent.days.split():
            day, _, half = item.partition(":")
            date = _date(day)
            halves = [half] if half else [str(h) for h in calendar.half_days(date)]
            for half_day in halves:
                rows.append(
                    (absent.pupil_id, date, half_day, absent.code, expected, absent.note, None)
                )
    return sorted(rows, key=lambda row: (row[1], row[0], row[2]))


@dataclass(frozen=True, slots=True)
class FeedDelivery:
    """What the school's system delivers at ``at``: the whole register of each of ``dates``."""

    at: dt.datetime
    dates: tuple[dt.date, ...]
    rows: tuple[AbsenceRow, ...]

    def source(self, name: str = "demo") -> AbsenceSource:
        """The delivery as a feed for :func:`bot.imports.import_absences`."""
        return _DeliverySource(f"{name}@{self.at.date().isoformat()}", self)


class _DeliverySource(AbsenceSource):
    """One delivery, in memory; it speaks for its dates even where they list nobody."""

    def __init__(self, name: str, delivery: FeedDelivery) -> None:
        self.name = name
        self.location = f"{name}.csv"
        self.covers = delivery.dates
        self._rows = list(delivery.rows)

    async def batches(self) -> AsyncIterator[AbsenceBatch]:
        yield AbsenceBatch(records=list(self._rows), rows=len(self._rows))


def feed_deliveries(calendar: SchoolCalendar | None = None) -> list[FeedDelivery]:
    """One delivery per school day of the two weeks, at the feed time, and the day's register
    once more at the time of :data:`CORRECTED`, without its mark."""
    calendar = calendar or SchoolCalendar()
    rows = absence_rows(calendar)
    pupil, wrong_day, delivered_at = CORRECTED
    found: list[FeedDelivery] = []
    for day in calendar.school_days(FIRST_DAY, LAST_DAY):
        at = dt.datetime.combine(day, FEED_TIME, tzinfo=TZ)
        found.append(FeedDelivery(at, (day,), tuple(row for row in rows if row[1] == day)))
        if day == wrong_day:
            kept = tuple(row for row in rows if row[1] == day and row[0] != pupil)
            found.append(FeedDelivery(delivered_at, (day,), kept))
    return found


def write_absences(path: Path, calendar: SchoolCalendar | None = None) -> Path:
    """The absences file for ``gemist simulate``: each date's register as first delivered."""
    with path.open("w", encoding="utf-8", newline="") as file:
        out = csv.writer(file)
        out.writerow(["pupil_id", "date", "half_day", "code", "expected_return", "note"])
        for pupil, date, half, code, expected, note, _line in absence_rows(calendar):
            out.writerow(
                [pupil, date.isoformat(), half, code, expected.isoformat() if expected else "",
                 note or ""]
            )  # fmt: skip
    return path


@dataclass(frozen=True, slots=True)
class Reply:
    """A scripted answer, one row of simulate's replies file (docs/contracts.md).

    ``answer`` is a quick-reply key (the person taps that button under the last message about
    ``pupil_id``) or free text (the person types it).
    """

    at: dt.datetime
    sender_role: str  # pupil or guardian
    sender_id: str
    pupil_id: str
    answer: str

    @property
    def is_tap(self) -> bool:
        return self.answer in _KEYS or self.answer.startswith("return:")


_KEYS = frozenset(
    {
        "sick",
        "not_good",
        "want_to_talk",
        "rather_not_say",
        "at_school",
        "will_contact_school",
        "want_a_call",
        "informed_school",
        "did_not_know",
    }
)


def _at(day: str, clock: str) -> dt.datetime:
    return dt.datetime.combine(_date(day), dt.time.fromisoformat(clock), tzinfo=TZ)


REPLIES = (
    Reply(_at("11-16", "10:42"), "pupil", "P0002", "P0002", "sick"),
    Reply(_at("11-16", "13:05"), "guardian", "G004", "P0002", "will_contact_school"),
    Reply(_at("11-17", "10:51"), "guardian", "G005", "P0003", "sick"),
    Reply(_at("11-17", "11:20"), "pupil", "P0012", "P0012", "sick"),
    Reply(_at("11-18", "11:05"), "pupil", "P0023", "P0023", "want_to_talk"),
    Reply(
        _at("11-19", "13:10"),
        "guardian",
        "G020",
        "P0014",
        "السلام عليكم، كان آدم عند طبيب الأسنان صباح اليوم وبقي في البيت بعد ذلك. "
        "سيعود إلى المدرسة غدًا. شكرًا لكم.",
    ),
    Reply(_at("11-26", "10:48"), "pupil", "P0020", "P0020", "at_school"),
    Reply(
        _at("11-26", "10:50"),
        "pupil",
        "P0020",
        "P0020",
        "Huh? Ik was er wel vandaag, ik zat gewoon in de wiskundeles.",
    ),
)


@dataclass(frozen=True, slots=True)
class StaffTap:
    """A staff member taps ``key`` under the last message about ``pupil_id`` (not in simulate's
    replies file, which has pupils and guardians only; the demo's bot handles them)."""

    at: dt.datetime
    staff_id: str
    pupil_id: str
    key: str


BY_EMAIL = ("G004", "G029")
"""Parents without Telegram: they never open their invitation, and the school has their e-mail
address, so Gemist writes to them by e-mail. Karim (Yasmine's father, French) answers from his
mail with a link; Sarah (Ruben's mother) gets every step of Ruben's ladder by e-mail while his
father Kristof reads it in his chat."""

MOMENTS = (("G030", "evening"),)
"""Parents who choose, right after linking, the part of the day for the school's messages:
Kristof, Ruben's father, works days and prefers them after 16:00 (``/momenten``)."""

STAFF_TAPS = (
    # Hanne talked with Maksym first; then she lets the gentle notice go to his mother.
    StaffTap(_at("11-18", "14:10"), "S03", "P0023", "send_notice"),
    StaffTap(_at("11-24", "16:02"), "S06", "P0012", "ack"),
)


@dataclass(frozen=True, slots=True)
class Expected:
    """A message the scenario is there to show: ``kind`` to ``recipient_id`` about
    ``pupil_id`` on ``date``, with ``phrase`` in its text (the template the engine chose)."""

    kind: str
    pupil_id: str
    recipient_id: str
    date: dt.date
    phrase: str
    why: str
    simulated: bool = True
    """Whether ``gemist simulate`` shows it too: not what follows a staff member's tap or the
    afternoon's correction, which only the demo's bot plays."""


EXPECTED = (
    Expected("pupil_checkin", "P0002", "P0002", _date("11-16"), "Hoi Yasmine",
             "absent one day, not explained: Yasmine first; she answers 'sick'"),
    Expected("guardian_notice", "P0002", "G003", _date("11-16"), "of alles goed gaat",
             "her parents two hours on, softened by her answer (Arabic and French)"),
    Expected("guardian_notice", "P0003", "G005", _date("11-17"), "we kennen de reden nog niet",
             "Emir is 11: his mother at once, in Turkish; she answers 'sick'"),
    Expected("guardian_care", "P0012", "G018", _date("11-19"), "Hamid",
             "Hamid's long illness: a caring word on its third school day, in Pashto"),
    Expected("teacher_welcome", "P0012", "S06", _date("11-24"), "Hamid",
             "Hamid is expected back on Wednesday 25: his teachers the day before"),
    Expected("coordinator_nudge", "P0023", "S03", _date("11-18"), "praten",
             "Maksym taps 'Ik wil even praten': his spilfiguur is nudged at once, and the "
             "notice to his mother waits for her"),
    Expected("guardian_notice", "P0023", "G031", _date("11-18"), "of alles goed gaat",
             "Hanne taps 'Toch naar de ouders sturen': the gentle notice, in Ukrainian",
             simulated=False),
    Expected("coordinator_nudge", "P0022", "S03", _date("11-23"), "CLB",
             "Ruben's fifth problematic half-day: involve the CLB"),
    Expected("coordinator_nudge", "P0022", "S03", _date("11-23"), "4 korte afwezigheden",
             "his fourth short absence in two weeks, the same morning: a line of that one "
             "message, not a second one"),
    Expected("guardian_notice", "P0014", "G020", _date("11-19"), "Adam",
             "Adam's mother is asked, and answers in her own words (Arabic free text)"),
    Expected("coordinator_nudge", "P0020", "S07", _date("11-26"), "registratie na",
             "Kacper taps 'Ik ben wel op school': the notice to his mother is held, and his "
             "spilfiguur is asked to check the register"),
    Expected("pupil_correction", "P0020", "P0020", _date("11-26"), "foutje",
             "the register is corrected that afternoon: an apology to Kacper, and his "
             "mother never hears of it", simulated=False),
)  # fmt: skip


def write_replies(path: Path, replies: Iterable[Reply] = REPLIES) -> Path:
    """The replies file for ``gemist simulate --replies``."""
    with path.open("w", encoding="utf-8", newline="") as file:
        out = csv.writer(file)
        out.writerow(["at", "sender_role", "sender_id", "pupil_id", "answer"])
        for reply in replies:
            out.writerow(
                [reply.at.isoformat(), reply.sender_role, reply.sender_id, reply.pupil_id,
                 reply.answer]
            )  # fmt: skip
    return path


def write_roster(
    folder: Path,
    chats: dict[tuple[str, str], int] | None = None,
    *,
    email_only: Iterable[str] = (),
) -> Path:
    """A copy of the roster in ``folder``; with ``chats`` (``(role, id)`` to chat id, see
    :func:`bot.demo.people.chat_id`), each person's Telegram chat filled in, as after everyone
    redeemed their invitation (what ``gemist simulate`` needs to reach them). The guardians (and
    pupils) of ``email_only`` have no Telegram chat in the copy (:data:`BY_EMAIL`; everyone but
    the staff when the families are on Smartschool)."""
    no_chat = frozenset(email_only)
    folder.mkdir(parents=True, exist_ok=True)
    roles = {"pupils.csv": ("pupil", "pupil_id"), "guardians.csv": ("guardian", "guardian_id"),
             "staff.csv": ("staff", "staff_id")}  # fmt: skip
    for name in ROSTER_FILES:
        text = (ROSTER / name).read_text(encoding="utf-8")
        delimiter = ";" if ";" in text.splitlines()[0] else ","
        rows = list(csv.DictReader(text.splitlines(), delimiter=delimiter))
        if chats is not None and name in roles:
            role, column = roles[name]
            for row in rows:
                chat = chats.get((role, row[column]))
                row["telegram"] = str(chat) if chat is not None else ""
        if name in ("guardians.csv", "pupils.csv"):
            column = roles[name][1]
            for row in rows:
                if row[column] in no_chat:
                    row["telegram"] = ""
        with (folder / name).open("w", encoding="utf-8", newline="") as file:
            out = csv.DictWriter(file, fieldnames=list(rows[0]), delimiter=delimiter)
            out.writeheader()
            out.writerows(rows)
    return folder

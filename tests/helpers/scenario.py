"""A tiny school on disk for ``gemist simulate`` scenarios (tests/bot/test_scenarios.py).

The roster has one coordinator (spilfiguur ``S01``, every pupil's by default), one without any
channel (``S02``), two teachers of class ``3A`` (``T01``, ``T02``) and one of class ``1B``
(``T03``); everybody on staff but ``S02`` has an e-mail address. Pupils
and guardians are given per scenario with :class:`Kid` and :class:`Parent`; ages are counted on
Monday 19 October 2026, the first day of the replay.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from scheduler.calendar import SchoolCalendar

__all__ = [
    "COORDINATOR",
    "FIRST_DAY",
    "Kid",
    "Parent",
    "absent",
    "chat",
    "linked",
    "write_absences",
    "write_replies",
    "write_roster",
]

FIRST_DAY = dt.date(2026, 10, 19)
COORDINATOR = "S01"
_CALENDAR = SchoolCalendar()


def chat(person_id: str) -> int:
    """The Telegram chat linked for ``person_id``: a number of its own for each id.

    The people of these schools who can be reached have an e-mail address *and* a linked chat:
    the address is what their messages sign with, the chat is how they are reached, since only a
    channel with a plug-in (Telegram, today) delivers anything, in ``gemist run`` and in the
    replay alike."""
    return int(person_id.encode().hex(), 16)


def linked(roster: Path, into: Path) -> Path:
    """A copy of the roster folder ``roster`` in ``into`` where everyone with an e-mail address
    also has a linked Telegram chat (:func:`chat`): a school a replay can deliver to, since only
    a channel with a plug-in delivers."""
    return _rewritten(
        roster,
        into,
        lambda row, key: row["telegram"] or (str(chat(row[key])) if row["email"] else ""),
    )


def unlinked(roster: Path, into: Path) -> Path:
    """A copy of the roster folder ``roster`` in ``into`` without any linked Telegram chat:
    its people can be reached only on their e-mail addresses, if at all."""
    return _rewritten(roster, into, lambda _row, _key: "")


def _rewritten(roster: Path, into: Path, telegram: Callable[[dict[str, str], str], str]) -> Path:
    """A copy of ``roster`` whose ``telegram`` column is ``telegram(row, id column)``."""
    shutil.copytree(roster, into)
    for name, key in (("pupils", "pupil_id"), ("guardians", "guardian_id"), ("staff", "staff_id")):
        path = into / f"{name}.csv"
        text = path.read_text(encoding="utf-8-sig")
        delimiter = ";" if text.splitlines()[0].count(";") else ","
        rows = list(csv.DictReader(text.splitlines(), delimiter=delimiter))
        for row in rows:
            row["telegram"] = telegram(row, key)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, list(rows[0]), delimiter=delimiter)
            writer.writeheader()
            writer.writerows(rows)
    return into


STAFF = (
    "staff_id,role,first_name,last_name,email,language,telegram\n"
    "S01,coordinator,Hanne,Verstraete,hanne@example.org,nl,3001\n"
    "S02,coordinator,Koen,Peeters,,nl,\n"
    "T01,teacher,Tom,Claes,tom@example.org,nl,3002\n"
    "T02,teacher,Els,Maes,els@example.org,nl,3003\n"
    "T03,teacher,Ann,Wouters,ann@example.org,nl,3004\n"
)
TEACHING = "staff_id,class,role\nT01,3A,titularis\nT02,3A,teacher\nT03,1B,titularis\n"


@dataclass(frozen=True, slots=True)
class Kid:
    """A pupil: ``age`` in whole years on :data:`FIRST_DAY`; ``chat`` False: no channel (no
    linked Telegram chat)."""

    pupil_id: str
    age: int = 14
    class_name: str = "3A"
    chat: bool = True
    language: str = "nl"
    consent: str = ""  # guardian_consent, for pupils of 18 or older
    spilfiguur: str = COORDINATOR

    def birth_date(self) -> dt.date:
        # Born in spring: the age does not change during the autumn replay.
        return dt.date(FIRST_DAY.year - self.age, 3, 15)


@dataclass(frozen=True, slots=True)
class Parent:
    """A guardian of one pupil (one row of guardians.csv); ``chat`` False: only an e-mail
    address, no linked Telegram chat."""

    guardian_id: str
    pupil_id: str
    may_contact: bool = True
    language: str = "nl"
    chat: bool = True


def write_roster(folder: Path, kids: Sequence[Kid], parents: Sequence[Parent]) -> Path:
    """The four roster files in ``folder``; returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    pupils = ["pupil_id;first_name;last_name;birth_date;class;language;spilfiguur;"
              "guardian_consent;email;telegram"]  # fmt: skip
    for number, kid in enumerate(kids):
        chat = str(1_000 + number) if kid.chat else ""
        pupils.append(
            f"{kid.pupil_id};Kind{kid.pupil_id};Test;{kid.birth_date().isoformat()};"
            f"{kid.class_name};{kid.language};{kid.spilfiguur};{kid.consent};;{chat}"
        )
    guardians = ["guardian_id;pupil_id;first_name;last_name;relation;language;email;phone;"
                 "may_contact;telegram"]  # fmt: skip
    chats = {key: 2_000 + n for n, key in enumerate(dict.fromkeys(p.guardian_id for p in parents))}
    for parent in parents:
        guardians.append(
            f"{parent.guardian_id};{parent.pupil_id};Ouder{parent.guardian_id};Test;moeder;"
            f"{parent.language};{parent.guardian_id.lower()}@example.org;;"
            f"{'yes' if parent.may_contact else 'no'};"
            f"{chats[parent.guardian_id] if parent.chat else ''}"
        )
    (folder / "pupils.csv").write_text("\n".join(pupils) + "\n", encoding="utf-8")
    (folder / "guardians.csv").write_text("\n".join(guardians) + "\n", encoding="utf-8")
    (folder / "staff.csv").write_text(STAFF, encoding="utf-8")
    (folder / "teaching.csv").write_text(TEACHING, encoding="utf-8")
    return folder


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text if len(text) == 10 else f"2026-{text}")


def absent(
    pupil_id: str, days: str, code: str = "B", *, expected_return: str = "", half: str = ""
) -> list[str]:
    """Feed rows: every lesson half-day of ``days`` (``"10-19 10-20"``, or a range
    ``"10-19..10-23"`` of its school days), or only ``half`` (``am``/``pm``) of each."""
    dates: list[dt.date] = []
    for part in days.split():
        if ".." in part:
            first, last = (_day(text) for text in part.split(".."))
            dates += list(_CALENDAR.school_days(first, last))
        else:
            dates.append(_day(part))
    back = _day(expected_return).isoformat() if expected_return else ""
    rows = []
    for when in dates:
        halves = [half] if half else [str(h) for h in _CALENDAR.half_days(when)]
        rows += [f"{pupil_id},{when.isoformat()},{h},{code},{back}," for h in halves]
    return rows


def write_absences(path: Path, rows: Iterable[str]) -> Path:
    lines = ["pupil_id,date,half_day,code,expected_return,note", *rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_replies(path: Path, rows: Iterable[str]) -> Path:
    """Rows ``at,sender_role,sender_id,pupil_id,answer`` (``at`` in local time)."""
    lines = ["at,sender_role,sender_id,pupil_id,answer", *rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

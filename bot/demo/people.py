"""The demo school's people, each with the Telegram chat the demo gives them.

Read from the roster files themselves (not from the database), so the demo can register
everyone with the local Bot API server (``LocalBotApi.add_user(chat_id, first_name,
language_code=lang)``) before the roster is imported, and label the transcripts afterwards.
Chat ids are fixed per person, so two runs of the demo give the same transcripts.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from bot.demo.events import Recipient
from bot.demo.school import ROSTER
from integrations.csv.const import YES_NO

__all__ = ["ROLE_WORDS", "Person", "chat_id", "chats", "people"]

_CHAT_BASE = {"pupil": 7_100_000_000, "guardian": 7_200_000_000, "staff": 7_300_000_000}
ROLE_WORDS = {
    "pupil": "leerling",
    "guardian": "ouder",
    "teacher": "leerkracht",
    "coordinator": "zorgcoördinator",
    "clb": "CLB-medewerker",
    "direction": "directie",
}
"""The roster's roles in the words a Flemish school uses."""


def chat_id(role: str, person_id: str) -> int:
    """The demo's chat for a person: ``role`` is ``pupil``, ``guardian`` or ``staff``."""
    digits = re.sub(r"\D", "", person_id)
    return _CHAT_BASE[role] + int(digits or 0)


@dataclass(frozen=True, slots=True)
class Person:
    """Someone on the roster. ``role`` is the invitation's (``pupil``, ``guardian``,
    ``staff``), ``title`` their role in Dutch (``leerling``, ``moeder``, ``leerkracht``),
    ``pupil_ids`` the pupils a guardian is linked to (a teacher's or coordinator's: none)."""

    role: str
    person_id: str
    first_name: str
    last_name: str
    lang: str
    title: str
    detail: str
    pupil_ids: tuple[str, ...] = ()
    email: str = ""
    """The address on the roster (empty when there is none)."""

    @property
    def chat_id(self) -> int:
        return chat_id(self.role, self.person_id)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def recipient(self) -> Recipient:
        return Recipient(
            self.chat_id, self.name, self.title, self.lang, self.detail, self.person_id
        )


def _rows(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if ";" in text.splitlines()[0] else ","
    return [
        {key: (value or "").strip() for key, value in row.items()}
        for row in csv.DictReader(text.splitlines(), delimiter=delimiter)
    ]


def people(roster: Path = ROSTER) -> list[Person]:
    """Pupils, then guardians (one per person, with the pupils the school may contact them
    about; none: not in the demo, as ``gemist invite`` invites nobody about no child), then
    staff."""
    found: list[Person] = []
    names: dict[str, str] = {}
    for row in _rows(roster / "pupils.csv"):
        names[row["pupil_id"]] = row["first_name"]
        found.append(
            Person("pupil", row["pupil_id"], row["first_name"], row["last_name"],
                   row["language"] or "nl", ROLE_WORDS["pupil"], row["class"],
                   (row["pupil_id"],), row.get("email", ""))
        )  # fmt: skip
    guardians: dict[str, tuple[dict[str, str], list[str]]] = {}
    for row in _rows(roster / "guardians.csv"):
        # The school may not contact this guardian about this child: no invitation names it.
        if YES_NO.get(row.get("may_contact", "").lower()) is False:
            continue
        guardians.setdefault(row["guardian_id"], (row, []))[1].append(row["pupil_id"])
    for guardian_id, (row, pupils) in guardians.items():
        children = " en ".join(names.get(pupil, pupil) for pupil in pupils)
        found.append(
            Person("guardian", guardian_id, row["first_name"], row["last_name"],
                   row["language"] or "nl", row["relation"] or ROLE_WORDS["guardian"],
                   f"van {children}", tuple(pupils), row.get("email", ""))
        )  # fmt: skip
    classes: dict[str, list[str]] = {}
    for row in _rows(roster / "teaching.csv"):
        if row.get("role") == "titularis":
            classes.setdefault(row["staff_id"], []).append(row["class"])
    for row in _rows(roster / "staff.csv"):
        titularis = classes.get(row["staff_id"])
        detail = f"titularis {', '.join(titularis)}" if titularis else ""
        found.append(
            Person("staff", row["staff_id"], row["first_name"], row["last_name"],
                   row["language"] or "nl", ROLE_WORDS.get(row["role"], row["role"]), detail,
                   (), row.get("email", ""))
        )  # fmt: skip
    return found


def chats(everyone: list[Person] | None = None) -> dict[tuple[str, str], int]:
    """``(role, id)`` to chat id, for :func:`bot.demo.school.write_roster`."""
    return {(person.role, person.person_id): person.chat_id for person in everyone or people()}

"""A school's roster as its Smartschool knows it: a :class:`~integrations.abc.RosterSource`.

What is read, and with which calls (the fewest the webservices allow):

- the classes: ``getAllGroupsAndClasses`` (one call: the whole tree; official groups are
  classes);
- the pupils: ``getAllAccountsExtended`` on each top group that holds classes ("Leerlingen"),
  recursively (usually one call). A pupil is an account with ``basisrol`` 1 in an official
  class; ``pupil_id`` is the internal number (the key of the absences), the username (or the
  internal number, as the school identifies users) is the pupil's Smartschool inbox;
- the parents: the co-accounts 1-6 of each pupil. Smartschool's account lists carry them
  (``voornaam_coaccount1``, ``type_coaccount1``, ``email_coaccount1``, ...); when a school's
  lists leave them out, ``getUserDetails`` is asked per pupil, within the client's limit on
  calls at once. A co-account becomes a guardian with the id ``<internal number>#<n>``: stable
  across syncs while the school keeps the parent in the same slot, and one inbox per child,
  which is where Smartschool delivers (``jan.peeters#2``);
- the class teachers: ``getClassTeachers`` (one call): staff, and a ``titularis`` assignment.

What Smartschool does not know stays as stored (:attr:`RosterSnapshot.kept`): a pupil's or a
parent's language (Dutch for a new one; a parent chooses theirs with /taal), a pupil's
spilfiguur (for a pupil without one, the school's ``spilfiguren`` mapping of class to staff
id fills it in), a pupil's consent, a staff member's role (a teacher who is the care
coordinator stays one). The staff list is not the whole staff (:attr:`RosterSnapshot.additive`):
a sync makes nobody inactive there, so the care coordinators imported from a file stay. The
teaching list speaks for titularissen only. The contacts follow Smartschool on the channels it
states: every person's inbox, a parent's e-mail address and phone number.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from integrations.abc import (
    GuardianRecord,
    PupilRecord,
    RosterSnapshot,
    RosterSource,
    RowReject,
    StaffRecord,
    TeachingRecord,
)
from integrations.csv.values import ValueProblem, check_visible, excerpt, parse_email
from integrations.smartschool import addresses
from integrations.smartschool._answers import SmartschoolGroup
from integrations.smartschool.client import SmartschoolClient
from integrations.smartschool.exceptions import SmartschoolUnknownUser
from integrations.smartschool.settings import Identifier

__all__ = [
    "CO_ACCOUNTS",
    "PARTS",
    "SmartschoolRosterSource",
    "co_accounts",
    "relation",
]

PUPIL_ROLE = "1"
CO_ACCOUNTS = range(1, 7)
PARTS = {
    "pupils": "smartschool:pupils",
    "guardians": "smartschool:guardians",
    "staff": "smartschool:staff",
    "teaching": "smartschool:teaching",
}
"""Where each part comes from, as the report names it."""
CHANNELS: Mapping[str, tuple[str, ...]] = {
    "pupils": ("smartschool",),
    "guardians": ("email", "phone", "smartschool"),
    "staff": ("smartschool",),
}
"""The contact channels a Smartschool roster states per part."""
KEPT: Mapping[str, frozenset[str]] = {
    "pupils": frozenset({"language", "spilfiguur", "guardian_consent"}),
    "guardians": frozenset({"language"}),
    "staff": frozenset({"role", "language"}),
}
TITULARIS = "titularis"
ID_MAX = 64
NAME_MAX = 100
PHONE_MAX = 32
RELATION_MAX = 50
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_COACCOUNT_KEY = re.compile(r"^(?:voornaam|naam|type|email)_coaccount[1-6]$")

RELATIONS: Mapping[str, str | None] = {
    "moeder": "moeder",
    "mama": "moeder",
    "vader": "vader",
    "papa": "vader",
    "voogd": "voogd",
    "voogdes": "voogd",
    "stiefmoeder": "plusmoeder",
    "plusmoeder": "plusmoeder",
    "stiefvader": "plusvader",
    "plusvader": "plusvader",
    "pleegmoeder": "pleegmoeder",
    "pleegvader": "pleegvader",
    "grootmoeder": "grootmoeder",
    "oma": "grootmoeder",
    "grootvader": "grootvader",
    "opa": "grootvader",
    "andere": None,
    "ander": None,
    "overige": None,
    "onbekend": None,
    "0": None,
    "": None,
}
"""Smartschool's co-account types (the school's own words, "Moeder") as Gemist's relations
(the lower-case Dutch word the roster files use); a type not listed is kept in lower case."""


def relation(text: str) -> str | None:
    """The relation a co-account type stands for; None for "other" or none."""
    word = " ".join(text.split()).lower()
    if word in RELATIONS:
        return RELATIONS[word]
    return word[:RELATION_MAX]


@dataclass(frozen=True, slots=True)
class CoAccount:
    """One filled-in co-account slot of a pupil's account."""

    number: int
    first_name: str
    last_name: str
    relation: str | None
    email: str
    phone: str


def _text(value: Any) -> str:
    """A field's text: Smartschool sends an empty slot's type as the number 0."""
    if isinstance(value, str):
        return value.strip()
    if value is None or value is False or value == 0:
        return ""
    return str(value).strip()


def _lower_keys(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The entry with lower-case keys (Smartschool's casing differs between schools)."""
    return {str(key).lower(): value for key, value in entry.items()}


def carries_co_accounts(entries: list[dict[str, Any]]) -> bool:
    """Whether an account list holds the co-account fields (then no getUserDetails is needed)."""
    return any(_COACCOUNT_KEY.match(str(key).lower()) for entry in entries for key in entry)


def co_accounts(entry: Mapping[str, Any]) -> list[CoAccount]:
    """The co-account slots that are filled in, in slot order."""
    fields = _lower_keys(entry)
    found = []
    for n in CO_ACCOUNTS:

        def get(name: str, n: int = n) -> str:
            return _text(fields.get(f"{name}_coaccount{n}"))

        first, last, email = get("voornaam"), get("naam"), get("email")
        phone = get("mobielnummer") or get("telefoonnummer")
        if first or last or email or phone:
            found.append(CoAccount(n, first, last, relation(get("type")), email, phone))
    return found


@dataclass
class _Read:
    """What a sync has read so far: the records, and the rows, rejects and warnings per part."""

    pupils: list[PupilRecord] = field(default_factory=list)
    guardians: list[GuardianRecord] = field(default_factory=list)
    staff: list[StaffRecord] = field(default_factory=list)
    teaching: list[TeachingRecord] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PARTS.values(), 0))
    rejects: list[RowReject] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def reject(self, part: str, where: str, reason: str) -> None:
        self.rejects.append(RowReject(PARTS[part], None, where, reason))


class SmartschoolRosterSource(RosterSource):
    """A school's roster from its Smartschool webservices, through ``client``.

    ``identifier``: how the school's Smartschool names a user in ``userIdentifier`` (its
    webservices setting), for the inbox addresses and ``getUserDetails``. ``spilfiguren``: the
    staff id of the spilfiguur per class name, for pupils who have none yet.
    """

    def __init__(
        self,
        client: SmartschoolClient,
        *,
        identifier: Identifier = Identifier.USERNAME,
        spilfiguren: Mapping[str, str] | None = None,
    ) -> None:
        self.name = "smartschool:roster"
        self._client = client
        self._identifier = identifier
        self._spilfiguren = dict(spilfiguren or {})

    async def snapshot(self) -> RosterSnapshot:
        groups = await self._client.all_groups_and_classes()
        classes = {g.code: g for g in groups if g.official}
        entries = await self._accounts(groups, classes)
        read = _Read()
        pupils = self._pupils(entries, classes, read)
        if carries_co_accounts(entries):
            details = {number: entry for number, (entry, _inbox) in pupils.items()}
        else:
            details = await self._user_details(pupils, read)
        self._guardians(pupils, details, read)
        self._teachers(await self._client.class_teachers(), classes, read)
        return RosterSnapshot(
            pupils=read.pupils,
            guardians=read.guardians,
            staff=read.staff,
            teaching=read.teaching,
            rejects=read.rejects,
            rows=read.rows,
            locations=dict(PARTS),
            warnings=read.warnings,
            channels=CHANNELS,
            kept=KEPT,
            additive=frozenset({"staff"}),
            teaching_roles=frozenset({TITULARIS}),
        )

    async def _accounts(
        self, groups: list[SmartschoolGroup], classes: Mapping[str, SmartschoolGroup]
    ) -> list[dict[str, Any]]:
        """The accounts of every top group that holds a class, each account once."""
        parents = {g.code: g.parent for g in groups}
        tops: list[str] = []
        for code in classes:
            top = code
            while parents.get(top):
                top = parents[top] or top
            if top not in tops:
                tops.append(top)
        seen: set[str] = set()
        entries: list[dict[str, Any]] = []
        for top in tops:
            for entry in await self._client.all_accounts_extended(top, recursive=True):
                fields = _lower_keys(entry)
                key = _text(fields.get("internnummer")) or _text(fields.get("gebruikersnaam"))
                if key and key in seen:
                    continue
                seen.add(key)
                entries.append(entry)
        return entries

    def _inbox(self, fields: Mapping[str, Any]) -> str | None:
        """The account's userIdentifier under the school's setting, or None if unusable."""
        key = "gebruikersnaam" if self._identifier == Identifier.USERNAME else "internnummer"
        try:
            return addresses.address(_text(fields.get(key)))
        except ValueError:
            return None

    def _pupils(
        self,
        entries: list[dict[str, Any]],
        classes: Mapping[str, SmartschoolGroup],
        read: _Read,
    ) -> dict[str, tuple[dict[str, Any], str | None]]:
        """The pupil records; returns, per pupil id, its account entry and inbox."""
        listed: dict[str, tuple[dict[str, Any], str | None]] = {}
        classless: list[str] = []
        for entry in entries:
            fields = _lower_keys(entry)
            if _text(fields.get("basisrol")) != PUPIL_ROLE:
                continue
            read.rows[PARTS["pupils"]] += 1
            number = _text(fields.get("internnummer"))
            username = _text(fields.get("gebruikersnaam"))
            where = f"pupil {number}" if number else f"account {excerpt(username)}"
            class_name = self._class_of(fields, classes)
            try:
                pupil_id = _checked(number, "internnummer", ID_MAX)
                first = _checked(_text(fields.get("voornaam")), "voornaam", NAME_MAX)
                last = _checked(_text(fields.get("naam")), "naam", NAME_MAX)
                born = _birth_date(_text(fields.get("geboortedatum")))
            except ValueProblem as problem:
                read.reject("pupils", where, str(problem))
                continue
            if class_name is None:
                classless.append(pupil_id)
                continue
            inbox = self._inbox(fields)
            if inbox is None:
                read.warnings.append(
                    f"{PARTS['pupils']}: pupil {pupil_id} has no usable Smartschool user "
                    "identifier; no Smartschool inbox for the pupil or the parents"
                )
            spilfiguur = self._spilfiguren.get(class_name)
            read.pupils.append(
                PupilRecord(
                    pupil_id, first, last, born, class_name, spilfiguur=spilfiguur,
                    smartschool=inbox,
                )
            )  # fmt: skip
            listed[pupil_id] = (entry, inbox)
        if classless:
            shown = ", ".join(classless[:5]) + (" ..." if len(classless) > 5 else "")
            read.warnings.append(
                f"{PARTS['pupils']}: {len(classless)} pupil account(s) in no official class "
                f"left out (internal numbers {shown}); a stored pupil among them is made "
                "inactive as having left"
            )
        unmapped = sorted({p.class_name for p in read.pupils} - self._spilfiguren.keys())
        if self._spilfiguren and unmapped:
            read.warnings.append(
                f"[smartschool] spilfiguren names no spilfiguur for class(es) "
                f"{', '.join(unmapped)}: their new pupils have none"
            )
        return listed

    @staticmethod
    def _class_of(fields: Mapping[str, Any], classes: Mapping[str, SmartschoolGroup]) -> str | None:
        """The name of the account's official class, or None."""
        groups = fields.get("groups")
        if not isinstance(groups, list):
            return None
        for group in groups:
            if not isinstance(group, dict):
                continue
            official = classes.get(_text(group.get("code")))
            if official is not None:
                return official.name.strip() or official.code
        return None

    async def _user_details(
        self, pupils: Mapping[str, tuple[dict[str, Any], str | None]], read: _Read
    ) -> dict[str, dict[str, Any]]:
        """``getUserDetails`` per pupil, as many at once as the client allows."""
        details: dict[str, dict[str, Any]] = {}

        async def one(pupil_id: str, inbox: str) -> None:
            try:
                details[pupil_id] = await self._client.user_details(inbox)
            except SmartschoolUnknownUser as err:
                read.reject(
                    "guardians", f"pupil {pupil_id}", f"{err}: its co-accounts stay as stored"
                )

        try:
            async with asyncio.TaskGroup() as group:  # the first failure cancels the others
                for pupil_id, (_entry, inbox) in pupils.items():
                    if inbox is not None:
                        group.create_task(one(pupil_id, inbox))
                    else:  # nothing to ask getUserDetails with
                        reason = "no usable user identifier: its co-accounts stay as stored"
                        read.reject("guardians", f"pupil {pupil_id}", reason)
        except BaseExceptionGroup as failed:  # the first failure, as a call's own error
            raise failed.exceptions[0] from None
        return details

    def _guardians(
        self,
        pupils: Mapping[str, tuple[dict[str, Any], str | None]],
        details: Mapping[str, dict[str, Any]],
        read: _Read,
    ) -> None:
        """A guardian per filled-in co-account of each pupil."""
        for pupil_id, (_entry, inbox) in pupils.items():
            entry = details.get(pupil_id)
            if entry is None:
                continue
            for co in co_accounts(entry):
                read.rows[PARTS["guardians"]] += 1
                guardian_id = f"{pupil_id}#{co.number}"
                where = f"pupil {pupil_id}, co-account {co.number}"
                if not (co.first_name or co.last_name):
                    read.warnings.append(
                        f"{PARTS['guardians']}: {where} has no name in Smartschool; left out"
                    )
                    continue
                try:
                    first = _checked(co.first_name, "voornaam", NAME_MAX, required=False)
                    last = _checked(co.last_name, "naam", NAME_MAX, required=False)
                except ValueProblem as problem:
                    read.reject("guardians", where, str(problem))
                    continue
                email: str | None = None
                try:
                    email = parse_email(co.email)
                except ValueProblem as problem:
                    read.warnings.append(
                        f"{PARTS['guardians']}: {where}, e-mail {problem}; left out"
                    )
                read.guardians.append(
                    GuardianRecord(
                        guardian_id, pupil_id, first, last, "nl", relation=co.relation,
                        email=email, phone=co.phone[:PHONE_MAX] or None,
                        smartschool=None if inbox is None else addresses.address(inbox, co.number),
                    )
                )  # fmt: skip

    def _teachers(
        self,
        answer: list[dict[str, Any]],
        classes: Mapping[str, SmartschoolGroup],
        read: _Read,
    ) -> None:
        """Staff and ``titularis`` assignments from ``getClassTeachers``."""
        staff: dict[str, StaffRecord] = {}
        for record in answer:
            fields = _lower_keys(record)
            code = _text(fields.get("klascode"))
            group = classes.get(code)
            class_name = (
                (group.name.strip() or group.code) if group else _text(fields.get("klasnaam"))
            )
            titulars = fields.get("titularissen")
            if not class_name or not isinstance(titulars, list):
                read.reject(
                    "teaching", f"class {excerpt(code)}", "no class name or no titularissen"
                )
                continue
            for titular in titulars:
                if not isinstance(titular, dict):
                    continue
                read.rows[PARTS["teaching"]] += 1
                person = _lower_keys(titular)
                number = _text(person.get("internnummer"))
                named = number or excerpt(_text(person.get("gebruikersnaam")))
                where = f"class {class_name}, teacher {named}"
                try:
                    staff_id = _checked(number, "internnummer", ID_MAX)
                    first = _checked(_text(person.get("voornaam")), "voornaam", NAME_MAX)
                    last = _checked(_text(person.get("naam")), "naam", NAME_MAX)
                except ValueProblem as problem:
                    read.reject("teaching", where, str(problem))
                    continue
                if staff_id not in staff:
                    read.rows[PARTS["staff"]] += 1
                    staff[staff_id] = StaffRecord(
                        staff_id, first, last, "teacher", smartschool=self._inbox(person)
                    )
                read.teaching.append(TeachingRecord(staff_id, class_name, TITULARIS))
        read.staff.extend(staff.values())


def _checked(text: str, name: str, limit: int, *, required: bool = True) -> str:
    """``text`` if usable as this field; :class:`ValueProblem` saying why not."""
    if not text:
        if required:
            raise ValueProblem(f"{name} is empty in Smartschool")
        return text
    if len(text) > limit:
        raise ValueProblem(f"{name} {excerpt(text)} is longer than {limit} characters")
    try:
        return check_visible(text)
    except ValueProblem as problem:
        raise ValueProblem(f"{name} {problem}") from None


def _birth_date(text: str) -> dt.date:
    """Smartschool's ``geboortedatum`` (``2012-03-04``, or ``2012-3-4``)."""
    match = _DATE.fullmatch(text)
    if match is None:
        shown = excerpt(text) if text else "empty"
        raise ValueProblem(f"geboortedatum is {shown}: not a date (YYYY-MM-DD)")
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueProblem(f"geboortedatum {excerpt(text)} is not a date in the calendar") from None

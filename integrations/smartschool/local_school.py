"""The school a local Smartschool server holds, and its answers in Smartschool's JSON shapes.

Seed a :class:`School` with accounts (pupils, teachers), their co-accounts, groups and
classes, class teachers and the absence marks per date; :mod:`.local_server` serves it. The
shapes follow what public clients of the API read: account lists carry ``internnummer``,
``gebruikersnaam``, ``voornaam``, ``naam``, ``geboortedatum``, ``basisrol`` as a numeric
string and the class only among the account's ``groups``; user details, and the account lists
too as public clients read them from live schools, carry co-accounts 1-6 as
``<field>_coaccount<n>``, an empty slot's type as the number 0
(:attr:`School.co_accounts_in_lists` leaves them out of the lists, for a school whose answers
lack them); groups and classes come as a base64-encoded XML tree under the group of everyone
(``Iedereen``); absences are ``{"<id>": {"am": ..., "pm": ...}}`` where a letter
is the school's own absence code, ``"|"`` present and ``null`` nothing registered.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

__all__ = ["PUPIL", "TEACHER", "Account", "CoAccount", "Group", "School"]

PUPIL = "1"
TEACHER = "2"


@dataclass(frozen=True, slots=True)
class CoAccount:
    """A co-account (a parent or another guardian) of an account, numbered 1-6."""

    number: int
    first_name: str
    last_name: str
    relation: str  # as the school typed it: "Moeder", "Vader", "Voogd", ...
    email: str = ""
    mobile: str = ""


@dataclass(slots=True)
class Account:
    """A Smartschool account: a pupil (``basisrol`` "1") or a member of staff."""

    internal_number: str
    username: str
    first_name: str
    last_name: str
    user_id: str = ""  # Smartschool's own id, the key of getAbsentsByDate
    birth_date: str = ""
    basisrol: str = PUPIL
    groups: list[str] = field(default_factory=list)  # codes of its groups and its class
    co_accounts: list[CoAccount] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Group:
    """A group, or an official class (``official``), under ``parent`` (a group code)."""

    code: str
    name: str
    official: bool = False
    parent: str | None = None


@dataclass(slots=True)
class School:
    """Everything the server knows; tests change it between calls to play the school's part."""

    accounts: list[Account] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    class_teachers: dict[str, list[str]] = field(default_factory=dict)  # class → usernames
    absences: dict[str, dict[str, tuple[str | None, str | None]]] = field(default_factory=dict)
    identify_by: str = "username"  # the school setting: "username" or "internal_number"
    co_accounts_in_lists: bool = True  # getAllAccountsExtended carries the co-account fields

    def find(self, identifier: str) -> Account | None:
        """The account ``identifier`` names under the school's setting."""
        for account in self.accounts:
            key = account.username if self.identify_by == "username" else account.internal_number
            if key == identifier:
                return account
        return None

    def group(self, code: str) -> Group | None:
        """The group or class with ``code``."""
        return next((g for g in self.groups if g.code == code), None)

    def members(self, code: str, *, recursive: bool) -> list[Account]:
        """The accounts in group ``code`` (and its subgroups when ``recursive``)."""
        codes = {code}
        while recursive:
            below = {g.code for g in self.groups if g.parent in codes} - codes
            if not below:
                break
            codes |= below
        return [a for a in self.accounts if codes & set(a.groups)]

    # -- answers in Smartschool's shapes -------------------------------------------------

    def absences_on(self, date: str, *, key: str) -> dict[str, dict[str, str | None]]:
        """The marks of ``date`` keyed by ``internal_number`` or ``user_id``."""
        by_number = {a.internal_number: a for a in self.accounts}
        marks: dict[str, dict[str, str | None]] = {}
        for number, (am, pm) in self.absences.get(date, {}).items():
            account = by_number.get(number)
            ident = number if key == "internal_number" or account is None else account.user_id
            marks[ident] = {"am": am, "pm": pm}
        return marks

    def account_record(self, account: Account) -> dict[str, Any]:
        """One entry of ``getAllAccountsExtended``."""
        record = self._account_fields(account)
        if self.co_accounts_in_lists:
            record.update(self._co_account_fields(account))
        return record

    def _account_fields(self, account: Account) -> dict[str, Any]:
        return {
            "internnummer": account.internal_number,
            "gebruikersnaam": account.username,
            "voornaam": account.first_name,
            "naam": account.last_name,
            "geboortedatum": account.birth_date,
            "basisrol": account.basisrol,
            "groups": [self.group_record(g) for c in account.groups if (g := self.group(c))],
        }

    def group_tree(self) -> str:
        """The ``getAllGroupsAndClasses`` answer: a base64-encoded XML tree under "Iedereen"."""
        root = ET.Element("groups")
        everyone = ET.SubElement(root, "group")
        self._group_fields(everyone, Group("", "Iedereen"))
        self._children(everyone, None)
        return base64.b64encode(ET.tostring(root, encoding="utf-8")).decode("ascii")

    def _children(self, element: ET.Element, parent: str | None) -> None:
        below = [g for g in self.groups if g.parent == parent]
        if below:
            children = ET.SubElement(element, "children")
            for group in below:
                node = ET.SubElement(children, "group")
                self._group_fields(node, group)
                self._children(node, group.code)

    @staticmethod
    def _group_fields(node: ET.Element, group: Group) -> None:
        fields = {
            "code": group.code,
            "name": group.name,
            "desc": group.name,
            "type": "K" if group.official else "G",
            "isOfficial": "1" if group.official else "0",
            "visible": "1",
        }
        for tag, text in fields.items():
            ET.SubElement(node, tag).text = text

    def group_record(self, group: Group) -> dict[str, Any]:
        """One group or class as the account lists carry it."""
        return {
            "code": group.code,
            "name": group.name,
            "isKlas": group.official,
            "parent": group.parent or "",
        }

    def user_details(self, account: Account) -> dict[str, Any]:
        """The ``getUserDetails`` answer: the account and its co-accounts 1-6."""
        return self._account_fields(account) | self._co_account_fields(account)

    @staticmethod
    def _co_account_fields(account: Account) -> dict[str, Any]:
        """Slots 1-6, an empty one with empty texts and the type 0 (as live answers send it)."""
        fields: dict[str, Any] = {}
        for n in range(1, 7):
            co = next((c for c in account.co_accounts if c.number == n), None)
            fields[f"voornaam_coaccount{n}"] = co.first_name if co else ""
            fields[f"naam_coaccount{n}"] = co.last_name if co else ""
            fields[f"type_coaccount{n}"] = co.relation if co else 0
            fields[f"email_coaccount{n}"] = co.email if co else ""
            fields[f"mobielnummer_coaccount{n}"] = co.mobile if co else ""
        return fields

    def teachers_record(self) -> list[dict[str, Any]]:
        """The ``getClassTeachers`` answer: per class, its titulars."""
        records = []
        for code, usernames in self.class_teachers.items():
            group = self.group(code)
            teachers = [a for u in usernames if (a := self._by_username(u))]
            records.append(
                {
                    "klasCode": code,
                    "klasNaam": group.name if group else code,
                    "titularissen": [
                        {
                            "gebruikersnaam": t.username,
                            "internnummer": t.internal_number,
                            "voornaam": t.first_name,
                            "naam": t.last_name,
                        }
                        for t in teachers
                    ],
                }
            )
        return records

    def _by_username(self, username: str) -> Account | None:
        return next((a for a in self.accounts if a.username == username), None)

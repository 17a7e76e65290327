"""Invitations: one-time codes that link a Telegram chat to a person of the roster.

A school prints a letter (or sends a link) per pupil, guardian or staff member; the link
``https://t.me/<bot>?start=<code>`` opens the bot, which receives ``/start <code>`` and links
that chat to that person (:func:`redeem`). A code

- is random: 32 URL-safe characters from :func:`secrets.token_urlsafe`, 192 bits, well within
  Telegram's 64 characters of ``[A-Za-z0-9_-]`` for a start parameter;
- is stored only as its SHA-256 (a copy of the database links nobody's chat);
- works once, until it expires (:data:`VALID_FOR` by default), and no longer once a newer
  invitation for the same person was made (reprinting a letter revokes the old one).

A guardian is invited only about the children they may be contacted about
(:func:`bot.consent.store.contactable`): a parent of two whose link to one says ``may_contact = no``
gets a code (and a letter) naming only the other, and a guardian who may be contacted about
none gets no code at all.

Someone who sends /stop is unlinked (:func:`stop`), and the chat's id is erased everywhere
Gemist kept it (the person's contact, now ``unsubscribed``; the invitation that linked it):
nothing ties that chat to anyone any more, so a later bare ``/start`` from it gets the
stranger's text, which says how to get a new code from the school.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col

from bot.consent.store import contactable
from bot.contacts import ContactState
from bot.contacts import store as contacts
from bot.models import (
    Contact,
    Guardian,
    Invitation,
    Pupil,
    SchoolClass,
    Staff,
    TeachingAssignment,
)
from bot.rules import Rules

__all__ = [
    "CODE_BYTES",
    "ROLES",
    "VALID_FOR",
    "Invited",
    "Linked",
    "Refused",
    "class_pupils",
    "create_invitations",
    "deep_link",
    "hash_code",
    "linked",
    "new_code",
    "redeem",
    "redeem_hash",
    "stop",
    "unlink",
]

CODE_BYTES = 24
"""Random bytes per code: 192 bits, 32 characters."""
VALID_FOR = dt.timedelta(days=30)
ROLES = ("pupil", "guardian", "staff")
_PEOPLE: dict[str, tuple[Any, Any]] = {
    "pupil": (Pupil, Pupil.pupil_id),
    "guardian": (Guardian, Guardian.guardian_id),
    "staff": (Staff, Staff.staff_id),
}
"""Per role: the roster table and its column of roster ids."""


def new_code() -> str:
    """A fresh invitation code: 32 URL-safe characters from the system's secure random source."""
    return secrets.token_urlsafe(CODE_BYTES)


def hash_code(code: str) -> str:
    """What the database keeps of a code."""
    return hashlib.sha256(code.encode()).hexdigest()


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


@dataclass(frozen=True, slots=True)
class Invited:
    """One invitation as ``gemist invite --json`` prints it (docs/contracts.md)."""

    role: str
    person_id: str
    first_name: str
    last_name: str
    pupil_ids: tuple[str, ...]
    lang: str
    code: str
    link: str
    expires_at: dt.datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "person_id": self.person_id,
            "pupil_ids": list(self.pupil_ids),
            "lang": self.lang,
            "code": self.code,
            "link": self.link,
            "expires_at": self.expires_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Linked:
    """A chat linked to a person: who, in which language, with what to greet them."""

    role: str  # pupil, guardian or staff
    person_id: int
    roster_id: str
    first_name: str
    lang: str
    school_id: str


class Refused(enum.StrEnum):
    """Why a code links nobody; the person is told the same friendly text for each."""

    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


async def create_invitations(
    engine: AsyncEngine,
    *,
    school_id: str,
    role: str,
    bot_username: str,
    now: dt.datetime,
    class_name: str | None = None,
    person_id: str | None = None,
    valid_for: dt.timedelta = VALID_FOR,
    rules: Rules | None = None,
    today: dt.date | None = None,
    codes: Callable[[], str] = new_code,
) -> list[Invited]:
    """A new code for every active person of ``role`` (of ``class_name``: its pupils, their
    guardians, its teachers; only the one with the roster id ``person_id``, when given),
    revoking their earlier unused ones. The codes are returned once and never stored.

    Each code is ``codes()``: :func:`new_code`, random, for every school. Only ``gemist demo``
    passes its own, made from a fixed seed, so that two of its runs show the same codes.

    A guardian's pupils are those they may be contacted about on ``today`` (default: the date
    of ``now``) under ``rules`` (default: :meth:`Rules.default`); a guardian with none is not
    invited."""
    if role not in ROLES:
        raise ValueError(f"no such role {role!r} (known: {', '.join(ROLES)})")
    expires = now + valid_for
    found: list[Invited] = []
    async with engine.begin() as conn:
        allowed = Rules.default() if rules is None else rules
        day = now.date() if today is None else today
        people = await _people(conn, school_id, role, class_name, (allowed, day))
        if person_id is not None:
            people = [person for person in people if person[1] == person_id]
        ids = [person[0] for person in people]
        if ids:
            await conn.execute(
                sa.update(Invitation)
                .where(
                    col(Invitation.role) == role,
                    col(Invitation.person_id).in_(ids),
                    col(Invitation.used_at).is_(None),
                    col(Invitation.revoked_at).is_(None),
                )
                .values(revoked_at=now)
            )
        rows = []
        for pk, roster_id, first, last, lang, pupils in people:
            code = codes()
            rows.append(
                {
                    "school_id": school_id,
                    "role": role,
                    "person_id": pk,
                    "code_hash": hash_code(code),
                    "created_at": now,
                    "expires_at": expires,
                }
            )
            found.append(
                Invited(
                    role=role,
                    person_id=roster_id,
                    first_name=first,
                    last_name=last,
                    pupil_ids=pupils,
                    lang=lang,
                    code=code,
                    link=deep_link(bot_username, code),
                    expires_at=expires,
                )
            )
        if rows:
            await conn.execute(sa.insert(Invitation), rows)
    return found


async def class_pupils(engine: AsyncEngine, school_id: str, class_name: str) -> int | None:
    """How many active pupils the class ``class_name`` has; None when there is no such class."""
    async with engine.connect() as conn:
        found = await conn.scalar(
            sa.select(col(SchoolClass.id)).where(
                col(SchoolClass.school_id) == school_id, col(SchoolClass.name) == class_name
            )
        )
        if found is None:
            return None
        count = await conn.scalar(
            sa.select(sa.func.count())
            .select_from(Pupil)
            .where(col(Pupil.class_id) == found, col(Pupil.active))
        )
    return int(count or 0)


async def _people(
    conn: AsyncConnection,
    school_id: str,
    role: str,
    class_name: str | None,
    consent: tuple[Rules, dt.date],
) -> list[tuple[int, str, str, str, str, tuple[str, ...]]]:
    """(id, roster id, first name, last name, language, pupil ids) of the role's people; a
    guardian's pupil ids are those ``consent`` (the rules, the day) allows contact about."""
    in_class = sa.select(col(SchoolClass.id)).where(
        col(SchoolClass.school_id) == school_id, col(SchoolClass.name) == class_name
    )
    if role == "pupil":
        query = sa.select(
            col(Pupil.id),
            col(Pupil.pupil_id),
            col(Pupil.first_name),
            col(Pupil.last_name),
            col(Pupil.language),
        ).where(col(Pupil.school_id) == school_id, col(Pupil.active))
        if class_name is not None:
            query = query.where(col(Pupil.class_id).in_(in_class))
        rows = await conn.execute(query.order_by(col(Pupil.pupil_id)))
        return [
            (int(pk or 0), rid, first, last, lang, (rid,)) for pk, rid, first, last, lang in rows
        ]
    if role == "guardian":
        chosen = None
        if class_name is not None:
            of_class = sa.select(col(Pupil.id)).where(col(Pupil.class_id).in_(in_class))
            chosen = set((await conn.execute(of_class)).scalars())
        pupils: dict[int, list[str]] = {}
        for link in await contactable(conn, *consent, school_id=school_id):
            if link.consent.allows and (chosen is None or link.pupil in chosen):
                pupils.setdefault(link.guardian, []).append(link.pupil_id)
        query = sa.select(
            col(Guardian.id),
            col(Guardian.guardian_id),
            col(Guardian.first_name),
            col(Guardian.last_name),
            col(Guardian.language),
        ).where(col(Guardian.school_id) == school_id, col(Guardian.active))
        rows = await conn.execute(query.order_by(col(Guardian.guardian_id)))
        return [
            (int(pk), rid, first, last, lang, tuple(pupils[pk]))
            for pk, rid, first, last, lang in rows
            if pk is not None and pk in pupils
        ]
    query = sa.select(
        col(Staff.id),
        col(Staff.staff_id),
        col(Staff.first_name),
        col(Staff.last_name),
        col(Staff.language),
    ).where(col(Staff.school_id) == school_id, col(Staff.active))
    if class_name is not None:
        query = query.where(
            col(Staff.id).in_(
                sa.select(col(TeachingAssignment.staff_id)).where(
                    col(TeachingAssignment.class_id).in_(in_class)
                )
            )
        )
    rows = await conn.execute(query.order_by(col(Staff.staff_id)))
    return [(int(pk or 0), rid, first, last, lang, ()) for pk, rid, first, last, lang in rows]


async def redeem(
    engine: AsyncEngine, code: str, chat_id: int, now: dt.datetime
) -> Linked | Refused:
    """Link ``chat_id`` to the person of ``code``, once; why not, otherwise."""
    async with engine.begin() as conn:
        return await redeem_hash(conn, hash_code(code), chat_id, now)


async def redeem_hash(
    conn: AsyncConnection, code_hash: str, chat_id: int, now: dt.datetime
) -> Linked | Refused:
    """:func:`redeem` in ``conn``'s transaction, by the code's hash (what the inbox keeps)."""
    row = (
        await conn.execute(
            sa.select(
                col(Invitation.id),
                col(Invitation.role),
                col(Invitation.person_id),
                col(Invitation.expires_at),
                col(Invitation.used_at),
                col(Invitation.revoked_at),
            ).where(col(Invitation.code_hash) == code_hash)
        )
    ).one_or_none()
    if row is None:
        return Refused.UNKNOWN
    invitation, role, person, expires_at, used_at, revoked_at = row
    if used_at is not None:
        return Refused.USED
    if revoked_at is not None or expires_at <= now:
        return Refused.EXPIRED
    taken = await conn.execute(
        sa.update(Invitation)
        .where(col(Invitation.id) == invitation, col(Invitation.used_at).is_(None))
        .values(used_at=now, chat_id=chat_id)
    )
    if not taken.rowcount:  # another chat used it a moment ago
        return Refused.USED
    return await _link(conn, role, person, chat_id, now)


async def _link(
    conn: AsyncConnection, role: str, person: int, chat_id: int, now: dt.datetime
) -> Linked | Refused:
    table, roster = _PEOPLE[role]
    found = (
        await conn.execute(
            sa.select(
                col(roster),
                col(table.first_name),
                col(table.language),
                col(table.school_id),
                col(table.active),
            ).where(col(table.id) == person)
        )
    ).one_or_none()
    if found is None:
        return Refused.EXPIRED
    # The person linked this chat with their own code: a contact they chose, which no roster
    # import undoes. (Linked also when they left the roster: the link is theirs, as before.)
    await contacts.link_chat(conn, found[3], role, person, chat_id, now, chosen=True)
    if not found[4]:
        return Refused.EXPIRED  # the person left the roster since the letter was printed
    return Linked(role, person, found[0], found[1], found[2], found[3])


async def linked(engine: AsyncEngine, chat_id: int) -> list[Linked]:
    """Everyone this chat is linked to (a parent who teaches at the school is two people)."""
    found: list[Linked] = []
    async with engine.connect() as conn:
        for role, (table, roster) in _PEOPLE.items():
            rows = await conn.execute(
                sa.select(
                    col(table.id),
                    col(roster),
                    col(table.first_name),
                    col(table.language),
                    col(table.school_id),
                )
                .join(
                    Contact,
                    sa.and_(col(Contact.person_id) == col(table.id), col(Contact.role) == role),
                )
                .where(
                    col(Contact.channel) == contacts.TELEGRAM,
                    col(Contact.address) == str(chat_id),
                    col(Contact.state) == ContactState.ACTIVE.value,
                    col(table.active),
                )
                .order_by(col(table.id))
            )
            found += [
                Linked(role, int(pk or 0), rid, first, lang, school)
                for pk, rid, first, lang, school in rows
            ]
    return found


async def stop(engine: AsyncEngine, chat_id: int, now: dt.datetime) -> Sequence[Linked]:
    """Unlink the chat from everyone and erase its id (the invitations that linked it keep
    only when they were stopped); returns who it was linked to."""
    people = await linked(engine, chat_id)
    async with engine.begin() as conn:
        await unlink(conn, chat_id, now)
    return people


async def unlink(conn: AsyncConnection, chat_id: int, now: dt.datetime) -> None:
    """:func:`stop` in ``conn``'s transaction (what the inbox replays)."""
    await contacts.end_chat(conn, chat_id, ContactState.UNSUBSCRIBED, now)
    await conn.execute(
        sa.update(Invitation)
        .where(col(Invitation.chat_id) == chat_id)
        .values(chat_id=None, stopped_at=sa.func.coalesce(col(Invitation.stopped_at), now))
    )

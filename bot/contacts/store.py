"""Reading and writing contacts (:class:`bot.models.Contact`): the database side of
:mod:`bot.contacts.reach`.

Telegram's chats are contacts on the channel ``telegram`` whose address is the chat id as
text. A person links a chat with an invitation (a chosen contact); a chat that stops (/stop) is
``unsubscribed`` and its id erased, as before: a bare /start from that chat learns nothing; a
chat that blocked the bot is ``blocked``; a chat id Telegram does not know (one the roster gave
with a typing error) is ``bounced`` and kept, so that a roster import can tell a corrected id
from the same wrong one. None is used to send again until the person links anew with a code
(or the roster corrects a bounced id).

Every channel ends a contact the same three ways, each dated by ``since``: the channel refused
the address for good (:func:`refuse`) because the person turned the bot away (``blocked``) or
because the address is no good (``bounced``: an e-mail that came back, a chat id Telegram does
not know); or the person asked for no more messages on it (:func:`unsubscribe`: /stop, an
e-mail's unsubscribe link). The planner then reaches the person on their next contact, or not
at all, and tells their spilfiguur once (:data:`bot.contacts.ENDED`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.contacts.reach import ChannelOrder, ContactState, Reach, Reachable, refused
from bot.models import Contact, Guardian, Pupil, Staff
from bot.outbox.plugin import Refusal

__all__ = [
    "PERSON_ROLES",
    "TELEGRAM",
    "active_address",
    "address_of",
    "addresses",
    "chat_people",
    "end_chat",
    "link_chat",
    "move",
    "person_role",
    "reach_of",
    "reachable",
    "refuse",
    "set_state",
    "telegram_chat",
    "unsubscribe",
]

TELEGRAM = "telegram"
PERSON_ROLES = ("pupil", "guardian", "staff")
_STAFF_ROLES = frozenset({"staff", "teacher", "coordinator"})
_PEOPLE: Mapping[str, Any] = {"pupil": Pupil, "guardian": Guardian, "staff": Staff}
_ENDS_AS = {Refusal.BLOCKED: ContactState.BLOCKED, Refusal.BOUNCED: ContactState.BOUNCED}
"""The state a contact ends in for each reason a channel refuses its address (:func:`refuse`)."""


def person_role(role: str) -> str:
    """The contact's role of an outbox recipient: a teacher and a coordinator are staff."""
    if role in _STAFF_ROLES:
        return "staff"
    if role in PERSON_ROLES:
        return role
    raise LookupError(f"no people with the role {role!r} (known: pupil, guardian, staff)")


def _reachable(channel: str, address: str | None, state: str, chosen: bool) -> Reachable:
    return Reachable(channel, address, state, bool(chosen))


async def reachable(
    conn: AsyncConnection, role: str, people: sa.ColumnElement[bool] | None = None
) -> dict[int, list[Reachable]]:
    """The active contacts of the people of ``role`` (``people``: a condition on
    ``Contact.person_id``, or on ``Contact.school_id``), per person's database id."""
    query = sa.select(
        col(Contact.person_id),
        col(Contact.channel),
        col(Contact.address),
        col(Contact.state),
        col(Contact.chosen),
    ).where(col(Contact.role) == role, col(Contact.state) == ContactState.ACTIVE.value)
    if people is not None:
        query = query.where(people)
    found: dict[int, list[Reachable]] = defaultdict(list)
    for person, channel, address, state, chosen in await conn.execute(query):
        found[person].append(_reachable(channel, address, state, chosen))
    return found


async def reach_of(
    conn: AsyncConnection, role: str, person_id: int, channels: ChannelOrder
) -> Reach | None:
    """How one person is reached now (:func:`bot.contacts.reach.reach`)."""
    found = await reachable(conn, person_role(role), col(Contact.person_id) == person_id)
    return channels.reach(found.get(person_id, ()))


async def telegram_chat(conn: AsyncConnection, role: str, person_id: int) -> int | None:
    """The person's linked, active chat; None when there is none."""
    address = await conn.scalar(
        sa.select(col(Contact.address)).where(
            col(Contact.role) == person_role(role),
            col(Contact.person_id) == person_id,
            col(Contact.channel) == TELEGRAM,
            col(Contact.state) == ContactState.ACTIVE.value,
        )
    )
    return int(address) if address else None


async def active_address(
    conn: AsyncConnection, channel: str, role: str, person_id: int
) -> str | None:
    """The address of the person's active contact on ``channel``, while the person is on the
    roster (someone who left the school is reached nowhere); None otherwise."""
    role = person_role(role)
    people = _PEOPLE[role]
    found = await conn.scalar(
        sa.select(col(Contact.address))
        .join(people, col(people.id) == col(Contact.person_id))
        .where(
            col(Contact.role) == role,
            col(Contact.person_id) == person_id,
            col(Contact.channel) == channel,
            col(Contact.state) == ContactState.ACTIVE.value,
            col(people.active),
        )
    )
    return None if found is None else str(found)


async def refuse(
    conn: AsyncConnection,
    channel: str,
    role: str,
    person_id: int,
    now: dt.datetime,
    why: Refusal | None = None,
) -> ContactState | None:
    """``channel`` refused the person's address for good, for the reason ``why``: their active
    contact there ends as of ``now``, ``blocked`` (the person turned the bot away) or
    ``bounced`` (the address is no good: an e-mail that came back, a chat id Telegram does not
    know); without ``why``, as the channel's refusals usually end
    (:func:`~bot.contacts.reach.refused`). Returns that state, or None when there was no
    active contact to end (a second refusal of the same address changes nothing, so ``since``
    and the state stay the first one's)."""
    state = refused(channel) if why is None else _ENDS_AS[why]
    ended = await conn.execute(
        sa.update(Contact)
        .where(
            col(Contact.role) == person_role(role),
            col(Contact.person_id) == person_id,
            col(Contact.channel) == channel,
            col(Contact.state) == ContactState.ACTIVE.value,
        )
        .values(state=state.value, since=now)
    )
    return state if ended.rowcount else None


async def unsubscribe(
    conn: AsyncConnection, channel: str, role: str, person_id: int, now: dt.datetime
) -> bool:
    """The person asked for no more messages on ``channel`` (an e-mail's unsubscribe link,
    /stop): their contact there becomes ``unsubscribed`` as of ``now``, whatever it was, since
    the person's own word is the strongest. True when it changed; asked again, nothing changes
    and ``since`` stays. A Telegram chat id is erased as well (it ties the chat to the person
    and nothing else); an e-mail address stays, as the school's roster gave it, so that the
    next roster import keeps the contact stopped."""
    values: dict[str, object] = {"state": ContactState.UNSUBSCRIBED.value, "since": now}
    if channel == TELEGRAM:
        values["address"] = None
    changed = await conn.execute(
        sa.update(Contact)
        .where(
            col(Contact.role) == person_role(role),
            col(Contact.person_id) == person_id,
            col(Contact.channel) == channel,
            col(Contact.state) != ContactState.UNSUBSCRIBED.value,
        )
        .values(**values)
    )
    return bool(changed.rowcount)


async def move(
    conn: AsyncConnection,
    channel: str,
    role: str,
    person_id: int,
    address: str,
    now: dt.datetime,
) -> None:
    """The person's address on ``channel`` became ``address`` (a Telegram group chat upgraded
    to a supergroup): same person, same state, new address."""
    await conn.execute(
        sa.update(Contact)
        .where(
            col(Contact.role) == person_role(role),
            col(Contact.person_id) == person_id,
            col(Contact.channel) == channel,
        )
        .values(address=address, since=now)
    )


async def chat_people(conn: AsyncConnection, chat_id: int) -> list[tuple[str, int]]:
    """Everyone whose active Telegram contact is this chat, as ``(role, person id)``."""
    rows = await conn.execute(
        sa.select(col(Contact.role), col(Contact.person_id))
        .where(
            col(Contact.channel) == TELEGRAM,
            col(Contact.address) == str(chat_id),
            col(Contact.state) == ContactState.ACTIVE.value,
        )
        .order_by(col(Contact.role), col(Contact.person_id))
    )
    return [(role, int(person)) for role, person in rows]


async def link_chat(
    conn: AsyncConnection,
    school_id: str,
    role: str,
    person_id: int,
    chat_id: int,
    now: dt.datetime,
    *,
    chosen: bool = True,
) -> None:
    """Make ``chat_id`` the person's active Telegram contact (a link they made: ``chosen``)."""
    await _put(
        conn,
        school_id,
        person_role(role),
        person_id,
        TELEGRAM,
        {"address": str(chat_id), "state": ContactState.ACTIVE.value, "chosen": chosen},
        now,
    )


async def set_state(
    conn: AsyncConnection,
    role: str,
    person_id: int,
    channel: str,
    state: ContactState,
    now: dt.datetime,
) -> None:
    """Put the person's contact on ``channel`` in ``state`` (nothing when they have none)."""
    await conn.execute(
        sa.update(Contact)
        .where(
            col(Contact.role) == person_role(role),
            col(Contact.person_id) == person_id,
            col(Contact.channel) == channel,
            col(Contact.state) != state.value,
        )
        .values(state=state.value, since=now)
    )


async def end_chat(
    conn: AsyncConnection, chat_id: int, state: ContactState, now: dt.datetime
) -> None:
    """Every active Telegram contact of ``chat_id`` leaves in ``state``; when the person
    stopped the chat (``unsubscribed``) its id is erased as well."""
    values: dict[str, object] = {"state": state.value, "since": now}
    if state == ContactState.UNSUBSCRIBED:
        values["address"] = None
    await conn.execute(
        sa.update(Contact)
        .where(
            col(Contact.channel) == TELEGRAM,
            col(Contact.address) == str(chat_id),
            col(Contact.state) == ContactState.ACTIVE.value,
        )
        .values(**values)
    )


async def _put(
    conn: AsyncConnection,
    school_id: str,
    role: str,
    person_id: int,
    channel: str,
    values: Mapping[str, object],
    now: dt.datetime,
) -> None:
    """Insert or update the person's contact on ``channel``."""
    where = (
        col(Contact.role) == role,
        col(Contact.person_id) == person_id,
        col(Contact.channel) == channel,
    )
    updated = await conn.execute(sa.update(Contact).where(*where).values(**values, since=now))
    if not updated.rowcount:
        await conn.execute(
            sa.insert(Contact).values(
                school_id=school_id,
                role=role,
                person_id=person_id,
                channel=channel,
                since=now,
                **values,
            )
        )


async def addresses(
    conn: AsyncConnection,
    role: str,
    channel: str,
    *,
    school_id: str | None = None,
    people: Iterable[int] | None = None,
) -> dict[int, str]:
    """Per person, the address on ``channel`` whatever its state (what the person's record
    shows, in an export or on a letter): of the school's people of ``role``, or of ``people``."""
    query = sa.select(col(Contact.person_id), col(Contact.address)).where(
        col(Contact.role) == role,
        col(Contact.channel) == channel,
        col(Contact.address).is_not(None),
    )
    if school_id is not None:
        query = query.where(col(Contact.school_id) == school_id)
    if people is not None:
        query = query.where(col(Contact.person_id).in_(list(people)))
    return {int(person): str(address) for person, address in await conn.execute(query)}


def address_of(role: str, person: Any, channel: str) -> sa.ScalarSelect[Any]:
    """The address on ``channel`` of the person whose database id is the column ``person``,
    as a column of a query (a staff member's e-mail address, named on a letter, say)."""
    return (
        sa.select(col(Contact.address))
        .where(
            col(Contact.role) == role,
            col(Contact.person_id) == person,
            col(Contact.channel) == channel,
        )
        .scalar_subquery()
    )

"""What a person's action writes, as the inbox keeps it: one function per kind.

Each function stores one action in the transaction it is given, from the plain fields
(JSON) that :class:`~bot.telegram.inbox.Inbox` keeps when SQLite's write lock is taken, and
returns what it did. The same function stores the action at once and, later, from the inbox, so
an action means the same whenever it is stored. Every date an action needs (a snooze's end, a
pause's last day) is worked out when the person acts and kept in its fields: replayed after
midnight, a decision still means the day it was made for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bot import answers
from bot.contacts import DEFAULT_ORDER, ChannelOrder
from bot.telegram import _store, invites

__all__ = ["WRITES"]


async def staff_decision(conn: AsyncConnection, fields: dict[str, Any]) -> bool:
    """A coordinator's or teacher's tap under a nudge or a hold alert
    (:func:`bot.answers.decide`); whether there was something (left) to decide."""
    decision = answers.Decision(
        row=answers.MessageRow(**fields["row"]),
        key=fields["key"],
        sender_id=fields["sender_id"],
        by=f"telegram:{fields['sender_id']}",
        at=dt.datetime.fromisoformat(fields["at"]),
        today=dt.date.fromisoformat(fields["today"]),
        day=dt.date.fromisoformat(fields["date"]) if fields.get("date") else None,
    )
    return await answers.decide(conn, decision)


async def language(conn: AsyncConnection, fields: dict[str, Any]) -> bool:
    """A ``/taal`` choice."""
    people = [(str(role), int(person)) for role, person in fields["people"]]
    await _store.set_language(conn, people, fields["lang"])
    return True


async def moment(conn: AsyncConnection, fields: dict[str, Any]) -> bool:
    """A ``/momenten`` choice."""
    await _store.set_moment(conn, [int(g) for g in fields["guardians"]], fields["moment"])
    return True


async def stop(conn: AsyncConnection, fields: dict[str, Any]) -> bool:
    """``/stop``, confirmed."""
    await invites.unlink(conn, int(fields["chat"]), dt.datetime.fromisoformat(fields["at"]))
    return True


async def link(conn: AsyncConnection, fields: dict[str, Any]) -> invites.Linked | invites.Refused:
    """``/start <code>``: the code is kept only as its hash."""
    at = dt.datetime.fromisoformat(fields["at"])
    return await invites.redeem_hash(conn, fields["code_hash"], int(fields["chat"]), at)


async def answer(conn: AsyncConnection, fields: dict[str, Any]) -> bool:
    """A pupil's or guardian's tap on an answer button (:func:`bot.answers.store_tap`)."""
    return await answers.store_tap(
        conn,
        row=answers.MessageRow(**fields["row"]),
        sender_role=fields["sender_role"],
        sender_id=fields["sender_id"],
        answer=fields["answer"],
        at=dt.datetime.fromisoformat(fields["at"]),
    )


async def forward(conn: AsyncConnection, fields: dict[str, Any]) -> bool:
    """A pupil's or guardian's own words, for the spilfiguur (:func:`bot.answers.store_words`).
    The writer's name the fields hold is looked up again, in the same roster."""
    pupil = _store.Pupilship(**fields["pupil"])
    return await answers.store_words(
        conn,
        school_id=pupil.school_id,
        pupil=pupil.id,
        sender_role=fields["sender_role"],
        sender_id=fields["sender_id"],
        language=fields["language"],
        text=fields["text"],
        source=str(fields["update_id"]),
        # An answer kept by a release before edits were read has no message id: 0 matches no
        # earlier message, so it is passed on as it was written.
        message_id=fields.get("message_id", 0),
        at=dt.datetime.fromisoformat(fields["at"]),
        edited=fields.get("edited", False),
        translation=fields.get("translation"),  # none in an answer kept before translations
        channels=_order(fields),
    )


def _order(fields: dict[str, Any]) -> ChannelOrder:
    """The school's order of channels kept with own words; the default for words kept before
    the order was."""
    if "channels" not in fields:
        return DEFAULT_ORDER
    return ChannelOrder(tuple(fields["channels"]), frozenset(fields.get("usable", ())))


WRITES: dict[str, Callable[[AsyncConnection, dict[str, Any]], Awaitable[object]]] = {
    "answer": answer,
    "forward": forward,
    "decision": staff_decision,
    "language": language,
    "moment": moment,
    "stop": stop,
    "link": link,
}
"""Every kind of action the inbox keeps, answers and free text first."""

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

from bot.engine.decisions import (
    acknowledge,
    clb_involved,
    decide_hold,
    decide_notice,
    digest_nudges,
    pause_pupil,
    snooze,
)
from bot.engine.hold import HoldState
from bot.telegram import _store, invites

__all__ = ["WRITES"]


async def staff_decision(conn: AsyncConnection, fields: dict[str, Any]) -> bool:
    """A coordinator's or teacher's tap under a nudge or a hold alert; whether there was
    something (left) to decide."""
    row = _store.TappedRow(**fields["row"])
    key, at = fields["key"], dt.datetime.fromisoformat(fields["at"])
    day = dt.date.fromisoformat(fields["date"]) if fields.get("date") else None
    by = f"telegram:{fields['sender_id']}"
    if row.kind == "coordinator_digest":
        return await _digest_decision(conn, row, fields, by, at, day)
    if key == "clb_involved":
        return await clb_involved(
            conn, row.school_id, row.id, sender_id=fields["sender_id"], by=by, at=at
        )
    if key == "ack":
        return await acknowledge(conn, row.school_id, row.id, by=by, at=at)
    if key in ("send_notice", "keep_notice"):
        send = key == "send_notice"
        return await decide_notice(
            conn, row.school_id, row.id, send=send, sender_id=fields["sender_id"], by=by, at=at
        )
    if day is None:
        return False
    if key in ("release", "discard"):
        state = HoldState.RELEASED if key == "release" else HoldState.DISCARDED
        scope = str(row.payload.get("scope"))
        return await decide_hold(conn, row.school_id, day, scope, state, by=by, at=at)
    if row.pupil_id is None:
        return False
    if key == "return":
        await _store.record_coordinator_return(
            conn, row, sender_id=fields["sender_id"], back=day, at=at
        )
        return True
    if key == "snooze":
        return await snooze(conn, row.school_id, row.id, until=day)
    if key == "pause":
        starts = dt.date.fromisoformat(fields["today"])
        await pause_pupil(conn, row.school_id, row.pupil_id, starts=starts, ends=day, by=by, at=at)
        return True
    return False


async def _digest_decision(
    conn: AsyncConnection,
    row: _store.TappedRow,
    fields: dict[str, Any],
    by: str,
    at: dt.datetime,
    day: dt.date | None,
) -> bool:
    """A tap under one pupil of a daily message (``ack:N``, ``snooze:N``, ``clb_involved:N``):
    the same decision on each nudge the message said about that pupil."""
    action, _, number = str(fields["key"]).partition(":")
    ids = await digest_nudges(conn, row.school_id, row.id, int(number))
    done = False
    for nudge in ids:
        if action == "ack":
            done |= await acknowledge(conn, row.school_id, nudge, by=by, at=at)
        elif action == "snooze" and day is not None:
            done |= await snooze(conn, row.school_id, nudge, until=day)
        elif action == "clb_involved":
            sender = fields["sender_id"]
            done |= await clb_involved(conn, row.school_id, nudge, sender_id=sender, by=by, at=at)
    return done


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
    """A pupil's or guardian's tap on an answer button (:func:`_store.store_answer`)."""
    return await _store.store_answer(
        conn,
        row=_store.TappedRow(**fields["row"]),
        sender_role=fields["sender_role"],
        sender_id=fields["sender_id"],
        answer=fields["answer"],
        at=dt.datetime.fromisoformat(fields["at"]),
    )


async def forward(conn: AsyncConnection, fields: dict[str, Any]) -> bool:
    """A pupil's or guardian's own words, for the spilfiguur (:func:`_store.store_forward`)."""
    return await _store.store_forward(
        conn,
        pupil=_store.Pupilship(**fields["pupil"]),
        sender_role=fields["sender_role"],
        sender_id=fields["sender_id"],
        writer=fields["writer"],
        language=fields["language"],
        text=fields["text"],
        update_id=fields["update_id"],
        # An answer kept by a release before edits were read has no message id: 0 matches no
        # earlier message, so it is passed on as it was written.
        message_id=fields.get("message_id", 0),
        at=dt.datetime.fromisoformat(fields["at"]),
        edited=fields.get("edited", False),
    )


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

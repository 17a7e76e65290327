"""The outbox's storage: every status change of an outreach row, each with its audit event.

Each function is one transaction and writes an :class:`~bot.models.OutreachEvent` for every row
it moves, in that same transaction: the audit trail cannot disagree with the rows.

Concurrency. On PostgreSQL several workers claim at once: :func:`claim` locks the rows it picks
with ``SELECT ... FOR UPDATE SKIP LOCKED``, so two workers never get the same row and never wait
for each other. SQLite has a single writer: every write transaction here starts with ``BEGIN
IMMEDIATE``, which takes the write lock before the first read, so a claim's read and its update
are one step even with several processes on one file.

Leases. A claimed row carries ``claimed_by`` and ``claimed_at``; the worker's later writes
(:func:`complete`, :func:`release`) only apply while it still holds that claim. A row whose
lease ran out (its worker died, or hung) is put back by :func:`recover`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.db import one_of
from bot.outbox._insert import insert_planned
from bot.outbox.backoff import RetryPolicy
from bot.outbox.channel import DeliveryOutcome
from bot.outbox.policy import Decision, decide
from bot.outbox.records import Outgoing, PlannedOutreach, Status
from bot.outbox.tables import (
    OUTREACH,
    Transition,
    claim_holds,
    clip,
    held,
    record,
    update,
    write_transaction,
)

__all__ = [
    "Claim",
    "Work",
    "cancel",
    "claim",
    "complete",
    "next_attempt",
    "pending_work",
    "plan",
    "recover",
    "refresh_statistics",
    "release",
    "withdraw",
]

_REVIVED = ("due_at", "expires_at", "payload", "lang", "channel", "text")


async def plan(
    conn: AsyncConnection, items: Sequence[PlannedOutreach], now: dt.datetime
) -> dict[str, int]:
    """Store the items whose idempotency key is new, as ``planned``, put back the
    ``withdrawn`` rows proposed again, and bring ``planned`` rows up to date with what is
    proposed now (facts changed before the row went out: a pupil answered, so the notice is
    gentler; a return date moved, so the welcome moves with it); every other row is left alone.

    Runs in the caller's transaction (the planner's), so a tick's outreach is stored whole or
    not at all. Returns the ids of the rows now planned anew, by idempotency key.
    """
    if not items:
        return {}
    known = await _known(conn, [item.idempotency_key for item in items])
    rows = [_planned_row(item, now) for item in items if item.idempotency_key not in known]
    again = [
        _planned_row(item, now)
        for item in items
        if item.idempotency_key in known and known[item.idempotency_key].status == Status.WITHDRAWN
    ]
    ids = {key: row.id for key, row in known.items()}
    revived = await _revive(conn, again, ids, now)
    await _refresh(conn, [item for item in items if _changed(item, known)], ids, now)
    # A row another worker stored meanwhile is left alone (and not counted as new).
    new = await insert_planned(conn, rows, now)
    return {**revived, **new}


_KEYS_PER_QUERY = 500

MANY_PLANNED = 1_000
"""From this many rows planned at once on, PostgreSQL's statistics of the outbox are refreshed
at once (:func:`refresh_statistics`)."""


async def refresh_statistics(engine: AsyncEngine, *, planned: int) -> None:
    """Tell PostgreSQL's query planner what the outbox holds after ``planned`` new rows.

    A planner tick looks its proposals up by key, 500 at a time. Until the autovacuum gets to
    a table that grew from nearly nothing to thousands of rows, PostgreSQL takes it for small
    and scans it whole for every lookup, comparing each row with the 500 keys: the tick after
    a first large one (the bench's 10,000 rows) took 4 s for what takes milliseconds by the
    index. SQLite's statistics come with the imports (:mod:`bot.imports.runs`).
    """
    if engine.dialect.name == "postgresql" and planned >= MANY_PLANNED:
        async with engine.begin() as conn:
            await conn.exec_driver_sql("ANALYZE outreach, outreach_event")


_PLANNED_VALUES = ("due_at", "expires_at", "payload", "lang", "channel")
"""What a ``planned`` row is brought up to date in when the planner proposes it otherwise."""


class _Stored(NamedTuple):
    """A stored row as :func:`plan` needs it; ``values`` only for ``planned`` rows."""

    id: int
    status: str
    values: tuple[Any, ...] | None


async def _known(conn: AsyncConnection, keys: Sequence[str]) -> dict[str, _Stored]:
    """The stored rows among ``keys`` by key (a few indexed lookups: most of a tick's proposals
    are rows an earlier tick stored, and most of those went out long ago)."""
    found: dict[str, _Stored] = {}
    unique = sorted(set(keys))
    planned = OUTREACH.c.status == Status.PLANNED
    values = [
        sa.case((planned, OUTREACH.c[name]), else_=sa.null()).label(name)
        for name in _PLANNED_VALUES
    ]
    for start in range(0, len(unique), _KEYS_PER_QUERY):
        chunk = unique[start : start + _KEYS_PER_QUERY]
        result = await conn.execute(
            sa.select(OUTREACH.c.idempotency_key, OUTREACH.c.id, OUTREACH.c.status, *values).where(
                one_of(conn.dialect, OUTREACH.c.idempotency_key, chunk)
            )
        )
        for key, row_id, status, *stored in result:
            found[key] = _Stored(
                row_id, status, tuple(stored) if status == Status.PLANNED else None
            )
    return found


def _changed(item: PlannedOutreach, known: Mapping[str, _Stored]) -> bool:
    stored = known.get(item.idempotency_key)
    if stored is None or stored.values is None:
        return False
    proposed = (item.due_at, item.expires_at, dict(item.payload), item.lang, item.channel)
    return stored.values != proposed


async def _refresh(
    conn: AsyncConnection,
    items: Sequence[PlannedOutreach],
    ids: Mapping[str, int],
    now: dt.datetime,
) -> None:
    """Bring ``planned`` rows up to date with the items proposed for them. A new due time
    also becomes the next attempt's (a row the gate put off keeps its own while due stays)."""
    changed: list[int] = []
    for item in items:
        row = _planned_row(item, now)
        values = {name: row[name] for name in _PLANNED_VALUES}
        values["updated_at"] = now
        moved = OUTREACH.c.due_at != item.due_at
        values["next_attempt_at"] = sa.case((moved, item.due_at), else_=OUTREACH.c.next_attempt_at)
        done = await conn.execute(
            sa.update(OUTREACH)
            .where(OUTREACH.c.id == ids[item.idempotency_key], OUTREACH.c.status == Status.PLANNED)
            .values(**values)
        )
        if done.rowcount:
            changed.append(ids[item.idempotency_key])
    await record(conn, now, [(row, Status.PLANNED, Status.PLANNED, "replanned") for row in changed])


async def _revive(
    conn: AsyncConnection,
    rows: Sequence[dict[str, Any]],
    ids: Mapping[str, int],
    now: dt.datetime,
) -> dict[str, int]:
    """Put ``withdrawn`` rows that are proposed again back to ``planned``, as proposed now."""
    revived: dict[str, int] = {}
    for row in rows:
        key = row["idempotency_key"]
        values = {name: row[name] for name in _REVIVED}
        values.update(
            status=Status.PLANNED,
            next_attempt_at=row["due_at"],
            cancelled_reason=None,
            updated_at=now,
        )
        done = await conn.execute(
            sa.update(OUTREACH)
            .where(OUTREACH.c.id == ids[key], OUTREACH.c.status == Status.WITHDRAWN)
            .values(**values)
        )
        if done.rowcount:
            revived[key] = ids[key]
    await record(
        conn,
        now,
        [(row, Status.WITHDRAWN, Status.PLANNED, "proposed again") for row in revived.values()],
    )
    return revived


def _planned_row(item: PlannedOutreach, now: dt.datetime) -> dict[str, Any]:
    return {
        "school_id": item.school_id,
        "idempotency_key": item.idempotency_key,
        "kind": item.kind,
        "recipient_role": item.recipient_role,
        "recipient_id": item.recipient_id,
        "channel": item.channel,
        "pupil_id": item.pupil_id,
        "lang": item.lang,
        "payload": dict(item.payload),
        "text": item.text,
        "due_at": item.due_at,
        "expires_at": item.expires_at,
        "status": Status.PLANNED.value,
        "attempts": 0,
        "next_attempt_at": item.due_at,
        "created_at": now,
        "updated_at": now,
    }


async def cancel(
    conn: AsyncConnection,
    now: dt.datetime,
    reason: str,
    *,
    ids: Collection[int] | None = None,
    keys: Collection[str] | None = None,
    school_id: str | None = None,
    pupil_id: int | None = None,
    kinds: Collection[str] | None = None,
) -> list[int]:
    """Cancel the ``planned`` rows that match every filter given; returns their ids.

    Rows already ``sending`` are in flight and finish; rows that were sent stay sent (a
    correction after a sent notice is the planner's business: an apology, not a cancellation).
    At least one of ``ids``, ``keys``, ``school_id`` or ``pupil_id`` is required, so that a
    missing argument cannot cancel the whole outbox.
    """
    filters: list[sa.ColumnElement[bool]] = []
    if ids is not None:
        filters.append(OUTREACH.c.id.in_(list(ids)))
    if keys is not None:
        filters.append(OUTREACH.c.idempotency_key.in_(list(keys)))
    if school_id is not None:
        filters.append(OUTREACH.c.school_id == school_id)
    if pupil_id is not None:
        filters.append(OUTREACH.c.pupil_id == pupil_id)
    if not filters:
        raise ValueError("cancel() needs ids, keys, school_id or pupil_id")
    if kinds is not None:
        filters.append(OUTREACH.c.kind.in_(list(kinds)))
    reason = clip(reason) or "cancelled"
    result = await conn.execute(
        sa.update(OUTREACH)
        .where(OUTREACH.c.status == Status.PLANNED, *filters)
        .values(status=Status.CANCELLED, cancelled_reason=reason, updated_at=now)
        .returning(OUTREACH.c.id)
    )
    cancelled = sorted(result.scalars().all())
    await record(conn, now, [(row, Status.PLANNED, Status.CANCELLED, reason) for row in cancelled])
    return cancelled


async def withdraw(
    conn: AsyncConnection, now: dt.datetime, ids: Collection[int], reason: str
) -> list[int]:
    """Mark ``planned`` rows among ``ids`` as ``withdrawn``: the planner no longer proposes them.

    Rows in any other status are left alone. Returns the ids withdrawn.
    """
    if not ids:
        return []
    reason = clip(reason) or "withdrawn"
    result = await conn.execute(
        sa.update(OUTREACH)
        .where(OUTREACH.c.status == Status.PLANNED, OUTREACH.c.id.in_(sorted(ids)))
        .values(status=Status.WITHDRAWN, cancelled_reason=reason, updated_at=now)
        .returning(OUTREACH.c.id)
    )
    withdrawn = sorted(result.scalars().all())
    await record(conn, now, [(row, Status.PLANNED, Status.WITHDRAWN, reason) for row in withdrawn])
    return withdrawn


class Work(NamedTuple):
    """What a dispatch run at some instant would find (:func:`pending_work`)."""

    due: bool
    """A ``planned`` row is due."""
    stale: bool
    """A ``sending`` row's lease ran out: :func:`recover` has something to put back."""


async def pending_work(engine: AsyncEngine, now: dt.datetime, lease: dt.timedelta) -> Work:
    """What a dispatch run at ``now`` would find: a due ``planned`` row, a ``sending`` row
    whose lease ran out. One read, so that an idle dispatch tick (most of them) costs no write
    transaction, and a run with nothing stale no recovery."""
    async with engine.connect() as conn:
        row = (await conn.execute(_PENDING, {"now": now, "stale_from": now - lease})).one()
    return Work(bool(row[0]), bool(row[1]))


def _pending() -> sa.Select[bool, bool]:
    at = sa.bindparam("now", type_=OUTREACH.c.next_attempt_at.type)
    stale_from = sa.bindparam("stale_from", type_=OUTREACH.c.claimed_at.type)
    due = sa.select(OUTREACH.c.id).where(
        OUTREACH.c.status == Status.PLANNED.value, OUTREACH.c.next_attempt_at <= at
    )
    stale = sa.select(OUTREACH.c.id).where(
        OUTREACH.c.status == Status.SENDING.value, OUTREACH.c.claimed_at <= stale_from
    )
    return sa.select(sa.exists(due), sa.exists(stale))


_PENDING = _pending()
"""Built once: a dispatch tick runs it every few seconds, and building a statement costs more
than running this one on an idle outbox."""

_NEXT_ATTEMPT = sa.select(sa.func.min(OUTREACH.c.next_attempt_at)).where(
    OUTREACH.c.status == Status.PLANNED.value
)


async def next_attempt(engine: AsyncEngine) -> dt.datetime | None:
    """The earliest instant a ``planned`` row may be tried, None when none is planned."""
    async with engine.connect() as conn:
        found = await conn.scalar(_NEXT_ATTEMPT)
    # min() keeps the column's type, so this is an aware UTC instant like the column's.
    return found if isinstance(found, dt.datetime) else None


@dataclass(slots=True)
class Claim:
    """What one :func:`claim` took: messages to send now, and ids of rows it found stale."""

    messages: list[Outgoing] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)


async def claim(engine: AsyncEngine, worker: str, now: dt.datetime, limit: int) -> Claim:
    """Take up to ``limit`` due rows for ``worker``, earliest ``due_at`` first.

    A due row is ``planned`` with ``next_attempt_at <= now``. Rows past their ``expires_at`` are
    marked ``expired`` instead: after an outage a stale message is dropped, not sent days late.
    """
    due = (
        sa.select(OUTREACH)
        .where(OUTREACH.c.status == Status.PLANNED, OUTREACH.c.next_attempt_at <= now)
        .order_by(OUTREACH.c.due_at, OUTREACH.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # SQLite ignores it; BEGIN IMMEDIATE serialises
    )
    result = Claim()
    async with write_transaction(engine) as conn:
        picked = (await conn.execute(due)).mappings().all()
        result.expired = [row["id"] for row in picked if row["expires_at"] <= now]
        live = [row for row in picked if row["expires_at"] > now]
        if result.expired:
            await conn.execute(
                sa.update(OUTREACH)
                .where(OUTREACH.c.id.in_(result.expired))
                .values(status=Status.EXPIRED, updated_at=now)
            )
        if live:
            await conn.execute(
                sa.update(OUTREACH)
                .where(OUTREACH.c.id.in_([row["id"] for row in live]))
                .values(status=Status.SENDING, claimed_by=worker, claimed_at=now, updated_at=now)
            )
        events: list[Transition] = [
            (row, Status.PLANNED, Status.EXPIRED, "not sent before it expired")
            for row in result.expired
        ]
        events += [(row["id"], Status.PLANNED, Status.SENDING, worker) for row in live]
        await record(conn, now, events)
    result.messages = [Outgoing.from_row(row, worker, now) for row in live]
    return result


async def complete(
    engine: AsyncEngine,
    message: Outgoing,
    outcome: DeliveryOutcome,
    now: dt.datetime,
    policy: RetryPolicy,
) -> Decision | None:
    """Record how an attempt went, as :func:`bot.outbox.policy.decide` rules.

    Returns the decision, or ``None`` when the worker no longer held the row (its lease ran out
    and another worker took it over): then nothing is written.
    """
    decision = decide(message, outcome, now, policy)
    values: dict[str, Any] = {"to_status": decision.status.value, "now": now}
    if decision.error is not None:
        values["new_last_error"] = clip(decision.error)
    if decision.status is Status.SENT:
        values["new_sent_at"] = now
    if decision.status is Status.PLANNED:
        values["new_next_attempt_at"] = decision.next_attempt_at
    changes = tuple(name for name in _COMPLETED if f"new_{name}" in values)
    detail = decision.error or message.claimed_by
    async with write_transaction(engine) as conn:
        before = Status.SENDING
        held_row = {"row": message.id, "holder": message.claimed_by, "since": message.claimed_at}
        done = await conn.execute(_completion(changes, held=True), {**values, **held_row})
        if done.rowcount != 1 and decision.status is Status.SENT:
            # Our lease ran out and another worker put the row back, but nobody has taken it
            # since: it did go out, and saying so now spares the person a second copy.
            before = Status.PLANNED
            done = await conn.execute(
                _completion(changes, held=False), {**values, "row": message.id}
            )
        if done.rowcount != 1:
            return None
        await record(conn, now, [(message.id, before, decision.status, detail)])
    return decision


_COMPLETED = ("last_error", "sent_at", "next_attempt_at")
"""The columns an outcome may set besides the status, the attempts and the time."""


@functools.cache
def _completion(changes: tuple[str, ...], *, held: bool) -> sa.Update:
    """The statement :func:`complete` records an outcome with, built once per shape: the row
    while this worker's claim on it holds (``held``), else the row put back to ``planned``.

    Parameters: ``row``, ``to_status``, ``now``, ``new_<name>`` for each name of ``changes``
    (names of :data:`_COMPLETED`), and with ``held`` the claim's ``holder`` and ``since``.
    """
    table = OUTREACH.c
    row: sa.BindParameter[int] = sa.bindparam("row")
    where = (
        claim_holds(row, sa.bindparam("holder"), sa.bindparam("since", type_=table.claimed_at.type))
        if held
        else (table.id == row, table.status == Status.PLANNED.value)
    )
    values: dict[str, Any] = {
        "status": sa.bindparam("to_status", type_=table.status.type),
        "attempts": table.attempts + 1,
        "updated_at": sa.bindparam("now", type_=table.updated_at.type),
    }
    values.update({name: sa.bindparam(f"new_{name}", type_=table[name].type) for name in changes})
    if "next_attempt_at" in changes:  # a retry: the claim ends
        values.update(claimed_by=None, claimed_at=None)
    return sa.update(OUTREACH).where(*where).values(values)


async def release(
    engine: AsyncEngine,
    messages: Iterable[Outgoing],
    now: dt.datetime,
    *,
    detail: str,
    until: dt.datetime | None = None,
) -> list[int]:
    """Put claimed, unsent messages back to ``planned``, due again at ``until`` if given.

    The attempt count is unchanged: nothing was attempted. Returns the ids released.
    """
    values: dict[str, Any] = {
        "status": Status.PLANNED,
        "claimed_by": None,
        "claimed_at": None,
        "updated_at": now,
    }
    if until is not None:
        values["next_attempt_at"] = until
    released: list[int] = []
    async with write_transaction(engine) as conn:
        for message in messages:
            if await update(conn, held(message), values):
                released.append(message.id)
        await record(conn, now, [(row, Status.SENDING, Status.PLANNED, detail) for row in released])
    return released


async def recover(
    engine: AsyncEngine, now: dt.datetime, lease: dt.timedelta, *, worker: str | None = None
) -> list[int]:
    """Put rows stuck in ``sending`` back to ``planned``; returns their ids.

    Stuck means claimed ``lease`` or longer ago, or, when ``worker`` is given, claimed by that
    worker at any time: a worker starting again under its old id takes back what its previous
    life left behind, without waiting for the lease (only safe when no other live process uses
    the same id). A row that was sent just before its worker died is sent again: the duplicate
    window of :mod:`bot.outbox`.
    """
    stuck: sa.ColumnElement[bool] = OUTREACH.c.claimed_at <= now - lease
    if worker is not None:
        stuck = sa.or_(stuck, OUTREACH.c.claimed_by == worker)
    async with write_transaction(engine) as conn:
        rows = (
            await conn.execute(
                sa.select(OUTREACH.c.id, OUTREACH.c.claimed_by)
                .where(OUTREACH.c.status == Status.SENDING, stuck)
                .order_by(OUTREACH.c.id)
                .with_for_update(skip_locked=True)
            )
        ).all()
        if not rows:
            return []
        await conn.execute(
            sa.update(OUTREACH)
            .where(OUTREACH.c.id.in_([row.id for row in rows]))
            .values(status=Status.PLANNED, claimed_by=None, claimed_at=None, updated_at=now)
        )
        await record(
            conn,
            now,
            [
                (row.id, Status.SENDING, Status.PLANNED, f"recovered from {row.claimed_by}")
                for row in rows
            ],
        )
    return [row.id for row in rows]

"""The desk's sign-in requests and sessions in the database (``desk_signin``, ``desk_session``).

Every secret is made here with :mod:`secrets` (256 bits) and only its SHA-256 is stored: the
link's token, the browser's cookie the link is bound to, the session's id. Someone who reads the
database (a backup, an export) holds no working link and no working session.

- :func:`ask`: a staff member asked for a link from a browser; the link goes out through the
  outbox on their own channel (:func:`bot.contacts.store.reach_of`), like any staff message.
- :func:`redeem`: the link, opened in the browser that asked, before it expired and never
  before; one ``UPDATE`` both checks and uses it, so two requests at once cannot both sign in.
- :func:`open_session`, :func:`viewer_of`, :func:`end`: a session starts at sign-in with a
  new id, lives while it is used (``idle``) and at most ``absolute``, and ends at sign-out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.contacts import ChannelOrder
from bot.contacts import store as contacts
from bot.domain import OutreachKind, Role
from bot.models import Contact, DeskSession, DeskSignIn, Outreach, Pupil, Staff, UTCDateTime
from bot.outbox import PlannedOutreach
from bot.outbox import store as outbox
from bot.web.desk.access import Viewer
from messages import STAFF_LANGUAGES

__all__ = [
    "Asker",
    "Lifetimes",
    "Seen",
    "ask",
    "end",
    "find_staff",
    "hash_of",
    "new_secret",
    "open_session",
    "redeem",
    "touch",
    "viewer_of",
]

MAX_WHO = 200
"""Longer than any e-mail address or staff id: anything longer is not looked up."""
MAX_OPEN_REQUESTS = 3
"""Links a staff member can have waiting at once: more requests send nothing more (nobody can
fill a colleague's inbox from the sign-in page)."""
TOUCH_EVERY = dt.timedelta(minutes=1)
"""A session's ``last_seen_at`` is written at most this often (not on every page)."""
KEEP_ENDED = dt.timedelta(days=1)
"""Ended and expired requests and sessions are deleted this long after."""


@dataclass(frozen=True, slots=True)
class Lifetimes:
    """How long a link works, a session lives without a request, and a session lives at most."""

    link: dt.timedelta = dt.timedelta(minutes=15)
    idle: dt.timedelta = dt.timedelta(minutes=30)
    absolute: dt.timedelta = dt.timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class Asker:
    """The staff member a sign-in request names."""

    id: int
    school_id: str
    language: str


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_of(secret: str) -> str:
    """What is stored of a secret: its SHA-256, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


async def find_staff(conn: AsyncConnection, who: str) -> Asker | None:
    """The one active staff member whose staff id (``S01``) or e-mail address ``who`` is, in
    any case; None for nobody, or when it names more than one (two schools in one database)."""
    text = who.strip()
    if not text or len(text) > MAX_WHO:
        return None
    by_mail = sa.select(col(Contact.person_id)).where(
        col(Contact.role) == "staff",
        col(Contact.channel) == "email",
        sa.func.lower(col(Contact.address)) == text.lower(),
    )
    found = (
        await conn.execute(
            sa.select(col(Staff.id), col(Staff.school_id), col(Staff.language))
            .where(
                col(Staff.active),
                sa.or_(
                    sa.func.lower(col(Staff.staff_id)) == text.lower(),
                    col(Staff.id).in_(by_mail),
                ),
            )
            .limit(2)
        )
    ).all()
    if len(found) != 1:
        return None
    staff_id, school_id, language = found[0]
    lang = language if language in STAFF_LANGUAGES else "nl"
    return Asker(int(str(staff_id)), str(school_id), lang)


async def ask(
    conn: AsyncConnection,
    asker: Asker,
    browser: str,
    *,
    base_url: str,
    now: dt.datetime,
    lifetimes: Lifetimes,
    channels: ChannelOrder,
) -> bool:
    """Store a sign-in request of ``asker`` from the browser whose cookie is ``browser`` and
    plan the message with its link; False when nothing was sent: the person has
    :data:`MAX_OPEN_REQUESTS` links waiting, or no channel reaches them."""
    await _forget_old(conn, now)
    waiting = await conn.scalar(
        sa.select(sa.func.count())
        .select_from(DeskSignIn)
        .where(
            col(DeskSignIn.staff_id) == asker.id,
            col(DeskSignIn.used_at).is_(None),
            col(DeskSignIn.expires_at) > now,
        )
    )
    if (waiting or 0) >= MAX_OPEN_REQUESTS:
        return False
    reached = await contacts.reach_of(conn, Role.STAFF, asker.id, channels)
    if reached is None:
        return False
    token = new_secret()
    token_hash = hash_of(token)
    expires = now + lifetimes.link
    planned = PlannedOutreach(
        school_id=asker.school_id,
        idempotency_key=f"desk_signin:{token_hash}",
        kind=OutreachKind.DESK_SIGNIN,
        recipient_role=Role.STAFF,
        recipient_id=asker.id,
        channel=reached.channel,
        lang=asker.language,
        due_at=now,
        expires_at=expires,
        payload={"link": f"{base_url.rstrip('/')}/desk/in/{token}"},
    )
    ids = await outbox.plan(conn, [planned], now)
    await conn.execute(
        sa.insert(DeskSignIn).values(
            school_id=asker.school_id,
            staff_id=asker.id,
            token_hash=token_hash,
            browser_hash=hash_of(browser),
            created_at=now,
            expires_at=expires,
            outreach_id=ids.get(planned.idempotency_key),
        )
    )
    return True


async def redeem(conn: AsyncConnection, token: str, browser: str, now: dt.datetime) -> int | None:
    """The staff member (database id) whose link ``token`` is, used now; None when it is not a
    link, was made for another browser, was used before or expired (the caller says the same
    for each). A wrong browser does not use the link up. A used link is blotted out of the
    message that carried it, so that not even a dead link stays in the database."""
    found = (
        await conn.execute(
            sa.update(DeskSignIn)
            .where(
                col(DeskSignIn.token_hash) == hash_of(token),
                col(DeskSignIn.browser_hash) == hash_of(browser),
                col(DeskSignIn.used_at).is_(None),
                col(DeskSignIn.expires_at) > now,
            )
            .values(used_at=now)
            .returning(col(DeskSignIn.staff_id), col(DeskSignIn.outreach_id))
        )
    ).one_or_none()
    if found is None:
        return None
    staff_id, outreach_id = found
    if outreach_id is not None:
        await _blot(conn, [int(outreach_id)], now)
    return int(staff_id)


USED = "…"
"""What a used or dead link's token becomes in the message that carried it."""
_TOKEN = re.compile(r"(/desk/in/)[A-Za-z0-9_-]+")


def blotted(text: str) -> str:
    """``text`` with the token of every sign-in link in it replaced by :data:`USED`."""
    return _TOKEN.sub(rf"\g<1>{USED}", text)


async def _blot(conn: AsyncConnection, outreach_ids: Sequence[int], now: dt.datetime) -> None:
    """Blot the links out of the messages ``outreach_ids`` (their payload and their text)."""
    if not outreach_ids:
        return
    rows = await conn.execute(
        sa.select(col(Outreach.id), col(Outreach.payload), col(Outreach.text)).where(
            col(Outreach.id).in_(outreach_ids)
        )
    )
    for row, payload, text in rows.all():
        values = dict(payload or {})
        values["link"] = blotted(str(values.get("link", "")))
        await conn.execute(
            sa.update(Outreach)
            .where(col(Outreach.id) == row)
            .values(payload=values, text=blotted(text) if text else text, updated_at=now)
        )


async def open_session(
    conn: AsyncConnection, staff_id: int, now: dt.datetime, lifetimes: Lifetimes
) -> str | None:
    """A new session of the (still active) staff member ``staff_id``: its id, for the cookie."""
    school_id = await conn.scalar(
        sa.select(col(Staff.school_id)).where(col(Staff.id) == staff_id, col(Staff.active))
    )
    if school_id is None:
        return None
    session = new_secret()
    await conn.execute(
        sa.insert(DeskSession).values(
            school_id=school_id,
            staff_id=staff_id,
            id_hash=hash_of(session),
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetimes.absolute,
        )
    )
    return session


_VIEWER = (
    sa.select(
        col(DeskSession.id),
        col(DeskSession.last_seen_at),
        col(Staff.id),
        col(Staff.school_id),
        col(Staff.role),
        col(Staff.first_name),
        col(Staff.last_name),
        col(Staff.language),
        sa.exists()
        .where(col(Pupil.spilfiguur_id) == col(Staff.id), col(Pupil.active))
        .label("spilfiguur"),
    )
    .join(Staff, col(Staff.id) == col(DeskSession.staff_id))
    .where(
        col(DeskSession.id_hash) == sa.bindparam("id_hash"),
        col(DeskSession.ended_at).is_(None),
        col(DeskSession.expires_at) > sa.bindparam("now", type_=UTCDateTime()),
        col(DeskSession.last_seen_at) > sa.bindparam("idle_since", type_=UTCDateTime()),
        col(Staff.active),
    )
)


@dataclass(frozen=True, slots=True)
class Seen:
    """A live session's staff member, and the session's row when its ``last_seen_at`` is due
    to be written (:func:`touch`), else None."""

    viewer: Viewer
    touch: int | None


async def viewer_of(
    conn: AsyncConnection, session: str, now: dt.datetime, lifetimes: Lifetimes
) -> Seen | None:
    """The signed-in staff member of the session ``session``, now; None when there is no such
    session, it ended, was idle too long, is older than its absolute lifetime, or the person
    left the roster. Reads only: the caller marks the session as used (:func:`touch`)."""
    if not session or len(session) > MAX_WHO:
        return None
    found = (
        await conn.execute(
            _VIEWER,
            {"id_hash": hash_of(session), "now": now, "idle_since": now - lifetimes.idle},
        )
    ).one_or_none()
    if found is None:
        return None
    row, last_seen, staff_id, school_id, role, first, last, language, spilfiguur = found
    lang = language if language in STAFF_LANGUAGES else "nl"
    name = f"{first} {last}"
    viewer = Viewer(int(str(staff_id)), str(school_id), str(role), name, lang, bool(spilfiguur))
    return Seen(viewer, int(str(row)) if now - last_seen >= TOUCH_EVERY else None)


async def touch(conn: AsyncConnection, row: int, now: dt.datetime) -> None:
    """The session ``row`` was used at ``now`` (its idle time starts again)."""
    await conn.execute(
        sa.update(DeskSession).where(col(DeskSession.id) == row).values(last_seen_at=now)
    )


async def end(conn: AsyncConnection, session: str, now: dt.datetime) -> None:
    """Sign-out: the session ``session`` ends (nothing happens for one that does not exist)."""
    await conn.execute(
        sa.update(DeskSession)
        .where(col(DeskSession.id_hash) == hash_of(session), col(DeskSession.ended_at).is_(None))
        .values(ended_at=now)
    )


async def _forget_old(conn: AsyncConnection, now: dt.datetime) -> None:
    """Delete the requests and sessions that ended or expired more than a day ago, and blot
    the links never used out of their messages."""
    before = now - KEEP_ENDED
    dead = await conn.scalars(
        sa.select(col(DeskSignIn.outreach_id)).where(
            col(DeskSignIn.expires_at) < before,
            col(DeskSignIn.used_at).is_(None),
            col(DeskSignIn.outreach_id).is_not(None),
        )
    )
    await _blot(conn, [int(row) for row in dead if row is not None], now)
    await conn.execute(sa.delete(DeskSignIn).where(col(DeskSignIn.expires_at) < before))
    await conn.execute(
        sa.delete(DeskSession).where(
            sa.or_(col(DeskSession.expires_at) < before, col(DeskSession.ended_at) < before)
        )
    )

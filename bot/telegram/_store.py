"""What the bot's conversations read and write: the message a button belongs to, the pupils a
person may hear about, answers, and the free text passed on to the spilfiguur.

Every write is one transaction; answers and free text are written in the transaction of
:mod:`bot.telegram.inbox`, which keeps them safe while an import holds SQLite's write lock.
Answers go into :class:`~bot.models.Reply`, where the planner finds them at its next tick
(:mod:`bot.planning.tick`); a message for the spilfiguur goes into the outbox, so that it
survives a restart and waits for the staff's sending hours like any other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col

from bot.contacts import DEFAULT_ORDER
from bot.contacts import store as contacts
from bot.domain import OutreachKind, Role
from bot.models import (
    Guardian,
    GuardianLink,
    Outreach,
    Pupil,
    Reply,
    School,
    SchoolClass,
    Staff,
)
from bot.outbox import PlannedOutreach
from bot.outbox import store as outbox
from bot.planning.facts_db import signature
from bot.telegram.invites import Linked
from bot.translation import reading_aid

__all__ = [
    "FORWARD_EXPIRES",
    "Pupilship",
    "TappedRow",
    "pupils_of",
    "set_language",
    "store_answer",
    "store_forward",
    "tapped_row",
]

FAMILY_KINDS = (
    OutreachKind.PUPIL_CHECKIN,
    OutreachKind.GUARDIAN_NOTICE,
    OutreachKind.GUARDIAN_CARE,
)
"""The messages about an absence that a pupil's or a parent's answer may be about."""
FORWARD_EXPIRES = dt.timedelta(days=14)
"""A pupil's or a parent's own words wait this long for the spilfiguur's sending hours."""


@dataclass(frozen=True, slots=True)
class TappedRow:
    """The outreach row a button was on."""

    id: int
    school_id: str
    kind: str
    recipient_role: str
    recipient_id: int
    pupil_id: int | None
    lang: str
    status: str
    payload: Mapping[str, Any]


async def tapped_row(engine: AsyncEngine, outreach_id: int) -> TappedRow | None:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                sa.select(
                    col(Outreach.id),
                    col(Outreach.school_id),
                    col(Outreach.kind),
                    col(Outreach.recipient_role),
                    col(Outreach.recipient_id),
                    col(Outreach.pupil_id),
                    col(Outreach.lang),
                    col(Outreach.status),
                    col(Outreach.payload),
                ).where(col(Outreach.id) == outreach_id)
            )
        ).one_or_none()
    if row is None:
        return None
    pk, school, kind, role, recipient, pupil, lang, status, payload = row
    return TappedRow(
        int(pk), school, kind, role, int(recipient), pupil, lang, status, payload or {}
    )


@dataclass(frozen=True, slots=True)
class Pupilship:
    """A pupil a linked person may hear about: the pupil themself, or a guardian's child; with
    what a message about them needs."""

    id: int
    pupil_id: str
    first_name: str
    class_name: str
    school_id: str
    school: str
    spilfiguur_id: int | None
    sender: str
    """The spilfiguur with their role, as messages are signed: "Koen De Backer
    (leerlingenbegeleiding)"; the school's name without one."""
    contact: str


async def pupils_of(engine: AsyncEngine, role: str, person_id: int) -> list[Pupilship]:
    """The active pupils of a pupil (themself) or a guardian (their children), by roster id."""
    query = (
        sa.select(
            col(Pupil.id),
            col(Pupil.pupil_id),
            col(Pupil.first_name),
            col(SchoolClass.name),
            col(Pupil.school_id),
            col(School.name),
            col(Pupil.spilfiguur_id),
            col(Staff.first_name),
            col(Staff.last_name),
            col(Staff.role),
            contacts.address_of("staff", col(Staff.id), "email"),
        )
        .join(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id))
        .join(School, col(School.id) == col(Pupil.school_id))
        .outerjoin(Staff, col(Staff.id) == col(Pupil.spilfiguur_id))
        .where(col(Pupil.active))
        .order_by(col(Pupil.pupil_id))
    )
    if role == "pupil":
        query = query.where(col(Pupil.id) == person_id)
    elif role == "guardian":
        query = query.where(
            col(Pupil.id).in_(
                sa.select(col(GuardianLink.pupil_id)).where(
                    col(GuardianLink.guardian_id) == person_id
                )
            )
        )
    else:
        return []
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    found = []
    for (
        pk,
        rid,
        first,
        class_name,
        school_id,
        school,
        signer,
        s_first,
        s_last,
        s_role,
        email,
    ) in rows:
        sender = contact = school
        if signer is not None:
            sender, contact = signature(school, f"{s_first} {s_last}", s_role, email)
        found.append(
            Pupilship(
                int(pk or 0), rid, first, class_name, school_id, school, signer, sender, contact
            )
        )
    return found


async def store_answer(
    conn: AsyncConnection,
    *,
    row: TappedRow,
    sender_role: str,
    sender_id: str,
    answer: str,
    at: dt.datetime,
) -> bool:
    """Store a tapped answer to ``row``, tied to the row's episode, in the caller's write
    transaction; False when this very answer to this row is stored already (a second tap, a
    replayed update)."""
    if row.pupil_id is None:
        return False
    episode = row.payload.get("episode")
    known = await conn.scalar(
        sa.select(col(Reply.id)).where(
            col(Reply.outreach_id) == row.id, col(Reply.answer) == answer
        )
    )
    if known is not None:
        return False
    await _insert_reply(
        conn,
        row.school_id,
        row.pupil_id,
        (sender_role, sender_id),
        answer,
        at,
        episode if isinstance(episode, str) else None,
        outreach_id=row.id,
    )
    return True


async def store_forward(
    conn: AsyncConnection,
    *,
    pupil: Pupilship,
    sender_role: str,
    sender_id: str,
    writer: str,
    language: str | None,
    text: str,
    update_id: int,
    message_id: int,
    at: dt.datetime,
    edited: bool = False,
    translation: str | None = None,
) -> bool:
    """Store free text as an answer about ``pupil`` and plan it for the pupil's spilfiguur
    (``coordinator_forward``), in the caller's write transaction; False when the update was
    stored before (Telegram sent it twice) or the pupil has no spilfiguur to tell. ``language``
    is the language the text was written in, None when it was not recognised.

    ``edited``: the text is a new version of the writer's message ``message_id`` (Telegram's
    id of it in their chat). When the earlier version has not gone out yet, the new words take
    its place (the spilfiguur never saw the old ones); otherwise they go out as a correction,
    whose payload ``variant`` picks the heading that says so.

    ``translation``: the words machine-translated for the spilfiguur, shown below them when
    the text is in a language they may not read (:func:`_reading`)."""
    key = f"forward:{pupil.school_id}:{update_id}"
    episode = await _latest_episode(conn, pupil.id)
    if await conn.scalar(sa.select(col(Outreach.id)).where(col(Outreach.idempotency_key) == key)):
        return False
    await _insert_reply(
        conn, pupil.school_id, pupil.id, (sender_role, sender_id), text, at, episode
    )
    if pupil.spilfiguur_id is None:
        return False
    sender = f"{sender_role}:{sender_id}"
    reading = (language, translation)
    if edited and await _replace_unsent(conn, pupil.id, sender, message_id, text, reading, at):
        return True
    their_language = await conn.scalar(
        sa.select(col(Staff.language)).where(col(Staff.id) == pupil.spilfiguur_id)
    )
    reached = await contacts.reach_of(conn, "staff", pupil.spilfiguur_id, DEFAULT_ORDER)
    planned = PlannedOutreach(
        school_id=pupil.school_id,
        idempotency_key=key,
        kind=OutreachKind.COORDINATOR_FORWARD,
        recipient_role=Role.COORDINATOR,
        recipient_id=pupil.spilfiguur_id,
        # A spilfiguur Gemist cannot reach still gets the row, on the school's first channel:
        # it fails there as undeliverable, a trace the operator sees, as it always did.
        channel=reached.channel if reached else DEFAULT_ORDER.order[0],
        lang=their_language or "nl",
        due_at=at,
        expires_at=at + FORWARD_EXPIRES,
        pupil_id=pupil.id,
        payload={
            "first_name": pupil.first_name,
            "class_name": pupil.class_name,
            "writer": writer,
            "message": text,
            "episode": episode,
            "from": sender,
            "message_id": message_id,
            **_reading(reading, their_language or "nl", edited),
        },
    )
    await outbox.plan(conn, [planned], at)
    return True


async def _replace_unsent(
    conn: AsyncConnection,
    pupil_id: int,
    sender: str,
    message_id: int,
    text: str,
    reading: tuple[str | None, str | None],
    at: dt.datetime,
) -> bool:
    """Put new words (with their language and translation, ``reading``) in the forward of
    ``sender``'s message ``message_id`` that is still planned (an earlier version, or a
    correction of it); whether there was one."""
    payload = col(Outreach.payload)
    rows = (
        await conn.execute(
            sa.select(col(Outreach.id), payload, col(Outreach.lang)).where(
                col(Outreach.kind) == OutreachKind.COORDINATOR_FORWARD,
                col(Outreach.pupil_id) == pupil_id,
                col(Outreach.status) == "planned",
                payload["from"].as_string() == sender,
                payload["message_id"].as_integer() == message_id,
            )
        )
    ).all()
    replaced = False
    for row, values, reader in rows:
        was_edited = str(values.get("variant", "")).startswith("edited")
        words = {**values, "message": text}
        for stale in ("variant", "translation"):
            words.pop(stale, None)
        words.update(_reading(reading, reader, was_edited))
        result = await conn.execute(
            sa.update(Outreach)
            .where(col(Outreach.id) == row, col(Outreach.status) == "planned")
            .values(payload=words, updated_at=at)
        )
        replaced = replaced or bool(result.rowcount)
    return replaced


def _variant(language: str | None, edited: bool, aid: str = "") -> dict[str, str]:
    """The ``coordinator_forward`` variant: an edit, a language not recognised, or both; and
    the reader's help with a language they may not read (:func:`bot.translation.reading_aid`)."""
    parts = (["edited"] if edited else []) + ([] if language else ["unknown_language"])
    parts += [aid] if aid else []
    return {"variant": "_".join(parts)} if parts else {}


def _reading(reading: tuple[str | None, str | None], reader: str, edited: bool) -> dict[str, str]:
    """The payload's ``language``, ``variant`` and ``translation`` of words written in
    ``reading[0]`` (None: not recognised), with their translation ``reading[1]``, for a
    spilfiguur who reads ``reader``."""
    language, translation = reading
    aid = reading_aid(language, reader, translation)
    found = {"language": language or "", **_variant(language, edited, aid)}
    if aid == "translated" and translation:
        found["translation"] = translation
    return found


async def set_moment(
    conn: AsyncConnection, guardian_ids: Sequence[int], moment: str | None
) -> None:
    """Guardians (one person in each of a chat's roles) chose the part of the day for the
    school's messages (None: any time)."""
    await conn.execute(
        sa.update(Guardian)
        .where(col(Guardian.id).in_(list(guardian_ids)))
        .values(contact_moment=moment)
    )


async def set_language(conn: AsyncConnection, people: Sequence[tuple[str, int]], lang: str) -> None:
    """Guardians and pupils, as ``(role, id)``, chose the language of their messages; a
    roster import keeps it from now on."""
    for role, person_id in people:
        table: Any = Guardian if role == "guardian" else Pupil
        await conn.execute(
            sa.update(table)
            .where(col(table.id) == person_id)
            .values(language=lang, language_chosen=True)
        )


async def writer_of(engine: AsyncEngine, role: str, person_id: int, pupil_id: int) -> str:
    """Who wrote, as the spilfiguur reads it: "Fatima El Amrani (moeder)", "Yasmine El
    Amrani (leerling)"."""
    async with engine.connect() as conn:
        if role == "guardian":
            row = (
                await conn.execute(
                    sa.select(
                        col(Guardian.first_name),
                        col(Guardian.last_name),
                        col(GuardianLink.relation),
                    )
                    .join(GuardianLink, col(GuardianLink.guardian_id) == col(Guardian.id))
                    .where(col(Guardian.id) == person_id, col(GuardianLink.pupil_id) == pupil_id)
                )
            ).first()
            if row is not None:
                return f"{row[0]} {row[1]} ({row[2] or 'ouder'})"
        pupil = (
            await conn.execute(
                sa.select(col(Pupil.first_name), col(Pupil.last_name)).where(
                    col(Pupil.id) == person_id
                )
            )
        ).first()
    return f"{pupil[0]} {pupil[1]} (leerling)" if pupil is not None else "?"


async def school_name(engine: AsyncEngine, school_id: str) -> str:
    async with engine.connect() as conn:
        name = await conn.scalar(sa.select(col(School.name)).where(col(School.id) == school_id))
    return str(name or school_id)


async def latest_pupil(
    engine: AsyncEngine, person: Linked, pupils: Sequence[Pupilship]
) -> Pupilship:
    """Of ``pupils``, the one the person last heard about from the bot (a parent answers the
    message about that child); the first when nothing was sent to them yet."""
    by_id = {pupil.id: pupil for pupil in pupils}
    role = "pupil" if person.role == "pupil" else "guardian"
    async with engine.connect() as conn:
        latest = await conn.scalar(
            sa.select(col(Outreach.pupil_id))
            .where(
                col(Outreach.recipient_role) == role,
                col(Outreach.recipient_id) == person.person_id,
                col(Outreach.status) == "sent",
                col(Outreach.pupil_id).in_(list(by_id)),
            )
            .order_by(col(Outreach.sent_at).desc(), col(Outreach.id).desc())
            .limit(1)
        )
    return by_id.get(latest, pupils[0]) if latest is not None else pupils[0]


async def record_coordinator_return(
    conn: AsyncConnection, row: TappedRow, *, sender_id: str, back: dt.date, at: dt.datetime
) -> None:
    """The spilfiguur's ``return:`` date, stored as their answer about the pupil's latest
    episode (a nudge may be about the school year, not one absence)."""
    assert row.pupil_id is not None
    episode = await _latest_episode(conn, row.pupil_id)
    await _insert_reply(
        conn,
        row.school_id,
        row.pupil_id,
        ("coordinator", sender_id),
        f"return:{back.isoformat()}",
        at,
        episode,
        outreach_id=row.id,
    )


async def _insert_reply(
    conn: AsyncConnection,
    school_id: str,
    pupil_id: int,
    sender: tuple[str, str],
    answer: str,
    at: dt.datetime,
    episode: str | None,
    *,
    outreach_id: int | None = None,
) -> None:
    """One answer about a pupil; ``sender`` is the role and the roster id of who gave it."""
    await conn.execute(
        sa.insert(Reply).values(
            school_id=school_id,
            pupil_id=pupil_id,
            sender_role=sender[0],
            sender_id=sender[1],
            answer=answer,
            received_at=at,
            episode_key=episode,
            outreach_id=outreach_id,
        )
    )


async def _latest_episode(conn: AsyncConnection, pupil_id: int) -> str | None:
    """The episode of the last message that went to the pupil's family about an absence."""
    episode = await conn.scalar(
        sa.select(col(Outreach.payload)["episode"].as_string())
        .where(
            col(Outreach.pupil_id) == pupil_id,
            col(Outreach.status) == "sent",
            col(Outreach.kind).in_(FAMILY_KINDS),
        )
        .order_by(col(Outreach.sent_at).desc(), col(Outreach.id).desc())
        .limit(1)
    )
    return str(episode) if episode is not None else None

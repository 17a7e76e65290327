"""A pupil's or a parent's own words: stored as their answer about the pupil's latest absence
(rule 3 of :mod:`bot.answers.episodes`) and passed on to the pupil's spilfiguur as a
``coordinator_forward`` in the outbox, so that they survive a restart and wait for the staff's
sending hours like any other message.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.answers.episodes import latest_episode
from bot.answers.replies import insert_reply
from bot.contacts import DEFAULT_ORDER, ChannelOrder
from bot.contacts import store as contacts
from bot.domain import OutreachKind, Role
from bot.models import Guardian, GuardianLink, Outreach, Pupil, SchoolClass, Staff
from bot.outbox import PlannedOutreach
from bot.outbox import store as outbox
from bot.translation import reading_aid

__all__ = ["FORWARD_EXPIRES", "FORWARD_KIND", "store_words", "writer_of"]

FORWARD_KIND = OutreachKind.COORDINATOR_FORWARD
FORWARD_EXPIRES = dt.timedelta(days=14)
"""A pupil's or a parent's own words wait this long for the spilfiguur's sending hours."""


async def store_words(
    conn: AsyncConnection,
    *,
    school_id: str,
    pupil: int,
    sender_role: str,
    sender_id: str,
    language: str | None,
    text: str,
    source: str,
    message_id: int,
    at: dt.datetime,
    edited: bool = False,
    translation: str | None = None,
    channels: ChannelOrder = DEFAULT_ORDER,
) -> bool:
    """Store ``text`` as an answer about ``pupil`` and plan it for the pupil's spilfiguur;
    False when these words were stored before (``source`` names them where they came from:
    Telegram's update id, a line of a replies file) or the pupil has no spilfiguur to tell.
    ``language`` is the language the text was written in, None when it was not recognised.

    ``edited``: the text is a new version of the writer's message ``message_id`` (its id in
    their chat). When the earlier version has not gone out yet, the new words take its place
    (the spilfiguur never saw the old ones); otherwise they go out as a correction, whose
    payload ``variant`` picks the heading that says so.

    ``translation``: the words machine-translated for the spilfiguur, shown below them when
    the text is in a language they may not read (:func:`_reading`). ``channels``: the school's
    order of channels and those it can deliver on, which choose how the spilfiguur is reached."""
    key = f"forward:{school_id}:{source}"
    if await conn.scalar(sa.select(col(Outreach.id)).where(col(Outreach.idempotency_key) == key)):
        return False
    episode = await latest_episode(conn, pupil, at)
    await insert_reply(conn, school_id, pupil, (sender_role, sender_id), text, at, episode)
    about = (
        await conn.execute(
            sa.select(col(Pupil.first_name), col(SchoolClass.name), col(Pupil.spilfiguur_id))
            .join(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id))
            .where(col(Pupil.id) == pupil)
        )
    ).one()
    first_name, class_name, spilfiguur = about
    if spilfiguur is None:
        return False
    sender = f"{sender_role}:{sender_id}"
    reading = (language, translation)
    if edited and await _replace_unsent(conn, pupil, sender, message_id, text, reading, at):
        return True
    their_language = (
        await conn.scalar(sa.select(col(Staff.language)).where(col(Staff.id) == spilfiguur)) or "nl"
    )
    reached = await contacts.reach_of(conn, "staff", spilfiguur, channels)
    planned = PlannedOutreach(
        school_id=school_id,
        idempotency_key=key,
        kind=FORWARD_KIND,
        recipient_role=Role.COORDINATOR,
        recipient_id=spilfiguur,
        # A spilfiguur Gemist cannot reach still gets the row, on the school's first channel:
        # it fails there as undeliverable, a trace the operator sees, as it always did.
        channel=reached.channel if reached else channels.order[0],
        lang=their_language,
        due_at=at,
        expires_at=at + FORWARD_EXPIRES,
        pupil_id=pupil,
        payload={
            "first_name": first_name,
            "class_name": class_name,
            "writer": await writer_of(conn, school_id, sender_role, sender_id, pupil),
            "message": text,
            "episode": episode,
            "from": sender,
            "message_id": message_id,
            **_reading(reading, their_language, edited),
        },
    )
    await outbox.plan(conn, [planned], at)
    return True


async def writer_of(
    conn: AsyncConnection, school_id: str, role: str, sender_id: str, pupil: int
) -> str:
    """Who wrote, as the spilfiguur reads it: "Fatima El Amrani (moeder)", "Yasmine El
    Amrani (leerling)"; ``sender_id`` is the roster's id of the guardian or the pupil."""
    if role == "guardian":
        row = (
            await conn.execute(
                sa.select(
                    col(Guardian.first_name), col(Guardian.last_name), col(GuardianLink.relation)
                )
                .join(GuardianLink, col(GuardianLink.guardian_id) == col(Guardian.id))
                .where(
                    col(Guardian.school_id) == school_id,
                    col(Guardian.guardian_id) == sender_id,
                    col(GuardianLink.pupil_id) == pupil,
                )
            )
        ).first()
        if row is not None:
            return f"{row[0]} {row[1]} ({row[2] or 'ouder'})"
    found = (
        await conn.execute(
            sa.select(col(Pupil.first_name), col(Pupil.last_name)).where(
                col(Pupil.school_id) == school_id, col(Pupil.pupil_id) == sender_id
            )
        )
    ).first()
    return f"{found[0]} {found[1]} (leerling)" if found is not None else "?"


async def _replace_unsent(
    conn: AsyncConnection,
    pupil: int,
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
                col(Outreach.kind) == FORWARD_KIND,
                col(Outreach.pupil_id) == pupil,
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

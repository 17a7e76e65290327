"""Everything Gemist holds about one person, for their right of access.

:func:`gather` reads it into plain data, ready for JSON. Sections, by role:

- every role: the roster row, how they can be reached (their contacts: channel, address,
  state), the messages to them (the text as it was sent, the render context,
  the status changes), invitations (the code's SHA-256 only, never a code), and the answers
  they gave;

Gemist stores a message's render context, not its text (the text is written at the moment of
sending, :mod:`bot.outbox.rendering`): the export writes it again from that context with the
same templates and the school's own wording, as ``text``.
- a pupil: class and spilfiguur, guardians (name, relation, may be contacted), absence marks
  and their corrections, every message about them (to whomever), every answer about them,
  pauses, the holds over days they were marked absent, and who viewed their timeline when;
- a guardian: the pupils they are linked to;
- a staff member: the classes they teach, the pupils they coordinate, the timelines they viewed.

:mod:`bot.privacy.document` writes the result as JSON or as a Markdown document.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.models import (
    SCHOOL_SCOPE,
    AbsenceMark,
    Contact,
    Guardian,
    GuardianLink,
    Invitation,
    MarkCorrection,
    Outreach,
    OutreachEvent,
    OutreachHold,
    Pupil,
    PupilPause,
    Reply,
    SchoolClass,
    Staff,
    TeachingAssignment,
    TimelineView,
)
from bot.privacy.erase import FAMILY_ROLES
from bot.privacy.people import Person, table_of
from messages import Overrides, render_outreach

__all__ = ["Record", "gather"]

Record = dict[str, Any]


async def gather(
    conn: AsyncConnection,
    school_id: str,
    person: Person,
    now: dt.datetime,
    overrides: Overrides | None = None,
) -> Record:
    """The export of ``person``: a JSON-ready mapping of sections; messages in the school's
    wording (``overrides``)."""
    table = table_of(person.role)
    roster = await _rows(conn, sa.select(table).where(table.id == person.key))
    data: Record = {
        "exported_at": now.isoformat(),
        "school": school_id,
        "role": person.role,
        "roster_id": person.roster_id,
        "roster": roster[0] if roster else {},
    }
    if person.role == "pupil":
        data |= await _pupil(conn, person)
    elif person.role == "guardian":
        data |= await _guardian(conn, school_id, person)
    else:
        data |= await _staff(conn, person)
    for message in data["messages"]:
        message["text"] = message["text"] or _text(message, overrides)
    data["contacts"] = await _rows(
        conn,
        sa.select(
            col(Contact.channel), col(Contact.address), col(Contact.state), col(Contact.since),
            col(Contact.chosen),
        )
        .where(col(Contact.role) == person.role, col(Contact.person_id) == person.key)
        .order_by(col(Contact.channel)),
    )  # fmt: skip
    data["invitations"] = await _rows(
        conn,
        sa.select(
            col(Invitation.role), col(Invitation.code_hash), col(Invitation.created_at),
            col(Invitation.expires_at), col(Invitation.used_at), col(Invitation.chat_id),
            col(Invitation.stopped_at), col(Invitation.revoked_at),
        )
        .where(col(Invitation.role) == person.role, col(Invitation.person_id) == person.key)
        .order_by(col(Invitation.id)),
    )  # fmt: skip
    return data


async def _pupil(conn: AsyncConnection, person: Person) -> Record:
    pupil = person.key
    class_name = await conn.scalar(
        sa.select(col(SchoolClass.name))
        .join(Pupil, col(Pupil.class_id) == col(SchoolClass.id))
        .where(col(Pupil.id) == pupil)
    )
    spilfiguur = await conn.scalar(
        sa.select(col(Staff.staff_id))
        .join(Pupil, col(Pupil.spilfiguur_id) == col(Staff.id))
        .where(col(Pupil.id) == pupil)
    )
    marks = await _rows(
        conn,
        sa.select(AbsenceMark)
        .where(col(AbsenceMark.pupil_id) == pupil)
        .order_by(col(AbsenceMark.date), col(AbsenceMark.half_day)),
    )
    corrections = await _rows(
        conn,
        sa.select(MarkCorrection)
        .where(
            col(MarkCorrection.mark_id).in_(
                sa.select(col(AbsenceMark.id)).where(col(AbsenceMark.pupil_id) == pupil)
            )
        )
        .order_by(col(MarkCorrection.id)),
    )
    about = sa.or_(
        col(Outreach.pupil_id) == pupil,
        sa.and_(col(Outreach.recipient_role) == "pupil", col(Outreach.recipient_id) == pupil),
    )
    scopes = [SCHOOL_SCOPE] + ([class_name] if class_name else [])
    return {
        "class": class_name,
        "spilfiguur": spilfiguur,
        "guardians": await _rows(
            conn,
            sa.select(
                col(Guardian.guardian_id),
                col(Guardian.first_name),
                col(Guardian.last_name),
                col(GuardianLink.relation),
                col(GuardianLink.may_contact),
            )
            .join(GuardianLink, col(GuardianLink.guardian_id) == col(Guardian.id))
            .where(col(GuardianLink.pupil_id) == pupil)
            .order_by(col(Guardian.guardian_id)),
        ),
        "absence_marks": marks,
        "mark_corrections": corrections,
        "messages": await _messages(conn, about),
        "replies": await _rows(
            conn,
            sa.select(Reply).where(col(Reply.pupil_id) == pupil).order_by(col(Reply.id)),
        ),
        "pauses": await _rows(
            conn,
            sa.select(PupilPause)
            .where(col(PupilPause.pupil_id) == pupil)
            .order_by(col(PupilPause.id)),
        ),
        "holds": await _rows(
            conn,
            sa.select(OutreachHold)
            .where(
                col(OutreachHold.scope).in_(scopes),
                col(OutreachHold.date).in_(
                    sa.select(col(AbsenceMark.date)).where(col(AbsenceMark.pupil_id) == pupil)
                ),
            )
            .order_by(col(OutreachHold.date)),
        ),
        "timeline_views": await _rows(
            conn,
            sa.select(
                col(TimelineView.viewed_at),
                col(TimelineView.channel),
                col(Staff.staff_id).label("viewer"),
            )
            .outerjoin(Staff, col(Staff.id) == col(TimelineView.viewer_id))
            .where(col(TimelineView.pupil_id) == pupil)
            .order_by(col(TimelineView.id)),
        ),
    }


async def _guardian(conn: AsyncConnection, school_id: str, person: Person) -> Record:
    to_them = sa.and_(
        col(Outreach.recipient_role) == "guardian", col(Outreach.recipient_id) == person.key
    )
    return {
        "pupils": await _rows(
            conn,
            sa.select(
                col(Pupil.pupil_id),
                col(Pupil.first_name),
                col(Pupil.last_name),
                col(GuardianLink.relation),
                col(GuardianLink.may_contact),
            )
            .join(GuardianLink, col(GuardianLink.pupil_id) == col(Pupil.id))
            .where(col(GuardianLink.guardian_id) == person.key)
            .order_by(col(Pupil.pupil_id)),
        ),
        "messages": await _messages(conn, to_them),
        "replies": await _rows(
            conn,
            sa.select(Reply)
            .where(
                col(Reply.school_id) == school_id,
                col(Reply.sender_role) == "guardian",
                col(Reply.sender_id) == person.roster_id,
            )
            .order_by(col(Reply.id)),
        ),
    }


async def _staff(conn: AsyncConnection, person: Person) -> Record:
    to_them = sa.and_(
        col(Outreach.recipient_role).not_in(FAMILY_ROLES), col(Outreach.recipient_id) == person.key
    )
    return {
        "classes": await _rows(
            conn,
            sa.select(col(SchoolClass.name), col(TeachingAssignment.role))
            .join(TeachingAssignment, col(TeachingAssignment.class_id) == col(SchoolClass.id))
            .where(col(TeachingAssignment.staff_id) == person.key)
            .order_by(col(SchoolClass.name)),
        ),
        "coordinates": list(
            await conn.scalars(
                sa.select(col(Pupil.pupil_id))
                .where(col(Pupil.spilfiguur_id) == person.key)
                .order_by(col(Pupil.pupil_id))
            )
        ),
        "messages": await _messages(conn, to_them),
        "timeline_views": await _rows(
            conn,
            sa.select(
                col(TimelineView.viewed_at),
                col(TimelineView.channel),
                col(Pupil.pupil_id).label("pupil"),
            )
            .join(Pupil, col(Pupil.id) == col(TimelineView.pupil_id))
            .where(col(TimelineView.viewer_id) == person.key)
            .order_by(col(TimelineView.id)),
        ),
    }


async def _messages(conn: AsyncConnection, where: sa.ColumnElement[bool]) -> list[Record]:
    """The outreach rows ``where`` says, each with its status changes under ``events``."""
    messages = await _rows(conn, sa.select(Outreach).where(where).order_by(col(Outreach.id)))
    events = await _rows(
        conn,
        sa.select(OutreachEvent)
        .where(col(OutreachEvent.outreach_id).in_(sa.select(col(Outreach.id)).where(where)))
        .order_by(col(OutreachEvent.id)),
    )
    by_message: dict[Any, list[Record]] = {}
    for event in events:
        by_message.setdefault(event.pop("outreach_id"), []).append(event)
    for message in messages:
        message["events"] = by_message.get(message["id"], [])
    return messages


def _text(message: Record, overrides: Overrides | None) -> str | None:
    """The message's text written again from its stored context; None when it cannot be."""
    payload = message["payload"] if isinstance(message["payload"], dict) else {}
    try:
        return render_outreach(message["kind"], message["lang"], payload, overrides).text
    except (LookupError, ValueError):
        return None


async def _rows(conn: AsyncConnection, statement: Any) -> list[Record]:
    result = await conn.execute(statement)
    return [{key: _plain(value) for key, value in row.items()} for row in result.mappings()]


def _plain(value: Any) -> Any:
    """A value JSON can hold: dates and times in ISO 8601."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value

"""Remove one person from Gemist: their roster row and everything that is about them or names
them. Used by ``gemist privacy erase`` and by the retention purge of people who left.

What goes, for a **pupil**: absence marks and their corrections, every message about them or to
them (text, render context, audit events), every answer about them, pauses, the log of who
viewed their timeline, guardian links, invitations (code hashes, the chat that used them); and
their guardians who are linked to no other pupil, as below. For a **guardian**: the messages to
them, the answers they gave, their links and invitations. For a **staff member**: the messages
to them, their class assignments and invitations; where they are named as having acted (an
acknowledged nudge, a pause, a hold decision, a return date they gave) the name becomes
:data:`ERASED`, and pupils they coordinated have no spilfiguur until the next roster import.

Then what is left is searched for their roster id, full name and chat id
(:mod:`bot.privacy.scrub`): a message that still names them is removed, a rejected import line
too. What stays are facts about nobody in particular: feed days, holds, import counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.contacts import store as contacts
from bot.models import (
    AbsenceMark,
    Contact,
    DeskSession,
    DeskSignIn,
    GuardianLink,
    Invitation,
    MarkCorrection,
    Outreach,
    OutreachEvent,
    OutreachHold,
    PupilPause,
    Reply,
    TeachingAssignment,
    TimelineView,
)
from bot.privacy.people import Person, table_of
from bot.privacy.scrub import BATCH, Found, clean_rejects_and_summaries, find_naming

__all__ = ["ERASED", "FAMILY_ROLES", "drop_outreach", "erase_people", "erase_person"]

ERASED = "erased"
"""What an audit field that named an erased staff member says instead."""
FAMILY_ROLES = ("pupil", "guardian")
"""Recipient and sender roles of the family; every other role is staff."""
CHUNK = 500
"""People removed per statement (a bound on the size of an ``IN`` list)."""


async def erase_person(
    conn: AsyncConnection, school_id: str, person: Person, *, orphans: bool = True
) -> Counter[str]:
    """Remove ``person`` as the module says; the rows removed, by kind. With ``orphans``, a
    pupil's guardians who are linked to no other pupil go too."""
    return await erase_people(conn, school_id, [person], orphans=orphans)


async def erase_people(
    conn: AsyncConnection,
    school_id: str,
    people: Sequence[Person],
    *,
    orphans: bool = True,
    found: Found | None = None,
) -> Counter[str]:
    """Remove all of ``people`` (and, with ``orphans``, their orphaned guardians) with a few
    statements per kind of row, then what else names them (:mod:`bot.privacy.scrub`): as
    ``found`` by an earlier search of the caller's, else searched now."""
    removed: Counter[str] = Counter()
    pupils = [person for person in people if person.role == "pupil"]
    guardians = [person for person in people if person.role == "guardian"]
    staff = [person for person in people if person.role == "staff"]
    for chunk in _chunks(pupils):
        orphaned = await _erase_pupils(conn, [p.key for p in chunk], removed)
        if orphans:
            known = {guardian.key for guardian in guardians}
            guardians += [guardian for guardian in orphaned if guardian.key not in known]
    for chunk in _chunks(guardians):
        await _erase_guardians(conn, school_id, chunk, removed)
    for chunk in _chunks(staff):
        await _erase_staff(conn, school_id, chunk, removed)
    for role, group in (("pupil", pupils), ("guardian", guardians), ("staff", staff)):
        for chunk in _chunks(group):
            keys = [person.key for person in chunk]
            await _count(
                conn, removed, "invitations",
                sa.delete(Invitation).where(
                    col(Invitation.role) == role, col(Invitation.person_id).in_(keys)
                ),
            )  # fmt: skip
            await _count(
                conn, removed, "contacts",
                sa.delete(Contact).where(
                    col(Contact.role) == role, col(Contact.person_id).in_(keys)
                ),
            )  # fmt: skip
            table = table_of(role)
            await _count(
                conn, removed, f"{role} records", sa.delete(table).where(table.id.in_(keys))
            )
    if found is None:
        found = await find_naming(conn, school_id, [*pupils, *guardians, *staff])
    for start in range(0, len(found.messages), BATCH):
        await _drop(conn, removed, col(Outreach.id).in_(found.messages[start : start + BATCH]))
    removed["import rejects"] += await clean_rejects_and_summaries(conn, found)
    return removed


def _chunks(people: Sequence[Person]) -> Iterator[Sequence[Person]]:
    for start in range(0, len(people), CHUNK):
        yield people[start : start + CHUNK]


async def drop_outreach(conn: AsyncConnection, where: sa.ColumnElement[bool]) -> tuple[int, int]:
    """Delete the outreach rows ``where`` says and their events; answers that tapped them stay
    (without the link). The numbers of messages and of events removed."""
    ids = list(await conn.scalars(sa.select(col(Outreach.id)).where(where)))
    messages = events = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        await conn.execute(
            sa.update(Reply)
            .where(col(Reply.outreach_id).is_not(None), col(Reply.outreach_id).in_(chunk))
            .values(outreach_id=None)
        )
        deleted = await conn.execute(
            sa.delete(OutreachEvent).where(col(OutreachEvent.outreach_id).in_(chunk))
        )
        events += deleted.rowcount
        deleted = await conn.execute(sa.delete(Outreach).where(col(Outreach.id).in_(chunk)))
        messages += deleted.rowcount
    return messages, events


async def _erase_pupils(
    conn: AsyncConnection, pupils: list[int], removed: Counter[str]
) -> list[Person]:
    """The rows about these pupils; their guardians now linked to no pupil."""
    marks = sa.select(col(AbsenceMark.id)).where(col(AbsenceMark.pupil_id).in_(pupils))
    await _count(
        conn, removed, "mark corrections",
        sa.delete(MarkCorrection).where(col(MarkCorrection.mark_id).in_(marks)),
    )  # fmt: skip
    await _count(
        conn, removed, "absence marks",
        sa.delete(AbsenceMark).where(col(AbsenceMark.pupil_id).in_(pupils)),
    )  # fmt: skip
    await _count(conn, removed, "replies", sa.delete(Reply).where(col(Reply.pupil_id).in_(pupils)))
    await _drop(conn, removed, col(Outreach.pupil_id).in_(pupils))
    await _drop(
        conn,
        removed,
        sa.and_(col(Outreach.recipient_role) == "pupil", col(Outreach.recipient_id).in_(pupils)),
    )
    await _count(
        conn, removed, "pauses", sa.delete(PupilPause).where(col(PupilPause.pupil_id).in_(pupils))
    )
    await _count(
        conn, removed, "timeline views",
        sa.delete(TimelineView).where(col(TimelineView.pupil_id).in_(pupils)),
    )  # fmt: skip
    linked = list(
        await conn.scalars(
            sa.select(col(GuardianLink.guardian_id)).where(col(GuardianLink.pupil_id).in_(pupils))
        )
    )
    await _count(
        conn, removed, "guardian links",
        sa.delete(GuardianLink).where(col(GuardianLink.pupil_id).in_(pupils)),
    )  # fmt: skip
    return await _orphans(conn, linked)


async def _orphans(conn: AsyncConnection, guardian_keys: list[int]) -> list[Person]:
    """Of these guardians, those linked to no pupil any more."""
    if not guardian_keys:
        return []
    table = table_of("guardian")
    still = sa.select(col(GuardianLink.guardian_id))
    rows = await conn.execute(
        sa.select(
            table.id, table.guardian_id, table.first_name, table.last_name,
            contacts.address_of("guardian", table.id, contacts.TELEGRAM), table.active,
        ).where(table.id.in_(set(guardian_keys)), table.id.not_in(still))
    )  # fmt: skip
    return [Person("guardian", *row) for row in rows]


async def _erase_guardians(
    conn: AsyncConnection, school_id: str, guardians: Sequence[Person], removed: Counter[str]
) -> None:
    keys = [guardian.key for guardian in guardians]
    await _count(
        conn, removed, "replies",
        sa.delete(Reply).where(
            col(Reply.school_id) == school_id,
            col(Reply.sender_role) == "guardian",
            col(Reply.sender_id).in_([guardian.roster_id for guardian in guardians]),
        ),
    )  # fmt: skip
    await _drop(
        conn,
        removed,
        sa.and_(col(Outreach.recipient_role) == "guardian", col(Outreach.recipient_id).in_(keys)),
    )
    await _count(
        conn, removed, "guardian links",
        sa.delete(GuardianLink).where(col(GuardianLink.guardian_id).in_(keys)),
    )  # fmt: skip


async def _erase_staff(
    conn: AsyncConnection, school_id: str, staff: Sequence[Person], removed: Counter[str]
) -> None:
    keys = [member.key for member in staff]
    await _drop(
        conn,
        removed,
        sa.and_(
            col(Outreach.school_id) == school_id,
            col(Outreach.recipient_role).not_in(FAMILY_ROLES),
            col(Outreach.recipient_id).in_(keys),
        ),
    )
    await _count(
        conn, removed, "teaching assignments",
        sa.delete(TeachingAssignment).where(col(TeachingAssignment.staff_id).in_(keys)),
    )  # fmt: skip
    # Their sign-in links and sessions on the desk: gone with them (nothing to keep).
    await conn.execute(sa.delete(DeskSignIn).where(col(DeskSignIn.staff_id).in_(keys)))
    await conn.execute(sa.delete(DeskSession).where(col(DeskSession.staff_id).in_(keys)))
    pupil = table_of("pupil")
    await conn.execute(
        sa.update(pupil).where(pupil.spilfiguur_id.in_(keys)).values(spilfiguur_id=None)
    )
    await conn.execute(
        sa.update(TimelineView).where(col(TimelineView.viewer_id).in_(keys)).values(viewer_id=None)
    )
    # Who decided, as the chat and the desk write it: telegram:S02, desk:S02.
    tags = [f"{where}:{member.roster_id}" for member in staff for where in ("telegram", "desk")]
    named: tuple[tuple[Any, str], ...] = (
        (Outreach, "acknowledged_by"),
        (PupilPause, "created_by"),
        (OutreachHold, "decided_by"),
    )
    for table, field in named:
        await conn.execute(
            sa.update(table).where(getattr(table, field).in_(tags)).values({field: ERASED})
        )
    await conn.execute(
        sa.update(Reply)
        .where(
            col(Reply.school_id) == school_id,
            col(Reply.sender_role).not_in(FAMILY_ROLES),
            col(Reply.sender_id).in_([member.roster_id for member in staff]),
        )
        .values(sender_id=ERASED)
    )


async def _drop(
    conn: AsyncConnection, removed: Counter[str], where: sa.ColumnElement[bool]
) -> None:
    messages, events = await drop_outreach(conn, where)
    removed["messages"] += messages
    removed["message events"] += events


async def _count(conn: AsyncConnection, removed: Counter[str], kind: str, statement: Any) -> None:
    removed[kind] += (await conn.execute(statement)).rowcount

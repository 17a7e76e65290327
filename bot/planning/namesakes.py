"""Pupils of one class with the same first name, as staff messages name them (issue 14).

A teacher's welcome says "Kind (5B) komt terug": with two Kinds in 5B, two such messages read
the same and the teacher cannot tell whom to welcome. Staff messages then name such a pupil
with the initial of their last name ("Kind W."), or the whole last name when the initials are
the same too ("Kind Wouters", "Kind Willems"). Pupils and guardians are always addressed by
the first name alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.models import Pupil

__all__ = ["names_for_staff", "read_names_for_staff"]


def names_for_staff(pupils: Iterable[tuple[int, int, str, str]]) -> dict[int, str]:
    """For ``(id, class, first name, last name)`` of a school's active pupils, the name staff
    messages use for each pupil whose first name another pupil of the class has too."""
    groups: dict[tuple[int, str], list[tuple[int, str, str]]] = defaultdict(list)
    for pupil, school_class, first, last in pupils:
        groups[(school_class, first.strip().casefold())].append((pupil, first, last))
    found: dict[int, str] = {}
    for namesakes in groups.values():
        if len(namesakes) < 2:
            continue
        initials = [_initial(last) for _pupil, _first, last in namesakes]
        for (pupil, first, last), initial in zip(namesakes, initials, strict=True):
            shared = initials.count(initial) > 1 or not initial
            found[pupil] = f"{first} {last.strip()}" if shared else f"{first} {initial}."
    return found


def _initial(last_name: str) -> str:
    return last_name.strip()[:1].upper()


async def read_names_for_staff(conn: AsyncConnection, school_id: str) -> Mapping[int, str]:
    """:func:`names_for_staff` of the active pupils of ``school_id``; only pupils with a
    namesake in their class are read."""
    other = sa.orm.aliased(Pupil)
    namesake = (
        sa.select(col(other.id))
        .where(
            col(other.school_id) == col(Pupil.school_id),
            col(other.class_id) == col(Pupil.class_id),
            sa.func.lower(col(other.first_name)) == sa.func.lower(col(Pupil.first_name)),
            col(other.id) != col(Pupil.id),
            col(other.active),
        )
        .exists()
    )
    rows = await conn.execute(
        sa.select(
            col(Pupil.id), col(Pupil.class_id), col(Pupil.first_name), col(Pupil.last_name)
        ).where(col(Pupil.school_id) == school_id, col(Pupil.active), namesake)
    )
    return names_for_staff(
        (pupil, school_class, first, last)
        for pupil, school_class, first, last in rows
        if pupil is not None
    )

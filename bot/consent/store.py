"""Consent read from the database: every guardian-pupil link with its decision
(:func:`bot.consent.guardian_consent`), for what happens outside the planner."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.consent import Consent, guardian_consent
from bot.domain import age_on
from bot.models import Guardian, GuardianLink, Pupil
from bot.rules import Rules

__all__ = ["GuardianOf", "contactable"]


@dataclass(frozen=True, slots=True)
class GuardianOf:
    """One guardian's link to one active pupil, with the consent decided for it."""

    guardian: int
    """The guardian's database id."""
    guardian_id: str
    pupil: int
    """The pupil's database id."""
    pupil_id: str
    consent: Consent


async def contactable(
    conn: AsyncConnection,
    rules: Rules,
    day: dt.date,
    *,
    school_id: str | None = None,
    guardian: int | None = None,
    pupil: int | None = None,
) -> list[GuardianOf]:
    """Every link between an active guardian and an active pupil (of ``school_id``, of the
    guardian or the pupil with that database id), with its consent on ``day``; by pupil roster
    id, then guardian roster id."""
    query = (
        sa.select(
            col(Guardian.id),
            col(Guardian.guardian_id),
            col(Pupil.id),
            col(Pupil.pupil_id),
            col(GuardianLink.may_contact),
            col(Pupil.birth_date),
            col(Pupil.guardian_consent),
        )
        .join(GuardianLink, col(GuardianLink.guardian_id) == col(Guardian.id))
        .join(Pupil, col(Pupil.id) == col(GuardianLink.pupil_id))
        .where(col(Guardian.active), col(Pupil.active))
        .order_by(col(Pupil.pupil_id), col(Guardian.guardian_id))
    )
    if school_id is not None:
        query = query.where(col(Pupil.school_id) == school_id)
    if guardian is not None:
        query = query.where(col(Guardian.id) == guardian)
    if pupil is not None:
        query = query.where(col(Pupil.id) == pupil)
    return [
        GuardianOf(
            int(g_pk or 0),  # a stored row always has its key
            g_id,
            int(p_pk or 0),
            p_id,
            guardian_consent(
                rules,
                guardian_id=g_id,
                pupil_id=p_id,
                may_contact=bool(may),
                pupil_age=age_on(born, day),
                pupil_consent=bool(consent),
            ),
        )
        for g_pk, g_id, p_pk, p_id, may, born, consent in await conn.execute(query)
    ]

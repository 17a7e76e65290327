"""Consent: who may be contacted about which pupil, decided in one place (issue 15).

A guardian may be contacted about a pupil only when all of these hold:

- the roster allows it (``may_contact`` of the guardian's link to that pupil);
- the rules file's ``do_not_contact`` list does not name the guardian (for that pupil, or for
  every pupil);
- the pupil is younger than :data:`ADULT_AGE`, or gave their consent (``guardian_consent``).

:func:`guardian_consent` is that decision, pure, with the reason when the answer is no. The
planner asks it for every notice, care message and apology; :func:`contactable` reads the same
facts from the database for what happens outside the planner: ``gemist invite`` (no code and no
letter for a guardian who may not be contacted about any child, and only the children they may
be contacted about on a letter), the welcome after linking, and the ``/pupil`` timeline, which
shows each guardian's state.

Pupils and staff are not guardians: this module has nothing to say about them.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.domain import age_on
from bot.models import Guardian, GuardianLink, Pupil
from bot.rules import Rules

__all__ = ["ADULT_AGE", "Consent", "GuardianOf", "contactable", "guardian_consent"]

ADULT_AGE = 18
"""From this age the guardians are only contacted with the pupil's consent."""


class Consent(enum.StrEnum):
    """Whether a guardian may be contacted about a pupil; when not, why."""

    ALLOWED = "allowed"
    ROSTER = "roster"
    """The roster says ``may_contact = no`` for this guardian and pupil."""
    RULES = "do_not_contact"
    """The rules file's ``do_not_contact`` list names the guardian."""
    ADULT = "adult"
    """The pupil is of age and did not consent to their guardians being contacted."""

    @property
    def allows(self) -> bool:
        return self is Consent.ALLOWED


def guardian_consent(
    rules: Rules,
    *,
    guardian_id: str,
    pupil_id: str,
    may_contact: bool,
    pupil_age: int,
    pupil_consent: bool,
) -> Consent:
    """Whether the guardian ``guardian_id`` may be contacted about the pupil ``pupil_id``
    (roster ids), ``pupil_age`` years old on the day in question."""
    if not may_contact:
        return Consent.ROSTER
    if not rules.may_contact(guardian_id, pupil_id):
        return Consent.RULES
    if pupil_age >= ADULT_AGE and not pupil_consent:
        return Consent.ADULT
    return Consent.ALLOWED


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

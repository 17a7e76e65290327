"""Consent: who may be contacted about which pupil, decided in one place (issue 15).

A guardian may be contacted about a pupil only when all of these hold:

- the roster allows it (``may_contact`` of the guardian's link to that pupil);
- the rules file's ``do_not_contact`` list does not name the guardian (for that pupil, or for
  every pupil);
- the pupil is younger than :data:`ADULT_AGE`, or gave their consent (``guardian_consent``).

:func:`guardian_consent` is that decision, pure, with the reason when the answer is no. The
planner asks it for every notice, care message and apology;
:func:`bot.consent.store.contactable` reads the same facts from the database for what happens
outside the planner: ``gemist invite`` (no code and no letter for a guardian who may not be
contacted about any child, and only the children they may be contacted about on a letter), the
welcome after linking, and the ``/pupil`` timeline, which shows each guardian's state.

Pupils and staff are not guardians: this module has nothing to say about them.
"""

from __future__ import annotations

import enum

from bot.rules import Rules

__all__ = ["ADULT_AGE", "Consent", "guardian_consent"]

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

"""Per-person entries: pupils to leave alone for a while, guardians never to contact.

The file holds the entries a school starts with; coordinators add more later in Gemist itself.
"""

from __future__ import annotations

from datetime import date

from pydantic import model_validator

from bot.rules._section import Section
from bot.rules._values import Day, PersonId, Reason, problem

__all__ = ["DoNotContact", "Pause"]


class Pause(Section):
    """No outreach to or about a pupil from ``start`` up to and including ``until`` (either
    may be left open); the coordinator keeps the digest and the nudges."""

    pupil: PersonId
    start: Day | None = None
    until: Day | None = None
    reason: Reason | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Pause:
        if self.start and self.until and self.start > self.until:
            raise problem(f"{self.until} is before start ({self.start})", ("until",))
        return self

    def covers(self, day: date) -> bool:
        """Whether the pause holds on this day (both ends included)."""
        return (self.start is None or self.start <= day) and (
            self.until is None or day <= self.until
        )

    def overlaps(self, other: Pause) -> bool:
        """Whether the two periods share a day (an open end reaches forever)."""
        return (self.start is None or other.until is None or self.start <= other.until) and (
            other.start is None or self.until is None or other.start <= self.until
        )


class DoNotContact(Section):
    """A guardian who is never contacted (about one pupil, or about any)."""

    guardian: PersonId
    pupil: PersonId | None = None
    reason: Reason | None = None

    def applies(self, guardian_id: str, pupil_id: str) -> bool:
        """Whether this entry forbids contacting this guardian about this pupil."""
        return self.guardian == guardian_id and self.pupil in (None, pupil_id)

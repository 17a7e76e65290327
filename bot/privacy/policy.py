"""The retention policy: how long each kind of personal data is kept (the dates that follow
from it are :mod:`bot.privacy.purge`'s).

Most periods count whole *school years after the school year the data belongs to ended*
(1 September to 31 August, :class:`~scheduler.calendar.SchoolYear`): with one year, a reply
written on 15 March 2026 (school year 2025-2026, ended 31 August 2026) is kept through school
year 2026-2027 and removed from 1 September 2027. People who left (inactive in the roster)
count calendar years from the day the roster import made them inactive.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["DEFAULT_RETENTION", "MAX_YEARS", "Retention"]

MAX_YEARS = 20
"""No period is longer than this; a longer one is a typing error rather than a policy."""


@dataclass(frozen=True, slots=True)
class Retention:
    """Each period in whole years; 0 removes the data as soon as its school year has ended."""

    free_text_years: int = 1
    """Words of one's own sent to the bot (and the copy forwarded to the spilfiguur)."""
    messages_years: int = 2
    """Messages (outreach rows, their render context and text, their audit events), tapped
    answers, pauses, and the rejected lines of imports."""
    marks_years: int = 2
    """Absence marks and the corrections later feeds made to them."""
    inactive_people_years: int = 1
    """Pupils, guardians and staff members no longer in the roster: calendar years after they
    left, then removed with everything about them."""
    view_log_years: int = 2
    """The log of who looked at a pupil's timeline."""

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not 0 <= value <= MAX_YEARS:
                raise ValueError(f"{item.name}: {value} is not 0 to {MAX_YEARS}")

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The keys of ``[retention]`` in the configuration, in the order documented."""
        return tuple(item.name for item in fields(cls))


DEFAULT_RETENTION = Retention()

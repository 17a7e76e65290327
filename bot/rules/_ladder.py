"""The ladder's steps and the coordinator's nudges (issue 3, "The ladder")."""

from __future__ import annotations

from datetime import time, timedelta
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, Field, StrictBool, field_validator, model_validator

from bot.rules._section import Section
from bot.rules._values import (
    WHOLE,
    GracePeriod,
    Positive,
    RepeatCount,
    TimeOfDay,
    WeekCount,
    problem,
    show,
)

__all__ = [
    "CLB_HALF_DAYS",
    "AfterHoliday",
    "CoordinatorRules",
    "GuardianRules",
    "LongAbsence",
    "NudgeRules",
    "Patterns",
    "PupilAsksForHelp",
    "PupilRules",
    "SameWeekday",
    "ShortAbsences",
    "TeacherRules",
]

CLB_HALF_DAYS = 5
"""From the 5th problematic half-day of a school year the school must involve the CLB."""


class LongAbsence(Section):
    school_days: Annotated[int, WHOLE, Field(ge=2)] = 5  # consecutive school days


class PupilRules(Section):
    min_age: Annotated[int, WHOLE, Field(ge=6, le=18)] = 12
    checkin_at: TimeOfDay = time(10, 30)  # after the morning feed has settled
    afternoon_starts_at: TimeOfDay = time(13, 0)  # an afternoon-only absence: not before this
    followup_every_school_days: Positive = 3  # during a long absence: spaced, never daily
    max_followups: RepeatCount = 2


class PupilAsksForHelp(StrEnum):
    """What a pupil's ``not_good`` or ``want_to_talk`` does to the guardian notice."""

    HOLD = "hold"  # the notice waits until the spilfiguur decides (send anyway / not now)
    SEND = "send"  # the notice goes, in its gentle form (never asking to question the child)


class GuardianRules(Section):
    grace_period: GracePeriod = timedelta(hours=2)  # after the check-in actually went out
    when_pupil_asks_for_help: PupilAsksForHelp = PupilAsksForHelp.HOLD
    followup_after_school_days: Positive = 2  # a second notice when nobody answered
    max_followups: RepeatCount = 1
    care_on_school_day: Positive = 3  # of a justified absence that is still going on


class TeacherRules(Section):
    welcome_day_before_at: TimeOfDay = time(15, 30)  # on the school day before a known return
    welcome_on_return: StrictBool = True  # no known date: the morning the pupil is seen back


class CoordinatorRules(Section):
    # The one daily message that gathers what is not urgent, after the morning feed settled.
    digest_at: TimeOfDay = time(10, 30)
    # A coordinator's own moment for it, by the roster's staff id ({"S001": "12:45"}).
    digest_at_for: dict[str, TimeOfDay] = Field(default_factory=dict)
    reminder_after_school_days: Positive = 2  # a nudge nobody acknowledged
    max_reminders: RepeatCount = 1  # per nudge, each after as many school days again

    def digest_moment(self, staff_id: str) -> time:
        """When the coordinator ``staff_id`` gets their daily message."""
        return self.digest_at_for.get(staff_id, self.digest_at)


class SameWeekday(Section):
    """Absent on the same weekday ``times`` times within ``within_weeks`` weeks, counting only
    absences of at most ``max_school_days`` (a long illness covers every weekday)."""

    times: Annotated[int, WHOLE, Field(ge=2)] = 3
    within_weeks: WeekCount = 6
    max_school_days: Positive = 4

    @model_validator(mode="after")
    def _fits(self) -> SameWeekday:
        if self.times > self.within_weeks:
            raise problem(
                f"{self.times} absences on one weekday cannot fit in {self.within_weeks} weeks",
                ("times",),
            )
        return self


class AfterHoliday(Section):
    """Absent ``times`` times in a school year on the first school day after a break of at
    least ``min_closed_days`` days (3: a holiday or a long weekend, not an ordinary one)."""

    times: Positive = 2  # once can be a flu caught in the holiday
    min_closed_days: Annotated[int, WHOLE, Field(ge=2)] = 3


class ShortAbsences(Section):
    """``episodes`` absences of at most ``max_school_days`` each within ``within_weeks``."""

    episodes: Annotated[int, WHOLE, Field(ge=2)] = 4
    max_school_days: Positive = 1
    within_weeks: WeekCount = 8


class Patterns(Section):
    """The pattern signals of docs/domain.md (principle 8); ``false`` turns one off."""

    same_weekday: SameWeekday | None = SameWeekday()
    after_holiday: AfterHoliday | None = AfterHoliday()
    short_absences: ShortAbsences | None = ShortAbsences()

    @field_validator("same_weekday", "after_holiday", "short_absences", mode="before")
    @classmethod
    def _switch(cls, value: Any) -> Any:
        # `false` turns a pattern off; `true` or an empty entry keeps its default settings.
        if value is False:
            return None
        if value is True or value is None:
            return {}
        if not isinstance(value, dict | BaseModel):
            raise problem(f"expected true, false or keys below it, got {show(value)}")
        return value


class NudgeRules(Section):
    problematic_half_days: Positive = CLB_HALF_DAYS
    absent_half_days: Positive | None = 10  # justified or not (docs/domain.md, signals)
    no_answer_after_school_days: Positive = 3
    patterns: Patterns = Patterns()

    @field_validator("problematic_half_days", mode="after")
    @classmethod
    def _by_law(cls, value: int) -> int:
        if value > CLB_HALF_DAYS:
            raise problem(
                f"{value} is too late: the school must involve the CLB from the "
                f"{CLB_HALF_DAYS}th problematic half-day"
            )
        return value

    @field_validator("absent_half_days", mode="before")
    @classmethod
    def _switch(cls, value: Any) -> Any:
        return None if value is False else value

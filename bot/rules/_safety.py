"""When messages may go out, how many, and when a feed looks too wrong to act on."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from pydantic import BaseModel, ValidationInfo, field_validator, model_validator

from bot.rules._section import Section
from bot.rules._values import ExpiryPeriod, Percent, Positive, TimeOfDay, Weekdays, problem, show

__all__ = ["Cap", "Caps", "Delivery", "Hold"]


class Delivery(Section):
    """When messages may go out: from ``not_before`` up to (not including) ``not_after``, on
    school days that fall on ``weekdays``; a message not sent ``expire_after`` its due time
    expires."""

    not_before: TimeOfDay = time(8, 0)
    not_after: TimeOfDay = time(20, 0)  # Smartschool, too, holds messages after 20:00
    weekdays: Weekdays = (0, 1, 2, 3, 4)
    expire_after: ExpiryPeriod = timedelta(hours=24)

    @model_validator(mode="after")
    def _window(self) -> Delivery:
        if self.not_before >= self.not_after:
            raise problem(
                f"{self.not_after:%H:%M} is not later than not_before ({self.not_before:%H:%M})",
                ("not_after",),
            )
        return self

    def allows(self, moment: time) -> bool:
        """Whether a message may go out at this local time of day."""
        return self.not_before <= moment < self.not_after

    def allows_weekday(self, day: date) -> bool:
        """Whether the weekday is allowed (the calendar decides whether it is a school day)."""
        return day.weekday() in self.weekdays


class Cap(Section):
    """At most so many messages to one person per day and per week (Monday to Sunday)."""

    per_day: Positive
    per_week: Positive

    @model_validator(mode="after")
    def _day_within_week(self) -> Cap:
        if self.per_day > self.per_week:
            raise problem(
                f"{self.per_day} per day is more than {self.per_week} per week", ("per_day",)
            )
        return self


_STANDARD_CAP = Cap(per_day=2, per_week=5)


class Caps(Section):
    """Caps per recipient role; ``none`` is no cap. The coordinator's digest and hold alerts
    are never capped."""

    pupil: Cap | None = _STANDARD_CAP
    guardian: Cap | None = _STANDARD_CAP
    # A teacher's welcome reminders and a coordinator's nudges are their work list: a cap would
    # delay a reminder past the return it is about.
    teacher: Cap | None = None
    coordinator: Cap | None = None

    @field_validator("pupil", "guardian", "teacher", "coordinator", mode="before")
    @classmethod
    def _none_means_no_cap(cls, value: Any, info: ValidationInfo) -> Any:
        if value is False or (isinstance(value, str) and value.strip().lower() == "none"):
            return None
        if value is None:  # written but left empty: not a silent "no cap"
            return cls.model_fields[str(info.field_name)].default
        if not isinstance(value, dict | BaseModel):
            raise problem(f"expected none or per_day and per_week below it, got {show(value)}")
        return value

    def for_role(self, role: str) -> Cap | None:
        """The cap for ``pupil``, ``guardian``, ``teacher`` or ``coordinator``."""
        cap: Cap | None = getattr(self, role)
        return cap


class Hold(Section):
    """Outreach for a scope is held when *more than* the percentage is absent on one day."""

    school_percent: Percent = 25
    class_percent: Percent = 60
    min_class_size: Positive = 5  # in smaller classes a few absences say nothing
    min_school_size: Positive = 20  # likewise for a very small school (or a test roster)

    def holds_school(self, absent: int, pupils: int) -> bool:
        """Whether ``absent`` of the school's ``pupils`` is too many to be believed."""
        return pupils >= self.min_school_size and absent * 100 > self.school_percent * pupils

    def holds_class(self, absent: int, pupils: int) -> bool:
        """Whether ``absent`` of a class of ``pupils`` is too many to be believed."""
        return pupils >= self.min_class_size and absent * 100 > self.class_percent * pupils

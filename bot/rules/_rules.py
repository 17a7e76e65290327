"""The whole rules file: every section, and the checks that span sections.

Every default reproduces docs/domain.md and issue 3. A ``Rules`` value is valid however it was made:
the checks run when it is built in code, too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, time
from typing import Any

from pydantic import field_validator, model_validator

from bot.rules._codes import CodeRule, CodeRules, Ladder
from bot.rules._ladder import (
    CoordinatorRules,
    GuardianRules,
    LongAbsence,
    NudgeRules,
    PupilRules,
    TeacherRules,
)
from bot.rules._people import DoNotContact, Pause
from bot.rules._safety import Caps, Delivery, Hold
from bot.rules._section import Section
from bot.rules._values import Key, problems

__all__ = ["Rules"]


class Rules(Section):
    """A school's escalation rules (docs/rules.md)."""

    codes: CodeRules = CodeRules()
    long_absence: LongAbsence = LongAbsence()
    pupil: PupilRules = PupilRules()
    guardian: GuardianRules = GuardianRules()
    teacher: TeacherRules = TeacherRules()
    coordinator: CoordinatorRules = CoordinatorRules()
    nudges: NudgeRules = NudgeRules()
    delivery: Delivery = Delivery()
    caps: Caps = Caps()
    hold: Hold = Hold()
    pauses: tuple[Pause, ...] = ()
    do_not_contact: tuple[DoNotContact, ...] = ()

    @field_validator("pauses", "do_not_contact", mode="before")
    @classmethod
    def _empty_list(cls, value: Any) -> Any:
        return () if value is None else value

    @model_validator(mode="after")
    def _consistent(self) -> Rules:
        found = [
            *_outside_sending_hours(self),
            *_overlapping_pauses(self.pauses),
            *_repeated_entries(self.do_not_contact),
        ]
        if found:
            raise problems(found)
        return self

    @classmethod
    def default(cls) -> Rules:
        """The rules of a school that has not written any: docs/domain.md's defaults."""
        return cls()

    def code(self, code: str) -> CodeRule:
        """The steps that an absence code starts."""
        return self.codes.get(code)

    def ladder(self, code: str) -> Ladder:
        """The ladder that an absence code starts."""
        return self.codes.ladder(code)

    def is_paused(self, pupil_id: str, day: date) -> bool:
        """Whether the file pauses all outreach about this pupil on this day."""
        return any(pause.pupil == pupil_id and pause.covers(day) for pause in self.pauses)

    def may_contact(self, guardian_id: str, pupil_id: str) -> bool:
        """Whether the file allows contacting this guardian about this pupil."""
        return not any(entry.applies(guardian_id, pupil_id) for entry in self.do_not_contact)


# Messages that go out at a fixed time of day: a time outside the sending hours would never come.
_TIMED = (
    ("pupil", "checkin_at"),
    ("teacher", "welcome_day_before_at"),
    ("coordinator", "digest_at"),
)


def _outside_sending_hours(rules: Rules) -> Iterator[tuple[Key, str]]:
    delivery = rules.delivery
    for section, key in _TIMED:
        moment: time = getattr(getattr(rules, section), key)
        if not delivery.allows(moment):
            yield (
                (section, key),
                f"{moment:%H:%M} is outside the sending hours "
                f"({delivery.not_before:%H:%M} to {delivery.not_after:%H:%M})",
            )
    for staff_id, moment in rules.coordinator.digest_at_for.items():
        if not delivery.allows(moment):
            yield (
                ("coordinator", "digest_at_for", staff_id),
                f"{moment:%H:%M} is outside the sending hours "
                f"({delivery.not_before:%H:%M} to {delivery.not_after:%H:%M})",
            )


def _overlapping_pauses(pauses: Sequence[Pause]) -> Iterator[tuple[Key, str]]:
    # Two pauses of one pupil that overlap are almost always a copy-paste slip; which one
    # would end first is then anyone's guess. (Quadratic, on a list of a few dozen at most.)
    for index, pause in enumerate(pauses):
        for earlier, other in enumerate(pauses[:index]):
            if other.pupil == pause.pupil and other.overlaps(pause):
                yield ("pauses", index), f"overlaps pauses[{earlier}] for pupil {pause.pupil}"
                break


def _repeated_entries(entries: Sequence[DoNotContact]) -> Iterator[tuple[Key, str]]:
    first: dict[tuple[str, str | None], int] = {}
    for index, entry in enumerate(entries):
        seen = first.setdefault((entry.guardian, entry.pupil), index)
        if seen != index:
            yield ("do_not_contact", index), f"repeats do_not_contact[{seen}]"

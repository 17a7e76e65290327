"""The coordinator's rules file (docs/rules.md): its shape, defaults and validation.

A rules file is YAML; every key is optional and every default reproduces docs/domain.md, so an
empty file is a complete, sensible set of rules. ``docs/rules.md`` describes every key.

    rules = load_rules("rules.yaml")      # raises RulesError listing every problem
    rules = Rules.default()               # no file at all
    rules.code("B").guardian              # does a B absence reach the guardians?

Conventions in the file: times of day are ``"HH:MM"``; a length of time within a day is a
duration with its unit (``2h``, ``90m``, ``1h30m``); whatever is counted in school days,
half-days, weeks or times is a whole number and its key says what it counts
(``followup_after_school_days: 2``); dates are ``YYYY-MM-DD``.
"""

from __future__ import annotations

from bot.rules._changes import changed_settings
from bot.rules._codes import CodeRule, CodeRules, Ladder
from bot.rules._ladder import (
    CLB_HALF_DAYS,
    AfterHoliday,
    CoordinatorRules,
    GuardianRules,
    LongAbsence,
    NudgeRules,
    Patterns,
    PupilAsksForHelp,
    PupilRules,
    SameWeekday,
    ShortAbsences,
    TeacherRules,
)
from bot.rules._load import Problem, RulesError, load_rules, parse_rules, rules_from
from bot.rules._people import DoNotContact, Pause
from bot.rules._rules import Rules
from bot.rules._safety import Cap, Caps, Delivery, Hold
from bot.rules._values import WEEKDAY_NAMES, format_duration

__all__ = [
    "CLB_HALF_DAYS",
    "WEEKDAY_NAMES",
    "AfterHoliday",
    "Cap",
    "Caps",
    "CodeRule",
    "CodeRules",
    "CoordinatorRules",
    "Delivery",
    "DoNotContact",
    "GuardianRules",
    "Hold",
    "Ladder",
    "LongAbsence",
    "NudgeRules",
    "Patterns",
    "Pause",
    "Problem",
    "PupilAsksForHelp",
    "PupilRules",
    "Rules",
    "RulesError",
    "SameWeekday",
    "ShortAbsences",
    "TeacherRules",
    "changed_settings",
    "format_duration",
    "load_rules",
    "parse_rules",
    "rules_from",
]

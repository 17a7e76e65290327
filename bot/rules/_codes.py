"""Which absence codes start which steps of the ladder (docs/domain.md, absence codes)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Any

from pydantic import StrictBool, model_validator

from bot.domain import CANONICAL_CODES, UNKNOWN_CODE, CodeClass, code_class
from bot.rules._section import Section
from bot.rules._values import problem, show

__all__ = ["CodeRule", "CodeRules", "Ladder", "field_for_code"]


class Ladder(StrEnum):
    """The follow-up an absence code starts."""

    UNEXPLAINED = "unexplained"  # B and `-`: the pupil first, then a question to the guardians
    CARE = "care"  # justified: care for the pupil, a caring word to the guardians
    NONE = "none"  # no outreach at all


class CodeRule(Section):
    """The steps an absence code starts.

    ``guardian`` is the guardian notice for an unexplained code (B, ``-``) and the caring
    message for any other: a justified absence never gets "where is your child?".
    """

    pupil_checkin: StrictBool
    guardian: StrictBool
    teacher_welcome: StrictBool
    coordinator: StrictBool  # counts in the digest, the long-absence and the pattern nudges


def _steps(pupil: bool, guardian: bool, teacher: bool, coordinator: bool) -> CodeRule:
    return CodeRule(
        pupil_checkin=pupil, guardian=guardian, teacher_welcome=teacher, coordinator=coordinator
    )


_EVERY_STEP = _steps(True, True, True, True)


class CodeRules(Section):
    """One ``CodeRule`` per absence code; a code written in the file changes only the steps
    given, on top of that code's default."""

    B: CodeRule = _EVERY_STEP
    unknown: CodeRule = _EVERY_STEP  # `-`: not known yet, treated as not explained yet
    Z: CodeRule = _EVERY_STEP
    # R covers disciplinary exclusion: no "we missed you" to the pupil, no message home.
    # A return after a long R absence (mourning, maternity, exclusion) still deserves a welcome.
    R: CodeRule = _steps(False, False, True, True)
    P: CodeRule = _EVERY_STEP
    M: CodeRule = _EVERY_STEP
    H: CodeRule = _EVERY_STEP
    A: CodeRule = _steps(False, False, False, False)  # below compulsory school age

    @model_validator(mode="before")
    @classmethod
    def _merge_onto_code_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return {} if data is None else data
        merged: dict[Any, Any] = {}
        written: dict[str, object] = {}
        for key, value in data.items():
            name = field_for_code(key)
            if name is None:
                merged[key] = value  # not a code: pydantic reports the unknown key
                continue
            if name in written:
                raise problem(f"the same code as {show(written[name])}", (str(key),))
            written[name] = key
            default: CodeRule = cls.model_fields[name].default
            merged[name] = (
                {**default.model_dump(), **(value or {})}
                if value is None or isinstance(value, dict)
                else value
            )
        return merged

    def get(self, code: str) -> CodeRule:
        """The steps of a canonical code (``-`` for not known yet)."""
        name = field_for_code(code)
        if name is None:
            raise LookupError(f"No absence code {code!r} in the rules")
        rule: CodeRule = getattr(self, name)
        return rule

    def ladder(self, code: str) -> Ladder:
        """The ladder a code starts: unexplained for B and ``-``, care for the others."""
        rule = self.get(code)
        if not (rule.pupil_checkin or rule.guardian or rule.teacher_welcome or rule.coordinator):
            return Ladder.NONE
        name = field_for_code(code)
        kind = code_class(UNKNOWN_CODE if name == "unknown" else str(name))
        if kind in (CodeClass.PROBLEMATIC, CodeClass.UNKNOWN):
            return Ladder.UNEXPLAINED
        return Ladder.CARE


@lru_cache(maxsize=64)  # the planner asks for the same dozen codes all day
def field_for_code(key: object) -> str | None:
    """The ``CodeRules`` field for a code as written (any case; ``-``, empty or ``unknown``)."""
    if not isinstance(key, str):
        return None
    text = key.strip().upper()
    if text in ("", UNKNOWN_CODE, "UNKNOWN"):
        return "unknown"
    return text if text in CANONICAL_CODES else None

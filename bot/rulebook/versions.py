"""The saved versions of a school's rules: who saved which text when, and what it changed.

The rules file (``rules`` in the configuration, docs/rules.md) is where a school starts. Once a
coordinator saves rules in Gemist itself (``gemist rules save``, later the desk's *Regels* page),
every save is a new numbered version in the database, and the running bot plans with the latest
from its next tick on (:class:`CurrentRules`); the file is used only while no version is stored.
Restoring an earlier version saves its text again as a new version, so the history only grows
and always says who put the rules in force.

A version stores the text exactly as written (comments included: they are the coordinator's
notes), never a re-serialisation; a text is stored only when it is valid.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col

from bot.models import RulesVersion, Staff
from bot.outbox import write_transaction
from bot.rules import Rules, RulesError, changed_settings, parse_rules

__all__ = [
    "CurrentRules",
    "SavedRules",
    "UnknownStaff",
    "UnknownVersion",
    "history",
    "latest",
    "restore",
    "save",
    "version",
]

log = logging.getLogger(__name__)

_TABLE = RulesVersion.__table__  # type: ignore[attr-defined]
_SAVE_ATTEMPTS = 3
"""Two saves at the same moment both take the next number; the later one tries again."""


class UnknownVersion(LookupError):
    """No version with that number for this school."""


class UnknownStaff(LookupError):
    """Rules are saved by a staff member of the roster; this id is not one (or not active)."""


@dataclass(frozen=True, slots=True)
class SavedRules:
    """One stored version of the rules."""

    number: int
    text: str
    saved_by: str
    saved_at: dt.datetime
    changes: tuple[str, ...]
    """The settings that differ from the rules in force before it (dotted keys)."""
    restored_from: int | None = None

    def rules(self) -> Rules:
        """The parsed rules; :class:`RulesError` if this Gemist no longer accepts the text."""
        return parse_rules(self.text, f"rules version {self.number}")

    def summary(self) -> str:
        """What changed, in one line: ``restored version 2: guardian.grace_period``."""
        changed = ", ".join(self.changes) if self.changes else "no setting changed"
        if self.restored_from is not None:
            return f"restored version {self.restored_from}: {changed}"
        return changed


def _saved(row: sa.Row[tuple[object, ...]]) -> SavedRules:
    values = row._mapping
    return SavedRules(
        number=int(values["number"]),
        text=str(values["text"]),
        saved_by=str(values["saved_by"]),
        saved_at=values["saved_at"],
        changes=tuple(values["changes"] or ()),
        restored_from=values["restored_from"],
    )


async def latest(conn: AsyncConnection, school_id: str) -> SavedRules | None:
    """The version in force: the one with the highest number, or ``None`` when none is stored."""
    row = (
        await conn.execute(
            sa.select(_TABLE)
            .where(col(RulesVersion.school_id) == school_id)
            .order_by(col(RulesVersion.number).desc())
            .limit(1)
        )
    ).first()
    return None if row is None else _saved(row)


async def _latest_number(conn: AsyncConnection, school_id: str) -> int | None:
    number = await conn.scalar(
        sa.select(sa.func.max(col(RulesVersion.number))).where(
            col(RulesVersion.school_id) == school_id
        )
    )
    return None if number is None else int(number)


async def version(conn: AsyncConnection, school_id: str, number: int) -> SavedRules:
    """Version ``number``; :class:`UnknownVersion` if there is none."""
    row = (
        await conn.execute(
            sa.select(_TABLE).where(
                col(RulesVersion.school_id) == school_id, col(RulesVersion.number) == number
            )
        )
    ).first()
    if row is None:
        raise UnknownVersion(f"there is no rules version {number}")
    return _saved(row)


async def history(conn: AsyncConnection, school_id: str) -> list[SavedRules]:
    """Every stored version, the newest first."""
    rows = await conn.execute(
        sa.select(_TABLE)
        .where(col(RulesVersion.school_id) == school_id)
        .order_by(col(RulesVersion.number).desc())
    )
    return [_saved(row) for row in rows]


async def save(
    engine: AsyncEngine,
    school_id: str,
    text: str,
    *,
    by: str,
    at: dt.datetime,
    fallback: Rules,
    restored_from: int | None = None,
) -> SavedRules:
    """Validate ``text`` and store it as the next version, saved by staff member ``by``.

    Raises :class:`~bot.rules.RulesError` (every problem, with its key) for invalid rules and
    :class:`UnknownStaff` for an id that is not an active staff member of the school. The
    changes are counted against the version in force, or ``fallback`` (the rules file, else the
    defaults) when this is the first.
    """
    rules = parse_rules(text, "rules")
    for attempt in range(_SAVE_ATTEMPTS):
        try:
            async with write_transaction(engine) as conn:
                await _check_staff(conn, school_id, by)
                before = await latest(conn, school_id)
                previous = fallback if before is None else _rules_or(before, fallback)
                saved = SavedRules(
                    number=1 if before is None else before.number + 1,
                    text=text,
                    saved_by=by,
                    saved_at=at,
                    changes=tuple(changed_settings(previous, rules)),
                    restored_from=restored_from,
                )
                await conn.execute(
                    sa.insert(_TABLE).values(
                        school_id=school_id,
                        number=saved.number,
                        text=saved.text,
                        saved_by=saved.saved_by,
                        saved_at=saved.saved_at,
                        changes=list(saved.changes),
                        restored_from=saved.restored_from,
                    )
                )
            return saved
        except IntegrityError:
            if attempt == _SAVE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


async def restore(
    engine: AsyncEngine,
    school_id: str,
    number: int,
    *,
    by: str,
    at: dt.datetime,
    fallback: Rules,
) -> SavedRules:
    """Put version ``number`` back in force, as a new version; :class:`UnknownVersion` if there
    is none, :class:`~bot.rules.RulesError` if this Gemist no longer accepts its text."""
    async with engine.connect() as conn:
        earlier = await version(conn, school_id, number)
    return await save(
        engine, school_id, earlier.text, by=by, at=at, fallback=fallback, restored_from=number
    )


async def _check_staff(conn: AsyncConnection, school_id: str, staff_id: str) -> None:
    found = await conn.scalar(
        sa.select(col(Staff.id)).where(
            col(Staff.school_id) == school_id,
            col(Staff.staff_id) == staff_id,
            col(Staff.active),
        )
    )
    if found is None:
        raise UnknownStaff(f"{staff_id!r} is not an active staff member of the school's roster")


def _rules_or(saved: SavedRules, fallback: Rules) -> Rules:
    try:
        return saved.rules()
    except RulesError:
        return fallback


class CurrentRules:
    """The rules the running bot plans with: the latest stored version, else the file's.

    :meth:`refresh` is called at the start of every planner tick; it reads only the latest
    version's number, and parses a text only when that number changed. A stored text that this
    Gemist does not accept (written by a later release, say) is logged once and the rules in
    force stay: the bot never stops planning over it.
    """

    def __init__(self, engine: AsyncEngine, school_id: str, fallback: Rules) -> None:
        self.engine = engine
        self.school_id = school_id
        self.fallback = fallback
        self.rules = fallback
        self.number: int | None = None
        """The version in force; ``None`` while the file's rules are."""
        self._refused: int | None = None

    async def refresh(self) -> Rules:
        """The rules to plan with now."""
        async with self.engine.connect() as conn:
            number = await _latest_number(conn, self.school_id)
            if number == self.number or (number is not None and number == self._refused):
                return self.rules
            if number is None:  # every version gone (a restored backup): the file again
                self.rules, self.number = self.fallback, None
                log.info("rules: no stored version; using the rules file")
                return self.rules
            saved = await version(conn, self.school_id, number)
        try:
            self.rules = saved.rules()
        except RulesError as err:
            self._refused = number
            log.error(
                "rules: version %d cannot be used (%d problems, first: %s); keeping the rules "
                "in force",
                number,
                len(err.problems),
                err.lines[0] if err.lines else "?",
            )
            return self.rules
        self.number = number
        log.info("rules: version %d saved by %s is in force", number, saved.saved_by)
        return self.rules

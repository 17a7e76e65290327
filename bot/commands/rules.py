"""``gemist rules``: check a rules file, keep versions of the rules in the database (``history``,
``save FILE --by STAFF_ID``, ``restore N --by STAFF_ID``) and preview a change on the school's own
history (``preview FILE``)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.exits import Exit
from bot.rules import (
    WEEKDAY_NAMES,
    Cap,
    CodeRule,
    Ladder,
    Rules,
    RulesError,
    changed_settings,
    format_duration,
    load_rules,
)


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "rules", help="the coordinator's rules: check, versions, preview"
    )
    actions = parser.add_subparsers(dest="rules_action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check", help="validate a rules file; print what is wrong, with the key"
    )
    check.add_argument(
        "file", nargs="?", type=Path, metavar="FILE", help="the rules file (default: $GEMIST_RULES)"
    )
    check.set_defaults(handler=run)
    history = actions.add_parser(
        "history", help="the saved versions of the rules, the one in force first"
    )
    history.set_defaults(handler=run_history)
    save = actions.add_parser(
        "save", help="save a rules file as the next version: the running bot uses it next tick"
    )
    save.add_argument("file", type=Path, metavar="FILE", help="the rules file to save")
    _by(save)
    save.set_defaults(handler=run_save)
    restore = actions.add_parser(
        "restore", help="put an earlier version back in force (saved as a new version)"
    )
    restore.add_argument("number", type=int, metavar="N", help="the version to restore")
    _by(restore)
    restore.set_defaults(handler=run_restore)
    preview = actions.add_parser(
        "preview",
        help="replay a past period with the rules in force and with FILE; print the difference",
    )
    preview.add_argument("file", type=Path, metavar="FILE", help="the proposed rules file")
    preview.add_argument(
        "--from", dest="start", metavar="DATE", type=dt.date.fromisoformat,
        help="first day (default: the Monday of the fourth school week back)",
    )  # fmt: skip
    preview.add_argument(
        "--to", dest="end", metavar="DATE", type=dt.date.fromisoformat,
        help="last day (default: today)",
    )  # fmt: skip
    preview.add_argument(
        "--examples", type=int, default=5, metavar="N", help="examples side by side (default 5)"
    )
    preview.set_defaults(handler=run_preview)


def _by(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--by",
        required=True,
        metavar="STAFF_ID",
        help="the roster's staff id of who saves (kept with the version)",
    )


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Validate a rules file: a summary on stdout, or every problem on stderr."""
    path: Path | None = args.file or settings.rules
    if path is None:
        print("gemist: rules check: give a FILE (or set GEMIST_RULES)", file=sys.stderr)
        return Exit.UNUSABLE
    try:
        rules = await asyncio.to_thread(load_rules, path)
    except RulesError as err:
        for line in err.lines:
            print(line, file=sys.stderr)
        count = len(err.problems)
        print(f"{path}: invalid ({count} problem{'s' if count > 1 else ''})", file=sys.stderr)
        return Exit.UNUSABLE
    print(f"{path}: valid")
    print("\n".join(summary(rules)))
    return Exit.OK


def _file_rules(settings: Settings) -> Rules | None:
    """The rules file's rules (the defaults without one); ``None`` after saying why on stderr."""
    try:
        return load_rules(settings.rules) if settings.rules is not None else Rules.default()
    except RulesError as err:
        for line in err.lines:
            print(line, file=sys.stderr)
        return None


def _read_proposed(path: Path) -> Rules | None:
    try:
        return load_rules(path)
    except RulesError as err:
        for line in err.lines:
            print(line, file=sys.stderr)
        count = len(err.problems)
        print(f"{path}: invalid ({count} problem{'s' if count > 1 else ''})", file=sys.stderr)
        return None


async def run_history(args: argparse.Namespace, settings: Settings) -> int:
    """Every saved version, newest first; or where the rules come from when none is."""
    from bot.commands.common import open_database
    from bot.rulebook import versions

    engine = await open_database(settings, command="gemist rules history")
    if engine is None:
        return Exit.UNUSABLE
    try:
        async with engine.connect() as conn:
            saved = await versions.history(conn, settings.school_id)
    finally:
        await engine.dispose()
    if not saved:
        source = settings.rules or "the defaults (no rules file)"
        print(f"No saved version: the bot uses {source}.")
        return Exit.OK
    tz = settings.timezone
    for index, version in enumerate(saved):
        mark = "*" if index == 0 else " "
        print(
            f"{mark} {version.number:>3}  {version.saved_at.astimezone(tz):%Y-%m-%d %H:%M}  "
            f"{version.saved_by:<12} {version.summary()}"
        )
    print(f"(* in force: version {saved[0].number})")
    return Exit.OK


async def run_save(args: argparse.Namespace, settings: Settings) -> int:
    """Validate FILE and store it as the next version."""
    from bot.commands.common import open_database
    from bot.rulebook import versions

    path: Path = args.file
    if _read_proposed(path) is None:
        return Exit.UNUSABLE
    fallback = _file_rules(settings)
    if fallback is None:
        return Exit.UNUSABLE
    text = (await asyncio.to_thread(path.read_bytes)).decode("utf-8-sig")
    engine = await open_database(settings, command="gemist rules save")
    if engine is None:
        return Exit.UNUSABLE
    try:
        saved = await versions.save(
            engine,
            settings.school_id,
            text,
            by=args.by,
            at=dt.datetime.now(dt.UTC),
            fallback=fallback,
        )
    except versions.UnknownStaff as err:
        print(f"gemist rules save: --by {err}", file=sys.stderr)
        return Exit.UNUSABLE
    finally:
        await engine.dispose()
    print(f"saved version {saved.number} by {saved.saved_by}: {saved.summary()}")
    print("The running bot uses it from its next planner tick.")
    return Exit.OK


async def run_restore(args: argparse.Namespace, settings: Settings) -> int:
    """Save version N again as the newest."""
    from bot.commands.common import open_database
    from bot.rulebook import versions

    fallback = _file_rules(settings)
    if fallback is None:
        return Exit.UNUSABLE
    engine = await open_database(settings, command="gemist rules restore")
    if engine is None:
        return Exit.UNUSABLE
    try:
        saved = await versions.restore(
            engine,
            settings.school_id,
            args.number,
            by=args.by,
            at=dt.datetime.now(dt.UTC),
            fallback=fallback,
        )
    except (versions.UnknownVersion, versions.UnknownStaff) as err:
        which = "--by " if isinstance(err, versions.UnknownStaff) else ""
        print(f"gemist rules restore: {which}{err}", file=sys.stderr)
        return Exit.UNUSABLE
    except RulesError as err:
        print(
            f"gemist rules restore: version {args.number} can no longer be used:", file=sys.stderr
        )
        for line in err.lines:
            print(line, file=sys.stderr)
        return Exit.UNUSABLE
    finally:
        await engine.dispose()
    print(f"saved version {saved.number} by {saved.saved_by}: {saved.summary()}")
    print("The running bot uses it from its next planner tick.")
    return Exit.OK


async def run_preview(args: argparse.Namespace, settings: Settings) -> int:
    """Replay the period with the rules in force and with FILE; print the difference."""
    from bot.channels.registry import capabilities
    from bot.commands.common import open_database
    from bot.rulebook import versions
    from bot.rulebook.preview import last_school_weeks, preview, report
    from scheduler.calendar import CalendarFileError, SchoolCalendar

    proposed = _read_proposed(args.file)
    fallback = _file_rules(settings)
    if proposed is None or fallback is None:
        return Exit.UNUSABLE
    try:
        calendar = SchoolCalendar.from_settings(settings)
    except (CalendarFileError, OSError) as err:
        print(f"gemist rules preview: {err}", file=sys.stderr)
        return Exit.UNUSABLE
    today = dt.datetime.now(settings.timezone).date()
    default_start, default_end = last_school_weeks(today, calendar)
    start, end = args.start or default_start, args.end or default_end
    if end < start:
        print(f"gemist rules preview: --to {end} is before --from {start}", file=sys.stderr)
        return Exit.UNUSABLE
    engine = await open_database(settings, command="gemist rules preview")
    if engine is None:
        return Exit.UNUSABLE
    try:
        current = versions.CurrentRules(engine, settings.school_id, fallback)
        rules = await current.refresh()
        result = await preview(
            engine,
            school_id=settings.school_id,
            current=rules,
            proposed=proposed,
            calendar=calendar,
            tz=settings.timezone,
            start=start,
            end=end,
            school_name=settings.school_name,
            overrides=settings.messages,
            channels=capabilities(settings),
            example_count=args.examples,
        )
    finally:
        await engine.dispose()
    in_force = f"version {current.number}" if current.number else "the rules file"
    print(f"Current rules: {in_force}; proposed: {args.file}")
    print("\n".join(report(result)))
    return Exit.OK


def summary(rules: Rules) -> Iterator[str]:
    """The effective settings, a line or a few per section."""
    width = 15
    for label, text in _sections(rules):
        for index, line in enumerate(text):
            yield f"  {label if index == 0 else '':<{width}} {line}"
    changed = changed_settings(Rules.default(), rules)
    yield ""
    yield (
        f"Changed from the defaults: {', '.join(changed)}"
        if changed
        else "Every setting is the default."
    )


def _sections(rules: Rules) -> Iterator[tuple[str, list[str]]]:
    yield "codes", list(_codes(rules))
    pupil, guardian, teacher = rules.pupil, rules.guardian, rules.teacher
    yield (
        "pupil",
        [
            f"check-in at {pupil.checkin_at:%H:%M} from age {pupil.min_age}; "
            + _again(pupil.followup_every_school_days, pupil.max_followups, "every ")
        ],
    )
    yield (
        "guardian",
        [
            f"notice {format_duration(guardian.grace_period)} after the check-in without a "
            "reassuring answer; "
            + _again(guardian.followup_after_school_days, guardian.max_followups, "after "),
            f"care message on school day {guardian.care_on_school_day} of a justified absence",
        ],
    )
    after = "; else the morning the pupil is back" if teacher.welcome_on_return else ""
    yield (
        "long absence",
        [
            f"{rules.long_absence.school_days} school days in a row",
            f"teachers: welcome reminder at {teacher.welcome_day_before_at:%H:%M} "
            f"the school day before the return{after}",
        ],
    )
    coordinator, nudges = rules.coordinator, rules.nudges
    yield (
        "coordinator",
        [
            f"digest at {coordinator.digest_at:%H:%M}; "
            f"reminder after {coordinator.reminder_after_school_days} school days"
        ],
    )
    absent = f"{nudges.absent_half_days} absent half-days" if nudges.absent_half_days else None
    yield (
        "nudges",
        [
            "; ".join(
                part
                for part in (
                    f"{nudges.problematic_half_days} problematic half-days (CLB)",
                    absent,
                    f"no answer after {nudges.no_answer_after_school_days} school days",
                )
                if part
            )
        ],
    )
    yield "patterns", [_patterns(rules)]
    delivery = rules.delivery
    days = ", ".join(WEEKDAY_NAMES[day] for day in delivery.weekdays)
    yield (
        "delivery",
        [
            f"{delivery.not_before:%H:%M} to {delivery.not_after:%H:%M} on school days ({days}); "
            f"expires after {format_duration(delivery.expire_after)}"
        ],
    )
    caps = rules.caps
    yield (
        "caps",
        [
            "; ".join(
                f"{role} {_cap(caps.for_role(role))}"
                for role in ("pupil", "guardian", "teacher", "coordinator")
            )
        ],
    )
    hold = rules.hold
    yield (
        "hold",
        [
            f"more than {hold.school_percent:g}% of a school of at least "
            f"{hold.min_school_size}, or {hold.class_percent:g}% of a class of at least "
            f"{hold.min_class_size}, absent on one day"
        ],
    )
    yield "pauses", [_pauses(rules)]
    yield (
        "do not contact",
        [
            ", ".join(
                entry.guardian + (f" (about {entry.pupil})" if entry.pupil else "")
                for entry in rules.do_not_contact
            )
            or "nobody"
        ],
    )


def _codes(rules: Rules) -> Iterator[str]:
    # Codes with the same steps share a line, in the order of the file's defaults.
    groups: dict[tuple[Ladder, CodeRule], list[str]] = {}
    for code in ("B", "-", "Z", "R", "P", "M", "H", "A"):
        groups.setdefault((rules.ladder(code), rules.code(code)), []).append(code)
    for (ladder, rule), codes in groups.items():
        guardian = "guardian notice" if ladder is Ladder.UNEXPLAINED else "guardian care"
        steps = [
            name
            for name, on in (
                ("pupil check-in", rule.pupil_checkin),
                (guardian, rule.guardian),
                ("teacher welcome", rule.teacher_welcome),
                ("coordinator", rule.coordinator),
            )
            if on
        ]
        yield f"{', '.join(codes)}: {', '.join(steps) or 'no outreach'}"


def _patterns(rules: Rules) -> str:
    patterns = rules.nudges.patterns
    parts = []
    if same := patterns.same_weekday:
        parts.append(
            f"same weekday {same.times} times in {same.within_weeks} weeks "
            f"(absences of at most {_school_days(same.max_school_days)})"
        )
    if back := patterns.after_holiday:
        parts.append(
            f"{_count(back.times)} absent on the first school day after "
            f"{back.min_closed_days}+ days off"
        )
    if short := patterns.short_absences:
        parts.append(
            f"{short.episodes} absences of at most {_school_days(short.max_school_days)} "
            f"in {short.within_weeks} weeks"
        )
    return "; ".join(parts) or "none"


def _school_days(count: int) -> str:
    return f"{count} school day{'s' if count > 1 else ''}"


def _count(times: int) -> str:
    return "once" if times == 1 else f"{times} times"


def _pauses(rules: Rules) -> str:
    # Reasons stay out of the summary: they can be sensitive and terminals get shared.
    parts = []
    for pause in rules.pauses:
        start = f" from {pause.start}" if pause.start else ""
        until = f" until {pause.until}" if pause.until else ""
        parts.append(f"{pause.pupil}{start}{until}")
    return ", ".join(parts) or "none"


def _cap(cap: Cap | None) -> str:
    return f"{cap.per_day}/day {cap.per_week}/week" if cap else "no cap"


def _again(school_days: int, times: int, spacing: str) -> str:
    if not times:
        return "no follow-up"
    return f"again {spacing}{school_days} school days, at most {_count(times)}"

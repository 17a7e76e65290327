"""``gemist privacy``: the retention purge and the rights of one person (docs/privacy.md).

- ``gemist privacy purge [--dry-run] [--as-of DATE]`` removes what the retention policy no longer
  keeps (:mod:`bot.privacy.purge`, in short transactions) and prints how many rows of each
  kind, never whose; ``--dry-run`` removes nothing (the work is done in one transaction and
  rolled back, so the counts are exact), and with ``--as-of`` shows what a purge on that day
  would remove.
- ``gemist privacy export PERSON`` writes everything Gemist holds about one person: Markdown to
  stdout, JSON with ``--json``, or to ``--out FILE`` (``.json`` or ``.md``), created ``0600``.
- ``gemist privacy erase PERSON [--yes]`` removes that person everywhere
  (:mod:`bot.privacy.erase`). Without ``--yes`` it asks to type the id again, and refuses when
  nobody can answer (no terminal).

``PERSON`` is a roster id (``P0042``, ``G005``, ``S02``); ``--role`` says which table when the
same id exists in two. Exports, erasures and purges leave a :class:`~bot.models.PrivacyLog`
entry without personal data, with a random reference that is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.commands.common import open_database
from bot.config import Settings
from bot.exits import Exit
from bot.files import make_private_file
from bot.outbox import write_transaction
from bot.privacy.audit import describe, record
from bot.privacy.document import markdown, to_json
from bot.privacy.erase import erase_person
from bot.privacy.export import gather
from bot.privacy.people import ROLES, Person, find_people
from bot.privacy.purge import purge, purge_in_steps
from scheduler.clock import WallClock

__all__ = ["register"]

COMMAND = "gemist privacy"
_FORMATS = {".json": "json", ".md": "markdown", ".markdown": "markdown"}


class _RolledBack(Exception):
    """Raised at the end of a dry run, so that its transaction is undone."""


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "privacy", help="data protection: retention purge, export or erase one person's data"
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    purge_parser = actions.add_parser(
        "purge", help="remove what the retention policy no longer keeps; counts per kind"
    )
    purge_parser.add_argument(
        "--dry-run", action="store_true", help="only count what would be removed"
    )
    purge_parser.add_argument(
        "--as-of",
        metavar="DATE",
        type=dt.date.fromisoformat,
        help="with --dry-run: count what a purge on DATE would remove",
    )
    export = actions.add_parser("export", help="everything Gemist holds about one person")
    export.add_argument("person", metavar="PERSON", help="roster id: P0042, G005, S02")
    export.add_argument("--role", choices=ROLES, help="when the id exists in several tables")
    export.add_argument("--json", action="store_true", help="JSON instead of Markdown")
    export.add_argument(
        "--out", type=Path, metavar="FILE", help="write to FILE (.json or .md), mode 0600"
    )
    erase = actions.add_parser("erase", help="remove one person's data everywhere")
    erase.add_argument("person", metavar="PERSON", help="roster id: P0042, G005, S02")
    erase.add_argument("--role", choices=ROLES, help="when the id exists in several tables")
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "purge" and args.as_of is not None and not args.dry_run:
        return _fail("purge --as-of only counts: add --dry-run")
    if args.action == "export":
        fmt = _format(args)
        if fmt is None:
            wanted = ".json (--json writes JSON)" if args.json else ".json or .md"
            return _fail(f"export --out {args.out}: expected a file ending in {wanted}")
    engine = await open_database(settings, command=f"gemist privacy {args.action}")
    if engine is None:
        return Exit.UNUSABLE
    try:
        if args.action == "purge":
            return await _purge(engine, settings, args)
        if args.action == "export":
            return await _export(engine, settings, args, fmt or "markdown")
        return await _erase(engine, settings, args)
    finally:
        await engine.dispose()


def _fail(text: str, code: int = Exit.UNUSABLE) -> int:
    print(f"gemist: privacy: {text}", file=sys.stderr)
    return code


def _format(args: argparse.Namespace) -> str | None:
    if args.out is None:
        return "json" if args.json else "markdown"
    fmt = _FORMATS.get(args.out.suffix.lower())
    if fmt is None or (args.json and fmt != "json"):
        return None
    return fmt


async def _purge(engine: AsyncEngine, settings: Settings, args: argparse.Namespace) -> int:
    clock = WallClock(settings.timezone)
    now = clock.now()
    if args.as_of is not None:
        now = dt.datetime.combine(args.as_of, dt.time(12), tzinfo=settings.timezone)
    policy, school = settings.retention, settings.school_id
    reference = None
    if args.dry_run:
        try:
            async with write_transaction(engine) as conn:
                removed = await purge(conn, school, policy, now, clock.tz)
                raise _RolledBack
        except _RolledBack:
            pass
    else:
        removed = await purge_in_steps(engine, school, policy, now, clock.tz)
        if removed.total():
            async with write_transaction(engine) as conn:
                reference = await record(
                    conn, school, "purge", f"removed {describe(removed)}",
                    f"{COMMAND} purge", clock.now(),
                )  # fmt: skip
    day = now.astimezone(settings.timezone).date().isoformat()
    print(f"retention purge of {day} {'would remove' if args.dry_run else 'removed'}:")
    for kind, count in sorted(removed.items()):
        if count:
            print(f"  {kind}: {count}")
    if not removed.total():
        print("  nothing")
    if reference:
        print(f"privacy log reference: {reference}")
    return Exit.OK


async def _person(
    conn: AsyncConnection, settings: Settings, args: argparse.Namespace
) -> Person | int:
    ref = args.person.strip()
    found = await find_people(conn, settings.school_id, ref, args.role)
    if not found:
        who = args.role or "pupil, guardian or staff member"
        return _fail(f"no {who} with id {ref!r} in school {settings.school_id}", Exit.NOT_FOUND)
    if len(found) > 1:
        roles = ", ".join(person.role for person in found)
        return _fail(f"{ref!r} is the id of a {roles}: say which with --role")
    return found[0]


async def _export(
    engine: AsyncEngine, settings: Settings, args: argparse.Namespace, fmt: str
) -> int:
    now = WallClock(settings.timezone).now()
    async with write_transaction(engine) as conn:
        person = await _person(conn, settings, args)
        if isinstance(person, int):
            return person
        data = await gather(conn, settings.school_id, person, now, settings.messages)
        reference = await record(
            conn, settings.school_id, "export", f"exported one {person.role} record",
            f"{COMMAND} export", now,
        )  # fmt: skip
    text = to_json(data) if fmt == "json" else markdown(data)
    if args.out is None:
        sys.stdout.write(text)
        return Exit.OK
    try:
        make_private_file(args.out)
        with args.out.open("w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as err:
        return _fail(f"export --out {args.out}: {err.strerror or err}")
    print(f"{person.role} {person.roster_id}: written to {args.out} (privacy log {reference})")
    return Exit.OK


async def _erase(engine: AsyncEngine, settings: Settings, args: argparse.Namespace) -> int:
    async with engine.connect() as conn:
        person = await _person(conn, settings, args)
    if isinstance(person, int):
        return person
    if not args.yes and not _confirmed(person):
        return Exit.UNUSABLE
    now = WallClock(settings.timezone).now()
    async with write_transaction(engine) as conn:
        removed = await erase_person(conn, settings.school_id, person)
        records = {k: v for k, v in removed.items() if k.endswith(" records")}
        what = ", ".join(f"{n} {kind.removesuffix(' records')} record" + ("s" if n > 1 else "")
                         for kind, n in sorted(records.items()))  # fmt: skip
        reference = await record(
            conn, settings.school_id, "erase",
            f"erased {what} on {now.astimezone(settings.timezone).date().isoformat()}: "
            f"{describe(removed)}",
            f"{COMMAND} erase", now,
        )  # fmt: skip
    print(f"erased {person.role} {person.roster_id}:")
    for kind, count in sorted(removed.items()):
        if count:
            print(f"  {kind}: {count}")
    print(f"privacy log reference: {reference}")
    return Exit.OK


def _confirmed(person: Person) -> bool:
    """Ask to type the id again; False (with the reason on stderr) without a terminal."""
    if not sys.stdin.isatty():
        _fail(
            f"erase {person.roster_id}: this cannot be undone; "
            "add --yes to erase without a question"
        )
        return False
    print(
        f"This removes everything Gemist holds about {person.role} {person.roster_id} "
        f"({person.full_name}), and cannot be undone.",
        file=sys.stderr,
    )
    answer = input(f"Type {person.roster_id} to erase: ").strip()
    if answer != person.roster_id:
        _fail("erase: not confirmed, nothing erased")
        return False
    return True

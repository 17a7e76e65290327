"""``gemist invite``: one-time invitation codes and deep links (docs/contracts.md).

A new code for every active pupil, guardian or staff member (``--role``), of one class with
``--class``; earlier unused codes of the same people stop working. The codes are shown once and
only their hashes are kept (:mod:`bot.telegram.invites`). The links name the bot:
``telegram_bot`` in the configuration (``GEMIST_TELEGRAM_BOT``), else Telegram is asked with the
token (``getMe``).

Guardians are invited only about the children they may be contacted about
(:mod:`bot.consent`, with the rules file of the configuration): no code and no letter for a
guardian who may not be contacted about any child. ``--class`` with a class the roster does not
know, or one without active pupils, is an error (exit 2): a typo must not look like success.

With ``--pdf FILE`` it also writes one printable A4 letter per person (:mod:`bot.letters`). The
fonts are checked before anything else: making the invitations revokes the earlier codes, so a
run that could not print the new ones must not make them. The usual output is printed before
the PDF is written, so the new codes are never lost.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Bot
from telegram.error import TelegramError

from bot.commands.common import open_database
from bot.config import Settings
from bot.exits import Exit
from bot.files import make_private_file
from bot.letters import FontsMissing, Letter, compose_letters, find_fonts, letters_pdf
from bot.redaction import describe_error
from bot.rules import Rules, RulesError, load_rules
from bot.telegram.invites import ROLES, Invited, class_pupils, create_invitations
from scheduler.clock import WallClock

__all__ = ["bot_username", "register"]


NO_BOT = (
    "gemist invite: the links need the bot's username. Set telegram_bot in the configuration "
    "file (or GEMIST_TELEGRAM_BOT), or GEMIST_TELEGRAM_TOKEN so that Telegram can be asked."
)


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "invite", help="one-time invitation codes and deep links to link a Telegram chat"
    )
    parser.add_argument("--role", required=True, choices=ROLES, help="who is invited")
    parser.add_argument(
        "--class", dest="class_name", metavar="CLASS", help="only this class's people"
    )
    parser.add_argument(
        "--person",
        metavar="ID",
        help="only this person (roster id: P0042, G005, S02): a new letter for one person "
        "leaves everyone else's codes as they are",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per invitation")
    parser.add_argument(
        "--pdf",
        type=Path,
        metavar="FILE",
        help="also write a printable A4 letter per person to FILE (needs fonts-noto-core)",
    )
    parser.set_defaults(handler=run)


async def bot_username(settings: Settings) -> str | None:
    """The bot's username: configured, else asked of Telegram; None when neither can be."""
    if settings.telegram_bot:
        return settings.telegram_bot
    if settings.telegram_token is None:
        return None
    bot = Bot(
        settings.telegram_token.reveal(),
        base_url=f"{settings.telegram_api_url.rstrip('/')}/bot",
    )
    try:
        async with bot:
            return bot.username
    except TelegramError as err:  # a proxy's error text may quote the path, token and all
        print(
            f"gemist invite: Telegram did not answer getMe: {describe_error(err)}",
            file=sys.stderr,
        )
        return None


async def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        rules = load_rules(settings.rules) if settings.rules is not None else Rules.default()
    except (RulesError, OSError) as err:
        print(f"gemist invite: {err}", file=sys.stderr)
        return Exit.UNUSABLE
    fonts = None
    if args.pdf is not None:
        try:
            fonts = find_fonts()
        except FontsMissing as err:
            print(f"gemist invite --pdf: {err}", file=sys.stderr)
            return Exit.UNUSABLE
        if not args.pdf.parent.resolve().is_dir():
            print(f"gemist invite --pdf: no folder {args.pdf.parent}", file=sys.stderr)
            return Exit.UNUSABLE
    username = await bot_username(settings)
    if username is None:
        print(NO_BOT, file=sys.stderr)
        return Exit.UNUSABLE
    engine = await open_database(settings, command="gemist invite")
    if engine is None:
        return Exit.UNUSABLE
    clock = WallClock(settings.timezone)
    try:
        if args.class_name is not None:
            problem = await _class_problem(engine, settings.school_id, args.class_name)
            if problem:
                print(f"gemist invite: {problem}", file=sys.stderr)
                return Exit.UNUSABLE
        invited = await create_invitations(
            engine,
            school_id=settings.school_id,
            role=args.role,
            class_name=args.class_name,
            person_id=args.person,
            bot_username=username,
            now=clock.now(),
            rules=rules,
            today=clock.today(),
        )
        letters: list[Letter] = []
        if fonts is not None and invited:
            letters = await compose_letters(
                engine,
                invited,
                school_id=settings.school_id,
                school_name=settings.school_name,
                bot_username=username,
                timezone=settings.timezone,
                overrides=settings.messages,
            )
    finally:
        await engine.dispose()
    if not invited:
        where = f" in class {args.class_name}" if args.class_name else ""
        if args.role == "guardian":  # consent, too, keeps a guardian off the invitations
            where += " whom the school may contact about an active pupil"
        if args.person:
            print(
                f"gemist invite: no active {args.role} with id {args.person}{where}",
                file=sys.stderr,
            )
            return Exit.UNUSABLE
        print(f"gemist invite: no active {args.role}{where} to invite", file=sys.stderr)
        return Exit.OK
    _print(invited, args.json, settings)
    if fonts is not None:
        try:
            pdf = letters_pdf(letters, fonts, title="Gemist: uitnodigingen")
            make_private_file(args.pdf).write_bytes(pdf)  # live codes: the owner's only
        except OSError as err:  # the codes above still work: they were printed
            print(f"gemist invite --pdf: cannot write {args.pdf}: {err}", file=sys.stderr)
            return Exit.UNUSABLE
        print(f"gemist invite: {len(letters)} letters in {args.pdf}", file=sys.stderr)
    return Exit.OK


async def _class_problem(engine: AsyncEngine, school_id: str, class_name: str) -> str | None:
    """Why ``--class`` cannot be what was meant, or None when the class has pupils."""
    pupils = await class_pupils(engine, school_id, class_name)
    if pupils is None:
        return f"the roster has no class {class_name!r} (see gemist import roster)"
    if pupils == 0:
        return f"class {class_name!r} has no active pupils"
    return None


def _print(invited: list[Invited], as_json: bool, settings: Settings) -> None:
    for item in invited:
        if as_json:
            print(json.dumps(item.as_json(), ensure_ascii=False))
        else:
            pupils = f" (for {', '.join(item.pupil_ids)})" if item.role == "guardian" else ""
            print(
                f"{item.person_id}  {item.first_name} {item.last_name}{pupils}  [{item.lang}]\n"
                f"    {item.link}"
            )
    if not as_json:
        expires = invited[0].expires_at.astimezone(settings.timezone)
        print(
            f"\n{len(invited)} invitations, each usable once, until {expires:%Y-%m-%d %H:%M}. "
            "Earlier unused codes of the same people no longer work.",
            file=sys.stderr,
        )

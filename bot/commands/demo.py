"""``gemist demo``: the sample school's two weeks through the real bot, with no token and no
network (:mod:`bot.demo.driver`); a timeline on stdout and a chat transcript per person."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.demo.driver import PLATFORMS, SCHOOL_NAME, Demo
from bot.demo.events import ChatEvent, Origin, Recipient
from bot.demo.school import BY_EMAIL, FIRST_DAY, LAST_DAY
from bot.demo.timeline import print_timeline
from bot.demo.transcript import write_transcripts
from bot.exits import Exit
from integrations.smartschool.settings import DEFAULT_REREAD_DAYS, DEFAULT_ROSTER_TIME

__all__ = ["register"]

DEFAULT_FOLDER = Path("gemist-demo")


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "demo",
        help="two school weeks of a sample school through the real bot, offline, in about 30 s",
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        default=DEFAULT_FOLDER,
        help=f"where the transcripts and the demo's database go (default: ./{DEFAULT_FOLDER})",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no timeline, only where the transcripts are"
    )
    parser.add_argument(
        "--platform",
        choices=PLATFORMS,
        default="telegram",
        help="where pupils and parents read the messages: Telegram chats (default) or their "
        "Smartschool inboxes, on a local Smartschool server (staff stay on Telegram)",
    )
    parser.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """The demo does not touch the configured database: it keeps its own in ``--out``."""
    started = time.monotonic()
    servers = "Telegram server and a local mail server"
    if args.platform == "smartschool":
        servers = "Telegram server, a local Smartschool server and a local mail server"
    print(
        f"gemist demo: {SCHOOL_NAME}, {FIRST_DAY:%d %B} to {LAST_DAY:%d %B %Y}, through a local "
        f"{servers} (nothing leaves this computer)...",
        file=sys.stderr,
    )
    result = await Demo(args.out, args.platform).run()
    if not args.quiet:
        if args.platform == "smartschool":
            print(_on_smartschool(result.events, result.recipients))
        else:
            print(_onboarding(result.events, result.recipients))
        print()
        # The timeline tells the two weeks; the buttons taken off answered messages, and the
        # welcomes, are in the transcripts.
        story = [e for e in result.events if e.at.date() >= FIRST_DAY and not e.edited]
        print_timeline(story, result.recipients)
    pages = write_transcripts(
        result.events,
        result.recipients,
        args.out,
        title=f"Gemist demo · {SCHOOL_NAME}",
        lead=f"Two school weeks, {FIRST_DAY:%d/%m} to {LAST_DAY:%d/%m/%Y}, as each person saw "
        "them.",
    )
    sent = sum(result.kinds.values())
    transcripts = "chat transcripts"
    if args.platform == "smartschool":
        transcripts = "transcripts (chats and Smartschool inboxes)"
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(result.kinds.items()))
    print(
        f"\n{sent} messages from the ladder ({summary}); {len(pages) - 1} {transcripts} in "
        f"{args.out}/ (open {args.out / 'index.html'}); {time.monotonic() - started:.0f} s.",
        file=sys.stderr,
    )
    return Exit.OK


def _onboarding(events: list[ChatEvent], recipients: list[Recipient]) -> str:
    """One line for the Sunday evening on which everyone with Telegram opened their
    invitation, naming the parents who get e-mail instead."""
    before = [e for e in events if e.at.date() < FIRST_DAY]
    welcomed = {e.chat_id for e in before if e.origin is Origin.BOT}
    when = f"{before[0].at:%A %d %B, %H:%M}" if before else "before the first day"
    by_email = " and ".join(r.name for r in recipients if r.key in BY_EMAIL)
    return (
        f"{when}: {len(welcomed)} of {len(recipients)} people (pupils, parents, staff) opened "
        "their invitation link (/start <code>) and were welcomed in their own language"
        + (f"; {by_email} have no Telegram and get e-mail." if by_email else ".")
    )


def _on_smartschool(events: list[ChatEvent], recipients: list[Recipient]) -> str:
    """One line for the Sunday evening: the staff opened their invitation on Telegram; the
    pupils and parents are reached in their Smartschool inboxes."""
    before = [e for e in events if e.at.date() < FIRST_DAY]
    welcomed = {e.chat_id for e in before if e.origin is Origin.BOT}
    when = f"{before[0].at:%A %d %B, %H:%M}" if before else "before the first day"
    return (
        f"{when}: the school's stored files gave what Smartschool does not know (pupils.csv: "
        "each pupil's spilfiguur and home language under the internal number; staff.csv: "
        "roles and Telegram; teaching.csv: the subject teachers; the parents' home languages "
        "by co-account), then the roster was synced from Smartschool (classes, pupils, their "
        f"parents' co-accounts, the titulars; again every morning at {DEFAULT_ROSTER_TIME:%H:%M})."
        " At each feed time Gemist reads the day's absence marks in Smartschool and those of "
        f"the {DEFAULT_REREAD_DAYS} school days before, so that a mark changed there later "
        "arrives as a correction. Smartschool has no date a pupil is expected back: Hamid's "
        "teachers hear on the morning he is back.\n"
        f"{when}: {len(welcomed)} staff members opened their invitation link (/start <code>); "
        f"the pupils and parents of the {len(recipients)} people read Gemist's messages in "
        "their Smartschool inbox (parents in their co-account) and answer through its links."
    )

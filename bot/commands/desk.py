"""``gemist desk link --staff S03``: hand a staff member's waiting desk sign-in link to the
operator at the server's terminal, when no channel delivers it (``gemist web`` alone runs no
dispatcher; the demo's database; a bot that is stopped).

The desk binds every sign-in link to the browser that asked for it (its random cookie, set by
the sign-in page), so a link cannot be made on the server in advance for a browser the server
has never seen: a printed link that worked in any browser would be a bearer password, readable
by whoever glances at the terminal, the scrollback or a screen share. This command therefore
makes no link of its own. The person asks in their browser as always (``/desk/aanmelden``, their
staff id or e-mail address); the desk stores the request, bound to that browser, and plans the
message with the link in the outbox. This command prints that planned link, and only:

- the newest request of that staff member that is still unused and within its 15 minutes;
- on a terminal (stdout a tty), never into a pipe, a file, a cron mail or a log;
- once handed over here, its message is cancelled (``outreach_event`` records why: the link
  was handed over by ``gemist desk link``), so the link does not also go out later; a message
  already sent gets the same line in its audit trail.

Opened in another browser the link is refused, as the desk refuses any link opened elsewhere;
opened in the browser that asked, it signs in once and is blotted out of the database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.commands.common import open_database
from bot.config import Settings
from bot.exits import Exit
from bot.models import DeskSignIn, Outreach
from bot.outbox import store as outbox
from bot.outbox.records import Status
from bot.outbox.tables import record
from bot.web.desk import sessions
from scheduler.clock import WallClock

__all__ = ["HANDED_OVER", "Waiting", "hand_over", "register"]

log = logging.getLogger(__name__)

HANDED_OVER = "handed over on the server's terminal (gemist desk link)"
"""What the message's audit trail says when its link was printed here."""


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "desk", help="the coordinator's desk: print a waiting sign-in link on the server"
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    link = actions.add_parser(
        "link",
        help="print the sign-in link a staff member just asked for on /desk/aanmelden "
        "(works once, 15 minutes, only in the browser that asked)",
    )
    link.add_argument(
        "--staff", required=True, metavar="ID", help="the staff id (S03) or e-mail address"
    )
    parser.set_defaults(handler=run)


@dataclass(frozen=True, slots=True)
class Waiting:
    """A sign-in link waiting for its browser, and until when it works."""

    link: str
    expires_at: dt.datetime


async def hand_over(conn: AsyncConnection, who: str, now: dt.datetime) -> Waiting | None:
    """The newest unused, unexpired sign-in link of the staff member ``who`` names (staff id or
    e-mail address), taken out of the outbox and recorded; None when there is none."""
    asker = await sessions.find_staff(conn, who)
    if asker is None:
        return None
    found = (
        await conn.execute(
            sa.select(
                col(Outreach.id),
                col(Outreach.status),
                col(Outreach.payload),
                col(DeskSignIn.expires_at),
            )
            .join(Outreach, col(Outreach.id) == col(DeskSignIn.outreach_id))
            .where(
                col(DeskSignIn.staff_id) == asker.id,
                col(DeskSignIn.used_at).is_(None),
                col(DeskSignIn.expires_at) > now,
            )
            .order_by(col(DeskSignIn.created_at).desc(), col(DeskSignIn.id).desc())
            .limit(1)
        )
    ).one_or_none()
    if found is None:
        return None
    row, status, payload, expires_at = found
    link = str((payload or {}).get("link", ""))
    if "/desk/in/" not in link or link.endswith(sessions.USED):
        return None
    cancelled = await outbox.cancel(conn, now, HANDED_OVER, ids=[int(row)])
    if not cancelled:  # sent already (or on its way): the trail says it was printed too
        await record(conn, now, [(int(row), Status(status), Status(status), HANDED_OVER)])
    return Waiting(link, expires_at)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    if not sys.stdout.isatty():
        print(
            "gemist desk link: prints a sign-in link only on a terminal, not into a pipe or a "
            "file (where it would outlive its use); run it in an interactive shell on the "
            "server.",
            file=sys.stderr,
        )
        return Exit.UNUSABLE
    engine = await open_database(settings, command="gemist desk link")
    if engine is None:
        return Exit.UNUSABLE
    clock = WallClock(settings.timezone)
    try:
        async with engine.begin() as conn:
            waiting = await hand_over(conn, args.staff, clock.now())
    finally:
        await engine.dispose()
    if waiting is None:
        where = (
            f"{settings.web_url.rstrip('/')}/desk/aanmelden"
            if settings.web_url
            else ("/desk/aanmelden on the web application")
        )
        print(
            f"gemist desk link: no sign-in link is waiting for {args.staff!r}. Open {where} in "
            "the browser that will use the desk, type that staff id or e-mail address, then run "
            "this again within 15 minutes: the link works only in that browser.",
            file=sys.stderr,
        )
        return Exit.NOT_FOUND
    log.info("a desk sign-in link was handed over on the terminal")
    until = waiting.expires_at.astimezone(clock.tz)
    print(
        f"Open this link in the browser that asked, before {until:%H:%M} (once):",
        file=sys.stderr,
    )
    print(waiting.link)
    return Exit.OK

"""``gemist desk link``: the sign-in link a staff member asked for in their browser, handed to
the operator on the server's terminal when no channel delivers it; still bound to that
browser, once, and recorded."""

from __future__ import annotations

import asyncio
import datetime as dt
import io

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.cli import main
from bot.commands.desk import HANDED_OVER
from bot.contacts import ChannelOrder
from bot.models import Outreach, OutreachEvent
from bot.web.desk import sessions
from tests.bot.web.desk.conftest import build_town

BROWSER = "the cookie of the browser that asked"
CHANNELS = ChannelOrder(("email", "telegram"), frozenset({"email", "telegram"}))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def gemist(db_url, monkeypatch):
    for name in ("GEMIST_CONFIG", "GEMIST_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return lambda *args: main(["--db", db_url, *args])


async def _ask(engine, clock, staff_id: str = "S02") -> None:
    """``staff_id`` asked for a link on /desk/aanmelden just now (wall time: the command's)."""
    town = await build_town(engine, clock)
    now = dt.datetime.now(dt.UTC)
    async with engine.begin() as conn:
        asker = await sessions.find_staff(conn, staff_id)
        assert asker is not None
        sent = await sessions.ask(
            conn, asker, BROWSER, base_url="https://gemist.school.example", now=now,
            lifetimes=sessions.Lifetimes(), channels=CHANNELS,
        )  # fmt: skip
    assert sent
    assert town.staff[staff_id] == asker.id


async def _run(gemist, monkeypatch, *args: str, tty: bool = True) -> tuple[int, str]:
    out = Terminal() if tty else io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    code = await asyncio.to_thread(gemist, *args)  # main() runs its own event loop
    return code, out.getvalue()


async def _message(engine) -> tuple[str, list[tuple[str | None, str, str | None]]]:
    async with engine.connect() as conn:
        status = await conn.scalar(
            sa.select(col(Outreach.status)).where(col(Outreach.kind) == "desk_signin")
        )
        events = await conn.execute(
            sa.select(
                col(OutreachEvent.from_status), col(OutreachEvent.to_status),
                col(OutreachEvent.detail),
            ).order_by(col(OutreachEvent.id))
        )  # fmt: skip
        return str(status), [tuple(row) for row in events]


async def test_the_waiting_link_is_printed_taken_out_of_the_outbox_and_still_bound(
    gemist, monkeypatch, engine, clock, capsys
):
    await _ask(engine, clock)

    code, out = await _run(gemist, monkeypatch, "desk", "link", "--staff", "s02@school.example")

    assert code == 0
    link = out.strip()
    assert link.startswith("https://gemist.school.example/desk/in/")
    assert "Open this link in the browser that asked" in capsys.readouterr().err
    status, events = await _message(engine)
    assert status == "cancelled"  # it does not go out later as well
    assert events[-1] == ("planned", "cancelled", HANDED_OVER)
    token = link.rsplit("/", 1)[-1]
    now = dt.datetime.now(dt.UTC)
    async with engine.begin() as conn:
        assert await sessions.redeem(conn, token, "another browser", now) is None
        assert await sessions.redeem(conn, token, BROWSER, now) is not None
        assert await sessions.redeem(conn, token, BROWSER, now) is None  # once


async def test_without_a_waiting_link_it_says_how_to_ask_for_one(
    gemist, monkeypatch, engine, clock, capsys
):
    await build_town(engine, clock)

    code, out = await _run(gemist, monkeypatch, "desk", "link", "--staff", "S02")

    assert code == 1
    assert out == ""
    err = capsys.readouterr().err
    assert "no sign-in link is waiting for 'S02'" in err
    assert "/desk/aanmelden" in err


async def test_it_prints_no_link_into_a_pipe_or_a_file(gemist, monkeypatch, engine, clock, capsys):
    await _ask(engine, clock)

    code, out = await _run(gemist, monkeypatch, "desk", "link", "--staff", "S02", tty=False)

    assert code == 2
    assert out == ""
    assert "only on a terminal" in capsys.readouterr().err
    status, _events = await _message(engine)
    assert status == "planned"  # nothing was handed over

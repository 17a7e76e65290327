"""The bot process: ``gemist run`` with a token serves the conversations and the outbox from one
client, by long polling or through a webhook, and stops without losing anything; end to end
through the local Bot API server and python-telegram-bot."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest
import sqlalchemy as sa
from sqlmodel import col
from telegram import Bot

import bot.telegram._store as store_module
from bot.cli import main
from bot.commands.run import run_service, serve
from bot.config import load_settings
from bot.db import connect, migrate
from bot.imports import import_absences
from bot.models import Outreach, Pupil, Reply
from bot.rules import Rules
from bot.telegram.invites import create_invitations
from bot.telegram.webhook import SECRET_HEADER
from integrations.csv import CsvAbsenceSource
from integrations.telegram import LocalBotApi
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS, WallClock
from tests.helpers import contacts
from tests.helpers.live import Live, live_run
from tests.helpers.telegram import EXAMPLE, SCHOOL, SCHOOL_NAME, TOKEN, button_keys, free_port

EMIR, KOEN = 7_100_003, 7_100_002  # the pupil P0003 and his spilfiguur S02
HOOK_SECRET = "hook-secret_42"


async def chat_of(live: Live, table: type, roster_id: str) -> int | None:
    async with live.engine.connect() as conn:
        return await contacts.chat_of(conn, "pupil" if table is Pupil else "staff", roster_id)


async def statuses(engine) -> dict[str, int]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(col(Outreach.status), sa.func.count()).group_by(col(Outreach.status))
        )
        return {str(status): int(count) for status, count in rows}


async def replies(engine) -> list[tuple[str, str]]:
    async with engine.connect() as conn:
        rows = await conn.execute(sa.select(col(Reply.sender_id), col(Reply.answer)))
        return [(str(sender), str(answer)) for sender, answer in rows]


# -- linking -----------------------------------------------------------------------------------


async def test_a_person_opens_their_invitation_and_is_linked_and_welcomed(engine, clock):
    async with live_run(engine, clock) as live:
        invited = await live.invite("pupil", "P0003")
        chat = live.user("Emir")

        [welcome] = await live.say(chat, f"/start {invited.code}")

        assert welcome.text.startswith("Hoi Emir, welkom!")
        assert await chat_of(live, Pupil, "P0003") == chat
    assert live.task.done()


# -- an answer, acted on at once ---------------------------------------------------------------


async def absent_emir_at(engine, clock, tmp_path: Path, hour: int, minute: int) -> None:
    """Emir (P0003) absent all of Tuesday, imported at 09:30; the clock then at hour:minute."""
    feed = tmp_path / "absences.csv"
    feed.write_text(
        "pupil_id,date,half_day,code\nP0003,2026-11-17,am,B\nP0003,2026-11-17,pm,B\n",
        encoding="utf-8",
    )
    report = await import_absences(
        engine,
        CsvAbsenceSource(feed),
        school_id=SCHOOL,
        school_name=SCHOOL_NAME,
        clock=clock,
        started_by="test",
    )
    assert report.exit_code == 0
    clock.set(dt.datetime(2026, 11, 17, hour, minute, tzinfo=BRUSSELS))


async def link_directly(engine, api: LocalBotApi) -> None:
    """Emir and Koen linked before the run (as a ``telegram`` column of the roster would)."""
    api.add_user(EMIR, "Emir")
    api.add_user(KOEN, "Koen")
    async with engine.begin() as conn:
        await contacts.link(conn, "pupil", "P0003", EMIR)
        await contacts.link(conn, "staff", "S02", KOEN)


@pytest.fixture
async def emir_checked_in(engine, clock, tmp_path):
    """``gemist run`` started at 10:45 on the day Emir is absent: its first planner and
    dispatch runs have sent him his check-in."""

    async def absent_and_linked(api: LocalBotApi) -> None:
        await absent_emir_at(engine, clock, tmp_path, 10, 45)
        await link_directly(engine, api)

    async with live_run(engine, clock, before=absent_and_linked) as live:
        [checkin] = await live.api.wait_for(EMIR, 1)
        assert checkin.text.startswith("Hoi Emir")
        yield live, checkin


async def test_a_tap_is_stored_and_the_coordinator_is_nudged_by_the_same_process(
    emir_checked_in,
):
    live, checkin = emir_checked_in

    await live.press(EMIR, checkin, "want_to_talk")
    [nudge] = await live.api.wait_for(KOEN, 1)

    # The recurring jobs are a day apart: the answer itself had the nudge planned and sent.
    assert "Emir (1A) wil graag met iemand praten" in nudge.text
    assert button_keys(nudge) == ["ack", "snooze", "return", "pause"]
    assert await replies(live.engine) == [("P0003", "want_to_talk")]
    edited, thanks = (await live.api.wait_for(EMIR, 3))[1:]
    assert edited.edited
    assert "Emir" in thanks.text


async def test_sigterm_while_a_tap_is_handled_finishes_it_and_loses_nothing(
    emir_checked_in, monkeypatch
):
    live, checkin = emir_checked_in
    entered, release = asyncio.Event(), asyncio.Event()
    tapped_row = store_module.tapped_row

    async def slow_tapped_row(*args, **kwargs):
        entered.set()
        await release.wait()
        return await tapped_row(*args, **kwargs)

    monkeypatch.setattr(store_module, "tapped_row", slow_tapped_row)
    await live.press(EMIR, checkin, "want_to_talk")
    await asyncio.wait_for(entered.wait(), 5)
    assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None)  # run's, not ours

    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.sleep(0.3)
    assert not live.task.done()  # the update in hand holds the stop up
    release.set()
    await asyncio.wait_for(live.task, 10)

    assert await replies(live.engine) == [("P0003", "want_to_talk")]
    [nudge] = live.api.messages_to(KOEN)  # the answer's planning ran before the service stopped
    assert "Emir (1A) wil graag met iemand praten" in nudge.text
    assert "Emir" in live.api.messages_to(EMIR)[-1].text  # thanked: the bot was still open
    assert "sending" not in await statuses(live.engine)
    assert (await statuses(live.engine))["sent"] == 2  # the check-in and the nudge


# -- webhook mode ------------------------------------------------------------------------------


async def test_a_webhook_takes_updates_with_the_secret_only(engine, clock):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    env = {
        "GEMIST_WEBHOOK_URL": url,
        "GEMIST_WEBHOOK_SECRET": HOOK_SECRET,
        "GEMIST_WEBHOOK_PORT": str(port),
    }
    async with live_run(engine, clock, env) as live:
        invited = await live.invite("pupil", "P0003")
        chat = live.user("Emir")
        start = f"/start {invited.code}"

        wrong = await live.api.send_text(chat, start, secret="not-the-secret")
        async with aiohttp.ClientSession() as session:
            async with session.post(url, json=_update(chat, start)) as response:
                missing = response.status
            async with session.post(url, json=_update(chat, start), headers={
                SECRET_HEADER: HOOK_SECRET[:-1]
            }) as response:  # fmt: skip
                prefix = response.status
        [welcome] = await live.say(chat, start)  # the right secret (the one set with the URL)
        await live.stopped()
        async with Bot(TOKEN, base_url=live.api.base_url) as client:
            info = await client.get_webhook_info()

    assert (wrong, missing, prefix) == (403, 403, 403)
    # Had a refused update been handled, the single-use code would not work now.
    assert welcome.text.startswith("Hoi Emir, welkom!")
    assert len(live.api.messages_to(chat)) == 1
    assert await chat_of(live, Pupil, "P0003") == chat
    assert info.url == url  # a stopping worker leaves the webhook to the others


def _update(chat: int, text: str) -> dict[str, object]:
    """An update as Telegram would POST it."""
    person = {"id": chat, "is_bot": False, "first_name": "Emir"}
    return {
        "update_id": 90_001,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": chat, "type": "private", "first_name": "Emir"},
            "from": person,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len("/start")}],
        },
    }


async def test_polling_takes_over_from_a_webhook_left_set(engine, clock):
    async def leave_a_webhook(api: LocalBotApi) -> None:
        async with Bot(TOKEN, base_url=api.base_url) as client:
            await client.set_webhook("https://old.example.org/telegram", secret_token="old")

    async with live_run(engine, clock, before=leave_a_webhook) as live:
        async with Bot(TOKEN, base_url=live.api.base_url) as client:
            info = await client.get_webhook_info()
        invited = await live.invite("pupil", "P0003")
        chat = live.user("Emir")

        [welcome] = await live.say(chat, f"/start {invited.code}")

    assert info.url == ""
    assert welcome.text.startswith("Hoi Emir, welkom!")


# -- gemist run as a command -------------------------------------------------------------------


async def test_dry_run_has_no_telegram_at_all(tmp_path, clock):
    # A dry run works on a copy of a SQLite database (tests/bot/test_dry_run.py).
    engine = connect(f"sqlite:///{tmp_path / 'gemist.db'}")
    await migrate(engine)
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens: any request would fail
    settings = load_settings(
        environ={"GEMIST_TELEGRAM_TOKEN": TOKEN, "GEMIST_TELEGRAM_API_URL": nowhere}
    )
    stop = asyncio.Event()
    stop.set()

    await asyncio.wait_for(
        serve(
            settings,
            engine=engine,
            clock=clock,
            rules=Rules.default(),
            calendar=SchoolCalendar(),
            worker_id="dry",
            dry_run=True,
            stop=stop,
        ),
        10,
    )
    await engine.dispose()


async def test_a_token_telegram_refuses_ends_run_with_2(db_url, capsys):
    async with LocalBotApi(TOKEN) as api:
        settings = load_settings(
            environ={
                "GEMIST_DATABASE_URL": db_url,
                "GEMIST_TELEGRAM_TOKEN": "654321:not-this-bot",
                "GEMIST_TELEGRAM_API_URL": api.base_url.removesuffix("/bot"),
            }
        )
        code = await run_service(argparse.Namespace(dry_run=False, worker_id=None), settings)

    err = capsys.readouterr().err
    assert code == 2
    assert "Telegram does not accept the bot's token" in err
    assert "not-this-bot" not in err


async def test_telegram_out_of_reach_at_start_ends_run_with_2_and_says_where(db_url, capsys):
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings = load_settings(
        environ={
            "GEMIST_DATABASE_URL": db_url,
            "GEMIST_TELEGRAM_TOKEN": TOKEN,
            "GEMIST_TELEGRAM_API_URL": f"http://127.0.0.1:{port}",
        }
    )

    code = await run_service(argparse.Namespace(dry_run=False, worker_id=None), settings)

    err = capsys.readouterr().err
    assert code == 2
    assert f"cannot reach Telegram at http://127.0.0.1:{port}" in err
    assert "Traceback" not in err
    assert TOKEN not in err


async def test_a_webhook_port_in_use_ends_run_with_2(db_url, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with LocalBotApi(TOKEN) as api:
            settings = load_settings(
                environ={
                    "GEMIST_DATABASE_URL": db_url,
                    "GEMIST_TELEGRAM_TOKEN": TOKEN,
                    "GEMIST_TELEGRAM_API_URL": api.base_url.removesuffix("/bot"),
                    "GEMIST_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
                    "GEMIST_WEBHOOK_SECRET": HOOK_SECRET,
                    "GEMIST_WEBHOOK_PORT": str(port),
                }
            )
            code = await run_service(argparse.Namespace(dry_run=False, worker_id=None), settings)

    err = capsys.readouterr().err
    assert code == 2
    assert "address already in use" in err
    assert HOOK_SECRET not in err


def test_gemist_run_as_a_process_welcomes_an_invited_person_and_stops_on_sigterm(tmp_path):
    url = f"sqlite:///{tmp_path / 'gemist.db'}"
    assert main(["--db", url, "import", "roster", str(EXAMPLE / "roster")]) == 0

    returncode, welcome, errors = asyncio.run(_talk_to_gemist_run(url, tmp_path))

    assert returncode == 0, errors
    assert welcome.startswith("Hoi Emir, welkom!")
    assert "telegram: polling" in errors
    assert "stopped" in errors
    assert TOKEN.split(":")[1] not in errors  # not in a logged request URL either


async def _talk_to_gemist_run(url: str, tmp_path: Path) -> tuple[int, str, str]:
    """Start ``gemist run`` against a local Bot API server, let Emir open his invitation, send
    SIGTERM; the exit code, the welcome and everything on stderr."""
    async with LocalBotApi(TOKEN) as api:
        engine = connect(url)
        [invited] = [
            item
            for item in await create_invitations(
                engine,
                school_id=SCHOOL,
                role="pupil",
                bot_username=api.username,
                now=WallClock().now(),
            )
            if item.person_id == "P0003"
        ]
        await engine.dispose()
        env = {k: v for k, v in os.environ.items() if not k.startswith("GEMIST_")} | {
            "GEMIST_DATABASE_URL": url,
            "GEMIST_TELEGRAM_TOKEN": TOKEN,
            "GEMIST_TELEGRAM_API_URL": api.base_url.removesuffix("/bot"),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            cwd=tmp_path, env=env, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert process.stderr is not None
        errors: list[str] = []
        try:
            async with asyncio.timeout(30):
                while "started:" not in (line := (await process.stderr.readline()).decode()):
                    errors.append(line)
                    assert line, "".join(errors)
            api.add_user(9_000_001, "Emir")
            await api.send_text(9_000_001, f"/start {invited.code}")
            [welcome] = await api.wait_for(9_000_001, 1)
            process.send_signal(signal.SIGTERM)
            async with asyncio.timeout(15):
                errors.append(line + (await process.stderr.read()).decode())
                await process.wait()
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    return process.returncode, welcome.text, "".join(errors)

"""``gemist run`` with ``channels = ["telegram", "email"]``, ``web_url`` and the e-mail settings
as an operator writes them: a parent reachable only by e-mail gets her notice through the local
SMTP server, answers with the link in it on the web application the same process serves, and
the same process tells her child's spilfiguur on Telegram at once.

In process (:func:`tests.helpers.live.live_run`, the wiring of ``gemist run`` on a virtual
clock), because the ladder waits for school hours on a school day, which a wall clock does not
always give.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import os
import signal
import sys
from asyncio.subprocess import DEVNULL, PIPE
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import aiohttp
import sqlalchemy as sa

from bot.db import connect
from bot.engine.window import Window
from bot.imports import import_absences
from bot.rules import load_rules
from integrations.csv import CsvAbsenceSource
from integrations.email.local_server import LocalSmtpServer
from integrations.email.reading import body, links
from integrations.telegram import LocalBotApi
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS, WallClock
from tests.helpers.live import live_run
from tests.helpers.telegram import EXAMPLE, SCHOOL, SCHOOL_NAME, TOKEN, free_port

ROOT = Path(__file__).resolve().parents[3]
WEB = "https://gemist.sint-jozef.example"
KATRIEN = "katrien.peeters@example.org"
PIETER = 53_000_005  # Lotte's spilfiguur, his chat on the example roster


async def _lotte_absent_and_katrien_on_e_mail_only(engine, clock, folder: Path) -> None:
    day = clock.today().isoformat()
    (folder / "feed.csv").write_text(
        f"pupil_id,date,half_day,code\nP0001,{day},am,B\nP0001,{day},pm,B\n", encoding="utf-8"
    )
    report = await import_absences(
        engine, CsvAbsenceSource(folder / "feed.csv"), school_id=SCHOOL,
        school_name=SCHOOL_NAME, clock=clock,
    )  # fmt: skip
    assert report.error is None
    async with engine.begin() as conn:
        await conn.execute(
            sa.text(
                "DELETE FROM contact WHERE role = 'guardian' AND channel = 'telegram'"
                " AND person_id = (SELECT id FROM guardian WHERE guardian_id = 'G001')"
            )
        )


async def _mail_to(server: LocalSmtpServer, address: str) -> EmailMessage:
    """The one mail to ``address``, once the server has it (within ten seconds)."""
    found = []
    for _ in range(200):
        if found := [r for r in server.received if address in r.recipients]:
            break
        await asyncio.sleep(0.05)
    [received] = found
    message = email.message_from_bytes(received.data, policy=default_policy)
    assert isinstance(message, EmailMessage)
    return message


async def test_gemist_run_mails_an_e_mail_only_parent_and_hears_her_answer_by_link(
    engine, clock, tmp_path
):
    clock.set(clock.now().replace(hour=9, minute=30))  # 10:30 in Brussels, Tuesday 17 November
    port = free_port()
    async with LocalSmtpServer() as server:
        environ = {
            "GEMIST_CHANNELS": "telegram,email",
            "GEMIST_WEB_URL": WEB,
            "GEMIST_WEB_PORT": str(port),
            "GEMIST_EMAIL_HOST": server.host,
            "GEMIST_EMAIL_PORT": str(server.port),
            "GEMIST_EMAIL_SECURITY": "none",
            "GEMIST_EMAIL_FROM_ADDRESS": "secretariaat@sint-jozef.example",
        }

        async def before(api):
            api.add_user(PIETER, "Pieter")
            await _lotte_absent_and_katrien_on_e_mail_only(engine, clock, tmp_path)

        async with live_run(engine, clock, environ, before=before) as live:
            mail = await _mail_to(server, KATRIEN)
            assert mail["From"].addresses[0].addr_spec == "secretariaat@sint-jozef.example"
            assert "Lotte" in mail["Subject"]
            answers = [
                (text, href)
                for text, href in links(body(mail, "html"))
                if href.startswith(f"{WEB}/a/")
            ]
            [call] = [href for text, href in answers if "bel" in text.lower()]

            local = f"http://127.0.0.1:{port}{call.removeprefix(WEB)}"
            async with aiohttp.ClientSession() as browser:
                async with browser.get(local) as page:
                    assert page.status == 200
                assert live.api.messages_to(PIETER) == []  # opening the link said nothing
                async with browser.post(local) as confirmed:
                    assert confirmed.status == 200
            [nudge] = await live.api.wait_for(PIETER, 1)

    assert nudge.text.startswith(
        "Katrien Peeters (moeder van Lotte, 1A) vraagt om gebeld te worden"
    )
    async with engine.connect() as conn:
        stored = (
            await conn.execute(
                sa.text("SELECT sender_id, answer FROM reply WHERE sender_role = 'guardian'")
            )
        ).all()
    assert [tuple(row) for row in stored] == [("G001", "want_a_call")]


RULES = """\
pupil:
  checkin_at: "00:01"
delivery:
  not_before: "00:01"
  not_after: "23:59"
"""
"""Every minute of a school day is school time: the ladder's first step is due from 00:01, and
messages may go out until 23:59."""


def _configuration(folder: Path, smtp: LocalSmtpServer, port: int) -> Path:
    """The school's TOML file, as docs/operators.md writes it, with the e-mail channel."""
    (folder / "rules.yaml").write_text(RULES, encoding="utf-8")
    path = folder / "gemist.toml"
    path.write_text(
        f'database_url = "sqlite:///{folder / "gemist.db"}"\n'
        f'rules = "{folder / "rules.yaml"}"\n'
        'channels = ["telegram", "email"]\n'
        f'web_url = "{WEB}"\n'
        f"web_port = {port}\n"
        '[school]\nid = "sjc"\nname = "Sint-Jozefcollege"\n'
        f'[email]\nhost = "{smtp.host}"\nport = {smtp.port}\nsecurity = "none"\n'
        'from_address = "secretariaat@sint-jozef.example"\n',
        encoding="utf-8",
    )
    return path


async def _katrien_on_e_mail_only(database: str) -> None:
    """Katrien, Lotte's mother, loses her linked chat: the school reaches her by e-mail."""
    engine = connect(database)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "DELETE FROM contact WHERE role = 'guardian' AND channel = 'telegram'"
                    " AND person_id = (SELECT id FROM guardian WHERE guardian_id = 'G001')"
                )
            )
    finally:
        await engine.dispose()


async def _gemist(folder: Path, api: LocalBotApi, *args: str) -> None:
    """A ``gemist`` command before the run, which must succeed."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(folder / "gemist.toml"), *args,
        cwd=folder, env=_env(api), stdout=DEVNULL, stderr=DEVNULL,
    )  # fmt: skip
    assert await process.wait() == 0, args


async def _gemist_run(folder: Path, today: dt.date) -> tuple[int, str, list[EmailMessage], int]:
    """The example school with Lotte absent ``today`` (when it is a school day) and Katrien on
    e-mail only, then ``gemist run`` as a process with the configuration of
    :func:`_configuration`, until her notice went out (when the rules allow it now); its exit
    code, stderr, the mails the SMTP server received, and the status of /health."""
    port = free_port()
    async with LocalBotApi(TOKEN) as api, LocalSmtpServer() as smtp:
        _configuration(folder, smtp, port)
        await _gemist(folder, api, "import", "roster", str(EXAMPLE / "roster"))
        if SchoolCalendar().is_school_day(today):
            feed = folder / "absences.csv"
            feed.write_text(
                f"pupil_id,date,half_day,code\nP0001,{today},am,B\nP0001,{today},pm,B\n",
                encoding="utf-8",
            )
            await _gemist(folder, api, "import", "absences", str(feed))
        await _katrien_on_e_mail_only(f"sqlite:///{folder / 'gemist.db'}")
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--config", str(folder / "gemist.toml"), "run",
            cwd=folder, env=_env(api), stdout=DEVNULL, stderr=PIPE,
        )  # fmt: skip
        assert process.stderr is not None
        errors: list[str] = []
        try:
            async with asyncio.timeout(30):
                while "started:" not in (line := (await process.stderr.readline()).decode()):
                    errors.append(line)
                    assert line, "".join(errors)
            errors.append(line)
            mails = [await _mail_to(smtp, KATRIEN)] if _allowed_now(folder) else []
            async with (
                aiohttp.ClientSession() as browser,
                browser.get(f"http://127.0.0.1:{port}/health") as health,
            ):
                status = health.status
            process.send_signal(signal.SIGTERM)
            async with asyncio.timeout(15):
                errors.append((await process.stderr.read()).decode())
                await process.wait()
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        assert process.returncode is not None
        return process.returncode, "".join(errors), mails, status


def _env(api: LocalBotApi) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("GEMIST_")} | {
        "PYTHONPATH": str(ROOT),
        "GEMIST_TELEGRAM_TOKEN": TOKEN,
        "GEMIST_TELEGRAM_API_URL": api.base_url.removesuffix("/bot"),
    }


def _allowed_now(folder: Path) -> bool:
    """Whether the rules let a message go out now: a school day, after 00:01 and before 23:59
    (Lotte's notice is due from 00:01)."""
    window = Window(load_rules(folder / "rules.yaml").delivery, SchoolCalendar(), BRUSSELS)
    now = WallClock().now()
    return window.next_allowed(now) <= now


def test_gemist_run_as_a_process_sends_a_guardians_e_mail_through_its_mail_server(tmp_path):
    """On the wall clock: on a school day (the rules allow every hour of it) Katrien's notice
    about Lotte goes out by e-mail through the configured server; on a weekend or a holiday
    the run starts and stops the same, and nothing is mailed."""
    today = WallClock().now().astimezone(BRUSSELS).date()
    returncode, errors, mails, health = asyncio.run(_gemist_run(tmp_path, today))

    assert returncode == 0, errors
    assert health == 200
    assert "stopped" in errors
    if not _allowed_now(tmp_path):
        assert mails == []
        return
    [mail] = mails
    assert mail["To"].addresses[0].addr_spec == KATRIEN
    assert mail["From"].addresses[0].addr_spec == "secretariaat@sint-jozef.example"
    assert "Lotte" in mail["Subject"]
    assert str(mail["List-Unsubscribe"]).startswith(f"<{WEB}/u/")

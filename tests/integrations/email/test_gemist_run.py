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
import email
import re
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import aiohttp
import sqlalchemy as sa

from bot.imports import import_absences
from integrations.csv import CsvAbsenceSource
from integrations.email.local_server import LocalSmtpServer
from tests.helpers.live import live_run
from tests.helpers.telegram import SCHOOL, SCHOOL_NAME, free_port

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
            html = mail.get_body(preferencelist=("html",)).get_content()
            links = re.findall(rf'<a href="({re.escape(WEB)}/a/[^"]+)"[^>]*>([^<]+)</a>', html)
            [call] = [url for url, text in links if "bel" in text.lower()]

            local = f"http://127.0.0.1:{port}{call.removeprefix(WEB)}"
            async with aiohttp.ClientSession() as browser:
                async with browser.get(local) as page:
                    assert page.status == 200
                assert live.api.messages_to(PIETER) == []  # opening the link said nothing
                async with browser.post(local) as confirmed:
                    assert confirmed.status == 200
            [nudge] = await live.api.wait_for(PIETER, 1)

    assert "Lotte (1A) wil graag met iemand praten" in nudge.text
    async with engine.connect() as conn:
        stored = (
            await conn.execute(
                sa.text("SELECT sender_id, answer FROM reply WHERE sender_role = 'guardian'")
            )
        ).all()
    assert [tuple(row) for row in stored] == [("G001", "want_a_call")]

"""Secrets and invitation codes never reach a log record or stderr (issue 15, item 3), even
when a Bot API in front of Telegram (a proxy) quotes the request's path, token and all, in its
error text; end to end through the local Bot API server and python-telegram-bot."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import BaseModel, SecretStr

from bot.cli import main
from bot.config import load_settings
from bot.db import connect
from bot.redaction import REDACTED, Redactor, describe_error, installed, settings_secrets
from bot.telegram.invites import create_invitations
from integrations.telegram import LocalBotApi
from scheduler.clock import WallClock
from tests.helpers.telegram import EXAMPLE, SCHOOL, TOKEN

HOOK_SECRET = "hook-secret_42"
CODE = "Xq3_vB9kLmN2pQr8sT1uVw4yZa6bCd0e"


def test_the_token_is_redacted_as_it_is_and_url_encoded_in_a_bot_path():
    redact = Redactor([TOKEN])

    for text in (
        f"502 Bad Gateway (POST /bot{TOKEN}/getUpdates)",
        "upstream said %2Fbot123456%3Aconversation-test%2FgetMe",
        f"https://api.telegram.org/bot{TOKEN.replace(':', '%3A')}/getMe",
    ):
        assert "conversation-test" not in redact(text), text
        assert REDACTED in redact(text)


def test_a_token_of_another_bot_is_redacted_by_its_shape():
    other = "7001234567:AAF9kd83jdKD93kdm39dkKD93kdmKD93kd"
    assert redact_all(f"GET /bot{other}/getMe") == f"GET /bot{REDACTED}/getMe"


def test_invitation_codes_are_redacted_in_links_and_in_start_messages():
    redact = Redactor()

    assert redact(f"https://t.me/gemist_bot?start={CODE}") == (
        f"https://t.me/gemist_bot?start={REDACTED}"
    )
    assert CODE not in redact(f"https%3A%2F%2Ft.me%2Fb%3Fstart%3D{CODE}")
    assert redact(f"update: {{'text': '/start {CODE}'}}") == (
        f"update: {{'text': '/start {REDACTED}'}}"
    )
    assert redact(f"/start@gemist_bot {CODE}") == f"/start@gemist_bot {REDACTED}"
    assert redact(f"text=%2Fstart%20{CODE}&x=1") == f"text=%2Fstart%20{REDACTED}&x=1"


def redact_all(text: str) -> str:
    return Redactor()(text)


class SmtpSettings(BaseModel):
    host: str
    password: SecretStr


@dataclass(frozen=True)
class FutureSettings:
    """Settings with a section that a later channel adds: its secret registers itself."""

    smtp: SmtpSettings
    access_codes: dict[str, SecretStr]


def test_every_secret_typed_field_of_the_settings_is_collected():
    settings = load_settings(
        environ={
            "GEMIST_TELEGRAM_TOKEN": TOKEN,
            "GEMIST_WEBHOOK_URL": "https://bot.example.org/telegram",
            "GEMIST_WEBHOOK_SECRET": HOOK_SECRET,
        }
    )
    future = FutureSettings(
        SmtpSettings(host="smtp.example.org", password=SecretStr("smtp-pass-123")),
        {"smartschool": SecretStr("ss-access-code-9")},
    )

    assert set(settings_secrets(settings)) == {TOKEN, HOOK_SECRET}
    with_password = load_settings(database_url="postgresql://gemist:pg-pass-77@db/gemist")
    assert settings_secrets(with_password) == ["pg-pass-77"]
    assert set(settings_secrets(future)) == {"smtp-pass-123", "ss-access-code-9"}


def test_the_filter_redacts_message_arguments_exception_and_stack_of_any_library(capsys):
    settings = load_settings(
        environ={
            "GEMIST_TELEGRAM_TOKEN": TOKEN,
            "GEMIST_WEBHOOK_URL": "https://bot.example.org/telegram",
            "GEMIST_WEBHOOK_SECRET": HOOK_SECRET,
        }
    )
    library = logging.getLogger("some.library")
    with installed(settings):
        handler = logging.StreamHandler(sys.stderr)
        logging.getLogger().addHandler(handler)
        try:
            try:
                raise RuntimeError(f"POST /bot{TOKEN}/getUpdates failed")
            except RuntimeError:
                library.exception("secret %s in args", HOOK_SECRET, stack_info=True)
            library.warning("link https://t.me/b?start=%s", CODE)
        finally:
            logging.getLogger().removeHandler(handler)
        print(f"a library prints /start {CODE} on stderr", file=sys.stderr)

    err = capsys.readouterr().err
    assert "RuntimeError" in err
    assert "Stack (most recent call last)" in err
    for secret in (TOKEN, HOOK_SECRET, CODE, "conversation-test"):
        assert secret not in err


def test_an_error_is_described_without_its_secrets():
    with installed(load_settings(environ={"GEMIST_TELEGRAM_TOKEN": TOKEN})):
        text = describe_error(ValueError(f"Not Found (GET /bot{TOKEN}/getMe)\nmore"))

    assert text == f"ValueError: Not Found (GET /bot{REDACTED}/getMe)"


@pytest.mark.parametrize("quoted", ["plain", "encoded"])
async def test_gemist_invite_prints_a_getme_error_without_the_token(quoted, tmp_path, capsys, env):
    async with LocalBotApi(TOKEN, quote_path=quoted) as api:
        api.fail("getMe", 502)
        env.setenv("GEMIST_TELEGRAM_API_URL", api.base_url.removesuffix("/bot"))
        db = f"sqlite:///{tmp_path / 'gemist.db'}"

        code = await asyncio.to_thread(main, ["--db", db, "invite", "--role", "pupil"])

    err = capsys.readouterr().err
    assert code == 2
    assert "Telegram did not answer getMe: NetworkError: Bad Gateway (POST " in err
    assert "getMe)" in err  # the path was quoted, without its token
    assert "conversation-test" not in err


async def test_gemist_invite_with_a_refused_token_does_not_print_it(tmp_path, capsys, env):
    """python-telegram-bot's own text for a refused token quotes the token."""
    async with LocalBotApi("999:the-server-s-own-token") as api:
        env.setenv("GEMIST_TELEGRAM_API_URL", api.base_url.removesuffix("/bot"))
        db = f"sqlite:///{tmp_path / 'gemist.db'}"

        code = await asyncio.to_thread(main, ["--db", db, "invite", "--role", "pupil"])

    err = capsys.readouterr().err
    assert code == 2
    assert "InvalidToken" in err
    assert "conversation-test" not in err


@pytest.fixture
def env(monkeypatch):
    """The environment of ``gemist invite`` with the test token and no bot name."""
    for key in ("GEMIST_TELEGRAM_BOT", "GEMIST_CONFIG"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("GEMIST_TELEGRAM_TOKEN", TOKEN)
    return monkeypatch


def test_gemist_run_logs_the_library_s_traceback_without_the_token(tmp_path):
    url = f"sqlite:///{tmp_path / 'gemist.db'}"
    assert main(["--db", url, "import", "roster", str(EXAMPLE / "roster")]) == 0

    returncode, errors = asyncio.run(_run_behind_a_quoting_proxy(url, tmp_path))

    assert returncode == 0, errors
    assert "Traceback" in errors
    assert f"/bot{REDACTED}/getUpdates" in errors
    assert "conversation-test" not in errors
    assert REDACTED in errors  # the code of the /start below, if it was logged at all
    assert "start=" not in errors or f"start={REDACTED}" in errors


async def _run_behind_a_quoting_proxy(url: str, tmp_path: Path) -> tuple[int, str]:
    """``gemist run`` whose first two ``getUpdates`` fail with a 502 quoting the path; then
    Emir opens his invitation, and SIGTERM. The exit code and everything on stderr."""
    async with LocalBotApi(TOKEN, quote_path="plain") as api:
        api.fail("getUpdates", 502, times=2)
        engine = connect(url)
        invited = await create_invitations(
            engine, school_id=SCHOOL, role="pupil", bot_username=api.username,
            now=WallClock().now(),
        )  # fmt: skip
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
        try:
            api.add_user(9_000_001, "Emir")
            async with asyncio.timeout(60):
                await api.send_text(9_000_001, f"/start {invited[0].code}")
                await api.wait_for(9_000_001, 1, within=50)
            process.send_signal(signal.SIGTERM)
            async with asyncio.timeout(15):
                errors = (await process.stderr.read()).decode()
                await process.wait()
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    return process.returncode, errors


def test_the_channels_own_tables_and_variables_are_searched_for_secrets(tmp_path):
    """A channel's table is kept as the file wrote it until its plug-in reads it: an SMTP
    password or a Smartschool access code there is plain text, found by its key."""
    config = tmp_path / "gemist.toml"
    config.write_text(
        '[email]\nhost = "smtp.example.org"\npassword = "smtp-pass-123"\n'
        '[smartschool]\nurl = "https://school.smartschool.be"\naccess_code = "ss-code-from-file"\n',
        encoding="utf-8",
    )
    settings = load_settings(config, environ={"GEMIST_SMARTSCHOOL_ACCESS_CODE": "ss-code-from-env"})

    found = set(settings_secrets(settings))

    assert {"smtp-pass-123", "ss-code-from-file", "ss-code-from-env"} <= found
    assert "smtp.example.org" not in found
    assert "https://school.smartschool.be" not in found
    redact = Redactor(found)
    assert redact("login failed with ss-code-from-env") == f"login failed with {REDACTED}"

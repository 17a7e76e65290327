"""``gemist smartschool check``: the settings it reads, what it prints, its exit code, and that
the access code never shows, run through ``gemist``'s own entry point against the local
Smartschool with the real client."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.commands.smartschool import read_options
from bot.config import ConfigError, load_settings
from integrations.smartschool.const import NEEDED_METHODS
from integrations.smartschool.local_server import LocalSmartschool
from integrations.smartschool.settings import Identifier
from tests.integrations.smartschool.conftest import small_school

CODE = "Wq4-gemist-CHECK-secret-77"
"""The configured access code: the one string that must never show."""


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("GEMIST_"):
            monkeypatch.delenv(name)


@pytest.fixture
async def smartschool() -> AsyncIterator[LocalSmartschool]:
    async with LocalSmartschool(small_school(), CODE) as local:
        yield local


def _config(tmp_path: Path, url: str, *, extra: str = 'sender = "an.vos"\n') -> Path:
    path = tmp_path / "gemist.toml"
    path.write_text(f'[smartschool]\nurl = "{url}"\naccess_code = "{CODE}"\n{extra}')
    return path


async def _gemist(*args: str) -> int:
    # main() runs its own event loop: off the local server's loop, in a thread.
    return await asyncio.to_thread(main, list(args))


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- the settings ---------------------------------------------------------------------------


def test_the_smartschool_table_is_accepted_and_read(tmp_path: Path) -> None:
    path = _config(
        tmp_path, "https://school.smartschool.be/", extra='identifier = "internal_number"\n'
    )

    options = read_options(load_settings(path, environ={}))

    assert options.url == "https://school.smartschool.be"
    assert options.access_code is not None
    assert options.access_code.get_secret_value() == CODE
    assert options.identifier is Identifier.INTERNAL_NUMBER


def test_a_variable_overrides_the_table_and_works_without_one(tmp_path: Path) -> None:
    path = _config(tmp_path, "https://school.smartschool.be")
    environ = {"GEMIST_SMARTSCHOOL_SENDER": "zorgteam", "GEMIST_SMARTSCHOOL_TIMEOUT": "5"}

    options = read_options(load_settings(path, environ=environ))
    assert (options.sender, options.timeout) == ("zorgteam", 5.0)

    only_env = {
        "GEMIST_SMARTSCHOOL_URL": "https://other.smartschool.be",
        "GEMIST_SMARTSCHOOL_ACCESS_CODE": CODE,
    }
    options = read_options(load_settings(environ=only_env))
    assert options.url == "https://other.smartschool.be"
    assert options.configured


def test_a_bad_setting_names_its_key_and_source_but_never_its_value(tmp_path: Path) -> None:
    path = tmp_path / "gemist.toml"
    path.write_text('[smartschool]\nurl = "school"\naccess_code = "  "\n')
    with pytest.raises(ConfigError) as caught:
        read_options(load_settings(path, environ={"GEMIST_SMARTSCHOOL_IDENTIFIER": CODE}))

    message = str(caught.value)
    assert "configuration: [smartschool] url: Value error, expected the school's" in message
    assert "access_code: Value error, the access code is empty" in message
    assert "GEMIST_SMARTSCHOOL_IDENTIFIER identifier:" in message
    assert CODE not in message


async def test_a_typo_in_the_table_exits_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(tmp_path, "https://school.smartschool.be", extra='acces_code = "x"\n')

    assert await _gemist("--config", str(path), "smartschool", "check") == 2
    err = capsys.readouterr().err
    assert "smartschool check: smartschool: configuration: [smartschool] acces_code:" in err
    assert CODE not in err


async def test_without_an_address_or_a_code_it_says_what_to_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "gemist.toml"
    path.write_text('[smartschool]\nsender = "an.vos"\n')

    assert await _gemist("--config", str(path), "smartschool", "check") == 2
    err = capsys.readouterr().err
    assert "set url and access_code in [smartschool]" in err
    assert "GEMIST_SMARTSCHOOL_URL, GEMIST_SMARTSCHOOL_ACCESS_CODE" in err


# -- the check, through gemist --------------------------------------------------------------


async def test_everything_allowed_prints_ready_and_exits_0(
    tmp_path: Path, smartschool: LocalSmartschool, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(tmp_path, smartschool.url)

    assert await _gemist("--config", str(path), "smartschool", "check") == 0

    out = capsys.readouterr().out
    assert f"Smartschool check: {smartschool.url}/Webservices/V3" in out
    for method in NEEDED_METHODS:
        assert any(line.split()[:2] == [method, "OK"] for line in out.splitlines())
    assert "Ready: everything Gemist needs works (8 calls, nothing was sent)." in out
    assert smartschool.sent == []


async def test_a_method_not_allowed_is_named_with_the_advice_and_exits_1(
    tmp_path: Path, smartschool: LocalSmartschool, capsys: pytest.CaptureFixture[str]
) -> None:
    smartschool.allowed = set(NEEDED_METHODS) - {"sendMsg"}
    path = _config(tmp_path, smartschool.url)

    assert await _gemist("--config", str(path), "smartschool", "check") == 1

    out = capsys.readouterr().out
    assert re.search(
        r"^  sendMsg +not allowed +not allowed for this access code", out, re.MULTILINE
    )
    assert "  - sendMsg: allow sendMsg for Gemist's access code" in out
    assert "Not ready: 1 problem (8 calls, nothing was sent)." in out


async def test_a_refused_code_exits_1_and_says_so(
    tmp_path: Path, smartschool: LocalSmartschool, capsys: pytest.CaptureFixture[str]
) -> None:
    smartschool.access_code = "the-code-smartschool-has"
    path = _config(tmp_path, smartschool.url)

    assert await _gemist("--config", str(path), "smartschool", "check") == 1

    out = capsys.readouterr().out
    assert "access code refused" in out
    assert "Not ready: 1 problem (8 calls, nothing was sent)." in out


async def test_an_unreachable_address_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(tmp_path, f"http://127.0.0.1:{_closed_port()}")

    assert await _gemist("--config", str(path), "smartschool", "check") == 1

    out = capsys.readouterr().out
    assert "address  unreachable  cannot connect" in out
    assert "check the url setting" in out


async def test_a_missing_sender_is_a_problem(
    tmp_path: Path, smartschool: LocalSmartschool, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(tmp_path, smartschool.url, extra="")

    assert await _gemist("--config", str(path), "smartschool", "check") == 1

    out = capsys.readouterr().out
    assert re.search(r"^  sender +missing +no sender account is configured", out, re.MULTILINE)
    assert "  - sender: set sender (GEMIST_SMARTSCHOOL_SENDER)" in out


async def test_an_unknown_sender_is_named(
    tmp_path: Path, smartschool: LocalSmartschool, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(tmp_path, smartschool.url, extra='sender = "zorgteam"\n')

    assert await _gemist("--config", str(path), "smartschool", "check") == 1

    out = capsys.readouterr().out
    assert "Smartschool has no account 'zorgteam'" in out
    assert "Not ready: 1 problem" in out


async def test_json_gives_the_report_to_a_script(
    tmp_path: Path, smartschool: LocalSmartschool, capsys: pytest.CaptureFixture[str]
) -> None:
    smartschool.allowed = set(NEEDED_METHODS) - {"getClassTeachers"}
    path = _config(tmp_path, smartschool.url)

    assert await _gemist("--config", str(path), "smartschool", "check", "--json") == 1

    *findings, summary = map(json.loads, capsys.readouterr().out.splitlines())
    assert summary == {
        "summary": True,
        "endpoint": f"{smartschool.url}/Webservices/V3",
        "ok": False,
        "problems": 1,
        "calls": 8,
    }
    [problem] = [f for f in findings if not f["ok"]]
    assert (problem["subject"], problem["status"]) == ("getClassTeachers", "not allowed")
    assert problem["advice"].startswith("allow getClassTeachers for Gemist's access code")
    assert len(findings) == 10  # the address, 7 methods, the sender, the identifier


# -- the access code never shows ------------------------------------------------------------


def _allowed_nothing(server: LocalSmartschool) -> None:
    server.allowed = set()


def _other_code(server: LocalSmartschool) -> None:
    server.access_code = "the-code-smartschool-has"


def _slow(server: LocalSmartschool) -> None:
    server.delay = 0.5


def _faulty(server: LocalSmartschool) -> None:
    server.fault_next("internal error")
    server.break_next("getAbsentsByDate")


def _failing(server: LocalSmartschool) -> None:
    server.fail_next(3)


@pytest.mark.parametrize(
    "scenario", [None, _allowed_nothing, _other_code, _slow, _faulty, _failing, "unreachable"]
)
@pytest.mark.parametrize("as_json", [False, True])
async def test_the_access_code_is_never_printed_or_logged(
    tmp_path: Path,
    smartschool: LocalSmartschool,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    scenario: object,
    as_json: bool,
) -> None:
    caplog.set_level(logging.DEBUG)
    url = smartschool.url
    if scenario == "unreachable":
        url = f"http://127.0.0.1:{_closed_port()}"
    elif callable(scenario):
        scenario(smartschool)
    path = _config(tmp_path, url, extra='sender = "an.vos"\ntimeout = 0.2\n')

    code = await _gemist("--config", str(path), "smartschool", "check", *(["--json"] * as_json))

    captured = capsys.readouterr()
    logged = "".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert code == (0 if scenario is None else 1)
    assert captured.out  # the report was printed
    assert CODE not in captured.out
    assert CODE not in captured.err
    assert CODE not in logged

"""``gemist import ... --from smartschool`` as a school runs it: exit codes, the report, and
the access code in no output and no log record.

The local Smartschool server runs on its own event loop in a thread, since the command runs
its own (``asyncio.run``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.cli import main
from integrations.smartschool.local_school import School
from integrations.smartschool.local_server import LocalSmartschool
from integrations.smartschool.source import ABSENCES_METHOD
from tests.helpers.smartschool_source import ACCESS_CODE, DAY, LARS, sample_school

WHERE = f"{ABSENCES_METHOD} {DAY.isoformat()}"


class Threaded:
    """A local Smartschool server on an event loop of its own."""

    def __init__(self, school: School) -> None:
        self.school = school
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server = LocalSmartschool(school, ACCESS_CODE)

    def on_loop(self, call: Callable[[], Any]) -> Any:
        async def run() -> Any:
            return call()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(10)

    def __enter__(self) -> Threaded:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(10)
        return self

    def __exit__(self, *_exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture
def smartschool() -> Iterator[Threaded]:
    with Threaded(sample_school()) as threaded:
        yield threaded


@pytest.fixture
def gemist(db_url: str, smartschool: Threaded, monkeypatch: pytest.MonkeyPatch):
    """Run ``gemist --db <test database> ...`` with the school's Smartschool configured."""
    for name in ("GEMIST_CONFIG", "GEMIST_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GEMIST_SMARTSCHOOL_URL", smartschool.server.url)
    monkeypatch.setenv("GEMIST_SMARTSCHOOL_ACCESS_CODE", ACCESS_CODE)
    monkeypatch.setenv("GEMIST_SMARTSCHOOL_TIMEOUT", "0.3")
    monkeypatch.setenv("GEMIST_SMARTSCHOOL_ATTEMPTS", "1")
    return lambda *args: main(["--db", db_url, *args])


def test_roster_then_a_days_absences(gemist, capsys) -> None:
    assert gemist("import", "roster", "--from", "smartschool") == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "smartschool:pupils: 3 rows: 3 imported, 0 unchanged, 0 rejected, 0 corrections",
        "smartschool:guardians: 3 rows: 3 imported, 0 unchanged, 0 rejected, 0 corrections",
        "smartschool:staff: 2 rows: 2 imported, 0 unchanged, 0 rejected, 0 corrections",
        "smartschool:teaching: 2 rows: 2 imported, 0 unchanged, 0 rejected, 0 corrections",
    ]

    assert gemist("import", "absences", "--from", "smartschool", "--date", "2026-11-17") == 0

    assert capsys.readouterr().out == (
        f"{WHERE}: 4 rows: 4 imported, 0 unchanged, 0 rejected, 0 corrections\n"
    )


def test_an_unmapped_code_is_a_reject_that_says_where_and_why(gemist, smartschool, capsys):
    gemist("import", "roster", "--from", "smartschool")
    smartschool.on_loop(
        lambda: smartschool.school.absences[DAY.isoformat()].update({LARS: ("Q", "|")})
    )
    capsys.readouterr()

    code = gemist("import", "absences", "--from", "smartschool", "--date", "2026-11-17", "--json")

    assert code == 3
    [reject, summary] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert reject["file"] == WHERE
    assert reject["line"] is None
    assert reject["column"] == f"pupil {LARS}, am"
    assert reject["reason"].startswith("unknown absence code 'Q'")
    assert summary["rejected"] == 1


def test_human_output_names_the_pupil_and_half_day(gemist, smartschool, capsys):
    gemist("import", "roster", "--from", "smartschool")
    smartschool.on_loop(
        lambda: smartschool.school.absences[DAY.isoformat()].update({LARS: ("Q", "|")})
    )
    capsys.readouterr()

    assert gemist("import", "absences", "--from", "smartschool", "--date", "2026-11-17") == 3

    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith(f"  pupil {LARS}, am: unknown absence code 'Q'")


def test_a_date_that_fails_is_named_and_the_others_imported(gemist, smartschool, capsys):
    gemist("import", "roster", "--from", "smartschool")
    smartschool.on_loop(
        lambda: smartschool.server.trouble_on(ABSENCES_METHOD, "2026-11-18", "fault")
    )
    capsys.readouterr()

    code = gemist(
        "import",
        "absences",
        "--from",
        "smartschool",
        "--date",
        "2026-11-17",
        "--date",
        "2026-11-18",
    )

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out.startswith(f"{WHERE}: 4 rows: 4 imported")
    assert (
        "SOAP fault SOAP-ENV:Server: internal error; nothing of 2026-11-18 was imported"
        in captured.err
    )


def test_a_date_that_fails_is_a_json_line_of_its_own(gemist, smartschool, capsys):
    gemist("import", "roster", "--from", "smartschool")
    smartschool.on_loop(
        lambda: smartschool.server.trouble_on(ABSENCES_METHOD, "2026-11-18", "broken_json")
    )
    capsys.readouterr()

    code = gemist("import", "absences", "--from", "smartschool", "--date", "2026-11-18", "--json")

    assert code == 2
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["file"] == f"Smartschool {ABSENCES_METHOD} 2026-11-18 answer"
    assert lines[0]["line"] is None
    assert lines[0]["reason"].startswith("the answer is not valid JSON")
    assert lines[-1]["summary"] is True


def test_a_refused_access_code_imports_nothing_and_says_so(gemist, smartschool, capsys):
    smartschool.on_loop(lambda: setattr(smartschool.server, "access_code", "another"))

    assert gemist("import", "roster", "--from", "smartschool") == 2

    err = capsys.readouterr().err
    assert "getAllGroupsAndClasses: access code refused (Smartschool error 8)" in err
    assert "Nothing was imported." in err


def test_without_smartschool_settings_the_command_says_what_to_set(
    db_url, monkeypatch, capsys
) -> None:
    for name in ("GEMIST_CONFIG", "GEMIST_SMARTSCHOOL_URL", "GEMIST_SMARTSCHOOL_ACCESS_CODE"):
        monkeypatch.delenv(name, raising=False)

    assert main(["--db", db_url, "import", "absences", "--from", "smartschool"]) == 2

    assert "set url and access_code in [smartschool]" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [("roster", "some/dir", "--from", "smartschool"), ("absences",),
     ("absences", "feed.csv", "--date", "2026-11-17")],
)  # fmt: skip
def test_a_source_given_twice_or_not_at_all_is_refused(gemist, capsys, args) -> None:
    assert gemist("import", *args) == 2
    assert capsys.readouterr().err.startswith("gemist import")


@pytest.mark.parametrize("trouble", [None, "refused", "fault", "broken_json", "slow"])
def test_the_access_code_is_in_no_output_and_no_log_record(
    gemist, smartschool, capsys, caplog, trouble
) -> None:
    caplog.set_level(logging.DEBUG)
    gemist("import", "roster", "--from", "smartschool", "--json")
    server = smartschool.server
    smartschool.on_loop(lambda: setattr(server, "slow_seconds", 1.0))
    if trouble == "refused":
        smartschool.on_loop(lambda: setattr(server, "access_code", "another"))
    elif trouble is not None:
        smartschool.on_loop(lambda: server.trouble_on(ABSENCES_METHOD, "2026-11-17", trouble))

    gemist("import", "absences", "--from", "smartschool", "--date", "2026-11-17")
    gemist("import", "roster", "--from", "smartschool")

    captured = capsys.readouterr()
    shown = captured.out + captured.err
    shown += "".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert shown
    assert ACCESS_CODE not in shown


def test_a_date_whose_call_failed_is_a_json_line_naming_the_date(gemist, smartschool, capsys):
    gemist("import", "roster", "--from", "smartschool")
    smartschool.on_loop(
        lambda: smartschool.server.trouble_on(ABSENCES_METHOD, "2026-11-18", "fault")
    )
    capsys.readouterr()

    code = gemist("import", "absences", "--from", "smartschool", "--date", "2026-11-18", "--json")

    assert code == 2
    [line] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert line == {
        "file": f"{ABSENCES_METHOD} 2026-11-18",
        "line": None,
        "column": None,
        "reason": f"Smartschool {ABSENCES_METHOD}: SOAP fault SOAP-ENV:Server: internal error",
    }

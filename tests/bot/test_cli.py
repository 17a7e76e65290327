"""The command line imports only the command that runs, and lists every command."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import COMMANDS, build_parser

HEAVY = ("bot.engine", "bot.telegram", "bot.demo", "bot.outbox", "sqlalchemy", "telegram", "fpdf")

_PROBE = """
import json, sys
from bot.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules_after(tmp_path: Path, *argv: str) -> set[str]:
    """The modules loaded by a fresh interpreter that ran ``gemist ARGV``."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


def _listed(parser: argparse.ArgumentParser) -> dict[str, str]:
    (commands,) = (
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    return {str(choice.dest): str(choice.help) for choice in commands._choices_actions}


def test_each_command_registers_the_help_line_that_gemist_help_lists() -> None:
    assert _listed(build_parser()) == {name: line for name, (_, line) in COMMANDS.items()}


def test_gemist_help_lists_every_command_without_importing_one() -> None:
    assert _listed(build_parser(["--help"])) == {name: line for name, (_, line) in COMMANDS.items()}


def test_gemist_help_loads_neither_the_engine_nor_the_bot(tmp_path: Path) -> None:
    loaded = _modules_after(tmp_path, "--help")
    assert not [name for name in loaded if name.startswith(HEAVY)]
    assert not [name for name in loaded if name.startswith("bot.commands.")]


def test_rules_check_loads_its_own_command_only(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("guardian:\n  grace_period: 90m\n", encoding="utf-8")
    loaded = _modules_after(tmp_path, "rules", "check", str(rules))
    assert "bot.commands.rules" in loaded
    assert not [name for name in loaded if name.startswith(HEAVY)]
    assert {name for name in loaded if name.startswith("bot.commands.")} == {"bot.commands.rules"}
    assert not (tmp_path / "gemist.db").exists()


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["--db", "sqlite:///x.db", "hold", "list"], "hold"),
        (["--config", "rules", "rules", "check"], "rules"),
        (["--db=sqlite:///x.db", "calendar"], "calendar"),
    ],
)
def test_the_command_is_found_past_the_global_options(argv: list[str], command: str) -> None:
    parser = build_parser(argv)
    assert parser.parse_args(argv).command == command
    assert _listed(parser)[command] == COMMANDS[command][1]


def test_an_unknown_command_is_refused_with_the_list_of_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stop:
        build_parser(["frobnicate"]).parse_args(["frobnicate"])
    assert stop.value.code == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err

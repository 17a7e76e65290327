"""The layer rules of pyproject.toml's ``[tool.importlinter]`` hold, and each one can fail.

A contract that no import could ever break would guard nothing: for each contract, a copy of the
source tree gets one forbidden import and ``lint-imports`` must then report that contract broken.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "integrations", "messages", "scheduler")

# One forbidden import per contract: the module that gets it, and what it imports.
BREAKERS = {
    "pure-planner": ("bot/engine/hold.py", "import bot.planning.facts_db"),
    "messages-alone": ("messages/_render.py", "import bot.config"),
    "scheduler-below": ("scheduler/calendar.py", "import bot.outbox"),
    "integrations-edge": ("integrations/csv/values.py", "import bot.planning.tick"),
    "outbox-below-engine": ("bot/outbox/rendering.py", "import bot.engine.planner"),
    "answers-any-channel": ("bot/answers/replies.py", "import telegram"),
    "web-any-channel": ("bot/web/pages.py", "import bot.telegram"),
    "desk-below-web": ("bot/desk/scope.py", "import bot.web.base"),
    "private-modules": ("bot/simulate.py", "from bot.engine import _nudges"),
    "channels-are-plug-ins": ("bot/pipeline.py", "import integrations.telegram.channel"),
    "channels-serve-every-channel": ("bot/channels/directory.py", "import bot.telegram.chats"),
}


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def _lint(tree: Path, *contract_ids: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-c",
        "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())",
    ]
    command += ["--no-cache"]
    for contract in contract_ids:
        command += ["--contract", contract]
    return subprocess.run(
        command,
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_every_contract_has_a_breaker_here() -> None:
    assert {str(contract["id"]) for contract in _contracts()} == set(BREAKERS)


def test_the_source_tree_keeps_every_layer_contract() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(BREAKERS)} kept, 0 broken" in result.stdout


@pytest.mark.parametrize("contract", sorted(BREAKERS))
def test_a_forbidden_import_breaks_its_contract(contract: str, tmp_path: Path) -> None:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    module, line = BREAKERS[contract]
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", "utf-8")

    result = _lint(tmp_path, contract)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    assert "0 kept, 1 broken" in result.stdout

"""The exit codes are defined once (bot.exits) and mean what docs/contracts.md promises."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot.exits import Exit

ROOT = Path(__file__).resolve().parents[2]


def _documented() -> dict[int, str]:
    text = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| (.+) \|$", text, re.M)
    return {int(code): meaning for code, meaning in rows}


def test_the_codes_are_the_documented_numbers() -> None:
    documented = _documented()
    assert set(documented) == {0, 1, 2, 3}
    assert (Exit.OK, Exit.UNUSABLE, Exit.REJECTS) == (0, 2, 3)
    assert Exit.NOT_MET == Exit.NOT_FOUND == 1
    assert "benchmark" in documented[Exit.NOT_MET]
    assert "hold" in documented[Exit.NOT_FOUND]
    assert "unusable" in documented[Exit.UNUSABLE]
    assert "rejected" in documented[Exit.REJECTS]


def test_an_exit_code_prints_and_serialises_as_its_number() -> None:
    assert f"{Exit.UNUSABLE}" == "2"
    assert str(Exit.REJECTS) == "3"


def _own_codes(path: Path, root: Path = ROOT) -> list[str]:
    """Where a module defines an ``EXIT_*`` constant or returns a bare number from a command."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else []
        for target in targets:
            if isinstance(target, ast.Name) and target.id.startswith("EXIT_"):
                found.append(f"{path.relative_to(root)}:{node.lineno} defines {target.id}")
        if (
            isinstance(node, ast.Return)
            and isinstance(node.value, ast.Constant)
            and type(node.value.value) is int
        ):
            found.append(f"{path.relative_to(root)}:{node.lineno} returns {node.value.value}")
    return found


def test_no_command_has_codes_of_its_own() -> None:
    modules = [ROOT / "bot" / "cli.py", *sorted((ROOT / "bot" / "commands").glob("*.py"))]
    found = [line for module in modules for line in _own_codes(module)]
    assert found == []


def test_the_check_finds_a_command_with_its_own_code(tmp_path: Path) -> None:
    module = tmp_path / "bot" / "commands" / "breaker.py"
    module.parent.mkdir(parents=True)
    module.write_text("EXIT_OK = 0\n\n\ndef run() -> int:\n    return 2\n", encoding="utf-8")
    assert _own_codes(module, tmp_path) == [
        "bot/commands/breaker.py:1 defines EXIT_OK",
        "bot/commands/breaker.py:5 returns 2",
    ]

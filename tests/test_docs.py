"""The repository explains itself: no file points at a document someone who clones it lacks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLACES = ("bot", "integrations", "messages", "scheduler", "tests", "docs", ".ci")
OUTSIDE = re.compile(r"\b(?:DESIGN|CONTRACTS|DOMAIN|STYLE)\.md\b|\.\./shared\b")
LINKED = re.compile(r"\bdocs/([\w.-]+\.md)\b")


def _files() -> list[Path]:
    found = [ROOT / "README.md", ROOT / "pyproject.toml"]
    for place in PLACES:
        found += [
            path
            for path in (ROOT / place).rglob("*")
            if path.is_file() and path.suffix in {".py", ".md", ".toml", ".txt", ".yaml", ""}
        ]
    return [path for path in found if path != Path(__file__).resolve()]


def test_no_file_refers_to_a_document_outside_the_repository() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in _files()
        for match in OUTSIDE.finditer(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert offenders == []


@pytest.mark.parametrize("name", ["architecture.md", "domain.md", "contracts.md", "privacy.md"])
def test_the_project_documents_exist(name: str) -> None:
    assert (ROOT / "docs" / name).is_file()


def test_every_docs_file_a_source_names_exists() -> None:
    named = {
        match.group(1)
        for path in _files()
        if path.suffix == ".py"
        for match in LINKED.finditer(path.read_text(encoding="utf-8"))
    }
    assert named
    assert sorted(name for name in named if not (ROOT / "docs" / name).is_file()) == []

"""What an import tells its caller: counts per file, rejected rows, warnings, exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.exits import Exit
from integrations.abc import RowReject
from integrations.exceptions import FeedParseError

__all__ = ["FileReport", "ImportReport"]


@dataclass
class FileReport:
    """The outcome for one file (or one part of a platform's roster)."""

    file: str
    rows: int = 0
    imported: int = 0
    unchanged: int = 0
    corrections: int = 0
    rejects: list[RowReject] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    def summary(self) -> dict[str, Any]:
        """The summary object of ``import --json`` (docs/contracts.md)."""
        return {
            "summary": True,
            "file": self.file,
            "rows": self.rows,
            "imported": self.imported,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "corrections": self.corrections,
        }


@dataclass
class ImportReport:
    """The outcome of one import run."""

    kind: str
    run_id: int | None = None
    files: list[FileReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Set when the input was unusable and nothing of it was imported.
    error: FeedParseError | None = None

    @property
    def exit_code(self) -> Exit:
        if self.error is not None:
            return Exit.UNUSABLE
        if any(report.rejects for report in self.files):
            return Exit.REJECTS
        return Exit.OK

    @property
    def status(self) -> str:
        return {Exit.OK: "ok", Exit.REJECTS: "partial", Exit.UNUSABLE: "unusable"}[self.exit_code]

    def total(self, name: str) -> int:
        return sum(getattr(report, name) for report in self.files)

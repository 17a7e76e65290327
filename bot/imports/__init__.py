"""Storing what integrations read: absence feeds and rosters, with a record of every run."""

from bot.imports.absences import import_absences
from bot.imports.report import FileReport, ImportReport
from bot.imports.roster import import_roster

__all__ = [
    "FileReport",
    "ImportReport",
    "import_absences",
    "import_roster",
]

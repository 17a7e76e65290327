"""The canonical CSV files (docs/contracts.md, "Files"): a roster folder and an absence feed."""

from integrations.csv.roster import CsvRosterSource
from integrations.csv.source import CsvAbsenceSource

__all__ = ["CsvAbsenceSource", "CsvRosterSource"]

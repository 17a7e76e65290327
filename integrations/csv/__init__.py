"""The canonical CSV files (CONTRACTS.md section 1): a roster folder and an absence feed."""

from integrations.csv.roster import CsvRosterSource
from integrations.csv.source import CsvAbsenceSource

__all__ = ["CsvAbsenceSource", "CsvRosterSource"]

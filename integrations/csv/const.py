"""Constants of the canonical CSV files (docs/contracts.md, "Files")."""

from __future__ import annotations

from typing import Final

DELIMITERS: Final = (";", ",")

# Magic numbers of files people save by mistake instead of CSV.
BINARY_SIGNATURES: Final = {
    b"PK\x03\x04": "an Excel workbook or another zip file (save it as 'CSV UTF-8')",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) workbook (save it as 'CSV UTF-8')",
    b"%PDF": "a PDF document",
}

ABSENCES_REQUIRED: Final = ("pupil_id", "date", "half_day")
ABSENCES_OPTIONAL: Final = ("code", "expected_return", "note")

PUPILS_FILE: Final = "pupils.csv"
GUARDIANS_FILE: Final = "guardians.csv"
STAFF_FILE: Final = "staff.csv"
TEACHING_FILE: Final = "teaching.csv"

PUPILS_REQUIRED: Final = ("pupil_id", "first_name", "last_name", "birth_date", "class")
PUPILS_OPTIONAL: Final = ("language", "spilfiguur", "guardian_consent", "email", "telegram")
GUARDIANS_REQUIRED: Final = ("guardian_id", "pupil_id", "first_name", "last_name", "language")
GUARDIANS_OPTIONAL: Final = ("relation", "email", "phone", "may_contact", "telegram")
STAFF_REQUIRED: Final = ("staff_id", "first_name", "last_name", "role")
STAFF_OPTIONAL: Final = ("email", "language", "telegram")
TEACHING_REQUIRED: Final = ("staff_id", "class")
TEACHING_OPTIONAL: Final = ("role",)

HALF_DAYS: Final = {"am": "am", "pm": "pm", "vm": "am", "nm": "pm"}
YES_NO: Final = {"yes": True, "no": False, "ja": True, "nee": False}
TEACHING_ROLES: Final = ("titularis", "teacher")

"""Reading Smartschool's answers: numeric codes, JSON documents and the base64 group tree."""

from __future__ import annotations

import base64
import binascii
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from integrations.smartschool.const import (
    ACCESS_REFUSED_CODES,
    METHOD_NOT_ALLOWED_CODES,
    UNKNOWN_USER_CODES,
)
from integrations.smartschool.exceptions import (
    SmartschoolAccessRefused,
    SmartschoolBadAnswer,
    SmartschoolError,
    SmartschoolMethodNotAllowed,
    SmartschoolUnknownUser,
)

__all__ = [
    "Absences",
    "SmartschoolGroup",
    "absences",
    "document",
    "error",
    "group_tree",
    "list_of_objects",
    "numeric",
]

#: One day's marks: internal number (or user id) → {"am": code|"|"|None, "pm": ...}.
Absences = dict[str, dict[str, str | None]]


@dataclass(frozen=True, slots=True)
class SmartschoolGroup:
    """A group or an official class (``official``), under the group coded ``parent``."""

    code: str
    name: str
    description: str
    official: bool
    parent: str | None


def numeric(answer: str) -> int | None:
    """The error code an answer consists of, or None when it is a document."""
    text = answer.strip()
    return int(text) if text.isdigit() else None


def error(method: str, code: int) -> Exception:
    """The clear error for a numeric code."""
    if code in ACCESS_REFUSED_CODES:
        return SmartschoolAccessRefused(method, "access code refused", code=code)
    if code in METHOD_NOT_ALLOWED_CODES:
        return SmartschoolMethodNotAllowed(
            method, "method not allowed for this access code", code=code
        )
    if code in UNKNOWN_USER_CODES:
        return SmartschoolUnknownUser(method, "unknown user", code=code)
    return SmartschoolError(method, "error code (returnJsonErrorCodes explains it)", code=code)


def document(method: str, answer: str) -> Any:
    """The JSON document inside an answer; a numeric answer is the error it stands for."""
    code = numeric(answer)
    if code is not None:
        raise error(method, code)
    try:
        return json.loads(answer)
    except json.JSONDecodeError as err:
        raise SmartschoolBadAnswer(
            method, f"the answer is not valid JSON (line {err.lineno}, column {err.colno})"
        ) from None


def absences(method: str, answer: Any) -> Absences:
    """Check the shape ``{"<id>": {"am": str|None, "pm": str|None}}``; an empty list is none."""
    if answer == []:
        return {}
    if not isinstance(answer, dict):
        raise SmartschoolBadAnswer(method, "expected a JSON object of pupils")
    for key, marks in answer.items():
        ok = isinstance(marks, dict) and all(
            isinstance(marks.get(half), str | None) for half in ("am", "pm")
        )
        if not ok:
            raise SmartschoolBadAnswer(method, f'pupil "{key}": expected "am" and "pm" marks')
    return answer


def list_of_objects(method: str, answer: Any) -> list[dict[str, Any]]:
    """Check that ``answer`` is a list of JSON objects."""
    if not isinstance(answer, list) or not all(isinstance(x, dict) for x in answer):
        raise SmartschoolBadAnswer(method, "expected a JSON list of objects")
    return answer


def group_tree(method: str, answer: str) -> list[SmartschoolGroup]:
    """The groups and classes of a base64-encoded XML tree, parents before their children.

    The tree's root is the group of everyone (no code); it is left out, and its children have
    no parent.
    """
    code = numeric(answer)
    if code is not None:
        raise error(method, code)
    try:
        root = ET.fromstring(base64.b64decode(answer.strip(), validate=True))
    except (binascii.Error, ValueError, ET.ParseError) as err:
        raise SmartschoolBadAnswer(method, f"not base64-encoded XML ({err})") from None
    if root.tag != "groups":
        raise SmartschoolBadAnswer(method, f"expected a <groups> tree, not <{root.tag}>")
    groups: list[SmartschoolGroup] = []
    for top in root.findall("group"):
        _add(top, None, groups)
    return groups


def _add(group: ET.Element, parent: str | None, into: list[SmartschoolGroup]) -> None:
    """Add ``group`` (when it has a code) and, below it, its children."""
    code = group.findtext("code", "").strip()
    if code:
        into.append(
            SmartschoolGroup(
                code=code,
                name=group.findtext("name", ""),
                description=group.findtext("desc", ""),
                official=group.findtext("isOfficial", "0") == "1",
                parent=parent,
            )
        )
    for child in group.findall("children/group"):
        _add(child, code or None, into)

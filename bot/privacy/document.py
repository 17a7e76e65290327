"""An export (:func:`bot.privacy.export.gather`) as a file: JSON, or a readable Markdown document
with one section per kind of data and one numbered entry per row.

In the Markdown document, control and format characters (a terminal escape, a right-to-left
override in a reply) are shown as ``<U+XXXX>``; the JSON escapes them.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from bot.privacy.export import Record

__all__ = ["markdown", "to_json"]


def to_json(data: Record) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def markdown(data: Record) -> str:
    """The export as a Markdown document: a title, then one section per kind of data."""
    lines = [
        f"# Gemist: data held about {data['role']} {data['roster_id']}",
        "",
        f"School `{data['school']}`, exported {data['exported_at']}.",
    ]
    for key, value in data.items():
        if key in ("exported_at", "school", "role", "roster_id"):
            continue
        lines += ["", f"## {key.replace('_', ' ').capitalize()}", ""]
        lines += _section(value)
    return _visible("\n".join(lines) + "\n")


def _visible(text: str) -> str:
    """Control and format characters (a terminal escape, a right-to-left override in a reply)
    written as ``<U+202E>``, so that reading the document shows what was stored, as stored."""
    return "".join(
        f"<U+{ord(char):04X}>"
        if char != "\n" and unicodedata.category(char) in ("Cc", "Cf")
        else char
        for char in text
    )


def _section(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        return _fields(value) or ["(nothing)"]
    if isinstance(value, Sequence) and not isinstance(value, str):
        if not value:
            return ["(nothing)"]
        lines: list[str] = []
        for number, item in enumerate(value, 1):
            lines += [f"### {number}", ""]
            lines += _fields(item) if isinstance(item, Mapping) else [f"- {_one_line(item)}"]
            lines.append("")
        return lines[:-1]
    return [_one_line(value)]


def _fields(record: Mapping[str, Any], indent: str = "") -> list[str]:
    lines: list[str] = []
    for key, value in record.items():
        if key == "text" and isinstance(value, str):
            lines.append(f"{indent}- **{key}**:")
            lines += [
                f"{indent}  > {line}" if line else f"{indent}  >" for line in value.splitlines()
            ]
        elif isinstance(value, list) and value and isinstance(value[0], Mapping):
            lines.append(f"{indent}- **{key}**:")
            for item in value:
                lines.append(
                    f"{indent}  - {'; '.join(f'{k}: {_one_line(v)}' for k, v in item.items())}"
                )
        else:
            lines.append(f"{indent}- **{key}**: {_one_line(value)}")
    return lines


def _one_line(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return " ".join(str(value).split())

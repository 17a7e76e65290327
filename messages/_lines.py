"""The coordinator's messages put together from one-line reasons (issue 14).

A nudge that says more than one reason (``payload["also"]``, :mod:`bot.engine.attention`)
gets the lines of the others under its own text; the daily message (``coordinator_digest``
with ``payload["items"]``, :mod:`bot.engine._digest`) is made of a line per pupil, grouped.
Each line is a template of :mod:`messages._attention`, rendered in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from messages._overrides import Overrides
from messages._placeholders import PLACEHOLDERS, Kind
from messages._registry import TEMPLATES
from messages._render import render

__all__ = ["GROUPS", "digest_items", "line_text", "short_dates", "variants"]

GROUPS = ("new", "you", "family")
"""The daily message's groups, in order: new since the last one, waiting for the coordinator,
waiting for the pupil or the family."""

_DATED = frozenset(name for name, kind in PLACEHOLDERS.items() if kind in (Kind.DATE, Kind.WEEKDAY))

Render = Callable[[str, Mapping[str, Any]], str]


def renderer(lang: str, overrides: Overrides | None) -> Render:
    """Render one piece in ``lang`` (the text only: pieces have no buttons)."""

    def piece(template_id: str, context: Mapping[str, Any]) -> str:
        return render(template_id, lang, dated(context), overrides=overrides).text

    return piece


def dated(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload with its ISO dates as dates again."""
    context = dict(payload)
    for name in _DATED & context.keys():
        value = context[name]
        if isinstance(value, str):
            context[name] = dt.date.fromisoformat(value)
        elif isinstance(value, dt.datetime):
            context[name] = value.date()
    return context


def short_dates(days: Sequence[str]) -> str:
    """ISO dates as a coordinator scans them: ``5/10, 19/10, 16/11``."""
    found = [dt.date.fromisoformat(day) for day in days]
    return ", ".join(f"{day.day}/{day.month}" for day in found)


def line_text(piece: Render, payload: Mapping[str, Any]) -> str:
    """One reason of a nudge's payload on one line."""
    reason = str(payload.get("reason") or "")
    if reason == "pattern":
        text = piece(*_pattern(payload))
        return piece("coordinator_line.update", {"line": text}) if payload.get("update") else text
    if reason == "unacknowledged":
        subject = piece(*_subject(payload))
        since = payload.get("since") or payload.get("date")
        return piece("coordinator_line.unacknowledged", {"since": since, "line": subject})
    for name in variants(payload):
        if f"coordinator_line.{name}" in TEMPLATES:
            return piece(f"coordinator_line.{name}", payload)
    return piece("coordinator_subject.other", {})


def variants(payload: Mapping[str, Any]) -> list[str]:
    """The template suffixes a payload asks for, most specific first: its ``variant``, then
    its ``reason``, each first with the ``cause`` of an ended contact (``unreachable.bounced``).
    A blocked bot has no text of its own: it reads as ``unreachable`` always did, and so does a
    payload planned before the planner told the cause."""
    cause = payload.get("cause")
    found: list[str] = []
    for name in (payload.get("variant"), payload.get("reason")):
        if name:
            found += [f"{name}.{cause}", str(name)] if cause else [str(name)]
    return found


def _pattern(payload: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    days = [str(day) for day in payload.get("dates", ())]
    signal = str(payload.get("signal") or "")
    context = {
        "count": int(payload.get("count") or len(days)),
        "weeks": int(payload.get("weeks") or 0),
        "dates": short_dates(days),
    }
    if signal == "weekday_pattern":
        weekdays = {dt.date.fromisoformat(day).weekday() for day in days}
        if len(weekdays) == 1:
            return "coordinator_line.weekday_pattern", {**context, "weekday": days[0]}
        return "coordinator_line.weekday_pattern.mixed", context
    if f"coordinator_line.{signal}" in TEMPLATES:
        return f"coordinator_line.{signal}", context
    return "coordinator_subject.pattern", {}


def _subject(payload: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    for name in (payload.get("signal"), payload.get("about_variant"), payload.get("about")):
        if name and f"coordinator_subject.{name}" in TEMPLATES:
            return f"coordinator_subject.{name}", {"count": int(payload.get("count") or 0)}
    return "coordinator_subject.other", {}


def also_text(piece: Render, payload: Mapping[str, Any]) -> str:
    """The other reasons of a nudge, under a heading: empty when there are none."""
    lines = [line_text(piece, other) for other in payload.get("also", ())]
    if not lines:
        return ""
    heading = piece("coordinator_line.also", {"first_name": payload.get("first_name", "")})
    bullets = "\n".join(piece("coordinator_line.bullet", {"line": line}) for line in lines)
    return f"{heading}\n{bullets}"


def digest_items(piece: Render, items: Sequence[Mapping[str, Any]], buttons: bool) -> str:
    """The pupils of a daily message: per group a heading and a line per pupil."""
    blocks = []
    for group in GROUPS:
        chosen = [item for item in items if item.get("group") == group]
        if not chosen:
            continue
        lines = [piece(f"coordinator_digest.{group}", {})]
        for item in chosen:
            reasons = "; ".join(line_text(piece, line) for line in item.get("lines", ()))
            lines.append(
                piece(
                    "coordinator_digest.item",
                    {
                        "first_name": item.get("first_name", ""),
                        "class_name": item.get("class_name", ""),
                        "line": reasons,
                    },
                )
            )
        blocks.append("\n".join(lines))
    if buttons:
        blocks.append(piece("coordinator_digest.buttons", {}))
    return "\n\n".join(blocks)

"""The text of an outreach row, rendered at dispatch from its kind and payload.

The row's payload holds the render context: what the planner put there (``first_name``,
``date``, ``missed_half_days``, ...) and what the planner tick added from the store
(``school``, ``class_name``, ``sender``, ``contact``). Dates travel as ISO strings and become
dates again here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from messages._overrides import Overrides
from messages._placeholders import PLACEHOLDERS, Kind
from messages._registry import TEMPLATES
from messages._render import Rendered, render

__all__ = ["render_outreach", "template_for"]

_DATED = frozenset(name for name, kind in PLACEHOLDERS.items() if kind in (Kind.DATE, Kind.WEEKDAY))


def template_for(kind: str, payload: Mapping[str, Any]) -> str:
    """The template id of a row: ``kind.variant``, ``kind.reason``, ``kind.repeat`` (a notice
    after earlier ones this school year), ``kind.soft`` (a notice after the pupil's reassuring
    answer), ``kind`` or ``kind.first``."""
    candidates = [f"{kind}.{payload[name]}" for name in ("variant", "reason") if payload.get(name)]
    if payload.get("earlier_notices"):
        candidates.append(f"{kind}.repeat")
    if payload.get("soft"):
        candidates.append(f"{kind}.soft")
    candidates += [kind, f"{kind}.first"]
    for candidate in candidates:
        if candidate in TEMPLATES:
            return candidate
    raise LookupError(f"no message template for outreach of kind {kind!r}")


def render_outreach(
    kind: str, lang: str, payload: Mapping[str, Any], overrides: Overrides | None = None
) -> Rendered:
    """The message for an outreach row, in the school's wording where ``overrides`` has one;
    ``Rendered.lang`` is e.g. ``tr+nl`` for a guardian."""
    context = dict(payload)
    for name in _DATED & context.keys():
        value = context[name]
        if isinstance(value, str):
            context[name] = dt.date.fromisoformat(value)
        elif isinstance(value, dt.datetime):
            context[name] = value.date()
    context.setdefault("weekday", context.get("date"))
    return render(template_for(kind, payload), lang, context, overrides=overrides)

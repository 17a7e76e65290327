"""The text of an outreach row, rendered at dispatch from its kind and payload.

The row's payload holds the render context: what the planner put there (``first_name``,
``date``, ``missed_half_days``, ...) and what the planner tick added from the store
(``school``, ``class_name``, ``sender``, ``contact``). Dates travel as ISO strings and become
dates again here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from messages._lines import Render, also_text, dated, digest_items, renderer, variants
from messages._overrides import Overrides
from messages._registry import TEMPLATES
from messages._render import Rendered, RenderedButton, render

__all__ = ["buttons_for", "render_outreach", "template_for"]

DIGEST = "coordinator_digest"


def template_for(kind: str, payload: Mapping[str, Any]) -> str:
    """The template id of a row: ``kind.variant``, ``kind.reason`` (each first with the
    ``cause`` of an ended contact: ``kind.reason.bounced``), ``kind.repeat`` (a notice after
    earlier ones this school year), ``kind.soft`` (a notice after the pupil's reassuring
    answer), ``kind`` or ``kind.first``."""
    candidates = [f"{kind}.{name}" for name in variants(payload)]
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
    ``Rendered.lang`` is e.g. ``tr+nl`` for a guardian. A coordinator's message that says more
    than one reason, and the daily message, are put together from one-line pieces
    (:mod:`messages._lines`)."""
    context = dated(payload)
    context.setdefault("weekday", context.get("date"))
    piece = renderer(lang, overrides)
    if kind == DIGEST and isinstance(payload.get("items"), list):
        buttons = digest_buttons(payload)
        context["items"] = digest_items(piece, payload["items"], bool(buttons))
        rendered = render(DIGEST, lang, context, overrides=overrides)
        labelled = tuple(RenderedButton(key, _digest_label(piece, payload, key)) for key in buttons)
        return dataclasses.replace(rendered, buttons=labelled)
    rendered = render(template_for(kind, payload), lang, context, overrides=overrides)
    also = also_text(piece, payload) if payload.get("also") else ""
    if not also:
        return rendered
    return dataclasses.replace(
        rendered,
        text=f"{rendered.text}\n\n{also}",
        buttons=_labelled(lang, buttons_for(kind, payload), rendered.buttons),
    )


def buttons_for(kind: str, payload: Mapping[str, Any]) -> tuple[str, ...]:
    """The keys of the buttons a row's message offers: its template's, and those of the other
    reasons it says (the CLB threshold's "CLB is al betrokken"); the daily message's per pupil."""
    if kind == DIGEST:
        return digest_buttons(payload)
    keys = [button.key for button in TEMPLATES[template_for(kind, payload)].buttons]
    for other in payload.get("also", ()):
        keys += [b.key for b in TEMPLATES[template_for(kind, other)].buttons if b.key not in keys]
    return tuple(keys)


def digest_buttons(payload: Mapping[str, Any]) -> tuple[str, ...]:
    """Per pupil of the daily message (by position): seen, remind me later, and for the CLB
    threshold "CLB is al betrokken"; only where the channel shows buttons."""
    if not payload.get("buttons"):
        return ()
    keys: list[str] = []
    for number, item in enumerate(payload.get("items", ())):
        keys += [f"ack:{number}", f"snooze:{number}"]
        if any(line.get("reason") == "clb_threshold" for line in item.get("lines", ())):
            keys.append(f"clb_involved:{number}")
    return tuple(keys)


def _digest_label(piece: Render, payload: Mapping[str, Any], key: str) -> str:
    """A per-pupil button of the daily message, with the pupil's first name."""
    action, _, number = key.partition(":")
    item = payload["items"][int(number)]
    return piece(f"coordinator_digest.button.{action}", {"first_name": item.get("first_name")})


def _labelled(
    lang: str, keys: tuple[str, ...], known: tuple[RenderedButton, ...] = ()
) -> tuple[RenderedButton, ...]:
    """Buttons for ``keys``, labelled in ``lang``: a per-pupil button of the daily message
    carries the pupil's first name."""
    labels = {button.key: button.label for button in known}
    found = []
    for key in keys:
        if key not in labels:
            labels[key] = _label(lang, key)
        found.append(RenderedButton(key, labels[key]))
    return tuple(found)


def _label(lang: str, key: str) -> str:
    base = key.partition(":")[0]
    template = {"clb_involved": "coordinator_nudge.clb_threshold"}.get(
        base, "coordinator_nudge.no_answer"
    )
    rendered = render(template, lang, _LABEL_CONTEXT)
    return next((b.label for b in rendered.buttons if b.key == base), base)


_LABEL_CONTEXT: dict[str, Any] = {
    "first_name": "",
    "class_name": "",
    "missed_half_days": 0,
    "date": dt.date(2000, 1, 1),
    "days_without_answer": 0,
}

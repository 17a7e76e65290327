"""A teacher's or a coordinator's answer link: the decision a button under their message takes
(seen, later, the return date, a pause, the CLB involved, a held day or notice), confirmed on the
page and stored as the tap in the chat would be (:func:`bot.answers.decide`), then acknowledged
in the words the chat uses (:mod:`bot.answers.staff`). A button that first asks when or how long
offers the same choices on the page. As for families, opening the link records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.exc import OperationalError

from bot.answers.staff import (
    CHOICES,
    StaffAnswer,
    digest_answer,
    return_days,
    staff_answer,
)
from bot.domain import OutreachKind
from bot.links import Claim
from bot.web import _store
from bot.web.base import CONTEXT, WebContext, busy, chosen_day, neutral, parts, render, tell
from bot.web.i18n import Reader, Said
from messages import Rendered, buttons_for, day_label, render_outreach
from messages import render as render_template

__all__ = ["page"]

RETURN = "return"


@dataclass(frozen=True, slots=True)
class Deciding:
    """A staff member's link, proven: the message, who decides, in what language."""

    found: _store.Found
    staffer: _store.Staffer
    reader: Reader
    message: Rendered
    key: str
    """The button's key: ``snooze``, or under a daily message ``ack:2``."""
    value: str
    """What it names already (a button with its choice made), else empty."""


def _deciding(context: WebContext, found: _store.Found, claim: Claim) -> Deciding | None:
    row = found.linked.row
    if found.staffer is None:
        return None
    offered = buttons_for(row.kind, row.payload)
    if row.kind == OutreachKind.COORDINATOR_DIGEST:  # a button per pupil: ack:2
        if claim.key not in offered:
            return None
        key, value = claim.key, ""
    else:
        key, _, value = claim.key.partition(":")
        if key not in offered or (value and key not in CHOICES):
            return None
    try:
        message = render_outreach(row.kind, row.lang, row.payload, context.overrides)
    except (LookupError, ValueError):
        return None
    reader = Reader.of(context.catalogs, found.linked.reader)
    return Deciding(found, found.staffer, reader, message, key, value)


def _asks(d: Deciding) -> bool:
    """Whether the button first asks when or how long."""
    return (
        d.key in CHOICES
        and not d.value
        and d.found.linked.row.kind != (OutreachKind.COORDINATOR_DIGEST)
    )


def _choices(context: WebContext, d: Deciding) -> list[dict[str, str]]:
    """What the button offers to choose from, as the chat offers it."""
    lang = d.reader.lang
    if d.key == RETURN:
        days = return_days(context.calendar, context.clock.today())
        return [{"value": day.isoformat(), "label": day_label(CHOICES[RETURN], lang, day)}
                for day in days]  # fmt: skip
    about = {"first_name": d.found.linked.row.payload.get("first_name", "")}
    offered = render_template(CHOICES[d.key], lang, about, overrides=context.overrides)
    return [{"value": b.key.partition(":")[2], "label": b.label} for b in offered.buttons]


def _legend(d: Deciding) -> Said:
    if d.key == RETURN:
        return d.reader.gettext("Op welke dag?")
    if d.key == "pause":
        return d.reader.gettext("Hoe lang?")
    return d.reader.gettext("Wanneer?")


def _answer(context: WebContext, d: Deciding, value: str) -> StaffAnswer | None:
    row = d.found.linked.row
    today = context.clock.today()
    if row.kind == OutreachKind.COORDINATOR_DIGEST:
        return digest_answer(row, d.key, today=today, calendar=context.calendar)
    return staff_answer(row, d.key, value, today=today, calendar=context.calendar)


def _chosen(context: WebContext, d: Deciding, text: str) -> str | None:
    """The choice made on the page, when it is one the button offers."""
    if d.key == RETURN:
        day = chosen_day(context, text)
        return day.isoformat() if day is not None else None
    return text if text in {choice["value"] for choice in _choices(context, d)} else None


def _form(request: web.Request, d: Deciding, *, choice_error: bool = False) -> web.Response:
    context = request.app[CONTEXT]
    label = next((b.label for b in d.message.buttons if b.key == d.key), d.key)
    values = {
        "school": d.found.school,
        "title": d.found.school,
        "parts": parts(d.message),
        "label": label,
        "days": _choices(context, d) if _asks(d) else [],
        "legend": _legend(d),
        "day_error": d.reader.gettext("Kies eerst een dag.") if choice_error else "",
        "words_action": "",
    }
    return render(request, "answer.html", d.reader, values, status=422 if choice_error else 200)


async def page(
    request: web.Request, found: _store.Found, claim: Claim, *, confirm: bool
) -> web.Response:
    """The decision and its confirm button (``confirm`` False: records nothing), or the
    confirmed decision, stored once, and its acknowledgement."""
    context = request.app[CONTEXT]
    d = _deciding(context, found, claim)
    if d is None:
        return neutral(request)
    if not confirm:
        return _form(request, d)
    value = d.value
    if _asks(d):
        form = await request.post()
        chosen = _chosen(context, d, str(form.get("day", "")))
        if chosen is None:
            return _form(request, d, choice_error=True)
        value = chosen
    answer = _answer(context, d, value)
    if answer is None:
        return neutral(request)
    try:
        async with context.engine.begin() as conn:
            stored = await _store.decision(
                conn,
                found.linked,
                d.staffer,
                d.key,
                answer,
                context.clock.now(),
                context.clock.today(),
            )
    except OperationalError as err:
        return busy(request, d.reader, err)
    if stored:
        tell(context)
    said = render_template(
        answer.template, d.reader.lang, answer.context, overrides=context.overrides
    )
    values = {"school": found.school, "title": found.school, "parts": parts(said), "more": []}
    return render(request, "thanks.html", d.reader, values)

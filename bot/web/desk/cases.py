"""*Opvolging* (``/desk/opvolging``): the open cases of the viewer's pupils, grouped per pupil,
most urgent first (:func:`bot.desk.open_cases`), each with the message the coordinator got, the
year's counts against the CLB threshold, the pauses, and a form per action its message offers
in the chat (seen, remind me later, return date, pause, CLB involved, send or keep a held
notice).

An action is a ``POST`` to ``/desk/opvolging/<case>`` with the form's token (checked by
:func:`~bot.web.desk.base.signed_in`), stored by :func:`bot.desk.act` through the one writer
the chat's buttons use, in the viewer's scope (:func:`~bot.web.desk.access.desk_scope`): a case
of another coordinator's pupil is not found (404) and nothing changes. Then back to the page
(``303``) with a short confirmation: a reload does not post again.

A note per case is not offered: no table holds a coordinator's notes yet.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from aiohttp import web
from sqlalchemy.exc import OperationalError

from bot.desk import DEFAULT_SIZE, Nudge, act, choices, open_cases
from bot.web.base import CONTEXT, root_of, tell
from bot.web.desk import read
from bot.web.desk.access import Page, desk_scope, may
from bot.web.desk.base import D_, DESK_TAG, NAV_LABELS, Signed, desk_render, not_found, signed_in
from bot.web.desk.rules import in_force
from messages import Overrides, render_outreach

__all__ = ["ACTIONS", "NUDGE_REASONS", "add_routes"]

log = logging.getLogger(__name__)

MAX_PAGE = 10_000
PAGE_SIZE = DEFAULT_SIZE
"""Pupils per page."""
MAX_VALUE = 16
"""The longest choice a form sends (an ISO date, a number of school days)."""
ACTIONS: Mapping[str, str] = {
    "ack": D_("Gezien, ik volg het op"),
    "clb_involved": D_("Het CLB is al betrokken"),
    "send_notice": D_("Stuur het bericht aan de ouders toch"),
    "keep_notice": D_("Stuur het bericht aan de ouders niet"),
    "snooze": D_("Herinner me later"),
    "return": D_("Terugkeerdatum"),
    "pause": D_("Berichten pauzeren"),
}
"""The actions of a case, as the forms name them (the keys of the chat's buttons)."""
DONE: Mapping[str, str] = {
    "ack": D_("Genoteerd: gezien."),
    "clb_involved": D_("Genoteerd: het CLB is betrokken."),
    "send_notice": D_("Genoteerd: het bericht aan de ouders gaat uit."),
    "keep_notice": D_("Genoteerd: het bericht aan de ouders gaat niet uit."),
    "snooze": D_("Genoteerd: je krijgt er later een herinnering over."),
    "return": D_("Genoteerd: de terugkeerdatum."),
    "pause": D_("Genoteerd: de berichten zijn gepauzeerd."),
}
"""What the page says after an action that was stored."""
ALREADY = D_("Daar was al over beslist.")
NUDGE_REASONS: Mapping[str, str] = {
    "asks_to_talk": D_("vraagt om een gesprek"),
    "held_notice": D_("bericht aan de ouders wacht op jou"),
    "did_not_know": D_("ouders wisten niet van de afwezigheid"),
    "unreachable": D_("niemand bereikbaar"),
    "clb_threshold": D_("drempel voor het CLB bereikt"),
    "informed_school": D_("ouders zeggen dat ze de school verwittigden"),
    "no_answer": D_("geen antwoord"),
    "absent_half_days": D_("veel halve dagen afwezig"),
    "pattern": D_("een patroon in de afwezigheden"),
}
"""A case's reason in a few words: its label beside the message it sent."""


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get(f"/desk/{Page.FOLLOW_UP.value}", follow_up, name="desk_follow_up")
    router.add_post(rf"/desk/{Page.FOLLOW_UP.value}/{{case:\d{{1,9}}}}", follow_up_act)


def _page_number(value: object) -> int:
    try:
        number = int(str(value))
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def said(nudge: Nudge, lang: str, overrides: Overrides | None) -> str | None:
    """The message the coordinator got about ``nudge``, in ``lang`` (the viewer's); None when
    this version cannot render it (the page then shows the reason's label only)."""
    try:
        return render_outreach("coordinator_nudge", lang, nudge.payload, overrides).text
    except (LookupError, ValueError, TypeError):  # an old or odd payload: say the reason only
        log.info("a case's message (outreach %s) could not be rendered for the desk", nudge.id)
        return None


@signed_in(Page.FOLLOW_UP)
async def follow_up(request: web.Request, who: Signed) -> web.Response:
    """The open cases of the viewer's pupils, a page of pupils at a time."""
    context = request.app[CONTEXT]
    today = context.clock.today()
    number = _page_number(request.query.get("pagina", "1"))
    async with context.reads.connect() as conn:
        # Counted against the thresholds the bot plans with: a version saved on Regels counts.
        rules = (await in_force(conn, who.viewer.school_id, context.rules)).rules
        found = await open_cases(
            conn,
            desk_scope(who.viewer, Page.FOLLOW_UP),
            today=today,
            rules=rules,
            page=number,
            size=PAGE_SIZE,
        )
    lang = who.reader.lang
    texts = {
        nudge.id: said(nudge, lang, context.overrides)
        for case in found.items
        for nudge in case.nudges
    }
    done = request.query.get("klaar", "")
    values: dict[str, Any] = {
        **who.values(Page.FOLLOW_UP),
        "title": who.reader.gettext(NAV_LABELS[Page.FOLLOW_UP]),
        "found": found,
        "texts": texts,
        "today": today,
        "choices": choices(today, context.calendar),
        "actions": ACTIONS,
        "nudge_reasons": NUDGE_REASONS,
        "done": DONE.get(done) if done in DONE else (ALREADY if done == "0" else None),
        "open_pupils": may(who.viewer, Page.PUPIL),
    }
    return desk_render(request, "desk/cases.html", who.reader, values)


@signed_in(Page.FOLLOW_UP)
async def follow_up_act(request: web.Request, who: Signed) -> web.StreamResponse:
    """An action on a case, as the same button in the chat; then back to the page it was
    taken on. A case that is not the viewer's (or no case, or an action it does not offer):
    the 404 page, and nothing is stored."""
    context = request.app[CONTEXT]
    form = await request.post()
    key = str(form.get("action", ""))
    value = str(form.get("value", ""))
    if key not in ACTIONS or len(value) > MAX_VALUE:
        return not_found(request, who)
    now = context.clock.now()
    try:
        async with context.engine.begin() as conn:
            roster = await read.roster_id(conn, who.viewer.staff_id)
            acted = await act(
                conn,
                desk_scope(who.viewer, Page.FOLLOW_UP),
                int(request.match_info["case"]),
                key,
                value,
                staff_id=roster,
                by=f"{DESK_TAG}:{roster}",
                at=now,
                today=context.clock.today(),
                calendar=context.calendar,
            )
    except OperationalError:  # SQLite's write lock, held by an import: try again shortly
        return desk_render(
            request, "desk/busy.html", who.reader, who.values(Page.FOLLOW_UP), status=503
        )
    if acted is None:
        return not_found(request, who)
    if acted.done:
        tell(context)  # a notice to send, a return day: the planner works at once
    number = _page_number(form.get("pagina", "1"))
    klaar = key if acted.done else "0"
    raise web.HTTPSeeOther(f"{root_of(request)}desk/opvolging?pagina={number}&klaar={klaar}")

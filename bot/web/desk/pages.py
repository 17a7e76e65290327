"""The desk's pages for signed-in staff, each through :func:`~bot.web.desk.base.signed_in`.

- *Vandaag* (``/desk/vandaag``): today's absences as Gemist sees them, the messages that went
  out, the answers received, the held days waiting for a decision and the messages that could
  not be delivered; each list a page at a time (``?lijst=afwezig&pagina=2`` shows one list,
  further on). A teacher sees the welcome reminders sent to them.
- *Leerling* (``/desk/leerling``: the viewer's pupils; ``/desk/leerling/<id>``: one pupil's
  timeline, each view recorded). A pupil who is not the viewer's gets the 404 page, as an id
  that is no pupil does.
- *Invoer* (``/desk/invoer``, ``/desk/invoer/<run>``): the school's imports and the rows each
  refused, so that the secretariat can fix the source.
- *Wachtrij* (``/desk/wachtrij``): the held days, to release or discard (a ``POST`` with the
  form's token), as ``gemist hold`` and the hold alert's buttons do.
- *Bereik* (``/desk/bereik``): the viewer's pupils and the parents the school may contact whom
  no channel reaches, and why (no contact, an invitation not used, bounced, blocked,
  unsubscribed, a channel the school does not send on); the letters to print come later.
- *Opvolging*: not built yet; it says so, to those who may open it. (*Regels*:
  :mod:`bot.web.desk.rules`.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from aiohttp import web
from sqlalchemy.exc import OperationalError

from bot.engine.hold import HoldState
from bot.planning.decisions import decide_hold as store_hold_decision
from bot.planning.decisions import list_holds
from bot.web.base import CONTEXT, root_of, tell
from bot.web.desk import read
from bot.web.desk.access import Page, may, scope_of
from bot.web.desk.base import D_, NAV_LABELS, Signed, desk_render, not_found, signed_in

__all__ = ["add_routes"]

MAX_PAGE = 10_000
MAX_SCOPE = 64
DECIDED_SHOWN = 20
"""The decided holds the queue still shows, the latest day first."""
DESK_TAG = "desk"
"""How a decision made on the desk names where it came from: ``desk:S02``, beside the chat's
``telegram:S02`` (an erasure of the staff member blots both)."""
PUPILS = D_("Leerlingen")
LISTS = ("afwezig", "verstuurd", "antwoorden", "niet_afgeleverd")
"""The lists of *Vandaag*, by the name ``?lijst=`` gives them."""


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/desk/vandaag", today, name="desk_today")
    router.add_get("/desk/leerling", pupils, name="desk_pupils")
    router.add_get(r"/desk/leerling/{pupil:\d{1,9}}", pupil, name="desk_pupil")
    router.add_get("/desk/invoer", imports, name="desk_imports")
    router.add_get(r"/desk/invoer/{run:\d{1,9}}", import_run, name="desk_import")
    router.add_get("/desk/wachtrij", queue, name="desk_queue")
    router.add_post("/desk/wachtrij", decide_hold)
    router.add_get("/desk/bereik", reach, name="desk_reach")
    for page in (Page.FOLLOW_UP,):
        router.add_get(f"/desk/{page.value}", _not_yet(page), name=f"desk_{page.name.lower()}")


def _page_number(request: web.Request) -> int:
    try:
        number = int(request.query.get("pagina", "1"))
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


@signed_in(Page.TODAY)
async def today(request: web.Request, who: Signed) -> web.Response:
    """What happened today, for the viewer's pupils (a teacher: their welcome reminders)."""
    context = request.app[CONTEXT]
    scope = scope_of(who.viewer)
    day = context.clock.today()
    tz = context.clock.tz
    start = context.clock.localize(day, 0)
    end = context.clock.localize(day + dt.timedelta(days=1), 0)
    span = read.Today(day, start.astimezone(dt.UTC), end.astimezone(dt.UTC))
    only = request.query.get("lijst")
    if only not in LISTS:
        only = None
    number = _page_number(request)

    def page_of(name: str) -> int:
        return number if only == name else 1

    values: dict[str, Any] = {
        **who.values(Page.TODAY),
        "title": who.reader.gettext(NAV_LABELS[Page.TODAY]),
    }
    async with context.reads.connect() as conn:
        lists: dict[str, Any] = {}
        if only in (None, "afwezig"):
            lists["afwezig"] = await read.absences(conn, scope, span, page_of("afwezig"))
        if only in (None, "verstuurd"):
            lists["verstuurd"] = await read.messages_sent(conn, scope, span, page_of("verstuurd"))
        if only in (None, "antwoorden"):
            lists["antwoorden"] = await read.answers(conn, scope, span, page_of("antwoorden"))
        if only in (None, "niet_afgeleverd"):
            lists["niet_afgeleverd"] = await read.undelivered(
                conn, scope, span, page_of("niet_afgeleverd")
            )
        held = await read.holds(conn, scope) if only is None else []
    values.update(
        {
            "date": day,
            "lists": lists,
            "only": only,
            "held": held,
            "pupils": scope.any_pupil,
            "teacher": scope.welcomes_of is not None,
            "open_pupils": may(who.viewer, Page.PUPIL),
            "tz": tz,
        }
    )
    return desk_render(request, "desk/today.html", who.reader, values)


@signed_in(Page.PUPIL)
async def pupils(request: web.Request, who: Signed) -> web.Response:
    """The viewer's pupils, by class and name, each a link to their page."""
    context = request.app[CONTEXT]
    async with context.reads.connect() as conn:
        found = await read.pupils(conn, scope_of(who.viewer), _page_number(request))
    values = {**who.values(Page.PUPIL), "title": who.reader.gettext(PUPILS), "found": found}
    return desk_render(request, "desk/pupils.html", who.reader, values)


@signed_in(Page.PUPIL)
async def pupil(request: web.Request, who: Signed) -> web.Response:
    """A pupil's timeline; the view is recorded (who, when). Not the viewer's: 404."""
    context = request.app[CONTEXT]
    pupil_id = int(request.match_info["pupil"])
    now = context.clock.now()
    try:
        async with context.engine.begin() as conn:
            ref = await read.pupil_ref(conn, pupil_id)
            if ref is None or not may(who.viewer, Page.PUPIL, ref):
                return not_found(request, who)
            header = await read.pupil_header(conn, pupil_id)
            found = await read.timeline(conn, pupil_id, context.clock.tz, _page_number(request))
            await read.record_view(conn, ref.school_id, pupil_id, who.viewer.staff_id, now)
    except OperationalError:  # the view cannot be recorded now: the page is not shown either
        return desk_render(
            request, "desk/busy.html", who.reader, who.values(Page.PUPIL), status=503
        )
    values: Mapping[str, Any] = {
        **who.values(Page.PUPIL),
        "title": header.name if header is not None else "",
        "pupil": header,
        "found": found,
    }
    return desk_render(request, "desk/pupil.html", who.reader, values)


@signed_in(Page.REACH)
async def reach(request: web.Request, who: Signed) -> web.Response:
    """The viewer's pupils and their parents whom no channel reaches, and why."""
    context = request.app[CONTEXT]
    async with context.reads.connect() as conn:
        found = await read.unreachable(
            conn, scope_of(who.viewer), context.channels, _page_number(request)
        )
    values = {
        **who.values(Page.REACH),
        "title": who.reader.gettext(NAV_LABELS[Page.REACH]),
        "found": found,
        "open_pupils": may(who.viewer, Page.PUPIL),
    }
    return desk_render(request, "desk/reach.html", who.reader, values)


@signed_in(Page.IMPORTS)
async def imports(request: web.Request, who: Signed) -> web.Response:
    """The school's imports, the latest first, with what each refused."""
    context = request.app[CONTEXT]
    async with context.reads.connect() as conn:
        found = await read.import_runs(conn, who.viewer.school_id, _page_number(request))
    values = {
        **who.values(Page.IMPORTS),
        "title": who.reader.gettext(NAV_LABELS[Page.IMPORTS]),
        "found": found,
    }
    return desk_render(request, "desk/imports.html", who.reader, values)


@signed_in(Page.IMPORTS)
async def import_run(request: web.Request, who: Signed) -> web.Response:
    """One import and the rows it refused, so that the secretariat can fix the source."""
    context = request.app[CONTEXT]
    run_id = int(request.match_info["run"])
    async with context.reads.connect() as conn:
        run = await read.import_run(conn, who.viewer.school_id, run_id)
        if run is None:
            return not_found(request, who)
        found = await read.rejects(conn, run_id, _page_number(request))
    values = {
        **who.values(Page.IMPORTS),
        "title": who.reader.gettext(NAV_LABELS[Page.IMPORTS]),
        "run": run,
        "found": found,
    }
    return desk_render(request, "desk/import_run.html", who.reader, values)


@signed_in(Page.QUEUE)
async def queue(request: web.Request, who: Signed) -> web.Response:
    """The held days: those waiting for a decision, each with its two buttons, then the
    decided ones."""
    context = request.app[CONTEXT]
    async with context.reads.connect() as conn:
        holds = await list_holds(conn, who.viewer.school_id)
    values = {
        **who.values(Page.QUEUE),
        "title": who.reader.gettext(NAV_LABELS[Page.QUEUE]),
        "waiting": [hold for hold in holds if hold.status == HoldState.HELD.value],
        "decided": [hold for hold in holds if hold.status != HoldState.HELD.value][:DECIDED_SHOWN],
        "done": request.query.get("klaar", ""),
    }
    return desk_render(request, "desk/queue.html", who.reader, values)


@signed_in(Page.QUEUE)
async def decide_hold(request: web.Request, who: Signed) -> web.StreamResponse:
    """Release a held day (its messages go out) or discard it (nothing about it goes out),
    as ``gemist hold`` and the hold alert's buttons do; then back to the queue."""
    context = request.app[CONTEXT]
    form = await request.post()
    state = {"release": HoldState.RELEASED, "discard": HoldState.DISCARDED}.get(
        str(form.get("decision", ""))
    )
    try:
        day = dt.date.fromisoformat(str(form.get("date", "")))
    except ValueError:
        day = None
    scope = str(form.get("scope", ""))
    if state is None or day is None or not scope or len(scope) > MAX_SCOPE:
        return not_found(request, who)
    by = f"{DESK_TAG}:{await _roster_id(context, who)}"
    try:
        async with context.engine.begin() as conn:
            done = await store_hold_decision(
                conn, who.viewer.school_id, day, scope, state, by=by, at=context.clock.now()
            )
    except OperationalError:
        return desk_render(
            request, "desk/busy.html", who.reader, who.values(Page.QUEUE), status=503
        )
    if done:
        tell(context)  # a released day's messages go out at once
    raise web.HTTPSeeOther(f"{root_of(request)}desk/wachtrij?klaar={'1' if done else '0'}")


async def _roster_id(context: Any, who: Signed) -> str:
    """The staff member's roster id (``S02``): what a decision's ``decided_by`` names."""
    async with context.reads.connect() as conn:
        return await read.roster_id(conn, who.viewer.staff_id)


def _not_yet(page: Page) -> Any:
    @signed_in(page)
    async def not_yet(request: web.Request, who: Signed) -> web.Response:
        """A page of the desk that is not built yet."""
        values = {**who.values(page), "title": who.reader.gettext(NAV_LABELS[page])}
        return desk_render(request, "desk/not_yet.html", who.reader, values)

    return not_yet

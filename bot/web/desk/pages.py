"""The desk's pages for signed-in staff, each through :func:`~bot.web.desk.base.signed_in`.

- *Vandaag* (``/desk/vandaag``): today's absences as Gemist sees them, the messages that went
  out, the answers received, the held days waiting for a decision and the messages that could
  not be delivered; each list a page at a time (``?lijst=afwezig&pagina=2`` shows one list,
  further on). A teacher sees the welcome reminders sent to them.
- *Leerling* (``/desk/leerling``: the viewer's pupils; ``/desk/leerling/<id>``: one pupil's
  timeline, each view recorded). A pupil who is not the viewer's gets the 404 page, as an id
  that is no pupil does.
- *Invoer* (``/desk/invoer``, ``/desk/invoer/<run>``): the school's imports and the rows each
  refused, so that the secretariat can fix the source (:mod:`bot.desk.imports`).
- *Wachtrij* (``/desk/wachtrij``): the held days, to release or discard (a ``POST`` of the
  hold's id with the form's token), as ``gemist hold`` and the hold alert's buttons do
  (:mod:`bot.desk.holds`).
- *Bereik* (``/desk/bereik``): the viewer's pupils and the parents the school may contact whom
  no channel reaches, why (no contact, an invitation not used, bounced, blocked,
  unsubscribed), and what the school can do (:mod:`bot.desk.reach`); the letter is printed
  with ``gemist invite``, which the page names.
- *Opvolging* (``/desk/opvolging``): the open cases and their actions, in
  :mod:`~bot.web.desk.cases`.
- *Regels*: :mod:`~bot.web.desk.rules`.

The reads of *Opvolging*, *Bereik*, *Invoer* and *Wachtrij* are :mod:`bot.desk`'s, in the scope
:func:`~bot.web.desk.access.desk_scope` gives the viewer on each page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from aiohttp import web
from sqlalchemy.exc import OperationalError

from bot.desk import decide_hold as store_hold_decision
from bot.desk import hold_queue, import_runs, run_rejects, unreached
from bot.desk import import_run as read_import_run
from bot.engine.hold import HoldState
from bot.web.base import CONTEXT, root_of, tell
from bot.web.desk import cases, read
from bot.web.desk.access import Page, desk_scope, may, scope_of
from bot.web.desk.base import (
    D_,
    DESK_TAG,
    NAV_LABELS,
    REMEDY_WORDS,
    Signed,
    desk_render,
    not_found,
    signed_in,
)

__all__ = ["add_routes"]

MAX_PAGE = 10_000
MAX_ID = 9
"""The most digits of a database id a form sends."""
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
    cases.add_routes(router)


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
        held: tuple[Any, ...] = ()
        if only is None:  # the held days a decision waits for; the queue has the decided ones
            queue_scope = desk_scope(who.viewer, Page.QUEUE)
            held = (await hold_queue(conn, queue_scope, now=context.clock.now(), size=1)).waiting
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
    """The viewer's pupils and their parents whom no channel reaches, why, and what to do."""
    context = request.app[CONTEXT]
    async with context.reads.connect() as conn:
        found = await unreached(
            conn,
            desk_scope(who.viewer, Page.REACH),
            rules=context.rules,
            today=context.clock.today(),
            channels=context.channels,
            page=_page_number(request),
        )
    values = {
        **who.values(Page.REACH),
        "title": who.reader.gettext(NAV_LABELS[Page.REACH]),
        "found": found,
        "open_pupils": may(who.viewer, Page.PUPIL),
        "remedies": REMEDY_WORDS,
    }
    return desk_render(request, "desk/reach.html", who.reader, values)


@signed_in(Page.IMPORTS)
async def imports(request: web.Request, who: Signed) -> web.Response:
    """The school's imports, the latest first, with what each refused."""
    context = request.app[CONTEXT]
    async with context.reads.connect() as conn:
        found = await import_runs(
            conn, desk_scope(who.viewer, Page.IMPORTS), page=_page_number(request)
        )
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
    scope = desk_scope(who.viewer, Page.IMPORTS)
    async with context.reads.connect() as conn:
        run = await read_import_run(conn, scope, run_id)
        found = await run_rejects(conn, scope, run_id, page=_page_number(request))
    if run is None or found is None:
        return not_found(request, who)
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
    decided ones of the last weeks, a page at a time."""
    context = request.app[CONTEXT]
    async with context.reads.connect() as conn:
        holds = await hold_queue(
            conn,
            desk_scope(who.viewer, Page.QUEUE),
            now=context.clock.now(),
            page=_page_number(request),
        )
    values = {
        **who.values(Page.QUEUE),
        "title": who.reader.gettext(NAV_LABELS[Page.QUEUE]),
        "waiting": holds.waiting,
        "decided": holds.decided,
        "done": request.query.get("klaar", ""),
    }
    return desk_render(request, "desk/queue.html", who.reader, values)


@signed_in(Page.QUEUE)
async def decide_hold(request: web.Request, who: Signed) -> web.StreamResponse:
    """Release a held day (its messages go out) or discard it (nothing about it goes out),
    as ``gemist hold`` and the hold alert's buttons do; then back to the queue. A hold that
    is not the school's, or no hold: the 404 page."""
    context = request.app[CONTEXT]
    form = await request.post()
    state = {"release": HoldState.RELEASED, "discard": HoldState.DISCARDED}.get(
        str(form.get("decision", ""))
    )
    hold = str(form.get("hold", ""))
    if state is None or not hold.isdigit() or len(hold) > MAX_ID:
        return not_found(request, who)
    by = f"{DESK_TAG}:{await _roster_id(context, who)}"
    try:
        async with context.engine.begin() as conn:
            done = await store_hold_decision(
                conn,
                desk_scope(who.viewer, Page.QUEUE),
                int(hold),
                state,
                by=by,
                at=context.clock.now(),
            )
    except OperationalError:
        return desk_render(
            request, "desk/busy.html", who.reader, who.values(Page.QUEUE), status=503
        )
    if done is None:
        return not_found(request, who)
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

"""Signing in to the desk without a password, and signing out.

1. ``GET /desk/aanmelden``: a box for one's e-mail address or staff id; the browser gets its
   random ``browser`` cookie here (:mod:`bot.web.desk.base`).
2. ``POST /desk/aanmelden``: whatever was typed, the answer is the same neutral page, given
   before anyone is looked up; when it names one active staff member that a channel reaches, a
   link goes out through the outbox on their own channel (:func:`bot.web.desk.sessions.ask`),
   and the running bot is told to send at once.
3. ``GET /desk/in/<token>``: the link, in the browser that asked, within its lifetime, once:
   a new session (a new id, whatever the browser had before), and on to *Vandaag*. Anything
   else (another browser, a link used or expired, an altered token) gets the same page, and a
   link opened in another browser (a mail filter that follows links) is not used up.
4. ``POST /desk/afmelden``: the session ends on the server and its cookie is cleared.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from sqlalchemy.exc import OperationalError

from bot.web.base import CONTEXT, root_of, tell
from bot.web.desk import sessions
from bot.web.desk.base import (
    DESK,
    browser_reader,
    check_form,
    clear_cookie,
    cookie_names,
    csrf_token,
    desk_render,
    forbidden,
    set_cookie,
    signed,
)

__all__ = ["add_routes"]

log = logging.getLogger(__name__)

MAX_TOKEN = 100
"""Longer than any token the desk makes: anything longer is not looked up."""


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/desk", home, name="desk")
    router.add_get("/desk/", home)
    router.add_get("/desk/aanmelden", sign_in_page, name="desk_sign_in")
    router.add_post("/desk/aanmelden", ask_for_link)
    # GET only: a HEAD (a link checker in the browser) must not use the link up.
    router.add_get("/desk/in/{token}", open_link, name="desk_link", allow_head=False)
    router.add_post("/desk/afmelden", sign_out, name="desk_sign_out")


async def home(request: web.Request) -> web.StreamResponse:
    """To *Vandaag* when signed in, else to the sign-in page."""
    where = "vandaag" if await signed(request) is not None else "aanmelden"
    raise web.HTTPSeeOther(f"{root_of(request)}desk/{where}")


def _browser(request: web.Request) -> str | None:
    value = request.cookies.get(cookie_names(request.app[CONTEXT].https).browser)
    return value if value and len(value) <= MAX_TOKEN else None


async def sign_in_page(request: web.Request) -> web.StreamResponse:
    """The box for an e-mail address or a staff id; sets the browser's cookie if it has none."""
    if await signed(request) is not None:
        raise web.HTTPSeeOther(f"{root_of(request)}desk/vandaag")
    https = request.app[CONTEXT].https
    browser = _browser(request) or sessions.new_secret()
    reader = browser_reader(request)
    values = {"csrf": csrf_token(browser), "signed_out": request.query.get("uit") == "1"}
    response = desk_render(request, "desk/sign_in.html", reader, values)
    set_cookie(response, https, cookie_names(https).browser, browser)
    return response


async def ask_for_link(request: web.Request) -> web.Response:
    """The same neutral answer for anything typed, at once; the link for the one person it
    names is looked up and planned beside the answer (:func:`_send_link`), so that neither the
    page nor the time it takes says whether anyone was found."""
    context = request.app[CONTEXT]
    reader = browser_reader(request)
    browser = _browser(request)
    form = await check_form(request, browser)
    if form is None or browser is None:
        return forbidden(request, reader)
    who = str(form.get("who", ""))
    base_url = context.base_url or f"{request.scheme}://{request.host}"
    task = asyncio.ensure_future(_send_link(request.app, who, browser, base_url))
    context.pending.add(task)  # the server waits for it at a stop
    task.add_done_callback(context.pending.discard)
    return desk_render(request, "desk/link_sent.html", reader)


async def _send_link(app: web.Application, who: str, browser: str, base_url: str) -> None:
    """Plan the sign-in link for the staff member ``who`` names, if any, and tell the running
    bot to send it at once. Its failures are logged (never what was typed, nor the link)."""
    context = app[CONTEXT]
    desk = app[DESK]
    try:
        async with context.engine.begin() as conn:
            asker = await sessions.find_staff(conn, who)
            sent = asker is not None and await sessions.ask(
                conn,
                asker,
                browser,
                base_url=base_url,
                now=context.clock.now(),
                lifetimes=desk.lifetimes,
                channels=context.channels,
            )
    except OperationalError as err:  # SQLite's write lock, held by a long import
        log.warning("a desk sign-in link could not be stored now: %s", type(err.orig).__name__)
        return
    except Exception:
        log.exception("a desk sign-in link could not be planned")
        return
    if sent:
        tell(context)


async def open_link(request: web.Request) -> web.StreamResponse:
    """A new session for the link's staff member, in the browser that asked for it."""
    context = request.app[CONTEXT]
    desk = request.app[DESK]
    https = context.https
    token = request.match_info["token"]
    browser = _browser(request)
    session: str | None = None
    if browser is not None and len(token) <= MAX_TOKEN:
        now = context.clock.now()
        try:
            async with context.engine.begin() as conn:
                staff_id = await sessions.redeem(conn, token, browser, now)
                if staff_id is not None:
                    old = request.cookies.get(cookie_names(https).session)
                    if old:
                        await sessions.end(conn, old, now)
                    session = await sessions.open_session(conn, staff_id, now, desk.lifetimes)
        except OperationalError:  # SQLite's write lock: nothing was used, the link still works
            return desk_render(request, "desk/busy.html", browser_reader(request), status=503)
    if session is None:
        return desk_render(request, "desk/link_gone.html", browser_reader(request), status=404)
    response = web.HTTPSeeOther(f"{root_of(request)}desk/vandaag")
    set_cookie(response, https, cookie_names(https).session, session)
    raise response


async def sign_out(request: web.Request) -> web.StreamResponse:
    """The session ends on the server; the browser forgets its cookie."""
    context = request.app[CONTEXT]
    https = context.https
    session = request.cookies.get(cookie_names(https).session)
    if await check_form(request, session) is None or session is None:
        return forbidden(request, browser_reader(request))
    try:
        async with context.engine.begin() as conn:
            await sessions.end(conn, session, context.clock.now())
    except OperationalError:  # SQLite's write lock: still signed in, try again
        return desk_render(request, "desk/busy.html", browser_reader(request), status=503)
    response = web.HTTPSeeOther(f"{root_of(request)}desk/aanmelden?uit=1")
    clear_cookie(response, https, cookie_names(https).session)
    raise response

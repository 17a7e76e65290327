"""What every desk page shares: its templates and catalogs (gettext domain ``desk``), the two
cookies, the CSRF token of every form, and :func:`signed_in`, which every page handler goes
through: no session, no page; a page the viewer may not open, the same 404 as a page that does
not exist (:mod:`bot.web.desk.access` decides).

**Cookies.** ``browser`` (``gemist_desk_browser``) is a random value set when the sign-in page
is shown: the link Gemist sends works only in the browser that has it, and it keys the sign-in
form's CSRF token. ``session`` (``gemist_desk``) holds the session's id after sign-in. Both are
``HttpOnly``, ``SameSite=Lax``, and ``Secure`` with the ``__Host-`` prefix when the public address
is https (bound to this host, path ``/``, never sent over plain http). Neither carries anything
but a random value; the database keeps only their hashes.

**CSRF.** A form's token is the SHA-256 of the cookie it belongs to (the session's, or before
sign-in the browser's) with a label: another site can neither read the cookie nor the page, so
it cannot make the token. A ``POST`` without the right one gets the 403 page and changes
nothing (:func:`check_form`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web
from babel.dates import format_date, format_datetime, format_time
from sqlalchemy.exc import OperationalError

from bot.web.base import CONTEXT, root_of
from bot.web.desk import sessions
from bot.web.desk.access import Page, Viewer, may, pages_of
from bot.web.i18n import Reader, WebCatalogs, browser_language
from messages import SOURCE_LANGUAGE, STAFF_LANGUAGES, TEMPLATES, Audience, button_label

__all__ = [
    "DESK",
    "DOMAIN",
    "Desk",
    "Signed",
    "check_form",
    "cookie_names",
    "csrf_token",
    "desk_render",
    "not_found",
    "signed_in",
]

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
DOMAIN = "desk"
DESK_TAG = "desk"
"""How a decision made on the desk names where it came from: ``desk:S02``, beside the chat's
``telegram:S02`` (an erasure of the staff member blots both)."""
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def D_(text: str) -> str:
    """Marks a desk text for extraction (``-k D_``); it is translated where it is shown."""
    return text


def desk_templates() -> jinja2.Environment:
    """The desk's templates: autoescaped, strict about undefined names, loaded once."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


@dataclass(slots=True)
class Desk:
    """The desk's part of the application (kept under :data:`DESK`)."""

    lifetimes: sessions.Lifetimes = field(default_factory=sessions.Lifetimes)
    catalogs: WebCatalogs = field(default_factory=lambda: WebCatalogs(domain=DOMAIN))
    templates: jinja2.Environment = field(default_factory=desk_templates)


DESK = web.AppKey("gemist.desk", Desk)


@dataclass(frozen=True, slots=True)
class CookieNames:
    browser: str
    session: str


def cookie_names(https: bool) -> CookieNames:
    """The cookies' names: with the ``__Host-`` prefix behind https."""
    prefix = "__Host-" if https else ""
    return CookieNames(f"{prefix}gemist_desk_browser", f"{prefix}gemist_desk")


def set_cookie(response: web.StreamResponse, https: bool, name: str, value: str) -> None:
    """A desk cookie: for the browser's session only (no ``Max-Age``), path ``/``."""
    response.set_cookie(name, value, path="/", httponly=True, secure=https, samesite="Lax")


def clear_cookie(response: web.StreamResponse, https: bool, name: str) -> None:
    response.del_cookie(name, path="/", secure=https, httponly=True, samesite="Lax")


def csrf_token(secret: str) -> str:
    """The forms' token for the cookie value ``secret``."""
    return hashlib.sha256(f"gemist.desk.csrf:{secret}".encode()).hexdigest()


async def check_form(request: web.Request, secret: str | None) -> Mapping[str, Any] | None:
    """The posted form when its ``csrf`` field is the token of ``secret``; None otherwise."""
    form = await request.post()
    sent = form.get("csrf")
    if not secret or not isinstance(sent, str):
        return None
    return form if hmac.compare_digest(sent, csrf_token(secret)) else None


def reader_for(desk: Desk, lang: str) -> Reader:
    """A staff member's reader: Dutch, French or English (the staff languages)."""
    return Reader.of(desk.catalogs, lang if lang in STAFF_LANGUAGES else SOURCE_LANGUAGE)


def browser_reader(request: web.Request) -> Reader:
    """The reader of a page for someone not signed in: the browser's staff language."""
    lang = browser_language(request.headers.get("Accept-Language"))
    return reader_for(request.app[DESK], lang)


def desk_render(
    request: web.Request,
    template: str,
    reader: Reader,
    values: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
) -> web.Response:
    """A desk page in ``reader``'s language; dates and times with Babel, in the school's zone."""
    context = request.app[CONTEXT]
    desk = request.app[DESK]
    tz = context.clock.tz
    lang = reader.lang

    def day(value: dt.date) -> str:
        return format_date(value, "EEE d MMM", locale=lang)

    def moment(value: dt.datetime) -> str:
        return format_datetime(value.astimezone(tz), "EEE d MMM HH:mm", locale=lang)

    def hour(value: dt.datetime) -> str:
        return format_time(value.astimezone(tz), "HH:mm", locale=lang)

    page = desk.templates.get_template(template).render(
        {
            "title": "Gemist",
            "root": root_of(request),
            "viewer": None,
            "nav": (),
            "current": "",
            "csrf": "",
            "day": day,
            "moment": moment,
            "hour": hour,
            "answered": lambda role, answer: answer_words(role, answer, lang, day),
            "kinds": KINDS,
            "roles": ROLES,
            "statuses": STATUSES,
            "import_kinds": IMPORT_KINDS,
            "run_statuses": RUN_STATUSES,
            "reasons": REASONS,
            "channel_names": CHANNEL_NAMES,
            **reader.context(),
            **(values or {}),
        }
    )
    return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")


KINDS: Mapping[str, str] = {
    "pupil_checkin": D_("vraag aan de leerling"),
    "guardian_notice": D_("vraag aan de ouders"),
    "guardian_care": D_("bericht van betrokkenheid"),
    "guardian_correction": D_("rechtzetting aan de ouders"),
    "pupil_correction": D_("excuus aan de leerling"),
    "teacher_welcome": D_("herinnering warm onthaal"),
    "coordinator_nudge": D_("melding voor de spilfiguur"),
    "coordinator_digest": D_("dagoverzicht"),
    "coordinator_forward": D_("doorgestuurd bericht"),
    "hold_alert": D_("melding van een massale afwezigheid"),
}
"""A message's kind in words (``outreach.kind``)."""
ROLES: Mapping[str, str] = {
    "pupil": D_("leerling"),
    "guardian": D_("ouder"),
    "teacher": D_("leerkracht"),
    "coordinator": D_("spilfiguur"),
    "staff": D_("personeel"),
}
"""Who a message went to, or who answered."""
STATUSES: Mapping[str, str] = {
    "planned": D_("gepland"),
    "sending": D_("wordt verstuurd"),
    "sent": D_("verstuurd"),
    "failed": D_("niet afgeleverd"),
    "expired": D_("niet meer verstuurd (te laat)"),
    "cancelled": D_("geannuleerd"),
    "dead": D_("niet afgeleverd na herhaalde pogingen"),
    "withdrawn": D_("niet meer nodig"),
}
"""A message's status in words."""
IMPORT_KINDS: Mapping[str, str] = {
    "roster": D_("leerlingen en personeel"),
    "absences": D_("afwezigheden"),
}
"""What an import brought in (``import_run.kind``)."""
RUN_STATUSES: Mapping[str, str] = {
    "running": D_("bezig"),
    "ok": D_("gelukt"),
    "partial": D_("gelukt, met geweigerde rijen"),
    "unusable": D_("niets ingevoerd: de bron was onbruikbaar"),
    "failed": D_("mislukt"),
    "interrupted": D_("onderbroken: niets ingevoerd"),
}
"""How an import ended (``import_run.status``)."""
REASONS: Mapping[str, str] = {
    "no_contact": D_("geen contactgegevens"),
    "invitation_unused": D_("uitnodiging nog niet gebruikt"),
    "bounced": D_("adres werkt niet"),
    "blocked": D_("heeft Gemist geblokkeerd"),
    "unsubscribed": D_("heeft zich afgemeld"),
}
"""Why a person is not reached (:data:`bot.desk.reach.REASONS`), in words."""
REMEDY_WORDS: Mapping[str, str] = {
    "correct_address": D_("Verbeter het adres in het programma van de school en voer opnieuw in."),
    "add_address": D_("Vraag een adres en zet het in het programma van de school."),
    "print_letter": D_("Geef een uitnodigingsbrief mee:"),
    "talk_in_person": D_("Hun eigen keuze: spreek hen persoonlijk aan."),
}
"""What the school can do about it (:data:`bot.desk.reach.REMEDIES`), in words."""
CHANNEL_NAMES: Mapping[str, str] = {
    "telegram": "Telegram",
    "email": D_("e-mail"),
    "smartschool": "Smartschool",
}


def _quick_replies() -> dict[tuple[str, str], str]:
    """Per (sender role, answer key), the first template of that audience with the button."""
    found: dict[tuple[str, str], str] = {}
    for template in TEMPLATES.values():
        if template.audience in (Audience.PUPIL, Audience.GUARDIAN):
            for button in template.buttons:
                found.setdefault((template.audience.value, button.key), template.id)
    return found


_QUICK_REPLIES = _quick_replies()


def answer_words(role: str, answer: str, lang: str, day: Callable[[dt.date], str]) -> str:
    """An answer as the reader of ``lang`` understands it: the words of the button that was
    tapped (with its day, for "I know when"), or the person's own words as they wrote them."""
    key, _, value = answer.partition(":")
    template = _QUICK_REPLIES.get((role, key))
    if template is None:
        return answer
    label = button_label(template, key, lang)
    if value:
        try:
            return f"{label}: {day(dt.date.fromisoformat(value))}"
        except ValueError:
            return answer
    return label


@dataclass(frozen=True, slots=True)
class Signed:
    """A request of a signed-in staff member: who, their reader, their session's form token."""

    viewer: Viewer
    reader: Reader
    csrf: str

    def values(self, current: Page | str) -> dict[str, Any]:
        """What the layout shows: the navigation of the pages the viewer may open."""
        return {
            "viewer": self.viewer,
            "nav": [(page.value, NAV_LABELS[page]) for page in pages_of(self.viewer)],
            "current": str(current),
            "csrf": self.csrf,
        }


NOT_FOUND = D_("Niet gevonden")
NAV_LABELS: Mapping[Page, str] = {
    Page.TODAY: D_("Vandaag"),
    Page.FOLLOW_UP: D_("Opvolging"),
    Page.PUPIL: D_("Leerling"),
    Page.RULES: D_("Regels"),
    Page.REACH: D_("Bereik"),
    Page.IMPORTS: D_("Invoer"),
    Page.QUEUE: D_("Wachtrij"),
}


async def signed(request: web.Request) -> Signed | None:
    """The signed-in staff member of the request's session cookie, now; None without one."""
    context = request.app[CONTEXT]
    desk = request.app[DESK]
    session = request.cookies.get(cookie_names(context.https).session)
    if not session:
        return None
    now = context.clock.now()
    async with context.reads.connect() as conn:
        seen = await sessions.viewer_of(conn, session, now, desk.lifetimes)
    if seen is None:
        return None
    if seen.touch is not None:
        try:
            async with context.engine.begin() as conn:
                await sessions.touch(conn, seen.touch, now)
        except OperationalError:  # SQLite's write lock, held by an import: next time, then
            log.info("a desk session's last use could not be written now")
    return Signed(seen.viewer, reader_for(desk, seen.viewer.lang), csrf_token(session))


def to_sign_in(request: web.Request) -> web.Response:
    """The way to the sign-in page, for a request without a (live) session."""
    raise web.HTTPSeeOther(f"{root_of(request)}desk/aanmelden")


def not_found(request: web.Request, who: Signed) -> web.Response:
    """The page for a page or pupil that does not exist, or is not the viewer's: the same."""
    values = {**who.values(""), "title": who.reader.gettext(NOT_FOUND)}
    return desk_render(request, "desk/not_found.html", who.reader, values, status=404)


def forbidden(request: web.Request, reader: Reader, who: Signed | None = None) -> web.Response:
    """A form sent without its token (another site's, or an old page): nothing was done."""
    values = who.values("") if who is not None else {}
    return desk_render(request, "desk/forbidden.html", reader, values, status=403)


SignedHandler = Callable[[web.Request, Signed], Awaitable[web.StreamResponse]]


def signed_in(page: Page) -> Callable[[SignedHandler], Handler]:
    """A page handler for signed-in staff who may open ``page`` (a ``POST`` also needs its
    form's token); anyone else is sent to sign in, or gets the 404 page."""

    def wrap(handler: SignedHandler) -> Handler:
        async def handle(request: web.Request) -> web.StreamResponse:
            who = await signed(request)
            if who is None:
                return to_sign_in(request)
            if not may(who.viewer, page):
                return not_found(request, who)
            if request.method == "POST":
                session = request.cookies.get(cookie_names(request.app[CONTEXT].https).session)
                if await check_form(request, session) is None:
                    return forbidden(request, who.reader, who)
            return await handler(request, who)

        handle.__name__ = handler.__name__
        handle.__doc__ = handler.__doc__
        return handle

    return wrap

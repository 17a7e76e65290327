"""What every page shares: the running bot's :class:`WebContext` (kept in the application
under :data:`CONTEXT`), the templates (Jinja2, autoescaped everywhere, in the reader's
language: :mod:`bot.web.i18n`), and the neutral page of a link that does not work."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import jinja2
from aiohttp import web
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import HelpLines
from bot.contacts import DEFAULT_ORDER, ChannelOrder
from bot.engine.window import Window
from bot.links import LinkSigner
from bot.rules import Rules
from bot.translation import Translator
from bot.web.i18n import Reader, WebCatalogs, browser_language, direction
from messages import Overrides, Rendered
from scheduler.calendar import SchoolCalendar
from scheduler.clock import Clock

__all__ = [
    "CONTEXT",
    "HERE",
    "News",
    "RulePreviews",
    "WebContext",
    "busy",
    "chosen_day",
    "neutral",
    "parts",
    "render",
    "root_of",
    "tell",
    "templates",
]

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
RETURN_WITHIN = dt.timedelta(days=60)
"""How far ahead a chosen return day may be."""
News = Callable[[], Awaitable[None]]


class RulePreviews(Protocol):
    """The preview of a rule change (:class:`bot.rulebook.preview.SchoolPreviews`), handed in
    by the command that serves the pages: the web application does not import the replay."""

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]: ...

    async def run(
        self, live: AsyncEngine, current: Rules, proposed: Rules, start: dt.date, end: dt.date
    ) -> Any: ...


@dataclass(slots=True)
class WebContext:
    """What the pages need from the running bot."""

    engine: AsyncEngine
    """Where the pages write (answers, words, unsubscribes), waiting for SQLite's lock."""
    clock: Clock
    signer: LinkSigner
    calendar: SchoolCalendar
    window: Window
    """The school's sending hours: the thanks say when a person will read what was said."""
    https: bool = True
    base_url: str | None = None
    """The application's public address (``web_url``): the desk's sign-in links start with it.
    None: the address the request came to (tests, a local demo)."""
    overrides: Overrides | None = None
    help_lines: HelpLines = field(default_factory=HelpLines)
    channels: ChannelOrder = DEFAULT_ORDER
    translator: Translator | None = None
    """The school's engine for a family's words (``translation_engine``); None: none."""
    news: News | None = None
    """Someone answered: the service plans and sends at once (:meth:`bot.service.Service.news`)."""
    catalogs: WebCatalogs = field(default_factory=WebCatalogs)
    templates: jinja2.Environment = field(default_factory=lambda: templates())
    reader: AsyncEngine | None = None
    """Where the pages look a link's message up (:func:`bot.db.connect_reader`); ``engine``
    when None. Disposed with the application."""
    pending: set[asyncio.Task[None]] = field(default_factory=set)
    """The :attr:`news` still running, waited for when the server stops."""
    rules: Rules = field(default_factory=Rules.default)
    """The rules file's rules (the defaults without one): in force while no version of the
    rules is saved (:mod:`bot.rulebook.versions`; *Regels* reads the version in force)."""
    previews: RulePreviews | None = None
    """The preview of a rule change on the desk's *Regels* page; None: not offered."""

    @property
    def reads(self) -> AsyncEngine:
        return self.reader if self.reader is not None else self.engine


CONTEXT = web.AppKey("gemist.web", WebContext)


def templates() -> jinja2.Environment:
    """The pages' templates: autoescaped, strict about undefined names, loaded once (they
    ship with Gemist: no file is looked at again while it runs)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


def root_of(request: web.Request) -> str:
    """The way back to the application's root from the page's path, relative (``../``), so that
    the pages work under any prefix a reverse proxy puts in front (``/gemist/a/...``)."""
    depth = max(request.path.count("/") - 1, 0)
    return "../" * depth or "./"


def render(
    request: web.Request,
    template: str,
    reader: Reader,
    values: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
) -> web.Response:
    """A page in ``reader``'s language."""
    context = request.app[CONTEXT]
    page = context.templates.get_template(template).render(
        {
            "title": "Gemist",
            "school": "",
            "root": root_of(request),
            **reader.context(),
            **(values or {}),
        }
    )
    return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")


def neutral(request: web.Request, status: int = 404) -> web.Response:
    """The page for a link that does not work, whatever the reason, in the browser's language:
    it says nothing of the link, its message or its person."""
    context = request.app[CONTEXT]
    lang = browser_language(request.headers.get("Accept-Language"))
    return render(request, "gone.html", Reader.of(context.catalogs, lang), status=status)


def parts(rendered: Rendered) -> list[dict[str, str]]:
    """A rendered text per language (a guardian's language, then Dutch), with its direction."""
    if not rendered.parts:
        lang = rendered.lang.split("+")[0]
        return [{"lang": lang, "dir": direction(lang), "text": rendered.text}]
    return [{"lang": p.lang, "dir": direction(p.lang), "text": p.text} for p in rendered.parts]


def tell(context: WebContext) -> None:
    """The service plans and sends at once, beside the page (its errors are its own)."""
    if context.news is None:
        return
    task = asyncio.ensure_future(context.news())
    context.pending.add(task)
    task.add_done_callback(context.pending.discard)


def busy(request: web.Request, reader: Reader, err: OperationalError) -> web.Response:
    """The database cannot be written now (an import holds SQLite's lock): nothing was
    stored, and the person is asked to try again in a minute."""
    log.warning("a page could not store: %s", type(err.orig).__name__ if err.orig else "error")
    response = render(request, "busy.html", reader, status=503)
    response.headers["Retry-After"] = "60"
    return response


def chosen_day(context: WebContext, text: str) -> dt.date | None:
    """The return day chosen on a page: a school day from today, not too far ahead (the
    offered days shift as days pass)."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    today = context.clock.today()
    if not today <= day <= today + RETURN_WITHIN or not context.calendar.is_school_day(day):
        return None
    return day

"""Gemist's web application (aiohttp): the pages behind the answer links of a message on a
channel without buttons (:mod:`bot.web.pages`), a health check, and the coordinator's desk
for the school's staff (:mod:`bot.web.desk`).

- :func:`~bot.web.app.create_app` builds the application over a
  :class:`~bot.web.base.WebContext` (:func:`web_context` makes one from the settings);
- :class:`~bot.web.server.WebServer` serves it on ``web_host:web_port``, behind the school's
  reverse proxy, for ``gemist web`` and inside ``gemist run``;
- :mod:`bot.web.i18n`: the pages' language (their own gettext domain, ``web``);
- :mod:`bot.web.security`: the headers of every response, and an access log without tokens.

Pages write only through :mod:`bot.answers` and :mod:`bot.contacts`, as the chat does.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.contacts import ChannelOrder
from bot.db import connect_reader
from bot.engine.window import Window
from bot.links import LinkSigner
from bot.rules import Rules
from bot.translation import Translator
from bot.web.app import create_app
from bot.web.base import News, RulePreviews, WebContext
from bot.web.server import WebServer
from scheduler.calendar import SchoolCalendar
from scheduler.clock import Clock

__all__ = ["WebContext", "WebServer", "create_app", "web_context", "web_server"]


def web_context(
    settings: Settings,
    *,
    engine: AsyncEngine,
    clock: Clock,
    signer: LinkSigner,
    rules: Rules,
    calendar: SchoolCalendar,
    channels: ChannelOrder | None = None,
    news: News | None = None,
    translator: Translator | None = None,
    previews: RulePreviews | None = None,
) -> WebContext:
    """The pages' context for the school of ``settings``."""
    return WebContext(
        engine=engine,
        reader=connect_reader(engine),
        clock=clock,
        signer=signer,
        calendar=calendar,
        window=Window(rules.delivery, calendar, clock.tz),
        https=(settings.web_url or "").startswith("https://"),
        base_url=settings.web_url,
        overrides=settings.messages,
        help_lines=settings.help,
        channels=channels or settings.channel_order(),
        news=news,
        translator=translator,
        rules=rules,
        previews=previews,
    )


def web_server(settings: Settings, context: WebContext) -> WebServer:
    """The application over ``context`` on the settings' address and port."""
    return WebServer(create_app(context), settings.web_host, settings.web_port)

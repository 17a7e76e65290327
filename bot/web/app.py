"""The application factory: one :class:`aiohttp.web.Application` for ``gemist web``, for
``gemist run`` (in the same loop: :class:`~bot.web.server.WebServer`) and for tests (aiohttp's
test client). The coordinator's desk (:mod:`bot.web.desk`) has its routes in the same
application.

Every response carries the headers of :mod:`bot.web.security`; a path or a method that does not
exist gets the neutral page, never aiohttp's own text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.web import desk, pages
from bot.web.base import CONTEXT, HERE, WebContext, neutral
from bot.web.security import add_headers

__all__ = ["create_app", "health", "no_icon"]

MAX_BODY = 64 * 1024
"""The largest request body: a few words, or the one-click unsubscribe's form."""


def create_app(context: WebContext) -> web.Application:
    """The web application over ``context``."""
    app = web.Application(middlewares=[neutral_errors], client_max_size=MAX_BODY)
    app[CONTEXT] = context
    app.on_response_prepare.append(add_headers(https=context.https))  # type: ignore[arg-type]
    app.router.add_get("/health", health, name="health")
    app.router.add_get("/favicon.ico", no_icon, name="favicon")
    pages.add_routes(app.router)
    desk.add_routes(app)
    app.router.add_static("/static/", HERE / "static", name="static", append_version=False)
    app.on_cleanup.append(_close_reader)
    return app


async def _close_reader(app: web.Application) -> None:
    context = app[CONTEXT]
    if context.reader is not None and context.reader is not context.engine:
        await context.reader.dispose()


async def no_icon(request: web.Request) -> web.Response:
    """Browsers ask for ``/favicon.ico`` on their own: no icon, and nothing to log as missing."""
    return web.Response(status=204)


async def health(request: web.Request) -> web.Response:
    """For the reverse proxy and the operator's monitoring: the database answers."""
    context = request.app[CONTEXT]
    try:
        async with context.engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
    except Exception:
        return web.json_response({"status": "unavailable"}, status=503)
    return web.json_response({"status": "ok"})


@web.middleware
async def neutral_errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """A path or a method that does not exist gets the neutral page, not aiohttp's own text."""
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return neutral(request)
    except web.HTTPMethodNotAllowed as err:
        response = neutral(request, status=405)
        response.headers["Allow"] = ", ".join(sorted(err.allowed_methods))
        return response

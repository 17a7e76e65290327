"""What every response carries, and what the access log keeps.

- The headers of :data:`HEADERS` on every response, pages, errors and the stylesheet alike
  (added as a response is prepared, so that no handler can forget them): a Content Security
  Policy that allows no script at all and only the application's own stylesheet and forms,
  ``Referrer-Policy: no-referrer`` (a link's token never leaves in a ``Referer``), no MIME
  sniffing, no framing (``X-Frame-Options`` and ``frame-ancestors``), nothing cached (a page
  says what a family answered), and no indexing.
- ``Strict-Transport-Security`` when the public address is https.
- The access log names the route, never the path: a token in the log would be a working link
  in the hands of whoever reads it (:class:`RouteAccessLogger`).
"""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

__all__ = ["HEADERS", "RouteAccessLogger", "add_headers"]

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Robots-Tag": "noindex, nofollow",
}
HSTS = "max-age=31536000"


def add_headers(*, https: bool) -> object:
    """The ``on_response_prepare`` signal handler that sets :data:`HEADERS` (and HSTS when
    the public address is https)."""

    async def on_prepare(_request: web.Request, response: web.StreamResponse) -> None:
        response.headers.update(HEADERS)
        if https:
            response.headers["Strict-Transport-Security"] = HSTS

    return on_prepare


class RouteAccessLogger(AbstractAccessLogger):
    """One line per request: method, the route's pattern (``/a/{token}``, never the token),
    status and time taken. A path that matched no route is logged as ``-``."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        route = "-"
        match_info = getattr(request, "match_info", None)
        if match_info is not None and match_info.route.resource is not None:
            route = match_info.route.resource.canonical
        self.logger.info("%s %s %s %.1f ms", request.method, route, response.status, time * 1000)

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)

"""Receiving Telegram's updates as HTTP POSTs (webhook mode), on aiohttp.

Telegram sends each update to the URL given to ``setWebhook``, with the secret token given
there in the ``X-Telegram-Bot-Api-Secret-Token`` header. Anyone who finds the URL can POST to
it, so an update counts only with that header, compared in constant time
(:func:`hmac.compare_digest`): a wrong or missing one gets ``403`` and nothing is read. A body
that is not an update gets ``400``. An accepted update is put on the application's queue and
answered ``200`` at once: Telegram waits for the answer before it sends the next update, and
would send the same one again after a time-out.
"""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from telegram import Update
from telegram.ext import Application

__all__ = ["SECRET_HEADER", "WebhookServer"]

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_MAX_BODY = 1 << 20  # Telegram's updates are a few kilobytes


class WebhookServer:
    """An aiohttp server that hands Telegram's updates to ``application``."""

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        *,
        secret: str,
        path: str = "/telegram",
    ) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret token")
        self._application = application
        self._secret = secret.encode()
        self._path = path
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self, host: str, port: int) -> None:
        app = web.Application(client_max_size=_MAX_BODY)
        app.router.add_post(self._path, self.receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        log.info("webhook: listening on %s:%d%s", host, self.port, self._path)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def receive(self, request: web.Request) -> web.Response:
        """One update from Telegram."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("webhook: a request without the right secret token was refused")
            return web.Response(status=403)
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, self._application.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400)
        if update is None:
            return web.Response(status=400)
        await self._application.update_queue.put(update)
        return web.Response()

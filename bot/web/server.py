"""The web application served on ``web_host:web_port``: on its own (``gemist web``) or inside
``gemist run``, in the same loop as the bot, as one of the service's ways in
(:class:`~bot.service.Inbound`): started after the service, and at the stop it takes no new
request, finishes the ones it has and waits for what they set off (the service's
:meth:`~bot.service.Service.news`) before the service stops."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.web.base import CONTEXT
from bot.web.security import RouteAccessLogger

__all__ = ["ACCESS_LOG", "WebServer"]

ACCESS_LOG = logging.getLogger("bot.web.access")
SHUTDOWN_SECONDS = 10.0
"""How long the requests in flight get to finish at a stop."""


class WebServer:
    """``app`` listening on ``host:port`` (port 0: any free one, see :attr:`port`)."""

    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self._port = port
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int:
        """The port it listens on (the one the system gave, for port 0)."""
        if self._runner is not None:
            for address in self._runner.addresses:
                if isinstance(address, tuple) and len(address) >= 2:
                    return int(address[1])
        return self._port

    async def start(self) -> None:
        runner = web.AppRunner(
            self.app,
            access_log_class=RouteAccessLogger,
            access_log=ACCESS_LOG,
            shutdown_timeout=SHUTDOWN_SECONDS,
            handle_signals=False,
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self._port).start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner

    async def stop_receiving(self) -> None:
        """No new request; the ones in flight finish, then what they set off."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
        pending = list(self.app[CONTEXT].pending)
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    async def close(self) -> None:
        await self.stop_receiving()

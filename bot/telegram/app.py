"""The python-telegram-bot ``Application`` inside Gemist's own event loop.

``run_polling()`` would own the loop and the signals; Gemist already runs its scheduler on the
loop, so the application is driven by hand (:class:`TelegramBot`): ``initialize``, then either
long polling (``Updater.start_polling``) or a webhook, then ``start``; and the reverse on the way
out. PTB's own ``JobQueue`` is left out: the service's APScheduler is the one scheduler.

Long polling is the default: one process, nothing to open to the internet. A deployment with
several workers uses a webhook instead (only one process may poll a token): Telegram POSTs each
update to ``webhook_url``, which an aiohttp server (:mod:`bot.telegram.webhook`) receives,
checking Telegram's ``X-Telegram-Bot-Api-Secret-Token`` header in constant time.

The bot passed in may be the one the outbox sends with (``gemist run``): closing the
application closes it, so :meth:`TelegramBot.stop_receiving` and :meth:`TelegramBot.close` are
separate steps, with the service's own stop between them (:meth:`bot.service.Service.run`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ExtBot

from bot.telegram.conversation import Conversation
from bot.telegram.webhook import WebhookServer

__all__ = ["ALLOWED_UPDATES", "TelegramBot", "Webhook"]

log = logging.getLogger(__name__)

POLL_TIMEOUT = dt.timedelta(seconds=10)
"""How long one ``getUpdates`` waits for news; stopping waits for the one in flight."""
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
]
"""The updates Gemist asks Telegram for: what people type, what they correct afterwards, their
taps, and the bot blocked (or unblocked) in a chat."""


@dataclass(frozen=True, slots=True)
class Webhook:
    """Where Telegram sends updates, and where this process listens for them."""

    url: str
    """The public HTTPS address Telegram POSTs to (a reverse proxy passes it on)."""
    secret: str = field(repr=False)
    """Telegram repeats it in ``X-Telegram-Bot-Api-Secret-Token``: 1-256 of ``A-Za-z0-9_-``."""
    listen: str = "127.0.0.1"
    port: int = 8443
    path: str = "/telegram"


class TelegramBot:
    """The bot's conversations, receiving updates by long polling or through a webhook."""

    def __init__(
        self,
        bot: ExtBot[None],
        conversation: Conversation,
        *,
        webhook: Webhook | None = None,
        poll_timeout: dt.timedelta = POLL_TIMEOUT,
    ) -> None:
        builder = ApplicationBuilder().bot(bot).job_queue(None)
        if webhook is not None:
            builder = builder.updater(None)
        self.application: Application = builder.build()  # type: ignore[type-arg]
        conversation.install(self.application)
        self.conversation = conversation
        self.webhook = webhook
        self.poll_timeout = poll_timeout
        self._server: WebhookServer | None = None

    async def start(self) -> None:
        """Receive updates from now on."""
        app = self.application
        await app.initialize()
        if self.webhook is None:
            assert app.updater is not None
            # start_polling deletes a webhook left from an earlier webhook deployment first.
            await app.updater.start_polling(
                timeout=self.poll_timeout, allowed_updates=ALLOWED_UPDATES
            )
        else:
            self._server = WebhookServer(app, secret=self.webhook.secret, path=self.webhook.path)
            await self._server.start(self.webhook.listen, self.webhook.port)
            await app.bot.set_webhook(
                self.webhook.url,
                secret_token=self.webhook.secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        await app.start()
        self.conversation.inbox.resume()  # answers an earlier run left in the inbox
        log.info("telegram: %s", "polling" if self.webhook is None else "webhook")

    async def stop_receiving(self) -> None:
        """Stop receiving, and finish the updates in hand and the planner work they set off
        (:meth:`Conversation.settled`); the bot can still send (the outbox uses it too)."""
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if self._server is not None:
            await self._server.stop()
            self._server = None
        if app.running:
            await app.stop()
        await self.conversation.settled()
        await self.conversation.inbox.close()  # what it still holds waits for the next start

    async def close(self) -> None:
        """Close the application and its bot's connections; after :meth:`stop_receiving`."""
        await self.application.shutdown()

    async def stop(self) -> None:
        """Stop receiving, finish the updates in hand, and close the application."""
        await self.stop_receiving()
        await self.close()

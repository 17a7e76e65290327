"""The Telegram channel as a plug-in: its settings, what it can do, and its factory.

Its settings keep the keys a school already has: ``telegram_token``, ``telegram_api_url`` and
``telegram_bot`` at the top of the configuration file (or ``GEMIST_TELEGRAM_TOKEN``, ...), or
``token``, ``api_url`` and ``bot`` in a ``[telegram]`` table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, SecretStr, field_validator
from telegram.ext import ExtBot

from bot.outbox import Channel
from bot.outbox.plugin import (
    ChannelContext,
    ChannelPlugin,
    ChannelUnavailable,
    Directory,
    Refusal,
)
from integrations.telegram.callbacks import callback_secret
from integrations.telegram.channel import TelegramChannel
from integrations.telegram.ratelimit import SendBudget, TelegramRateLimiter

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = ["PLUGIN", "TelegramOptions", "TelegramPlugin"]

DEFAULT_API_URL = "https://api.telegram.org"
NO_TOKEN = (
    "no token for Telegram: set GEMIST_TELEGRAM_TOKEN (or telegram_token in the configuration file)"
)


class TelegramOptions(BaseModel):
    """The Telegram channel's settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    token: SecretStr | None = None
    """The bot's token from BotFather; without it the channel cannot be built."""
    api_url: str = DEFAULT_API_URL
    """The Bot API's address (a local Bot API server, or the tests' one)."""
    bot: str | None = None
    """The bot's username, for invitation links."""

    @field_validator("api_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("expected an address like https://api.telegram.org")
        return value.rstrip("/")

    @field_validator("bot")
    @classmethod
    def _username(cls, value: str | None) -> str | None:
        return None if value is None else value.strip().removeprefix("@")


class _Chats:
    """The directory's Telegram side, as the channel asks it (chat ids are numbers there)."""

    def __init__(self, directory: Directory) -> None:
        self._directory = directory

    async def chat_of(self, role: str, person_id: int) -> int | None:
        chat = await self._directory.address_of("telegram", role, person_id)
        return None if chat is None else int(chat)

    async def unlink(self, role: str, person_id: int, why: Refusal = Refusal.BLOCKED) -> None:
        await self._directory.forget("telegram", role, person_id, why)

    async def move(self, role: str, person_id: int, chat_id: int) -> None:
        await self._directory.move("telegram", role, person_id, str(chat_id))


class TelegramPlugin(ChannelPlugin[TelegramOptions]):
    name = "telegram"
    capabilities = TelegramChannel.capabilities
    settings_model = TelegramOptions

    def legacy_options(self, settings: Settings) -> Mapping[str, Any]:
        found: dict[str, Any] = {"api_url": settings.telegram_api_url}
        if settings.telegram_token is not None:
            found["token"] = settings.telegram_token.reveal()
        if settings.telegram_bot is not None:
            found["bot"] = settings.telegram_bot
        return found

    def missing(self, options: TelegramOptions) -> str | None:
        return NO_TOKEN if options.token is None else None

    def build(self, options: TelegramOptions, context: ChannelContext) -> Channel:
        if options.token is None:
            raise ChannelUnavailable(NO_TOKEN)
        token = options.token.get_secret_value()
        budget = context.tuning.get(self.name)
        limiter = TelegramRateLimiter(budget if isinstance(budget, SendBudget) else None)
        client: ExtBot[None] = ExtBot(
            token, base_url=f"{options.api_url}/bot", rate_limiter=limiter
        )
        return TelegramChannel(
            client,
            _Chats(context.directory),
            secret=callback_secret(token),
            budget=limiter.budget,
        )


PLUGIN = TelegramPlugin()
"""What the registry finds, built in and under the entry point ``gemist.channels: telegram``."""

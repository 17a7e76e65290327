"""The Telegram channel: an outreach row becomes one ``sendMessage``, with its quick replies.

Every failure Telegram can answer with becomes a :class:`~bot.outbox.DeliveryOutcome`; what
happens next (wait, try again, give up and tell the coordinator) is the dispatcher's decision:

=====================================  ==========================================================
Telegram says                          outcome
=====================================  ==========================================================
429 Too Many Requests, ``retry_after``  ``retry_after`` (the whole bot waits: :class:`SendBudget`)
403 Forbidden (blocked, deactivated)    ``blocked_by_user``; the chat is unlinked as ``blocked``
403 bot can't initiate conversation,    ``invalid_recipient``; the chat is unlinked as ``bounced``:
bot can't send messages to bots         the person never opened the bot, nobody turned it away
400 chat not found, user not found,     ``invalid_recipient``; the chat is unlinked as ``bounced``:
PEER_ID_INVALID, CHAT_ID_INVALID,       no such chat for this bot (a wrong id in the roster), so
USER_ID_INVALID                         the person is reached on their next channel
400 group upgraded to a supergroup      sent again at once to the new chat, which is stored
400 anything else (too long, ...)       ``failed_permanently``
401 Unauthorized                        ``failed_temporarily`` (a token to fix, not a message)
timeout, network error, 5xx             ``failed_temporarily``
=====================================  ==========================================================

The Bot API answers "chat not found" for a chat id it has no chat for (a private chat with a
person who never opened the bot, an id with a typing error); "user not found" for a user id
that names nobody; and passes Telegram's own codes on for an id it cannot use
("Bad Request: PEER_ID_INVALID"). Each says the id is no good, not that the person turned the
bot away: the contact ends as an e-mail address that bounced does, and the spilfiguur is told
that the address is wrong, not that the bot was blocked.

A timed-out request may have reached Telegram: trying again may then show the message twice.
That is the one duplicate this channel allows, and it is rarer than losing a message would be.
"""

from __future__ import annotations

import re
from typing import Protocol

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ExtBot

from bot.outbox import Capabilities, Channel, DeliveryOutcome, Outgoing
from bot.outbox.plugin import Refusal
from integrations.telegram.callbacks import sign
from integrations.telegram.ratelimit import SendBudget, seconds_of

__all__ = ["ChatDirectory", "TelegramChannel"]

_MAX_DETAIL = 120
MAX_TEXT = 4096
"""The longest text ``sendMessage`` takes, in characters."""
NO_SUCH_CHAT = re.compile(
    r"(chat not found|user not found|peer_id_invalid|chat_id_invalid|user_id_invalid)\b",
    re.IGNORECASE,
)
NEVER_OPENED = re.compile(
    r"(bot can't initiate conversation with a user|bot can't send messages to bots)",
    re.IGNORECASE,
)
"""The Bot API's 403 answers for a chat id of someone who never opened this bot (a roster's
chat id copied from elsewhere) or of another bot: the id is no good for this bot, as with
"chat not found"; the person did not block anything."""
"""The Bot API's 400 answers that say the chat id itself is no good. Matched at the start of
the description as python-telegram-bot gives it (without "Bad Request: "), in any case: it
capitalises the rest ("Peer_id_invalid"), and a proxy may add the request's path after it."""


class ChatDirectory(Protocol):
    """Where the chats of the school's people are kept (the roster in the database)."""

    async def chat_of(self, role: str, person_id: int) -> int | None:
        """The linked chat of the pupil, guardian or staff member, if any."""

    async def unlink(self, role: str, person_id: int, why: Refusal = Refusal.BLOCKED) -> None:
        """Forget the chat: the person blocked the bot or left (``blocked``), or Telegram has
        no such chat (``bounced``: the id is wrong)."""

    async def move(self, role: str, person_id: int, chat_id: int) -> None:
        """The person's group chat became a supergroup with the id ``chat_id``."""


class TelegramChannel(Channel):
    """Sends rendered outreach through ``bot``; ``budget`` is the one of the bot's
    :class:`~integrations.telegram.ratelimit.TelegramRateLimiter`, so that the dispatcher can
    ask which chat is free (:meth:`ready_in`)."""

    # Texts go out as plain text (no parse mode), so no HTML, though Telegram could show it.
    capabilities = Capabilities(buttons=True, html=False, max_length=MAX_TEXT, inbound_answers=True)

    def __init__(
        self,
        bot: ExtBot[None],
        chats: ChatDirectory,
        *,
        secret: bytes,
        budget: SendBudget | None = None,
    ) -> None:
        self._bot = bot
        self._chats = chats
        self._secret = secret
        self._budget = budget
        self._known: dict[tuple[str, int], int] = {}

    @property
    def bot(self) -> ExtBot[None]:
        """The client it sends with; the conversations receive with the same one."""
        return self._bot

    @property
    def secret(self) -> bytes:
        """Signs the buttons it sends; the conversations check the taps with it."""
        return self._secret

    async def __aenter__(self) -> TelegramChannel:
        # Asks Telegram who the bot is: InvalidToken or NetworkError here, at start-up; the
        # client's own context closes its connections when that fails.
        await self._bot.__aenter__()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self._bot.__aexit__(None, None, None)

    def ready_in(self, message: Outgoing) -> float:
        if self._budget is None:
            return 0.0
        return self._budget.ready_in(
            self._known.get((message.recipient_role, message.recipient_id))
        )

    async def deliver(self, message: Outgoing) -> DeliveryOutcome:
        if not message.text:
            return DeliveryOutcome.failed_permanently("no text: the message was not rendered")
        person = (message.recipient_role, message.recipient_id)
        chat = await self._chats.chat_of(*person)
        if chat is None:
            self._known.pop(person, None)
            return DeliveryOutcome.invalid_recipient("no linked Telegram chat")
        self._known[person] = chat
        try:
            return await self._send(message, chat)
        except ChatMigrated as moved:
            await self._chats.move(*person, moved.new_chat_id)
            self._known[person] = moved.new_chat_id
            try:
                return await self._send(message, moved.new_chat_id)
            except TelegramError as err:
                return await self._failed(person, err)
        except TelegramError as err:
            return await self._failed(person, err)

    async def _send(self, message: Outgoing, chat: int) -> DeliveryOutcome:
        await self._bot.send_message(
            chat, message.text or "", reply_markup=self._keyboard(message, chat)
        )
        return DeliveryOutcome.sent()

    def _keyboard(self, message: Outgoing, chat: int) -> InlineKeyboardMarkup | None:
        """One button a row: the labels are whole sentences in some languages."""
        if not message.buttons:
            return None
        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        label, callback_data=sign(self._secret, message.id, key, chat)
                    )
                ]
                for key, label in message.buttons
            ]
        )

    async def _failed(self, person: tuple[str, int], err: TelegramError) -> DeliveryOutcome:
        # Telegram's descriptions name the problem, never the text sent: safe to store.
        detail = _clip(err.message)
        if isinstance(err, RetryAfter):
            return DeliveryOutcome.retry_after(seconds_of(err.retry_after), "429 Too Many Requests")
        if isinstance(err, Forbidden) and (never := NEVER_OPENED.search(err.message)):
            await self._chats.unlink(*person, Refusal.BOUNCED)
            self._known.pop(person, None)
            return DeliveryOutcome.invalid_recipient(f"403 {never[1].lower()}")
        if isinstance(err, Forbidden):
            await self._chats.unlink(*person, Refusal.BLOCKED)
            self._known.pop(person, None)
            return DeliveryOutcome.blocked_by_user(f"403 {detail}")
        if isinstance(err, InvalidToken):
            return DeliveryOutcome.failed_temporarily("401 Unauthorized: check the bot's token")
        if isinstance(err, BadRequest):
            if no_such_chat := NO_SUCH_CHAT.match(err.message):
                await self._chats.unlink(*person, Refusal.BOUNCED)
                self._known.pop(person, None)
                return DeliveryOutcome.invalid_recipient(f"400 {no_such_chat[1].lower()}")
            return DeliveryOutcome.failed_permanently(f"400 {detail}")
        if isinstance(err, TimedOut):
            return DeliveryOutcome.failed_temporarily("timed out")
        if isinstance(err, NetworkError):
            return DeliveryOutcome.failed_temporarily(f"network: {detail}")
        return DeliveryOutcome.failed_temporarily(f"{type(err).__name__}: {detail}")


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 1] + "…"

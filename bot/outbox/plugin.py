"""What a channel package declares so that Gemist can find, configure and use it.

A channel (Telegram, later e-mail and Smartschool) is one package under ``integrations/`` with
one :class:`ChannelPlugin`: its name, the model of its own settings, what it can show and
receive (:class:`~bot.outbox.channel.Capabilities`) and a factory that builds the
:class:`~bot.outbox.channel.Channel`. The registry (:mod:`bot.channels`) finds the plug-ins and
builds the channels a school has chosen; nothing else in Gemist names a channel's class.

Settings: each field of the plug-in's model is read, from weakest to strongest, from the older
top-level keys the plug-in maps (:meth:`ChannelPlugin.legacy_options`, Telegram's
``telegram_token``), the configuration file's table named after the channel (``[email]``) and
the environment variable ``GEMIST_<NAME>_<FIELD>`` (``GEMIST_EMAIL_PASSWORD``). Secrets are
``SecretStr`` fields: pydantic never shows them in a repr or an error.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from pydantic import BaseModel

from bot.outbox.channel import Capabilities, Channel
from bot.outbox.records import Outgoing
from scheduler.clock import Clock

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = [
    "AnswerPages",
    "ChannelContext",
    "ChannelPlugin",
    "ChannelUnavailable",
    "Directory",
    "Refusal",
]

Options = TypeVar("Options", bound=BaseModel)


class ChannelUnavailable(Exception):
    """The channel cannot be built with the settings it has (a token is missing); the message
    says what to set, never a secret's value."""


class Refusal(StrEnum):
    """Why a channel will never reach a person at their address again
    (:meth:`Directory.forget`). The person's spilfiguur is told which, so it must be true."""

    BLOCKED = "blocked"
    """The person turned the channel away: they blocked the bot or left it."""
    BOUNCED = "bounced"
    """The address itself is no good: a mailbox that does not exist, a chat id Telegram does
    not know (a typing error in the roster, an account that never was)."""


class Directory(Protocol):
    """Where people's addresses on each channel are kept (the roster in the database)."""

    async def address_of(self, channel: str, role: str, person_id: int) -> str | None:
        """The person's address or chat id on ``channel``, as text; ``None`` when there is
        none or it is not in use."""

    async def forget(
        self, channel: str, role: str, person_id: int, why: Refusal | None = None
    ) -> None:
        """``channel`` refused the person's address for good, for the reason ``why``: it is
        not used again. Without ``why``, the channel's usual reason: a block on Telegram, a
        bounce elsewhere (an e-mail server's 5xx for the recipient)."""

    async def move(self, channel: str, role: str, person_id: int, address: str) -> None:
        """The person's address on ``channel`` changed to ``address`` (a group chat became a
        supergroup)."""


class AnswerPages(Protocol):
    """The links a channel without buttons puts in a message (:attr:`Capabilities.answer_links`):
    each opens a page of Gemist's web application where the reader confirms. A link is signed
    for this message, this recipient and this answer, and expires; opening it records nothing.
    """

    def answer(self, message: Outgoing, key: str) -> str:
        """The address where the recipient confirms the answer ``key`` to ``message``."""

    def words(self, message: Outgoing) -> str:
        """The address of the page where the recipient writes something else in own words."""

    def unsubscribe(self, message: Outgoing) -> str:
        """The address that stops messages on this channel for the recipient: a page with one
        button, and the target of an RFC 8058 one-click ``POST`` (``List-Unsubscribe``)."""


@dataclass(frozen=True, slots=True)
class ChannelContext:
    """What the running bot gives a channel's factory."""

    clock: Clock
    directory: Directory
    pages: AnswerPages | None = None
    """The answer links of the school's web application; ``None`` when it has none (no
    ``web_url``): a channel that needs them says so in :meth:`ChannelPlugin.missing` terms."""
    tuning: Mapping[str, object] = field(default_factory=dict)
    """What tests change about a channel to run it in milliseconds, by channel name (Telegram:
    its :class:`~integrations.telegram.ratelimit.SendBudget`); empty in production."""


class ChannelPlugin(abc.ABC, Generic[Options]):
    """One channel as Gemist sees it before it is built (see the module's docstring)."""

    name: str
    """The channel's name in the outbox rows and in the school's ``channels`` setting."""
    capabilities: Capabilities
    """What the channel can show and receive; rendering asks this."""
    settings_model: type[Options]
    """The channel's own settings: a pydantic model, validated when the settings are read."""

    def legacy_options(self, settings: Settings) -> Mapping[str, Any]:
        """Values of the model's fields taken from older top-level settings; none by default."""
        return {}

    def missing(self, options: Options) -> str | None:
        """What the channel lacks to send, in the words that fix it ("set GEMIST_..."); ``None``
        when it has what it needs. Asked before ``gemist run`` opens anything."""
        return None

    @abc.abstractmethod
    def build(self, options: Options, context: ChannelContext) -> Channel:
        """The channel, ready to be opened (``async with``); :class:`ChannelUnavailable` when
        the options are not enough to send (no token)."""

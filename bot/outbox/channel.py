"""The interface every outbound channel implements, and the recording channel of simulate.

A channel delivers one message and says how it went; it never retries, sleeps or decides what
happens next. That policy lives in the dispatcher (:mod:`bot.outbox.policy`), the one place where
"try again in 30 s", "give up and tell the coordinator" and "this person blocked us" are decided.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.outbox.records import Outgoing
from scheduler.clock import Clock

__all__ = [
    "CONVERSATIONAL",
    "Capabilities",
    "Channel",
    "ChannelRouter",
    "DeliveryOutcome",
    "Outcome",
    "Recorded",
    "RecordingChannel",
]


class Outcome(StrEnum):
    """The kinds of delivery outcome a channel can report."""

    SENT = "sent"
    RETRY_AFTER = "retry_after"  # the channel asked us to wait (Telegram's 429 flood control)
    BLOCKED_BY_USER = "blocked_by_user"  # the person blocked the bot or left the chat
    INVALID_RECIPIENT = "invalid_recipient"  # no such chat or address
    FAILED_TEMPORARILY = "failed_temporarily"  # network, timeout, 5xx: trying again may work
    FAILED_PERMANENTLY = "failed_permanently"  # the channel refuses this message for good
    CHANNEL_PAUSED = "channel_paused"  # the channel cannot send at all now: not this message's


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """How one delivery went.

    ``detail`` is a short reason for the audit trail and the coordinator ("HTTP 502", "chat not
    found"): never the message text, a phone number or an address, because it is stored and
    shown. ``delay`` is set only for :attr:`Outcome.RETRY_AFTER` and
    :attr:`Outcome.CHANNEL_PAUSED`.
    """

    kind: Outcome
    delay: timedelta | None = None
    detail: str | None = None

    @classmethod
    def sent(cls) -> DeliveryOutcome:
        return cls(Outcome.SENT)

    @classmethod
    def retry_after(cls, seconds: float, detail: str | None = None) -> DeliveryOutcome:
        if seconds < 0:
            raise ValueError(f"retry_after must not be negative, not {seconds}")
        return cls(Outcome.RETRY_AFTER, timedelta(seconds=seconds), detail)

    @classmethod
    def blocked_by_user(cls, detail: str | None = None) -> DeliveryOutcome:
        return cls(Outcome.BLOCKED_BY_USER, detail=detail)

    @classmethod
    def invalid_recipient(cls, detail: str | None = None) -> DeliveryOutcome:
        return cls(Outcome.INVALID_RECIPIENT, detail=detail)

    @classmethod
    def failed_temporarily(cls, detail: str | None = None) -> DeliveryOutcome:
        return cls(Outcome.FAILED_TEMPORARILY, detail=detail)

    @classmethod
    def failed_permanently(cls, detail: str | None = None) -> DeliveryOutcome:
        return cls(Outcome.FAILED_PERMANENTLY, detail=detail)

    @classmethod
    def channel_paused(cls, seconds: float, detail: str | None = None) -> DeliveryOutcome:
        """The channel cannot send anything for now, for a reason that is neither the message's
        nor the person's (its credentials were refused, a permission is missing): the row waits
        ``seconds`` and is tried again, without counting an attempt, until someone fixes the
        channel or the row expires. The channel says what to fix in its log."""
        if seconds <= 0:
            raise ValueError(f"channel_paused needs a positive pause, not {seconds}")
        return cls(Outcome.CHANNEL_PAUSED, timedelta(seconds=seconds), detail)

    def describe(self) -> str:
        """The outcome as the audit trail stores it: ``"retry_after: 429"``."""
        return self.kind.value if self.detail is None else f"{self.kind.value}: {self.detail}"


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a channel can show and receive; rendering asks this before a message goes out.

    The defaults are the least a channel can do (plain text, no buttons, no answers back), so
    that a channel which forgets to declare something gets a message it can surely show.
    """

    buttons: bool = False
    """Quick-reply buttons under a message (Telegram's inline keyboard)."""
    html: bool = False
    """Formatted text; the texts are plain today, so this only says what the channel accepts."""
    max_length: int | None = None
    """The longest text, in characters, the channel takes in one message; ``None``: no limit."""
    inbound_answers: bool = False
    """People can answer over the channel itself (a reply in the chat)."""
    answer_links: bool = False
    """The channel writes a message's answers itself, as links to Gemist's answer pages (an
    e-mail, a Smartschool message): rendering passes the choices on as ``buttons`` instead of
    writing them under the text. Such a channel gets the :class:`~bot.outbox.plugin.AnswerPages`
    of :attr:`~bot.outbox.plugin.ChannelContext.pages` to make the links."""


CONVERSATIONAL = Capabilities(buttons=True, inbound_answers=True)
"""A chat: buttons under a message, answers in the same chat (what Telegram offers)."""


class Channel(abc.ABC):
    """Delivers messages to people over one medium (Telegram, Smartschool, e-mail, ...)."""

    capabilities: Capabilities = Capabilities()
    """What this channel can show and receive (see :class:`Capabilities`)."""

    def capabilities_for(self, channel: str) -> Capabilities:
        """The capabilities that apply to a message for ``channel``: a single channel has its
        own; a router answers for the channel it would send the message over."""
        return self.capabilities

    async def __aenter__(self) -> Channel:
        """Open what the channel needs to send (a client session); nothing by default."""
        return self

    async def __aexit__(self, *_exc: object) -> None:  # noqa: B027 (most channels hold nothing)
        """Close what :meth:`__aenter__` opened."""

    @abc.abstractmethod
    async def deliver(self, message: Outgoing) -> DeliveryOutcome:
        """Deliver ``message`` once and report the outcome.

        Return an outcome for every failure the channel understands; raise only on a bug (the
        dispatcher then treats the attempt as a temporary failure). Return within a small part
        of the dispatcher's lease: a message still being sent when the lease runs out may be
        sent a second time by another worker. A channel that cannot tell whether a timed-out
        request went out should say ``failed_temporarily`` only when a repeat is acceptable.
        """

    def ready_in(self, message: Outgoing) -> float:
        """Seconds before ``message`` could go out without waiting for the channel's rate
        limits (Telegram: one message a second per chat). The dispatcher sends what is ready
        first, so one busy chat does not hold up a batch. A channel without limits says 0."""
        return 0.0


class ChannelRouter(Channel):
    """Sends each message over the channel its row names (``telegram``, ``email``, ...).

    A row for a channel the router does not have fails for good: that is what ``gemist run``
    does with it, so a replay or a dry run that uses a router of the same names shows the same.
    """

    def __init__(self, channels: Mapping[str, Channel]) -> None:
        self._channels = dict(channels)

    @property
    def names(self) -> tuple[str, ...]:
        """The channels this router sends over, in the order it was given them."""
        return tuple(self._channels)

    def channel(self, name: str) -> Channel | None:
        """The channel called ``name``, if the router has it."""
        return self._channels.get(name)

    def capabilities_for(self, channel: str) -> Capabilities:
        found = self._channels.get(channel)
        return Capabilities() if found is None else found.capabilities_for(channel)

    async def __aenter__(self) -> ChannelRouter:
        opened: list[Channel] = []
        try:
            for channel in self._channels.values():
                await channel.__aenter__()
                opened.append(channel)
        except BaseException:
            for channel in reversed(opened):
                await channel.__aexit__(None, None, None)
            raise
        return self

    async def __aexit__(self, *_exc: object) -> None:
        for channel in reversed(self._channels.values()):
            await channel.__aexit__(None, None, None)

    async def deliver(self, message: Outgoing) -> DeliveryOutcome:
        channel = self._channels.get(message.channel)
        if channel is None:
            # A configuration mistake, not a reason to stop the other schools' messages: the
            # row fails and the coordinator sees why.
            known = ", ".join(sorted(self._channels)) or "none"
            return DeliveryOutcome.failed_permanently(
                f"no channel {message.channel!r} (configured: {known})"
            )
        return await channel.deliver(message)

    def ready_in(self, message: Outgoing) -> float:
        channel = self._channels.get(message.channel)
        return 0.0 if channel is None else channel.ready_in(message)


@dataclass(frozen=True, slots=True)
class Recorded:
    """One message the recording channel accepted, and when."""

    at: datetime
    message: Outgoing


FailureHook = Callable[[Outgoing], DeliveryOutcome | None]
"""Decides the outcome of a delivery instead of the channel; ``None`` lets it go through."""


class RecordingChannel(Channel):
    """Keeps every delivered message in memory, in order: ``gemist simulate`` and the tests.

    ``fail`` injects failures: it sees each message first and may return the outcome to report
    instead of delivering it (a 429, a blocked user, ...). ``capabilities`` are those of the
    channel it stands in for; by default one with buttons and answers, like Telegram. Several
    recording channels (one per channel name, behind a router) may share one ``deliveries``
    list, to keep one order across channels.
    """

    def __init__(
        self,
        clock: Clock,
        fail: FailureHook | None = None,
        *,
        capabilities: Capabilities = CONVERSATIONAL,
        deliveries: list[Recorded] | None = None,
    ) -> None:
        self._clock = clock
        self._fail = fail
        self.capabilities = capabilities
        self.deliveries: list[Recorded] = [] if deliveries is None else deliveries

    async def deliver(self, message: Outgoing) -> DeliveryOutcome:
        if self._fail is not None:
            outcome = self._fail(message)
            if outcome is not None and outcome.kind is not Outcome.SENT:
                return outcome
        self.deliveries.append(Recorded(self._clock.now(), message))
        return DeliveryOutcome.sent()

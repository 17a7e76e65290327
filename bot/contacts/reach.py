"""Who is reached how: one decision, from a person's contacts and the school's order.

The planner's facts, the conversations (a message forwarded to the spilfiguur) and the nudges
all ask :func:`reach`; nothing else chooses a channel. Only an ``active`` contact can be used, on
a channel the school lists in its order *and* that this installation can deliver on (``usable``,
from the channel registry: a channel the school lists that has no plug-in or lacks its
settings, Smartschool for now or e-mail without its ``[email]`` table, reaches nobody).
A contact the person chose comes before the school's order. A person left with no contact is
unreachable: the planner then plans around them, as it always did for someone without a chat.

This module is pure: no database, no clock. :mod:`bot.contacts.store` reads the contacts.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "CHANNELS",
    "DEFAULT_ORDER",
    "ENDED",
    "PHONE",
    "USABLE_TODAY",
    "ChannelOrder",
    "ContactState",
    "Reach",
    "Reachable",
    "reach",
    "refused",
]

CHANNELS = ("telegram", "smartschool", "email")
"""The channels a school may name in its ``channels`` setting."""

PHONE = "phone"
"""A guardian's phone number: how a coordinator calls them, never a channel Gemist sends on."""

USABLE_TODAY = frozenset({"telegram"})
"""The channels assumed deliverable when a caller does not say (Telegram alone); the commands
that send pass the registry's own (:func:`bot.channels.registry.usable`)."""


class ContactState(StrEnum):
    """Where a contact stands. Only ``active`` is used to send."""

    INVITED = "invited"  # an invitation went out; the person has not linked yet
    ACTIVE = "active"
    UNSUBSCRIBED = "unsubscribed"  # the person stopped it (/stop): their choice, kept
    BOUNCED = "bounced"  # the address does not exist (an e-mail that came back)
    BLOCKED = "blocked"  # the person blocked the bot


ENDED = frozenset({ContactState.UNSUBSCRIBED, ContactState.BOUNCED, ContactState.BLOCKED})
"""The states in which a contact that was in use no longer reaches the person. The person is
then reached on their next contact, or is unreachable; either way their spilfiguur hears of
it once, from the contact's ``since`` (:mod:`bot.planning.facts_db`)."""


def refused(channel: str) -> ContactState:
    """What a contact becomes when its channel refuses the address for good: on Telegram the
    person blocked the bot or left it; elsewhere the address itself was refused (an e-mail
    server's 5xx for the recipient): it bounced."""
    return ContactState.BLOCKED if channel == "telegram" else ContactState.BOUNCED


@dataclass(frozen=True, slots=True)
class Reachable:
    """One contact as the decision sees it."""

    channel: str
    address: str | None
    state: ContactState | str = ContactState.ACTIVE
    chosen: bool = False


@dataclass(frozen=True, slots=True)
class Reach:
    """The channel to send on and the address (a chat id as text, an e-mail address) there."""

    channel: str
    address: str


@dataclass(frozen=True, slots=True)
class ChannelOrder:
    """The school's order of channels (the ``channels`` setting) and the channels that exist."""

    order: tuple[str, ...] = ("telegram",)
    usable: frozenset[str] = USABLE_TODAY

    def reach(self, contacts: Iterable[Reachable]) -> Reach | None:
        return reach(contacts, self.order, self.usable)


DEFAULT_ORDER = ChannelOrder()


def reach(
    contacts: Iterable[Reachable], order: Sequence[str], usable: Collection[str]
) -> Reach | None:
    """The contact to use: an active one on a channel in ``order`` that is ``usable``; one the
    person chose before the others, then the school's order. None: the person is unreachable."""
    best: tuple[bool, int, Reach] | None = None
    for contact in contacts:
        if contact.state != ContactState.ACTIVE or not contact.address:
            continue
        if contact.channel not in usable or contact.channel not in order:
            continue
        # Lower sorts first: a chosen contact (False < True), then the school's order.
        rank = (not contact.chosen, order.index(contact.channel))
        if best is None or rank < best[:2]:
            best = (*rank, Reach(contact.channel, contact.address))
    return None if best is None else best[2]

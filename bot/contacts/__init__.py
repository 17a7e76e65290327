"""How people are reached: their contacts, and the one decision of which one to use."""

from bot.contacts.reach import (
    CHANNELS,
    DEFAULT_ORDER,
    ENDED,
    PHONE,
    USABLE_TODAY,
    ChannelOrder,
    ContactState,
    Reach,
    Reachable,
    reach,
    refused,
)

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

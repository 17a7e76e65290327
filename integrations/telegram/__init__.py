"""Telegram: the channel that sends outreach, the rate limiter, callback data, and a local
server that answers like the Bot API (for the tests and ``gemist demo``).

Importing this package opts python-telegram-bot into durations as ``timedelta``
(``PTB_TIMEDELTA``), the behaviour of its next major version; without it, every
``RetryAfter`` warns that its ``int`` form is deprecated.
"""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")

from integrations.telegram.callbacks import Tap, callback_secret, sign, verify
from integrations.telegram.channel import ChatDirectory, TelegramChannel
from integrations.telegram.local_server import LocalBotApi, Rejection, SentMessage
from integrations.telegram.ratelimit import SendBudget, TelegramRateLimiter

__all__ = [
    "ChatDirectory",
    "LocalBotApi",
    "Rejection",
    "SendBudget",
    "SentMessage",
    "Tap",
    "TelegramChannel",
    "TelegramRateLimiter",
    "callback_secret",
    "sign",
    "verify",
]

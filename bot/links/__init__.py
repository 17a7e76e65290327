"""Answer links: signed, expiring addresses that let a family answer from an e-mail.

A message on a channel without buttons (e-mail, Smartschool) carries a link per answer, one to
write something else, and one to stop the messages on that channel (:class:`LinkPages`, the
:class:`~bot.outbox.plugin.AnswerPages` of the running bot). Each link's token is bound to the
outreach row, its recipient and channel, the answer and the link's purpose, and expires
(:mod:`bot.links.tokens`). The web application (:mod:`bot.web`) checks them; opening a link
records nothing, only the page's confirming ``POST`` does.

:func:`open_signer` gives the signer both processes use: the operator's ``web_secret``, or the
key the database keeps (:mod:`bot.links.keys`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.links.keys import stored_secret
from bot.links.pages import PATHS, LinkPages, recipient_of
from bot.links.tokens import Claim, LinkSigner, Purpose, Recipient
from scheduler.clock import Clock

__all__ = [
    "PATHS",
    "Claim",
    "LinkPages",
    "LinkSigner",
    "Purpose",
    "Recipient",
    "lifetimes",
    "open_signer",
    "recipient_of",
]


def lifetimes(settings: Settings) -> dict[Purpose, dt.timedelta]:
    """How long each kind of link works (``web_link_days``, ``web_unsubscribe_days``)."""
    answers = dt.timedelta(days=settings.web_link_days)
    return {
        Purpose.ANSWER: answers,
        Purpose.WORDS: answers,
        Purpose.UNSUBSCRIBE: dt.timedelta(days=settings.web_unsubscribe_days),
    }


async def open_signer(settings: Settings, engine: AsyncEngine, clock: Clock) -> LinkSigner:
    """The links' signer: keyed with ``web_secret``, or with the database's own key."""
    if settings.web_secret is not None:
        secret = settings.web_secret.reveal().encode()
    else:
        secret = await stored_secret(engine, clock.now())
    return LinkSigner(secret, clock, lifetimes(settings))

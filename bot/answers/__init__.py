"""Answers and staff decisions, written with one set of rules however they come in.

A pupil's or a parent's tap under a message, their own words, a spilfiguur's decision under a
nudge or a hold alert, and a row of a replies file that ``gemist simulate`` replays are all
stored here, so that a replay of a school's answers stores what the live bot stored and the
planner plans the same ladder from them. Which absence (episode) an answer is about is decided
in :mod:`bot.answers.episodes`; the writes are

- :func:`store_tap`: an answer to a known message (a button tapped under it);
- :func:`store_words`: own words, also passed on to the spilfiguur;
- :func:`decide` with :data:`DECISIONS`: a staff member's button (seen, later, return date,
  pause, release or discard a held day, send or keep a held notice);
- :func:`record_reply`: an answer that names no message (a replies file).

What a staff button decides and how it is acknowledged is :mod:`bot.answers.staff`; the thanks
a pupil or a parent gets, :mod:`bot.answers.thanks`: both for the chat and the web pages.

Every function but :func:`record_reply` writes in the caller's transaction (an
``AsyncConnection``), so that a caller keeps its own order: the bot's inbox stores, then the
person is thanked. Nothing here knows a chat platform: Telegram, e-mail answer links and the
coordinator's desk call the same functions.
"""

from __future__ import annotations

from bot.answers.decisions import DECISIONS, Decision, decide
from bot.answers.episodes import FAMILY_KINDS, MessageRow, message_row
from bot.answers.recorded import record_reply
from bot.answers.replies import store_return, store_tap
from bot.answers.words import FORWARD_EXPIRES, store_words, writer_of

__all__ = [
    "DECISIONS",
    "FAMILY_KINDS",
    "FORWARD_EXPIRES",
    "Decision",
    "MessageRow",
    "decide",
    "message_row",
    "record_reply",
    "store_return",
    "store_tap",
    "store_words",
    "writer_of",
]

"""One outreach message as a Smartschool message: its title and its HTML body.

Smartschool shows the body inside its own message page, so the body is a fragment: no
``<html>`` or ``<head>``, inline styles only, nothing loaded from elsewhere. The layout is the
e-mail's (:mod:`integrations.layout`): the reader's language first and the Dutch original
below it, labelled, with ``lang`` and ``dir``; the answers as one-click links to Gemist's
answer pages and a link to write something else; a footer that says who writes and why, that
a reply in Smartschool is read, and how to stop. The words around the message are the
channel's own (:mod:`.texts`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.outbox import Outgoing
from bot.outbox.plugin import AnswerPages
from integrations.layout.html import Link, fragment, sections
from integrations.smartschool.texts import wording

__all__ = ["MAX_TITLE", "Composed", "compose"]

MAX_TITLE = 200
"""The longest title sent, in characters: a title is one line in an inbox's list; longer ones
are cut at a word with an ellipsis."""

_PAGE = (
    "max-width:640px;color:#1f1f1f;font-family:Arial,Helvetica,sans-serif;"
    "font-size:15px;line-height:1.5"
)
"""The body's own style: Smartschool's page gives the background and the margins."""


@dataclass(frozen=True, slots=True)
class Composed:
    """What ``sendMsg`` gets for one message."""

    title: str
    body: str


def compose(message: Outgoing, pages: AnswerPages, school: str) -> Composed:
    """The Smartschool message for ``message``, from ``school``."""
    parts = message.parts or ((message.lang.split("+")[0], message.text or ""),)
    reader = parts[0][0]
    words = wording(reader, message.recipient_role, school)
    answers = [Link(label, pages.answer(message, key)) for key, label in message.buttons]
    other = Link(words.other, pages.words(message))
    body = fragment(
        sections(parts, words),
        answers,
        other,
        words,
        pages.unsubscribe(message),
        style=_PAGE,
        lang=reader,
    )
    return Composed(_title(message.subject or "") or _title(words.subject), body)


def _title(subject: str) -> str:
    """One line, at most :data:`MAX_TITLE` characters."""
    line = " ".join(subject.split())
    if len(line) <= MAX_TITLE:
        return line
    cut = line[: MAX_TITLE - 1].rsplit(" ", 1)[0] or line[: MAX_TITLE - 1]
    return cut + "\N{HORIZONTAL ELLIPSIS}"

"""What happened in the demo's chats, in a form both the transcript and the timeline read.

A :class:`ChatEvent` is one message of the bot (as the local Bot API server recorded it in
``LocalBotApi.sent``), one text the person typed, or one button they tapped; a
:class:`Recipient` says who is behind a chat. The server's clock is the wall clock, the
demo's is virtual: whoever builds the events gives each one its virtual local time.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

__all__ = [
    "ChatButton",
    "ChatEvent",
    "Mail",
    "Origin",
    "Recipient",
    "SentLike",
    "button_key",
    "buttons_of",
    "with_tap_labels",
]


class Origin(enum.StrEnum):
    BOT = "bot"  # a message the bot sent (or edited)
    TEXT = "text"  # the person typed something
    TAP = "tap"  # the person tapped a button under a message of the bot
    LINK = "link"  # the person followed an answer link in an e-mail and confirmed on the page


def button_key(data: str | None) -> str | None:
    """The answer key in signed callback data (``o.<outreach>.<key>.<mac>``, see
    ``integrations.telegram.callbacks``); data of another shape is its own key."""
    if data is None:
        return None
    parts = data.split(".")
    if len(parts) == 4 and parts[0] == "o":
        return parts[2]
    return data


@dataclass(frozen=True, slots=True)
class ChatButton:
    """An inline button as the person saw it; ``data`` is what a tap sends back."""

    label: str
    data: str | None = None

    @property
    def key(self) -> str | None:
        return button_key(self.data)


class SentLike(Protocol):
    """The fields of ``integrations.telegram.local_server.SentMessage`` read here."""

    @property
    def chat_id(self) -> int: ...
    @property
    def message_id(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def reply_markup(self) -> Mapping[str, Any] | None: ...
    @property
    def edited(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Mail:
    """An e-mail as the person's mail program shows it: the sender, the addressee, the subject,
    the plain text and the HTML part, and the HTML part's links (``(text, address)``)."""

    sender: str
    to: str
    subject: str
    text: str
    html: str
    links: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ChatEvent:
    """One thing that happened in one chat, at a virtual local time ``at``.

    - ``Origin.BOT``: ``text`` and ``buttons`` of bot message ``message_id``; ``edited`` when it
      replaces the text of that earlier message; ``kind`` the outreach kind when known
      (``pupil_checkin``; ``None`` for the bot's other texts).
    - ``Origin.TEXT``: ``text`` as the person typed it.
    - ``Origin.TAP``: ``data`` of the button tapped under bot message ``message_id``; ``text``
      the button's label when the caller knows it (else it is looked up in that message).
    - ``Origin.BOT`` with ``mail``: an e-mail to someone reached by e-mail (``chat_id`` is the
      chat the demo keeps for that person); ``text`` its plain text.
    - ``Origin.LINK``: the person opened the answer link ``data`` of an e-mail and confirmed
      on the page; ``text`` the link's text.

    ``via`` says what carried a mail or a link: ``e-mail``, or ``Smartschool`` for a message in
    a Smartschool inbox (``gemist demo --platform smartschool``), shown in the same way.
    """

    chat_id: int
    at: dt.datetime
    origin: Origin
    text: str = ""
    buttons: tuple[ChatButton, ...] = ()
    message_id: int | None = None
    data: str | None = None
    kind: str | None = None
    edited: bool = False
    mail: Mail | None = None
    via: str = "e-mail"

    @classmethod
    def from_sent(cls, sent: SentLike, at: dt.datetime, kind: str | None = None) -> ChatEvent:
        """A message of the bot as the local server recorded it."""
        return cls(
            chat_id=sent.chat_id,
            at=at,
            origin=Origin.BOT,
            text=sent.text,
            buttons=buttons_of(sent.reply_markup),
            message_id=sent.message_id,
            kind=kind,
            edited=sent.edited,
        )

    @classmethod
    def typed(cls, chat_id: int, text: str, at: dt.datetime) -> ChatEvent:
        """The person sent ``text`` (``LocalBotApi.send_text``)."""
        return cls(chat_id=chat_id, at=at, origin=Origin.TEXT, text=text)

    @classmethod
    def tapped(
        cls, chat_id: int, message_id: int, data: str, at: dt.datetime, label: str = ""
    ) -> ChatEvent:
        """The person tapped the button with ``data`` under ``message_id``
        (``LocalBotApi.press``)."""
        return cls(
            chat_id=chat_id, at=at, origin=Origin.TAP, text=label, message_id=message_id,
            data=data,
        )  # fmt: skip

    @classmethod
    def mailed(
        cls, chat_id: int, mail: Mail, at: dt.datetime, kind: str | None, via: str = "e-mail"
    ) -> ChatEvent:
        """An e-mail the local SMTP server received for the person of ``chat_id`` (or, ``via``
        Smartschool, a message the local Smartschool server put in their inbox)."""
        return cls(
            chat_id=chat_id, at=at, origin=Origin.BOT, text=mail.text, kind=kind, mail=mail,
            via=via,
        )  # fmt: skip

    @classmethod
    def followed(
        cls, chat_id: int, url: str, label: str, at: dt.datetime, via: str = "e-mail"
    ) -> ChatEvent:
        """The person opened ``url`` from an e-mail (a Smartschool message) and confirmed the
        answer ``label``."""
        return cls(chat_id=chat_id, at=at, origin=Origin.LINK, text=label, data=url, via=via)

    @property
    def key(self) -> str | None:
        """The answer key of a tap."""
        return button_key(self.data)


def buttons_of(markup: Mapping[str, Any] | None) -> tuple[ChatButton, ...]:
    """The inline keyboard's buttons, row by row; other keyboards show nothing here."""
    if not markup:
        return ()
    rows: Sequence[Sequence[Mapping[str, Any]]] = markup.get("inline_keyboard") or ()
    return tuple(
        ChatButton(str(button.get("text", "")), button.get("callback_data"))
        for row in rows
        for button in row
    )


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who is behind a chat: ``role`` in Dutch words (``leerling``, ``moeder``,
    ``zorgcoördinator``), ``lang`` the language they read, ``detail`` a few words more
    (``1A``, ``van Emir``), ``key`` their roster id (it names their transcript's file)."""

    chat_id: int
    name: str
    role: str
    lang: str
    detail: str = ""
    key: str = ""

    @property
    def first_name(self) -> str:
        return self.name.split(" ", 1)[0]


def with_tap_labels(events: Sequence[ChatEvent]) -> list[ChatEvent]:
    """The events in order, each tap without a label given the label of the button it tapped
    (from the bot's message it was under, as last sent or edited before the tap)."""
    labels: dict[tuple[int, int], dict[str, str]] = {}
    found: list[ChatEvent] = []
    for event in events:
        if event.origin is Origin.BOT and event.message_id is not None and event.buttons:
            known = labels.setdefault((event.chat_id, event.message_id), {})
            known.update({b.data: b.label for b in event.buttons if b.data is not None})
        if event.origin is Origin.TAP and not event.text and event.message_id is not None:
            label = labels.get((event.chat_id, event.message_id), {}).get(event.data or "")
            event = replace(event, text=label or event.key or "")
        found.append(event)
    return found

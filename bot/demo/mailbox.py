"""The e-mails of the demo as their readers see them: each message the local SMTP server
(:mod:`integrations.email.local_server`) received, parsed back with the standard library into a
:class:`~bot.demo.events.Mail` (sender, addressee, subject, both parts, and the links of the
HTML part), for the transcripts and for the scripted parents who answer by following a link.
"""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default
from html.parser import HTMLParser

from bot.demo.events import Mail

__all__ = ["mail_view"]


class _Links(HTMLParser):
    """Each ``<a href>`` with the text it shows, in the order of the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((" ".join("".join(self._text).split()), self._href))
            self._href = None


def _part(message: EmailMessage, subtype: str) -> str:
    body = message.get_body(preferencelist=(subtype,))
    return str(body.get_content()) if body is not None else ""


def mail_view(data: bytes) -> Mail:
    """The message ``data`` (as it went over SMTP) as its reader's mail program shows it."""
    message = email.message_from_bytes(data, policy=default)
    if not isinstance(message, EmailMessage):  # the default policy always makes one
        raise TypeError("not an e-mail message")
    html = _part(message, "html")
    links = _Links()
    links.feed(html)
    links.close()
    return Mail(
        sender=str(message["From"] or ""),
        to=str(message["To"] or ""),
        subject=str(message["Subject"] or ""),
        text=_part(message, "plain"),
        html=html,
        links=tuple(links.links),
    )

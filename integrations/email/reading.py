"""Reading a sent e-mail back as a mail program shows it: its text and HTML parts, and the
links of the HTML part with the words they show. For the demo's transcripts, the scripted
parents who answer by following a link, and the tests that open those links.
"""

from __future__ import annotations

from email.message import EmailMessage
from html.parser import HTMLParser

__all__ = ["body", "links"]


class _Links(HTMLParser):
    """Each ``<a href>`` with the text it shows, in the order of the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
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
            self.found.append((" ".join("".join(self._text).split()), self._href))
            self._href = None


def body(message: EmailMessage, subtype: str) -> str:
    """The message's ``plain`` or ``html`` part as text; empty when it has none."""
    part = message.get_body(preferencelist=(subtype,))
    return str(part.get_content()) if part is not None else ""


def links(html: str) -> tuple[tuple[str, str], ...]:
    """The links of ``html`` as ``(the words shown, href)``, in the order of the page."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    return tuple(parser.found)

"""Reading a message's HTML back as a reader sees it: the links with the words they show, and
the text. For the demo's transcripts, the scripted parents who answer by following a link, and
the tests that open those links."""

from __future__ import annotations

from html.parser import HTMLParser

__all__ = ["links", "text"]

_BLOCKS = frozenset({"p", "div", "hr", "br", "li", "h1", "h2", "h3"})


class _Reader(HTMLParser):
    """Each ``<a href>`` with the text it shows, and the text as lines, in the order of the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self.lines: list[str] = [""]
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), []
        if tag in _BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)
        self.lines[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.found.append((" ".join("".join(self._text).split()), self._href))
            self._href = None
        if tag in _BLOCKS:
            self._break()

    def _break(self) -> None:
        if self.lines[-1].strip():
            self.lines.append("")


def links(html: str) -> tuple[tuple[str, str], ...]:
    """The links of ``html`` as ``(the words shown, href)``, in the order of the page."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return tuple(reader.found)


def text(html: str) -> str:
    """The words of ``html``, one block (a paragraph, a line) a line, without the markup."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return "\n".join(" ".join(line.split()) for line in reader.lines if line.strip())

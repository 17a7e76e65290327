"""The HTML of an outreach message, as the channels that lay it out show it (e-mail, Smartschool).

A guardian reads the translation first and the Dutch original below it, each in its own
section with ``lang`` and, for Arabic, Persian and Pashto, ``dir="rtl"``, labelled with the
language's own name and "original text in Dutch" in the reader's language. Under the first
section: the answers as links, one per choice, to Gemist's answer pages, and a link to write
something else. Then the footer: why the reader gets this, that replying is fine, how to stop.

Only inline styles, no images, nothing loaded from elsewhere and nothing that tracks a reader:
mail programs and Smartschool's message page drop ``<style>`` sheets and block what is remote.
:func:`fragment` is the part inside the page; an e-mail wraps it in a document of its own,
Smartschool shows it in its own page as it is.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError

from messages import SOURCE_LANGUAGE, is_rtl, normalize_language

__all__ = [
    "RULE",
    "SHEET",
    "Link",
    "Section",
    "Wording",
    "attr",
    "autonym",
    "direction",
    "escape",
    "fragment",
    "sections",
]


@dataclass(frozen=True, slots=True)
class Wording:
    """A channel's own texts for one reader, in one language, the school's name filled in."""

    lang: str
    original: str
    """The label above the Dutch original."""
    choose: str
    """Above the answer links."""
    confirm: str
    """Under the answer links: the page that opens asks to confirm."""
    other: str
    """The link to write something else."""
    subject: str
    """A title for a message that has none of its own."""
    why: str
    """Why the reader gets this message."""
    reply: str
    """That replying is fine."""
    stop: str
    """Before the link that stops these messages."""
    unsubscribe: str
    """The link that stops these messages."""


@dataclass(frozen=True, slots=True)
class Section:
    """The message's text in one language, with its label (none when there is one language)."""

    lang: str
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class Link:
    caption: str
    url: str


def sections(parts: Sequence[tuple[str, str]], words: Wording) -> list[Section]:
    """The reader's language labelled with its name; a Dutch original after a translation
    labelled as such, in the reader's language (they are looking for their own words)."""
    if len(parts) == 1:
        lang, content = parts[0]
        return [Section(lang, "", content)]
    return [
        Section(lang, words.original if lang == SOURCE_LANGUAGE else autonym(lang), content)
        for lang, content in parts
    ]


SHEET = "max-width:600px;margin:0 auto;padding:24px;background:#ffffff"
"""The style of the sheet that holds the message (an e-mail's white page)."""
_LABEL = "margin:0 0 8px;font-size:13px;color:#5a5a5a;text-transform:none"
_BUTTON = (
    "display:inline-block;margin:4px 0;padding:10px 16px;border:1px solid #1a5fb4;"
    "border-radius:6px;color:#1a5fb4;text-decoration:none;font-weight:bold"
)
RULE = "border:0;border-top:1px solid #d8d8d4;margin:24px 0"
_FOOTER = "margin:24px 0 0;font-size:13px;color:#5a5a5a"


def fragment(
    parts: list[Section],
    answers: list[Link],
    other: Link,
    words: Wording,
    unsubscribe: str,
    *,
    style: str = SHEET,
    lang: str | None = None,
) -> str:
    """The message as one ``<div>`` styled ``style``: the sections, the links under the first,
    the footer. With ``lang``, the ``<div>`` says the reader's language and direction itself
    (an e-mail says it on ``<html>``)."""
    body: list[str] = []
    for number, section in enumerate(parts):
        if number:
            body.append(f'<hr style="{RULE}">')
            body.append(_section(section, [], None, words))
        else:
            body.append(_section(section, answers, other, words))
    footer = (
        f'<div lang="{attr(words.lang)}" dir="{direction(words.lang)}" style="{_FOOTER}">'
        f"<p>{escape(words.why)}<br>{escape(words.reply)}</p>"
        f'<p>{escape(words.stop)} <a href="{attr(unsubscribe)}" style="color:#5a5a5a">'
        f"{escape(words.unsubscribe)}</a></p></div>"
    )
    said = "" if lang is None else f' lang="{attr(lang)}" dir="{direction(lang)}"'
    return (
        f'<div{said} style="{style}">\n'
        + "\n".join(body)
        + f'\n<hr style="{RULE}">\n{footer}\n</div>'
    )


def _section(section: Section, answers: list[Link], other: Link | None, words: Wording) -> str:
    lang = section.lang
    inner: list[str] = []
    if section.label:
        # The label is in the reader's language, also above the Dutch original.
        inner.append(
            f'<p lang="{attr(words.lang)}" dir="{direction(words.lang)}" style="{_LABEL}">'
            f"{escape(section.label)}</p>"
        )
    inner.extend(
        f"<p>{'<br>'.join(escape(line) for line in paragraph.splitlines())}</p>"
        for paragraph in section.text.split("\n\n")
        if paragraph.strip()
    )
    if answers:
        inner.append(f"<p>{escape(words.choose)}</p>")
        inner.extend(
            f'<p style="margin:0"><a href="{attr(link.url)}" style="{_BUTTON}">'
            f"{escape(link.caption)}</a></p>"
            for link in answers
        )
        inner.append(f'<p style="{_LABEL};margin-top:8px">{escape(words.confirm)}</p>')
    if other is not None:
        inner.append(
            f'<p><a href="{attr(other.url)}" style="color:#1a5fb4">{escape(other.caption)}</a></p>'
        )
    return f'<div lang="{attr(lang)}" dir="{direction(lang)}">\n' + "\n".join(inner) + "\n</div>"


@cache
def autonym(lang: str) -> str:
    """The language's name in itself, as CLDR writes it ("Türkçe", "العربية")."""
    try:
        name = Locale.parse(normalize_language(lang)).get_display_name(normalize_language(lang))
    except (UnknownLocaleError, ValueError):
        return lang
    return (name or lang)[:1].upper() + (name or lang)[1:]


def direction(lang: str) -> str:
    """``rtl`` for a language written right to left, else ``ltr``."""
    return "rtl" if is_rtl(lang) else "ltr"


def escape(value: str) -> str:
    """``value`` as HTML text."""
    return html.escape(value, quote=False)


def attr(value: str) -> str:
    """``value`` as an HTML attribute's value (in double quotes)."""
    return html.escape(value, quote=True)

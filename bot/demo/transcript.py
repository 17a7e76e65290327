"""Each person's chat with the bot as one HTML page, the way it looked on their phone.

The demo's point is what people *read*: a pupil's check-in, a mother's notice in Arabic with
the Dutch original below it, a teacher's reminder. So every recipient gets a page of their own
(:func:`write_transcripts`): bubbles left (the bot) and right (the person), time stamps, the
buttons under a message with the one that was tapped marked, and an ``index.html`` listing
everyone. Each page is self-contained (inline CSS, nothing fetched), so it opens offline and can
be mailed around.

A parent without Telegram reads e-mail: each e-mail is a mail view in the same column (sender,
addressee, subject, the HTML part as the mail program shows it, links and all, in a sandboxed
frame, and the plain text part below it), and an answer given by following one of its links
shows as the link's text on the person's side.

Direction: a reader of a right-to-left language (:func:`messages.is_rtl`: Arabic, Persian,
Pashto) gets the bot's bubbles with ``dir="rtl"``, and every paragraph has ``dir="auto"``, so
the Dutch original under a translation stays left-to-right (the renderer starts its lines with
direction marks, which ``dir="auto"`` follows). Every text is HTML-escaped: names, answers and
messages are data, never markup.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from html import escape
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from bot.demo._style import CHAT_CSS, INDEX_CSS
from bot.demo.events import ChatButton, ChatEvent, Mail, Origin, Recipient, with_tap_labels
from messages import is_rtl

__all__ = ["INDEX", "count", "page_name", "render_chat", "render_index", "write_transcripts"]

INDEX = "index.html"
_DIVIDER = re.compile(r"^[\u200e\u200f\s]*\u2014{3}\s*$")  # the line between translation and Dutch
_BLANK = re.compile(r"\n[ \t\u200e\u200f]*\n")


def page_name(recipient: Recipient) -> str:
    """``P0002-yasmine-el-amrani.html``: the roster id (or the chat), then the name in ASCII."""
    ascii_name = unicodedata.normalize("NFKD", recipient.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", recipient.key) or str(recipient.chat_id)
    return f"{stem}-{slug}.html" if slug else f"{stem}.html"


def count(events: Iterable[ChatEvent]) -> tuple[int, int]:
    """How many messages the bot sent (edits not counted), how many answers the person gave."""
    sent = answers = 0
    for event in events:
        if event.origin is Origin.BOT:
            sent += not event.edited
        else:
            answers += 1
    return sent, answers


@dataclass
class _Bubble:
    """A message of the bot as it ended up: its last text, its buttons, the ones tapped."""

    first: ChatEvent
    text: str
    buttons: tuple[ChatButton, ...]
    tapped: set[str] = field(default_factory=set)
    edited: bool = False


def _items(events: Sequence[ChatEvent]) -> list[_Bubble | ChatEvent]:
    """The chat in order: edits change their message in place, taps mark their button."""
    items: list[_Bubble | ChatEvent] = []
    bubbles: dict[int, _Bubble] = {}
    for event in with_tap_labels(sorted(events, key=lambda e: e.at)):
        if event.origin is Origin.BOT:
            known = bubbles.get(event.message_id) if event.message_id is not None else None
            if event.edited and known is not None:
                known.text, known.edited = event.text, True
                known.buttons = event.buttons or known.buttons  # keep what could be tapped
                continue
            bubble = _Bubble(event, event.text, event.buttons)
            if event.message_id is not None:
                bubbles[event.message_id] = bubble
            items.append(bubble)
            continue
        if event.origin is Origin.TAP and event.message_id in bubbles:
            bubbles[event.message_id].tapped.add(event.data or "")
        items.append(event)
    return items


def _paragraphs(text: str) -> str:
    """Paragraphs with ``dir="auto"``; after the divider line, the Dutch original."""
    parts: list[str] = []
    original = False
    for paragraph in _BLANK.split(text.strip()):
        if _DIVIDER.match(paragraph):
            parts.append("<hr>")
            original = True
            continue
        lines = "<br>".join(escape(line) for line in paragraph.split("\n"))
        extra = ' lang="nl" class="orig"' if original else ""
        parts.append(f'<p dir="auto"{extra}>{lines}</p>')
    return "".join(parts)


def _bubble(bubble: _Bubble, recipient: Recipient) -> str:
    rtl = is_rtl(recipient.lang)
    direction = f' dir="rtl" lang="{escape(recipient.lang)}"' if rtl else ""
    kind = f'<span class="kind">{escape(bubble.first.kind)}</span>' if bubble.first.kind else ""
    edited = "bewerkt · " if bubble.edited else ""
    buttons = "".join(
        f'<span class="btn{" tapped" if b.data is not None and b.data in bubble.tapped else ""}"'
        f' dir="auto">{escape(b.label)}</span>'
        for b in bubble.buttons
    )
    keyboard = f'<div class="buttons">{buttons}</div>' if buttons else ""
    return (
        f'<div class="row in"><div class="msg"><div class="bubble"{direction}>{kind}'
        f"{_paragraphs(bubble.text)}"
        f'<span class="meta" dir="ltr">{edited}{bubble.first.at:%H:%M}</span></div>'
        f"{keyboard}</div></div>"
    )


def _mail(mail: Mail, first: ChatEvent) -> str:
    """An e-mail as the reader's mail program shows it; its HTML in a frame that runs no
    script and opens its links in a new window."""
    kind = f'<span class="kind">{escape(first.kind)}</span>' if first.kind else ""
    head = "".join(
        f'<tr><th>{label}</th><td dir="auto">{escape(value)}</td></tr>'
        for label, value in (("Van", mail.sender), ("Aan", mail.to), ("Onderwerp", mail.subject))
    )
    return (
        f'<div class="row in"><div class="mail">{kind}<table class="head">{head}</table>'
        f'<iframe class="body" sandbox="allow-popups allow-popups-to-escape-sandbox" '
        f'title="{escape(mail.subject)}" srcdoc="{escape(mail.html)}"></iframe>'
        f'<details><summary>tekstversie</summary><pre dir="auto">{escape(mail.text)}</pre>'
        f'</details><span class="meta" dir="ltr">{escape(first.via)} · {first.at:%H:%M}</span>'
        "</div></div>"
    )


def _answer(event: ChatEvent) -> str:
    if event.origin is Origin.TAP:
        body = f'<p dir="auto">{escape(event.text or "")}</p>'
        css = "row out tap"
    elif event.origin is Origin.LINK:
        body = f'<p dir="auto">&#128279; <bdi>{escape(event.text)}</bdi> · bevestigd</p>'
        css = "row out tap"
    else:
        body = _paragraphs(event.text)
        css = "row out"
    return (
        f'<div class="{css}"><div class="msg"><div class="bubble">{body}'
        f'<span class="meta" dir="ltr">{event.at:%H:%M}</span></div></div></div>'
    )


def _day(day: dt.date) -> str:
    return format_date(day, "EEEE d MMMM", locale="nl")


@cache
def _language(lang: str) -> str:
    """``Türkçe``: the language as its speakers write it; the code when Babel does not know it."""
    code = lang.replace("-", "_")
    try:
        name = Locale.parse(code).get_display_name(code)
    except (UnknownLocaleError, ValueError, LookupError):
        return lang
    return (name[:1].upper() + name[1:]) if name else lang


def _who(recipient: Recipient) -> str:
    """Role, detail (class or relation) and language, each escaped; the language isolated."""
    bits = [escape(bit) for bit in (recipient.role, recipient.detail) if bit]
    bits.append(f"<bdi>{escape(_language(recipient.lang))}</bdi>")
    return " · ".join(bits)


def render_chat(
    recipient: Recipient,
    events: Sequence[ChatEvent],
    *,
    bot_name: str = "Gemist",
    bot_status: str = "bot",
    index: str | None = INDEX,
) -> str:
    """One person's chat as a page: a phone with the bot's conversation, in time order."""
    body: list[str] = []
    last_day: dt.date | None = None
    for item in _items(events):
        at = item.first.at if isinstance(item, _Bubble) else item.at
        if at.date() != last_day:
            last_day = at.date()
            body.append(f'<div class="day"><span>{escape(_day(last_day))}</span></div>')
        if isinstance(item, _Bubble):
            mail = item.first.mail
            body.append(_mail(mail, item.first) if mail else _bubble(item, recipient))
        else:
            body.append(_answer(item))
    if not body:
        body.append('<div class="empty">Nog geen berichten.</div>')
    back = f'<a href="{escape(index)}">← iedereen</a> · ' if index else ""
    title = f"{recipient.name}: chat met {bot_name}"
    initial = escape(bot_name[:1].upper() or "?")
    return (
        f'<!doctype html><html lang="nl"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CHAT_CSS}</style></head><body>"
        f'<div class="caption">{back}<b>{escape(recipient.name)}</b><br>{_who(recipient)}</div>'
        f'<div class="phone"><div class="bar"><span class="back">&#8249;</span>'
        f'<span class="avatar">{initial}</span><span class="who">'
        f'<span class="name">{escape(bot_name)}</span>'
        f'<span class="status">{escape(bot_status)}</span></span></div>'
        f'<div class="chat">{"".join(body)}</div>'
        f'<div class="compose"><span class="field">Bericht</span></div></div></body></html>'
    )


def render_index(
    rows: Sequence[tuple[Recipient, str | None, int, int]],
    *,
    title: str = "Gemist demo",
    lead: str = "",
) -> str:
    """Everyone in a table: name (a link to their page when there is one), role, language,
    messages from the bot, answers. ``rows`` are ``(recipient, page, sent, answers)``."""
    lines: list[str] = []
    for recipient, page, sent, answers in rows:
        name = escape(recipient.name)
        link = f'<a href="{escape(page)}">{name}</a>' if page else name
        css = "" if sent or answers else ' class="none"'
        lines.append(
            f"<tr{css}><td>{link}</td><td>{escape(recipient.role)}</td>"
            f"<td>{escape(recipient.detail)}</td>"
            f'<td class="lang">{escape(recipient.lang)} · <bdi>'
            f"{escape(_language(recipient.lang))}</bdi></td>"
            f'<td class="n">{sent}</td><td class="n">{answers}</td></tr>'
        )
    intro = f'<p class="lead">{escape(lead)}</p>' if lead else ""
    return (
        f'<!doctype html><html lang="nl"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{INDEX_CSS}</style></head><body><main>"
        f"<h1>{escape(title)}</h1>{intro}<table><thead><tr><th>naam</th><th>rol</th><th></th>"
        f'<th>taal</th><th class="n">berichten</th><th class="n">antwoorden</th></tr></thead>'
        f"<tbody>{''.join(lines)}</tbody></table></main></body></html>"
    )


def write_transcripts(
    events: Iterable[ChatEvent],
    recipients: Iterable[Recipient],
    folder: Path,
    *,
    title: str = "Gemist demo",
    lead: str = "",
    bot_name: str = "Gemist",
) -> list[Path]:
    """A page per recipient with anything in their chat, and ``index.html`` listing everyone
    (in the order given); a chat of nobody in ``recipients`` is shown under its id. Returns
    the pages written, the index last."""
    folder.mkdir(parents=True, exist_ok=True)
    by_chat: dict[int, list[ChatEvent]] = {}
    for event in events:
        by_chat.setdefault(event.chat_id, []).append(event)
    people = list(recipients)
    known = {recipient.chat_id for recipient in people}
    people += [Recipient(chat, f"chat {chat}", "?", "nl") for chat in by_chat if chat not in known]
    written: list[Path] = []
    rows: list[tuple[Recipient, str | None, int, int]] = []
    for recipient in people:
        chat = by_chat.get(recipient.chat_id, [])
        page = page_name(recipient) if chat else None
        if page is not None:
            path = folder / page
            path.write_text(render_chat(recipient, chat, bot_name=bot_name), encoding="utf-8")
            written.append(path)
        rows.append((recipient, page, *count(chat)))
    index = folder / INDEX
    index.write_text(render_index(rows, title=title, lead=lead), encoding="utf-8")
    return [*written, index]

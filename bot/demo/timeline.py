"""The demo's running commentary: every message and answer on one line, day by day.

Someone watching ``gemist demo`` in a terminal should be able to follow two school weeks at a
glance: who got what, when, and what they answered. So each event is one line, in time order,
under a header per day::

    maandag 16 november 2026
      10:30  → Yasmine (leerling, nl)  pupil_checkin  "Hoi Yasmine, we hebben je vandaag gemist…"
      10:42  ← Yasmine taps "Ik ben ziek"
      12:30  → Karim (vader, fr)  guardian_notice  e-mail "Une question au sujet de Yasmine…"
      13:05  ← Karim follows the e-mail's link "Je contacte l'école" and confirms on the page

A translated message to a guardian is quoted from its Dutch original (what the watcher reads);
direction marks and line breaks are left out and long texts cut. Colour only on a terminal that
wants it (a TTY, and no ``NO_COLOR`` in the environment), so a log file stays plain.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import TextIO

from babel.dates import format_date

from bot.demo.events import ChatEvent, Origin, Recipient, with_tap_labels

__all__ = ["QUOTE_CHARS", "print_timeline", "quote", "timeline_lines", "use_colour"]

QUOTE_CHARS = 60
"""How much of a message's text a line quotes."""
_DIVIDER = re.compile(r"\n[\u200e\u200f\s]*\u2014{3}[\s\u200e\u200f]*\n")
_INVISIBLE = re.compile("[\u200e\u200f\u2066-\u2069\u202a-\u202e]")
_SPACE = re.compile(r"\s+")
_PARAGRAPH = re.compile(r"\n\s*\n")
_GREETING = re.compile(r"[^\n]{1,24}[,!]")

_RESET = "\033[0m"
_STYLES = {
    "day": "\033[1;4m",
    "time": "\033[2m",
    "out": "\033[36m",
    "in": "\033[33m",
    "name": "\033[1m",
    "kind": "\033[35m",
}


def use_colour(stream: TextIO) -> bool:
    """Colour for a terminal, never for a pipe or a file, and not when ``NO_COLOR`` is set."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """The text on one line, at most ``limit`` characters (``…`` when cut), in quotes; of a
    translation with the Dutch original below it, the original; without a greeting of its own
    paragraph ("Beste ouder,"), which every such message has and says nothing."""
    body = _INVISIBLE.sub("", _DIVIDER.split(text, maxsplit=1)[-1]).strip()
    paragraphs = _PARAGRAPH.split(body)
    if len(paragraphs) > 1 and _GREETING.fullmatch(paragraphs[0].strip()):
        body = "\n\n".join(paragraphs[1:])
    flat = _SPACE.sub(" ", body).strip()
    if len(flat) > limit:
        cut = flat[: limit - 1]
        # End on a whole word when one ends near the limit.
        space = len(cut) if flat[len(cut)] == " " else cut.rfind(" ", limit // 2)
        flat = (cut[:space] if space > 0 else cut).rstrip(" ,.;:") + "…"
    return f'"{flat}"'


def _day(day: dt.date) -> str:
    return format_date(day, "EEEE d MMMM y", locale="nl")


def timeline_lines(
    events: Iterable[ChatEvent],
    recipients: Iterable[Recipient],
    *,
    colour: bool = False,
    limit: int = QUOTE_CHARS,
) -> Iterator[str]:
    """The lines of the timeline: a header per day, then one line per event, in time order
    (events at the same instant in the order given)."""
    people = {recipient.chat_id: recipient for recipient in recipients}

    def paint(style: str, text: str) -> str:
        return f"{_STYLES[style]}{text}{_RESET}" if colour else text

    ordered = with_tap_labels(sorted(events, key=lambda event: event.at))
    last_day: dt.date | None = None
    for event in ordered:
        if event.at.date() != last_day:
            if last_day is not None:
                yield ""
            last_day = event.at.date()
            yield paint("day", _day(last_day))
        person = people.get(event.chat_id)
        name = person.first_name if person else f"chat {event.chat_id}"
        time = paint("time", f"{event.at:%H:%M}")
        if event.origin is Origin.BOT:
            who = f"{name} ({person.role}, {person.lang})" if person else name
            fields = [f"{paint('out', '→')} {paint('name', who)}"]
            if event.kind:
                fields.append(paint("kind", event.kind))
            if event.edited:
                fields.append("(bewerkt)")
            if event.mail is not None:  # an e-mail: its subject says it in both languages
                fields.append(f"{event.via} {quote(event.mail.subject, limit)}")
            else:
                fields.append(quote(event.text, limit))
            yield f"  {time}  " + "  ".join(fields)
        elif event.origin is Origin.TAP:
            label = _INVISIBLE.sub("", event.text or event.key or "?")
            yield f"  {time}  {paint('in', '←')} {paint('name', name)} taps {quote(label, limit)}"
        elif event.origin is Origin.LINK:
            label = quote(_INVISIBLE.sub("", event.text or "?"), limit)
            source = "e-mail's" if event.via == "e-mail" else f"{event.via} message's"
            yield (
                f"  {time}  {paint('in', '←')} {paint('name', name)} follows the {source} link"
                f" {label} and confirms on the page"
            )
        else:
            said = quote(event.text, limit)
            yield f"  {time}  {paint('in', '←')} {paint('name', name)} writes {said}"


def print_timeline(
    events: Sequence[ChatEvent],
    recipients: Iterable[Recipient],
    *,
    stream: TextIO | None = None,
    colour: bool | None = None,
    limit: int = QUOTE_CHARS,
) -> int:
    """Print the timeline to ``stream`` (standard output); colour as :func:`use_colour` says
    unless ``colour`` is given. Returns the number of events printed."""
    out = stream if stream is not None else sys.stdout
    paint = use_colour(out) if colour is None else colour
    for line in timeline_lines(events, recipients, colour=paint, limit=limit):
        print(line, file=out)
    return len(events)

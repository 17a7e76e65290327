"""The pages behind the answer links (:mod:`bot.links`).

- ``/a/<token>``: an answer to a message. ``GET`` (and ``HEAD``) shows the message briefly and
  the chosen answer with one confirm button, and records nothing: link scanners and the
  security filters of mail providers open every link in a mail, and must never answer for a
  family. The confirming ``POST`` stores the answer as the tap of the same button in the chat
  would be (:func:`bot.answers.store_tap`, one transaction), then shows the bot's own thanks; a
  second ``POST`` stores nothing and shows the same thanks. "I know when" asks for the day.
  A link under a staff member's message decides as their button in the chat does
  (:mod:`bot.web.staff`).
- ``/w/<token>``: something else, in the person's own words (also a box on the answer page):
  passed on to the spilfiguur as words in the chat are (:func:`bot.answers.store_words`).
- ``/u/<token>``: stop the messages on the channel the link came on. ``GET`` shows one button;
  ``POST`` with ``List-Unsubscribe=One-Click`` (the page's button, or a mail program's RFC 8058
  one-click request, without cookies or session) makes the contact ``unsubscribed``.

A token that is altered, expired, made for another purpose, another message or another
recipient, or a message whose pupil is no longer the person's, gets the same neutral page
(404), which says nothing of the link, the message or anybody.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from sqlalchemy.exc import OperationalError

from bot.answers.staff import return_days
from bot.answers.thanks import ack_context, ack_template
from bot.answers.translated import translation_for
from bot.answers.written_in import detect
from bot.links import PATHS, Claim, Purpose
from bot.web import _store, staff
from bot.web._store import Linked, Person
from bot.web.base import (
    CONTEXT,
    WebContext,
    busy,
    chosen_day,
    neutral,
    parts,
    render,
    root_of,
    tell,
)
from bot.web.i18n import Reader, Said
from messages import (
    Rendered,
    button_label,
    buttons_for,
    day_label,
    render_outreach,
    template_for,
)
from messages import render as render_template

__all__ = ["MAX_TOKEN", "MAX_WORDS", "add_routes"]

MAX_TOKEN = 512
"""Longer than any token Gemist makes: anything longer is not read at all."""
MAX_WORDS = 2000
"""Characters of own words: a short message, as in a chat."""
RETURN = "return"


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get(f"/{PATHS[Purpose.ANSWER]}/{{token}}", answer_page, name="answer")
    router.add_post(f"/{PATHS[Purpose.ANSWER]}/{{token}}", confirm_answer)
    router.add_get(f"/{PATHS[Purpose.WORDS]}/{{token}}", words_page, name="words")
    router.add_post(f"/{PATHS[Purpose.WORDS]}/{{token}}", send_words)
    router.add_get(f"/{PATHS[Purpose.UNSUBSCRIBE]}/{{token}}", unsubscribe_page, name="unsubscribe")
    router.add_post(f"/{PATHS[Purpose.UNSUBSCRIBE]}/{{token}}", unsubscribe)


# -- reading a link ----------------------------------------------------------------------------


async def _opened(request: web.Request, purpose: Purpose) -> tuple[_store.Found, Claim] | None:
    """The message the link's token is for, when the token proves it; None otherwise."""
    context = request.app[CONTEXT]
    token = request.match_info["token"]
    if len(token) > MAX_TOKEN:
        return None
    peeked = context.signer.peek(token)
    if peeked is None:
        return None
    async with context.reads.connect() as conn:
        found = await _store.linked_row(conn, peeked.outreach_id)
    if found is None:
        return None
    claim = context.signer.verify(purpose, token, found.linked.recipient)
    if claim is None or claim.outreach_id != found.linked.row.id:
        return None
    return found, claim


@dataclass(frozen=True, slots=True)
class Family:
    """A family member's link, proven: the message, who answers, in what language."""

    linked: Linked
    person: Person
    reader: Reader
    message: Rendered


async def _family(request: web.Request, purpose: Purpose) -> tuple[Family, Claim] | None:
    opened = await _opened(request, purpose)
    if opened is None:
        return None
    family = _family_of(request.app[CONTEXT], opened[0])
    return (family, opened[1]) if family is not None else None


def _family_of(context: WebContext, found: _store.Found) -> Family | None:
    """The family member's side of a proven link; None for staff, or a pupil who left or is
    no longer this guardian's."""
    linked, person = found.linked, found.person
    if person is None:
        return None
    try:
        message = render_outreach(
            linked.row.kind, linked.row.lang, linked.row.payload, context.overrides
        )
    except (LookupError, ValueError):
        return None
    reader = Reader.of(context.catalogs, linked.reader, guardian=person.role == "guardian")
    return Family(linked, person, reader, message)


def _answer(family: Family, claim: Claim) -> tuple[str, str | None] | None:
    """The answer's key and, for "I know when" with its day, the day; None when the message
    offered no such answer."""
    key, _, value = claim.key.partition(":")
    if key not in buttons_for(family.linked.row.kind, family.linked.row.payload):
        return None
    if value and key != RETURN:
        return None
    if value:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return None
    return key, value or None


# -- answers -----------------------------------------------------------------------------------


async def _answering(
    request: web.Request, *, confirm: bool
) -> tuple[Family, Claim, tuple[str, str | None]] | web.Response:
    """A family member's answer link, proven, with its answer; or the response for anything
    else: a staff member's decision (:mod:`bot.web.staff`), or the neutral page."""
    opened = await _opened(request, Purpose.ANSWER)
    if opened is None:
        return neutral(request)
    found, claim = opened
    if found.staffer is not None:
        return await staff.page(request, found, claim, confirm=confirm)
    family = _family_of(request.app[CONTEXT], found)
    answer = _answer(family, claim) if family is not None else None
    if family is None or answer is None:
        return neutral(request)
    return family, claim, answer


async def answer_page(request: web.Request) -> web.Response:
    """The chosen answer and its confirm button; records nothing."""
    answering = await _answering(request, confirm=False)
    if isinstance(answering, web.Response):
        return answering
    family, _claim, answer = answering
    return _answer_form(request, family, answer[0], ask_day=answer == (RETURN, None))


async def confirm_answer(request: web.Request) -> web.Response:
    """The confirmed answer, stored once; the thanks."""
    answering = await _answering(request, confirm=True)
    if isinstance(answering, web.Response):
        return answering
    family, claim, answer = answering
    context = request.app[CONTEXT]
    key, day = answer
    stored_answer = claim.key
    if key == RETURN and day is None:
        form = await request.post()
        chosen = chosen_day(context, str(form.get("day", "")))
        if chosen is None:
            return _answer_form(request, family, key, ask_day=True, day_error=True)
        day, stored_answer = chosen.isoformat(), f"{RETURN}:{chosen.isoformat()}"
    try:
        async with context.engine.begin() as conn:
            stored = await _store.tap(
                conn, family.linked.row, family.person, stored_answer, context.clock.now()
            )
    except OperationalError as err:  # SQLite's write lock, held by a long import
        return busy(request, family.reader, err)
    if stored:
        tell(context)
    returns = dt.date.fromisoformat(day) if day else None
    return _thanks(request, family, key, returns)


def _answer_form(
    request: web.Request, family: Family, key: str, *, ask_day: bool, day_error: bool = False
) -> web.Response:
    context = request.app[CONTEXT]
    row = family.linked.row
    label: object = next((b.label for b in family.message.buttons if b.key == key), key)
    if family.reader.with_dutch:  # a guardian reads the Dutch original under it
        label = Said(str(label), button_label(template_for(row.kind, row.payload), key, "nl"))
    days: list[dict[str, str]] = []
    if ask_day:
        template = f"{family.person.role}_return_choice"
        for day in return_days(context.calendar, context.clock.today()):
            days.append(
                {"value": day.isoformat(), "label": day_label(template, family.reader.lang, day)}
            )
    values = {
        **_page(request, family),
        "label": label,
        "days": days,
        "legend": family.reader.gettext("Op welke dag?"),
        "day_error": family.reader.gettext("Kies eerst een dag.") if day_error else "",
    }
    return render(request, "answer.html", family.reader, values, status=422 if day_error else 200)


def _page(
    request: web.Request, family: Family, *, text: str = "", error: object = ""
) -> dict[str, Any]:
    """What the answer and words pages both show: the message, and the box for own words."""
    context = request.app[CONTEXT]
    row = family.linked.row
    token = context.signer.sign(Purpose.WORDS, family.linked.recipient, Claim(row.id))
    return {
        "school": family.person.about["school"],
        "title": family.person.about["school"],
        "parts": parts(family.message),
        "words_action": f"{root_of(request)}{PATHS[Purpose.WORDS]}/{token}",
        "max_words": MAX_WORDS,
        "text": text,
        "error": error,
    }


def _thanks(
    request: web.Request, family: Family, key: str, returns: dt.date | None = None
) -> web.Response:
    """The bot's own thanks for ``key`` (or ``free_text``), with the answers it offers next
    (a pupil who is not doing well may ask to talk) as links."""
    context = request.app[CONTEXT]
    row = family.linked.row
    absent_on = _absence_day(row.payload)
    template = ack_template(
        family.person.role,
        key,
        family.reader.lang,
        now=context.clock.local_now(),
        window=context.window,
        about_day=absent_on,
    )
    said = render_template(
        template,
        family.reader.lang,
        {
            **ack_context(context.help_lines),
            **family.person.about,
            "date": returns or absent_on,
        },
        overrides=context.overrides,
    )
    offered = buttons_for(row.kind, row.payload)
    more = [
        {
            "label": button.label,
            "href": f"{root_of(request)}{PATHS[Purpose.ANSWER]}/"
            + context.signer.sign(
                Purpose.ANSWER, family.linked.recipient, Claim(row.id, button.key)
            ),
        }
        for button in said.buttons
        if button.key in offered
    ]
    values = {
        "school": family.person.about["school"],
        "title": family.person.about["school"],
        "parts": parts(said),
        "more": more,
    }
    return render(request, "thanks.html", family.reader, values)


def _absence_day(payload: Mapping[str, Any]) -> dt.date | None:
    """The day of the absence the message asked about (a check-in's ``date``)."""
    value = payload.get("date")
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


# -- own words ---------------------------------------------------------------------------------


async def words_page(request: web.Request) -> web.Response:
    """The box for own words; records nothing."""
    found = await _family(request, Purpose.WORDS)
    if found is None:
        return neutral(request)
    return render(request, "words.html", found[0].reader, _page(request, found[0]))


async def send_words(request: web.Request) -> web.Response:
    """Own words, passed on to the spilfiguur; the thanks."""
    found = await _family(request, Purpose.WORDS)
    if found is None:
        return neutral(request)
    family = found[0]
    context = request.app[CONTEXT]
    form = await request.post()
    text = str(form.get("text", "")).strip()
    problem = _words_problem(family.reader, text)
    if problem is not None:
        values = _page(request, family, text=text, error=problem)
        return render(request, "words.html", family.reader, values, status=422)
    language = await asyncio.to_thread(detect, text)
    translation = await translation_for(
        context.engine, context.translator, family.person.spilfiguur, language, text
    )
    try:
        async with context.engine.begin() as conn:
            stored = await _store.words(
                conn,
                family.linked.row,
                family.person,
                text,
                (language, translation),
                context.clock.now(),
                context.channels,
            )
    except OperationalError as err:
        return busy(request, family.reader, err)
    if stored:
        tell(context)
    return _thanks(request, family, "free_text")


def _words_problem(reader: Reader, text: str) -> object | None:
    if not text:
        return reader.gettext("Het bericht is leeg. Schrijf een paar woorden.")
    if len(text) > MAX_WORDS:
        return reader.gettext("Het bericht is te lang: ten hoogste %(count)s tekens.") % {
            "count": MAX_WORDS
        }
    return None


# -- unsubscribe -------------------------------------------------------------------------------


async def _unsubscribing(request: web.Request) -> tuple[Linked, Reader, str] | None:
    context = request.app[CONTEXT]
    opened = await _opened(request, Purpose.UNSUBSCRIBE)
    if opened is None:
        return None
    linked, school = opened[0].linked, opened[0].school
    guardian = linked.row.recipient_role == "guardian"
    return linked, Reader.of(context.catalogs, linked.reader, guardian=guardian), school


async def unsubscribe_page(request: web.Request) -> web.Response:
    """One button that stops the messages on this channel; records nothing."""
    found = await _unsubscribing(request)
    if found is None:
        return neutral(request)
    _linked, reader, school = found
    return render(request, "unsubscribe.html", reader, {"school": school, "title": school})


async def unsubscribe(request: web.Request) -> web.Response:
    """The contact on this channel becomes ``unsubscribed`` (RFC 8058 one-click, or the
    page's button, which sends the same body)."""
    found = await _unsubscribing(request)
    if found is None:
        return neutral(request)
    linked, reader, school = found
    context = request.app[CONTEXT]
    form = await request.post()
    values = {"school": school, "title": school}
    if form.get("List-Unsubscribe") != "One-Click":
        return render(request, "unsubscribe.html", reader, values, status=400)
    try:
        async with context.engine.begin() as conn:
            await _store.stop(conn, linked, context.clock.now())
    except OperationalError as err:
        return busy(request, reader, err)
    return render(request, "unsubscribed.html", reader, values)

"""A tap on a button: checked, stored, acknowledged.

The button's data (:mod:`integrations.telegram.callbacks`) names an outreach row and an answer,
and carries a MAC over both and the chat the message went to. A tap acts only when

1. the MAC fits the chat the tap comes from (data copied from another chat, made up or altered
   acts on nobody),
2. that chat is still linked to the row's recipient (after ``/stop`` old buttons are dead), and
3. the answer is one the row's message offered.

Anything else does nothing: the tapper learns nothing. Buttons of the conversation itself
(stop, language) are signed for :data:`~bot.telegram.conversation.CONVERSATION_ROW`.

The answer is stored first, in one transaction with its effects (or, while an import holds
SQLite's write lock, kept in the inbox: :mod:`bot.telegram.inbox`); only then is the tap
acknowledged with ``answerCallbackQuery`` (the tapping hand stops spinning), best-effort
(:class:`Acknowledgement`). Telegram refuses to acknowledge a tap older than about 15 seconds
("query is too old"): a tap made while the bot was down or slow is still stored, thanked and
its buttons taken off; only the spinner was not stopped, and it stops by itself.

What an accepted tap does, by recipient:

- pupil or guardian: the answer is stored as a :class:`~bot.models.Reply` of that row (once:
  a second tap on the same button stores nothing), the buttons are taken off the message, the
  sender is thanked in their language, and the planner is told. ``return`` first shows the next
  school days as buttons; the day tapped is the ``return:YYYY-MM-DD`` answer.
- teacher: ``ack`` marks the welcome reminder as read.
- coordinator: ``ack`` marks a nudge as seen (no reminder follows); ``snooze`` offers one or
  three school days, after which the reminder comes; ``return`` offers the next school days as
  the date the pupil is expected back (the teachers' welcome follows it); ``pause`` offers one,
  two or four school weeks without messages to the pupil and the guardians; ``release`` and
  ``discard`` decide a mass-absence hold; ``send_notice`` and ``keep_notice`` decide a guardian
  notice that a pupil's answer held (:func:`~bot.answers.decisions.decide_notice`);
  ``clb_involved`` closes the CLB-threshold case for the school year
  (:data:`~bot.answers.decisions.DECISIONS`). Under a daily message, ``ack:N``, ``snooze:N``
  (one school day) and ``clb_involved:N`` decide about its pupil ``N``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from telegram import CallbackQuery, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.answers import MessageRow
from bot.answers.staff import (
    CHOICES,
    PAUSE_DAYS,
    RETURN_CHOICES,
    SNOOZE_DAYS,
    digest_answer,
    return_days,
    staff_answer,
)
from bot.domain import CONTACT_MOMENTS, OutreachKind
from bot.telegram import _store, invites
from bot.telegram.invites import Linked
from integrations.telegram.callbacks import Tap, verify
from messages import buttons_for, day_label

if TYPE_CHECKING:
    from bot.telegram.conversation import Conversation

__all__ = ["PAUSE_DAYS", "RETURN_CHOICES", "SNOOZE_DAYS", "Acknowledgement", "on_tap"]

log = logging.getLogger(__name__)

_STAFF_ROLES = ("teacher", "coordinator")
_FAMILY = ("pupil", "guardian")


class Acknowledgement:
    """The ``answerCallbackQuery`` of one tap: sent once, when what the tap did is stored,
    and never in the way of it. Telegram's refusal of a tap it finds too old is expected and
    harmless (logged at debug level); any other failure is logged and forgotten too: a tap's
    acknowledgement only stops a spinner."""

    def __init__(self, query: CallbackQuery) -> None:
        self._query = query
        self.sent = False

    async def __call__(self) -> None:
        if self.sent:
            return
        self.sent = True
        try:
            await self._query.answer()
        except BadRequest as err:  # "query is too old ... or query ID is invalid"
            log.debug("tap not acknowledged: %s", err.message)
        except TelegramError as err:
            log.info("tap not acknowledged: %s", err.message)


async def on_tap(
    conversation: Conversation, update: Update, context: ContextTypes.DEFAULT_TYPE
) -> None:
    """Every tap on every button of the bot: acted on, then acknowledged (also when acting
    on it failed, so that the hand stops spinning)."""
    query = update.callback_query
    if query is None or query.message is None or query.data is None:
        return
    ack = Acknowledgement(query)
    try:
        await _act(conversation, query, query.message.chat.id, ack)
    finally:
        await ack()


async def _act(
    conversation: Conversation, query: CallbackQuery, chat: int, ack: Acknowledgement
) -> None:
    assert query.data is not None
    tap = verify(conversation.secret, query.data, chat)
    if tap is None:
        log.info("chat %s: a button that was not made for it was refused", chat)
        return
    from bot.telegram.conversation import CONVERSATION_ROW

    if tap.outreach_id == CONVERSATION_ROW:
        await _conversation_button(conversation, query, chat, tap.key, ack)
        return
    row = await _store.tapped_row(conversation.engine, tap.outreach_id)
    people = await invites.linked(conversation.engine, chat)
    person = next((p for p in people if row is not None and _is_recipient(p, row)), None)
    if row is None or person is None:
        return
    if row.recipient_role in _STAFF_ROLES:
        await _staff_tap(conversation, query, chat, row, person, tap, ack)
    else:
        await _family_tap(conversation, query, chat, row, person, tap, ack)


def _is_recipient(person: Linked, row: MessageRow) -> bool:
    role = "staff" if row.recipient_role in _STAFF_ROLES else row.recipient_role
    return person.role == role and person.person_id == row.recipient_id


def _offered(row: MessageRow) -> set[str]:
    """The answers the row's message had as buttons (with the other reasons it said)."""
    return set(buttons_for(row.kind, row.payload))


async def _family_tap(
    conversation: Conversation,
    query: CallbackQuery,
    chat: int,
    row: MessageRow,
    person: Linked,
    tap: Tap,
    ack: Acknowledgement,
) -> None:
    offered = _offered(row)
    key, _, value = tap.key.partition(":")
    if key not in offered or (value and key != "return"):
        return
    pupils = {
        p.id: p for p in await _store.pupils_of(conversation.engine, person.role, person.person_id)
    }
    pupil = pupils.get(row.pupil_id or -1)
    if pupil is None:  # no longer this person's pupil
        return
    about = {
        "first_name": pupil.first_name,
        "sender": pupil.sender,
        "contact": pupil.contact,
        "school": pupil.school,
    }
    if key == "return" and not value:
        await conversation.say(
            chat,
            f"{person.role}_return_choice",
            person.lang,
            about,
            row=row.id,
            buttons=_return_days(conversation, f"{person.role}_return_choice", person.lang),
        )
        return
    returns: dt.date | None = None
    if value:
        try:
            returns = dt.date.fromisoformat(value)
        except ValueError:
            return
    stored = await conversation.inbox.answer(
        row=row,
        sender_role=person.role,
        sender_id=person.roster_id,
        answer=tap.key,
        at=conversation.clock.now(),
    )
    await ack()
    if stored is False:  # this very answer was stored before
        return
    if stored:  # None: it waits in the inbox, which lets the planner know once it is stored
        conversation.news()  # before the thanks: whoever sees the thanks, sees the planner busy
    await _take_buttons_off(query)
    absent_on = _absence_day(row)
    await conversation.thank(
        chat, person, key, {**about, "date": returns or absent_on}, about_day=absent_on, row=row.id
    )


def _absence_day(row: MessageRow) -> dt.date | None:
    """The day of the absence the tapped message asked about (a check-in's ``date``)."""
    value = row.payload.get("date")
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _return_days(conversation: Conversation, template: str, lang: str) -> list[tuple[str, str]]:
    """The next school days as ``(return:YYYY-MM-DD, "maandag 23 november")``."""
    days = return_days(conversation.calendar, conversation.clock.today())
    return [(f"return:{day.isoformat()}", day_label(template, lang, day)) for day in days]


async def _staff_tap(
    conversation: Conversation,
    query: CallbackQuery,
    chat: int,
    row: MessageRow,
    person: Linked,
    tap: Tap,
    ack: Acknowledgement,
) -> None:
    key, _, value = tap.key.partition(":")
    if row.kind == OutreachKind.COORDINATOR_DIGEST:
        if tap.key in _offered(row):
            await _digest_tap(conversation, chat, row, person, tap, ack)
        return
    if key not in _offered(row) or (value and key not in CHOICES):
        return
    if key in CHOICES and not value:  # first the choice: when, until when
        context: dict[str, object] = {"first_name": row.payload.get("first_name", "")}
        buttons = None
        if key == "return":
            buttons = _return_days(conversation, "staff_return_choice", person.lang)
        await conversation.say(
            chat, CHOICES[key], person.lang, context, row=row.id, buttons=buttons
        )
        return
    answer = staff_answer(
        row, key, value, today=conversation.clock.today(), calendar=conversation.calendar
    )
    if answer is None:
        return
    template, context, day = answer.template, answer.context, answer.day
    done = await conversation.inbox.write(
        "decision",
        row={**dataclasses.asdict(row), "payload": dict(row.payload)},
        key=key,
        sender_id=person.roster_id,
        at=conversation.clock.now().isoformat(),
        today=conversation.clock.today().isoformat(),
        date=day.isoformat() if day is not None else None,
    )
    await ack()
    if done is False:  # nothing (left) to decide
        return
    if done:  # None: it waits in the inbox, which lets the planner know once it is stored
        conversation.news()
    await _take_buttons_off(query)
    await conversation.say(chat, template, person.lang, context)


async def _digest_tap(
    conversation: Conversation,
    chat: int,
    row: MessageRow,
    person: Linked,
    tap: Tap,
    ack: Acknowledgement,
) -> None:
    """A button under one pupil of the daily message: seen, one school day later, or the CLB
    involved already. The other pupils' buttons stay."""
    answer = digest_answer(
        row, tap.key, today=conversation.clock.today(), calendar=conversation.calendar
    )
    day = answer.day
    done = await conversation.inbox.write(
        "decision",
        row={**dataclasses.asdict(row), "payload": dict(row.payload)},
        key=tap.key,
        sender_id=person.roster_id,
        at=conversation.clock.now().isoformat(),
        today=conversation.clock.today().isoformat(),
        date=day.isoformat() if day is not None else None,
    )
    await ack()
    if done is False:
        return
    if done:
        conversation.news()
    await conversation.say(chat, answer.template, person.lang, answer.context)


async def _conversation_button(
    conversation: Conversation, query: CallbackQuery, chat: int, key: str, ack: Acknowledgement
) -> None:
    """Stop (yes or no), and the language choice."""
    engine = conversation.engine
    people = await invites.linked(engine, chat)
    if not people:
        return
    lang = people[0].lang
    now = conversation.clock.now().isoformat()
    if key == "stop_yes":
        await conversation.inbox.write("stop", chat=chat, at=now)
        await ack()
        await _take_buttons_off(query)
        await conversation.say(chat, "onboarding.stop", lang)
    elif key == "stop_no":
        await _take_buttons_off(query)
    elif key == "language":
        await conversation.say(chat, "onboarding.language_choice", lang)
    elif key == "moment":
        await conversation.say(chat, "onboarding.moment_choice", lang)
    elif key.startswith("moment:"):
        chosen = key.removeprefix("moment:")
        guardians = [p for p in people if p.role == "guardian"]
        if not guardians or (chosen != "any" and chosen not in CONTACT_MOMENTS):
            return
        moment = None if chosen == "any" else chosen
        ids = [person.person_id for person in guardians]
        await conversation.inbox.write("moment", guardians=ids, moment=moment, at=now)
        await ack()
        await _take_buttons_off(query)
        await conversation.say(chat, "onboarding.moment_saved", guardians[0].lang)
    elif key.startswith("lang:"):
        chosen = key.removeprefix("lang:")
        family = [(p.role, p.person_id) for p in people if p.role in _FAMILY]
        stored = await conversation.inbox.write("language", people=family, lang=chosen, at=now)
        await ack()
        await _take_buttons_off(query)
        if stored is None:  # waits in the inbox: welcomed in the language chosen all the same
            people = [replace(p, lang=chosen) if p.role in _FAMILY else p for p in people]
        else:
            people = await invites.linked(engine, chat)
        await conversation.welcome(chat, people)


async def _take_buttons_off(query: CallbackQuery) -> None:
    """The question is answered: its buttons go, so that a second tap cannot be made."""
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except BadRequest as err:  # "message is not modified" or too old to edit: harmless
        log.debug("buttons not taken off: %s", err.message)

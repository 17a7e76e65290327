"""The bot's side of the conversation: linking a chat, answers, stopping, and strangers.

:class:`Conversation` holds python-telegram-bot handlers (:meth:`Conversation.install`). What
each kind of update does:

- ``/start <code>`` (the invitation's deep link), or the code typed as a message: links the
  chat to that person (:func:`bot.telegram.invites.redeem`) and welcomes them in their
  language. A wrong, used or expired code gets one friendly text for all three, so a guess
  learns nothing; after :data:`CodeThrottle.LIMIT` wrong codes a chat's codes are not even
  looked at for a while. A bare ``/start`` welcomes a linked person again, and tells anyone
  else (a chat that sent ``/stop`` too) how to get a code.
- ``/stop`` asks to confirm with two buttons; "yes" unlinks the chat and erases its id
  (:func:`~bot.telegram.invites.stop`): Gemist keeps nothing that ties that chat to anyone.
- ``/taal`` (also ``/language``) lets a pupil or guardian choose their language; ``/momenten``
  (also ``/moments``) lets a guardian choose the part of the day for the school's messages.
- ``/pupil <id>`` shows a coordinator the case timeline of one of their pupils
  (:mod:`bot.telegram._timeline`); anyone else gets one neutral answer that names no pupil.
- A tap on a button: :mod:`bot.telegram._taps`.
- Free text from a pupil or guardian is stored as their answer and passed on to the pupil's
  spilfiguur through the outbox (``coordinator_forward``), naming the language it was written
  in (:mod:`bot.answers.written_in`), with a machine translation when the school chose an
  engine and the spilfiguur may not read that language (:mod:`bot.translation`); the writer is
  thanked (a guardian whom the school may not contact about that child, in words that name
  neither the child nor anyone at school: :mod:`bot.consent`). A message they edit afterwards
  (``edited_message``) takes the place of the earlier words while those still wait for the
  spilfiguur's sending hours, and is passed on as a correction once they went out; without a
  second thanks. Commands are read only as sent: editing ``/stop`` does not stop again.
  Answers and free text go through :class:`~bot.telegram.inbox.Inbox`, so that an import
  holding SQLite's write lock does not lose them; so do links, ``/stop``, ``/taal`` and
  ``/momenten`` choices and a coordinator's decisions (a link is answered once it is stored).
- The bot blocked in a private chat (``my_chat_member``): :mod:`bot.telegram._blocks`.

Someone not linked learns nothing about any pupil: every text a stranger can get is one of the
``onboarding.*`` texts, which name no one. Replies go out at once, through the bot's rate
limiter; they answer what a person just did, so the quiet hours do not apply to them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.answers import written_in
from bot.answers.thanks import ack_context, ack_template
from bot.config import HelpLines
from bot.consent.store import contactable
from bot.contacts import DEFAULT_ORDER, ChannelOrder
from bot.engine.window import Window
from bot.redaction import describe_error
from bot.rules import Rules
from bot.telegram import _store, _timeline, invites
from bot.telegram._translate import translation_for
from bot.telegram.inbox import Inbox
from bot.telegram.invites import Linked, Refused
from bot.translation import Translator
from integrations.telegram.callbacks import sign
from messages import FAMILY_LANGUAGES, SOURCE_LANGUAGE, Overrides, render
from scheduler.calendar import SchoolCalendar
from scheduler.clock import Clock

__all__ = ["CONVERSATION_ROW", "CodeThrottle", "Conversation"]

log = logging.getLogger(__name__)

CONVERSATION_ROW = 0
"""The outreach id that buttons of the conversation itself (stop, language) are signed with."""
_CODE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_FAMILY = ("pupil", "guardian")


@dataclass
class CodeThrottle:
    """Wrong invitation codes per chat: after :attr:`LIMIT` within :attr:`WINDOW`, the chat's
    codes are not looked up until the window has passed (guessing 192 bits is hopeless, but
    a bot that answers as fast as it is asked invites trying)."""

    LIMIT = 5
    WINDOW = dt.timedelta(minutes=15)
    _failures: dict[int, list[dt.datetime]] = field(default_factory=dict)

    def allows(self, chat_id: int, now: dt.datetime) -> bool:
        recent = [at for at in self._failures.get(chat_id, ()) if now - at < self.WINDOW]
        if recent:
            self._failures[chat_id] = recent
        else:
            self._failures.pop(chat_id, None)
        return len(recent) < self.LIMIT

    def failed(self, chat_id: int, now: dt.datetime) -> None:
        self._failures.setdefault(chat_id, []).append(now)

    def succeeded(self, chat_id: int) -> None:
        self._failures.pop(chat_id, None)


News = Callable[[], Awaitable[object]]
"""Called after an answer was stored, so that the planner acts on it now, not at its next tick."""


class Conversation:
    """The handlers of one school's bot, over the school's database."""

    def __init__(
        self,
        engine: AsyncEngine,
        clock: Clock,
        calendar: SchoolCalendar,
        *,
        bot: Bot,
        secret: bytes,
        overrides: Overrides | None = None,
        news: News | None = None,
        throttle: CodeThrottle | None = None,
        rules: Rules | None = None,
        help_lines: HelpLines | None = None,
        translator: Translator | None = None,
        channels: ChannelOrder = DEFAULT_ORDER,
    ) -> None:
        self.engine = engine
        self.rules = Rules.default() if rules is None else rules
        """What :mod:`bot.consent` needs: a welcome names only the children whom the school
        may contact the guardian about."""
        self.bot = bot
        self.clock = clock
        self.calendar = calendar
        self.secret = secret
        self.overrides = overrides
        self.throttle = throttle or CodeThrottle()
        self.window = Window((rules or Rules.default()).delivery, calendar, clock.tz)
        """The sending hours on school days: whether a person can still read an answer today."""
        self.help_lines = help_lines or HelpLines()
        self.translator = translator
        """The school's local translation engine for the spilfiguur (None: translate nothing)."""
        self.channels = channels
        """The school's order of channels and those it delivers on: how the spilfiguur is
        reached with a pupil's or a parent's own words (:func:`bot.contacts.reach`)."""
        self._news = news
        self._pending: set[asyncio.Task[object]] = set()
        self.updates_handled = 0
        self._progress = asyncio.Event()
        self.inbox = Inbox.beside(engine, stored=self.news, replayed=self._replayed)
        """Where answers and free text are stored (:mod:`bot.telegram.inbox`)."""

    def use_rules(self, rules: Rules) -> None:
        """Answer under ``rules`` from now on: a coordinator saved a new version."""
        self.rules = rules
        self.window = Window(rules.delivery, self.calendar, self.clock.tz)

    def install(self, application: Application) -> None:  # type: ignore[type-arg]
        """Add the handlers and the error handler to ``application``."""
        from bot.telegram._blocks import on_member
        from bot.telegram._taps import on_tap

        sent, edited = filters.UpdateType.MESSAGE, filters.UpdateType.EDITED_MESSAGE
        commands = {
            "start": self.on_start,
            "stop": self.on_stop,
            ("taal", "language"): self.on_language,
            ("momenten", "moments"): self.on_moments,
            "pupil": self.on_pupil,
        }
        for names, handler in commands.items():
            application.add_handler(CommandHandler(names, handler, filters=sent))
        application.add_handler(
            CallbackQueryHandler(lambda update, context: on_tap(self, update, context))
        )
        application.add_handler(
            ChatMemberHandler(
                lambda update, context: on_member(self, update, context),
                ChatMemberHandler.MY_CHAT_MEMBER,
            )
        )
        words = filters.TEXT & ~filters.COMMAND
        application.add_handler(MessageHandler(sent & words, self.on_text))
        application.add_handler(MessageHandler(edited & words, self.on_edit))
        application.add_error_handler(self.on_error)
        # A later group sees every update once the handlers above are done with it (also when
        # one of them failed): what :meth:`handled` waits for.
        application.add_handler(TypeHandler(Update, self._count), group=1)

    # -- what people send ----------------------------------------------------------------------

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/start``, with or without an invitation code."""
        chat = _chat(update)
        if chat is None:
            return
        if context.args:
            await self.link(update, chat, context.args[0])
            return
        people = await invites.linked(self.engine, chat)
        if people:
            await self.welcome(chat, people)
        else:
            await self.say(chat, "onboarding.stranger", self.guess_language(update))

    async def link(self, update: Update, chat: int, code: str) -> None:
        """Link the chat with an invitation code, or say kindly that the code does not work.
        While an import holds SQLite's write lock the code waits in the inbox (as its hash),
        and the person is answered once it is stored (:meth:`_replayed`)."""
        now = self.clock.now()
        lang = self.guess_language(update)
        result: object | None = Refused.UNKNOWN
        if self.throttle.allows(chat, now):
            result = await self.inbox.write(
                "link", code_hash=invites.hash_code(code), chat=chat, lang=lang, at=now.isoformat()
            )
        if result is None:
            log.info("chat %s: the invitation code waits in the inbox", chat)
            return
        await self._linked(chat, lang, result)

    async def _linked(self, chat: int, lang: str, result: object) -> None:
        """Welcome a chat just linked, or tell it kindly that its code does not work."""
        if not isinstance(result, Linked):
            self.throttle.failed(chat, self.clock.now())
            log.info("chat %s: an invitation code was refused (%s)", chat, result)
            await self.say(chat, "onboarding.unknown_code", lang)
            return
        self.throttle.succeeded(chat)
        log.info("chat %s linked to %s %s", chat, result.role, result.roster_id)
        await self.welcome(chat, [result])

    async def _replayed(self, kind: str, fields: dict[str, Any], result: object) -> None:
        """An action the inbox kept is stored: a link is answered now."""
        if kind == "link":
            await self._linked(int(fields["chat"]), str(fields["lang"]), result)

    async def on_stop(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/stop``: ask first; the "yes" button unlinks."""
        await self._offer(update, "onboarding.stop_confirm", ("pupil", "guardian", "staff"))

    async def on_language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/taal``: the languages as buttons, each in its own language."""
        await self._offer(update, "onboarding.language_choice", _FAMILY)

    async def on_moments(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/momenten``: a parent chooses the part of the day for the school's messages."""
        await self._offer(update, "onboarding.moment_choice", ("guardian",))

    async def _offer(self, update: Update, template_id: str, roles: tuple[str, ...]) -> None:
        """A choice (its buttons) for a chat linked to someone of ``roles``; anyone else gets
        their welcome, or the stranger's text."""
        chat = _chat(update)
        if chat is None:
            return
        people = [p for p in await invites.linked(self.engine, chat) if p.role in roles]
        if people:
            await self.say(chat, template_id, people[0].lang)
        else:
            await self.welcome_or_stranger(update, chat)

    async def welcome_or_stranger(self, update: Update, chat: int) -> None:
        """What a command that is not for this chat gets: its welcome, or the stranger's text."""
        people = await invites.linked(self.engine, chat)
        if people:
            await self.welcome(chat, people[:1])
        else:
            await self.say(chat, "onboarding.stranger", self.guess_language(update))

    async def on_pupil(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/pupil <id>``: a coordinator's view of one of their pupils."""
        chat = _chat(update)
        if chat is None:
            return
        people = await invites.linked(self.engine, chat)
        if not people:
            await self.say(chat, "onboarding.stranger", self.guess_language(update))
            return
        staff = next((person for person in people if person.role == "staff"), None)
        text = None
        if staff is not None and context.args:
            text = await _timeline.pupil_timeline(
                self.engine,
                staff,
                context.args[0],
                now=self.clock.now(),
                tz=self.clock.tz,
                calendar=self.calendar,
                overrides=self.overrides,
                rules=self.rules,
            )
        if text is None:  # not theirs, no such pupil, not staff: the same answer for each
            await self.say(chat, "timeline.not_found", (staff or people[0]).lang)
            return
        await self.bot.send_message(chat, text)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Words of one's own: to the spilfiguur (or, from a stranger, maybe a code)."""
        chat = _chat(update)
        message = update.effective_message
        if chat is None or message is None or not message.text:
            return
        text = message.text.strip()
        people = await invites.linked(self.engine, chat)
        if not people:
            if _CODE.fullmatch(text):
                await self.link(update, chat, text)
            else:
                await self.say(chat, "onboarding.stranger", self.guess_language(update))
            return
        person = next((p for p in people if p.role in _FAMILY), None)
        if person is None:  # staff: nothing to pass on, say what the bot is for
            await self.welcome(chat, people[:1])
            return
        pupil = await self._pass_on(person, text, update.update_id, message.message_id)
        if pupil is None:
            return
        if person.role == "guardian" and pupil not in await self.pupils_of(person):
            # The school may not contact them about this child: their words still reach the
            # spilfiguur, and the thanks tells them so without a word about the child.
            await self.say(chat, _GENERAL_THANKS, person.lang, {"school": pupil.school})
            return
        await self.thank(chat, person, "free_text", _about(pupil))

    async def on_edit(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A pupil or guardian corrected words they wrote: passed on in their place, or as a
        correction (the earlier thanks stands). An edit by anyone else changes nothing."""
        chat = _chat(update)
        message = update.edited_message
        if chat is None or message is None or not message.text:
            return
        people = await invites.linked(self.engine, chat)
        person = next((p for p in people if p.role in _FAMILY), None)
        if person is not None:
            text = message.text.strip()
            await self._pass_on(person, text, update.update_id, message.message_id, edited=True)

    async def _pass_on(
        self, person: Linked, text: str, update_id: int, message_id: int, *, edited: bool = False
    ) -> _store.Pupilship | None:
        """Store ``text`` (the person's message ``message_id``, or with ``edited`` a new
        version of it) as their answer about the pupil they last heard about, and plan it for
        the spilfiguur; that pupil (None: the person has no active pupil)."""
        pupils = await _store.pupils_of(self.engine, person.role, person.person_id)
        if not pupils:
            return None
        pupil = await _store.latest_pupil(self.engine, person, pupils)
        language = await asyncio.to_thread(written_in.detect, text)
        translation = await translation_for(self.engine, self.translator, pupil, language, text)
        stored = await self.inbox.forward(
            pupil=pupil,
            sender_role=person.role,
            sender_id=person.roster_id,
            language=language,
            text=text,
            update_id=update_id,
            message_id=message_id,
            at=self.clock.now(),
            edited=edited,
            translation=translation,
            channels=self.channels,
        )
        if stored is not None:  # else the inbox lets the planner know once it is stored
            self.news()
        return pupil

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """One place for what a handler did not expect: logged without its text or people."""
        if context.error is not None:
            log.error("handling an update failed: %s", describe_error(context.error))

    # -- what the bot says ---------------------------------------------------------------------

    async def welcome(self, chat: int, people: Sequence[Linked]) -> None:
        """The welcome of each person the chat is linked to. A guardian's names only the
        children the school may contact them about; with none, a welcome that names nobody."""
        for person in people:
            pupils = [] if person.role == "staff" else await self.pupils_of(person)
            if not pupils:
                if person.role in ("staff", "guardian"):
                    await self.say(
                        chat,
                        _GENERAL_WELCOME[person.role],
                        person.lang,
                        {
                            "first_name": person.first_name,
                            "school": await _store.school_name(self.engine, person.school_id),
                        },
                    )
                continue
            # A parent of two gets a welcome for each child: the text speaks of one.
            for pupil in pupils:
                await self.say(
                    chat, f"onboarding.welcome_{person.role}", person.lang, _about(pupil)
                )

    async def pupils_of(self, person: Linked) -> list[_store.Pupilship]:
        """The active pupils a pupil or guardian may hear about: a guardian's children only
        when the school may contact them about that child (:mod:`bot.consent`)."""
        pupils = await _store.pupils_of(self.engine, person.role, person.person_id)
        if person.role != "guardian" or not pupils:
            return pupils
        async with self.engine.connect() as conn:
            links = await contactable(
                conn, self.rules, self.clock.today(), guardian=person.person_id
            )
        allowed = {link.pupil for link in links if link.consent.allows}
        return [pupil for pupil in pupils if pupil.id in allowed]

    async def thank(
        self,
        chat: int,
        person: Linked,
        key: str,
        about: Mapping[str, object],
        *,
        about_day: dt.date | None = None,
        row: int = CONVERSATION_ROW,
    ) -> None:
        """Thank a pupil or a parent for their answer ``key`` (or ``free_text``) about a pupil,
        given to a message about the absence of ``about_day`` (:mod:`bot.answers.thanks`); a
        button of the thanks ("I want to talk" after "not going well") is an answer to the
        message ``row`` that was answered."""
        now = self.clock.local_now()
        template = ack_template(
            person.role, key, person.lang, now=now, window=self.window, about_day=about_day
        )
        context = {**ack_context(self.help_lines), **about}
        await self.say(chat, template, person.lang, context, row=row)

    async def say(
        self,
        chat: int,
        template_id: str,
        lang: str,
        context: Mapping[str, object] | None = None,
        *,
        row: int = CONVERSATION_ROW,
        buttons: Sequence[tuple[str, str]] | None = None,
    ) -> None:
        """Render ``template_id`` for a reader of ``lang`` and send it to ``chat``; its buttons
        (or ``buttons``, as ``(key, label)``) signed for ``row`` and this chat."""
        rendered = render(template_id, lang, context or {}, overrides=self.overrides)
        keys = buttons if buttons is not None else [(b.key, b.label) for b in rendered.buttons]
        await self.bot.send_message(
            chat, rendered.text, reply_markup=self.keyboard(chat, keys, row)
        )

    def keyboard(
        self, chat: int, buttons: Sequence[tuple[str, str]], row: int = CONVERSATION_ROW
    ) -> InlineKeyboardMarkup | None:
        if not buttons:
            return None
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(label, callback_data=sign(self.secret, row, key, chat))]
                for key, label in buttons
            ]
        )

    @staticmethod
    def guess_language(update: Update) -> str:
        """A stranger's language as their Telegram app says it, when Gemist speaks it."""
        user = update.effective_user
        code = (user.language_code or "") if user is not None else ""
        lang = code.split("-")[0].lower()
        return lang if lang in FAMILY_LANGUAGES else SOURCE_LANGUAGE

    # -- the planner ---------------------------------------------------------------------------

    def news(self) -> None:
        """Let the planner act on what was just stored, without making the person wait."""
        if self._news is None:
            return
        task: asyncio.Task[object] = asyncio.ensure_future(self._news())
        self._pending.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[object]) -> None:
        self._pending.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("acting on an answer failed: %s", describe_error(error))

    async def _count(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.updates_handled += 1
        self._progress.set()

    async def handled(self, count: int) -> None:
        """Wait until ``count`` updates have been handled since the start, and the planner
        has acted on them (the demo's script waits for each person's answer so)."""
        while self.updates_handled < count:
            self._progress.clear()
            await self._progress.wait()
        await self.settled()

    async def settled(self) -> None:
        """Wait until the planner has acted on every answer stored so far (tests, the demo)."""
        while self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)


_GENERAL_WELCOME = {
    "staff": "onboarding.welcome_staff",
    "guardian": "onboarding.welcome_guardian_general",
}
"""The welcome that names no pupil: staff's, and a guardian's with no child to name."""
_GENERAL_THANKS = "guardian_ack.free_text.general"
"""The thanks for the words of a guardian whom the school may not contact about the child."""


def _chat(update: Update) -> int | None:
    chat = update.effective_chat
    return chat.id if chat is not None else None


def _about(pupil: _store.Pupilship) -> dict[str, object]:
    """What a message about ``pupil`` may mention."""
    return {
        "first_name": pupil.first_name,
        "school": pupil.school,
        "class_name": pupil.class_name,
        "sender": pupil.sender,
        "contact": pupil.contact,
    }

"""``gemist demo``: two school weeks of the sample school, through the real bot, in a minute.

Nothing is faked above the network: the local Bot API server (:mod:`integrations.telegram.
local_server`) runs in this process, and python-telegram-bot talks to it over HTTP as it would
to Telegram; so does a local SMTP server (:mod:`integrations.email.local_server`), which the
e-mail channel reaches over SMTP, and Gemist's web application, on a free port of this
computer, behind the answer links in the e-mails. Everyone on the roster gets an invitation and
opens it (``/start <code>``), but the parents of :data:`~bot.demo.school.BY_EMAIL`, who have no
Telegram and are written to by e-mail (one of them answers by following a link); then
virtual time runs from Monday 16 to Friday 27 November 2026: the register is delivered every
school morning, the planner and the outbox run every quarter of an hour of school time, and
people tap the buttons and write what :mod:`bot.demo.school` scripts, at their times.

Two runs print the same timeline and write the same transcripts: the bot's token, the
invitation codes (:func:`demo_codes`) and the key of the answer links are fixed for the demo
(never for a school), and when someone answers, the planner acts once the bot has answered
them (:meth:`Demo._settle`), as ``gemist run`` does but one after the other: in the same minute
the person's thanks comes first, then what the planner sent (the spilfiguur's nudge, say),
instead of whichever of the two reached the server first.

Time is accelerated twice over. The clock jumps from one step to the next (nights and weekends
in one go: nothing may be sent then), and the sending limits of the server and of the bot are
scaled down together (:data:`SPEED` times Telegram's), so that two weeks take seconds. The
database is an SQLite file in the output folder: ``gemist --db sqlite:///gemist-demo/demo.db
hold list`` and the other commands can look at it afterwards.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import itertools
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels import registry as channels
from bot.channels.directory import RosterDirectory
from bot.config import Secret, Settings
from bot.db import connect, migrate
from bot.demo.events import ChatEvent, Mail, Recipient, button_key, with_tap_labels
from bot.demo.mailbox import mail_view
from bot.demo.people import Person, chat_id, people
from bot.demo.school import (
    BY_EMAIL,
    FIRST_DAY,
    LAST_DAY,
    MOMENTS,
    REPLIES,
    ROSTER,
    STAFF_TAPS,
    TZ,
    FeedDelivery,
    Reply,
    StaffTap,
    feed_deliveries,
    write_roster,
)
from bot.imports import import_absences, import_roster
from bot.links import LinkSigner
from bot.links import lifetimes as link_lifetimes
from bot.links.pages import LinkPages
from bot.outbox import Capabilities, Channel, DeliveryOutcome, Outcome, Outgoing
from bot.outbox.plugin import ChannelContext
from bot.pipeline import assemble
from bot.rules import Rules
from bot.telegram.app import TelegramBot
from bot.telegram.conversation import Conversation
from bot.telegram.invites import CODE_BYTES, create_invitations
from bot.web import WebServer, create_app, web_context
from integrations.csv import CsvRosterSource
from integrations.email.local_server import LocalSmtpServer
from integrations.telegram import LocalBotApi, SendBudget, TelegramChannel
from integrations.telegram.local_server import SentMessage
from scheduler.calendar import SchoolCalendar
from scheduler.clock import VirtualClock

__all__ = ["SCHOOL_ID", "SCHOOL_NAME", "SPEED", "Demo", "DemoResult", "demo_codes"]

SCHOOL_ID = "sint-jozef"
SCHOOL_NAME = "Sint-Jozefcollege"
SPEED = 20
"""How many times Telegram's sending limits the demo's server and bot allow."""
STEP = dt.timedelta(minutes=15)
DAY_STARTS = dt.time(7, 0)
DAY_ENDS = dt.time(20, 0)
_POLL = dt.timedelta(seconds=0.1)
WEB_URL = "https://gemist.sint-jozef.example"
"""The web application's public address in the demo's e-mails (the demo itself opens the
links on the application it runs on this computer)."""
_LINK_SECRET = b"gemist demo: this key signs the links of the demo's own e-mails only"
"""Fixed, so that two runs write the same links; a school's key is its own (``web_secret``)."""
_TOKEN = "700000001:gemist-demo-token-for-the-local-server"
"""The bot's token on the demo's own Bot API server (it signs the buttons): fixed, as the
link key is, so that two runs send the same buttons."""
_CODE_SEED = b"gemist demo: the invitation codes of the demo's own school only"
_FROM = "secretariaat@sint-jozef.example"
_REPLY_TO = "leerlingenbegeleiding@sint-jozef.example"


def demo_codes(seed: bytes = _CODE_SEED) -> Callable[[], str]:
    """Invitation codes for the demo: the same sequence every run, each of the shape of a real
    code (32 URL-safe characters), derived from ``seed`` and a counter. A school's codes are
    random (:func:`bot.telegram.invites.new_code`)."""
    counter = itertools.count()

    def code() -> str:
        digest = hashlib.blake2b(
            str(next(counter)).encode(), key=seed, digest_size=CODE_BYTES
        ).digest()
        return base64.urlsafe_b64encode(digest).decode()

    return code


@dataclass
class DemoResult:
    """What the demo did: every event in every chat, and who is behind each chat."""

    events: list[ChatEvent]
    recipients: list[Recipient]
    database: Path
    kinds: dict[str, int] = field(default_factory=dict)
    refused: int = 0
    """Requests the local Bot API server refused (a 429 would mean the limits were not kept)."""


class _KindOf(Channel):
    """Passes each rendered message on, noting its kind by chat and text, so that the
    transcript can say which step of the ladder a message was."""

    def __init__(self, inner: Channel) -> None:
        self.inner = inner
        self.kinds: dict[tuple[str, int, str], str] = {}
        self.mailed: list[str] = []
        """The kind of each e-mail sent, in the order the SMTP server received them."""

    def capabilities_for(self, channel: str) -> Capabilities:
        return self.inner.capabilities_for(channel)

    async def deliver(self, message: Outgoing) -> DeliveryOutcome:
        outcome = await self.inner.deliver(message)
        key = (message.recipient_role, message.recipient_id, message.text or "")
        self.kinds[key] = message.kind
        if message.channel == "email" and outcome.kind is Outcome.SENT:
            self.mailed.append(message.kind)
        return outcome

    def ready_in(self, message: Outgoing) -> float:
        return self.inner.ready_in(message)


class Demo:
    """One run of the demo; :meth:`run` does it all."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.database = folder / "demo.db"
        # Everyone opens their invitation on the Sunday evening before.
        sunday = FIRST_DAY - dt.timedelta(days=1)
        self.clock = VirtualClock(dt.datetime.combine(sunday, dt.time(19), tzinfo=TZ))
        self.calendar = SchoolCalendar()
        self.rules = Rules.default()
        self.people = people(ROSTER)
        self.events: list[ChatEvent] = []
        self._seen = 0
        self._mails_seen = 0
        self._updates = 0
        self._heard = False
        self._message_kinds: dict[tuple[int, int], str] = {}
        self._codes = demo_codes()

    async def run(self) -> DemoResult:
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.glob("demo.db*"):
            stale.unlink()
        engine = connect(f"sqlite:///{self.database}")
        try:
            await migrate(engine)
            await self._import_roster(engine)
            token = _TOKEN
            interval = 1.0 / SPEED
            async with (
                LocalBotApi(
                    token,
                    username="GemistDemoBot",
                    per_second=30 * SPEED,
                    per_chat_interval=interval,
                ) as api,
                LocalSmtpServer() as smtp,
            ):
                await self._run(engine, api, smtp, token, interval)
                refused = len(api.rejections)
        finally:
            await engine.dispose()
        recipients = [person.recipient() for person in self.people]
        kinds: dict[str, int] = {}
        for event in self.events:
            if event.kind is not None and not event.edited:
                kinds[event.kind] = kinds.get(event.kind, 0) + 1
        return DemoResult(with_tap_labels(self.events), recipients, self.database, kinds, refused)

    async def _import_roster(self, engine: AsyncEngine) -> None:
        """The roster, with no Telegram chat for the parents reached by e-mail."""
        with tempfile.TemporaryDirectory(prefix="gemist-demo-") as scratch:
            roster = write_roster(Path(scratch), email_only=BY_EMAIL)
            report = await import_roster(
                engine,
                CsvRosterSource(roster, today=self.clock.today()),
                school_id=SCHOOL_ID,
                school_name=SCHOOL_NAME,
                clock=self.clock,
            )
        if report.exit_code != 0:
            raise RuntimeError(f"the demo's roster did not import cleanly: {report.error}")

    async def _run(
        self,
        engine: AsyncEngine,
        api: LocalBotApi,
        smtp: LocalSmtpServer,
        token: str,
        interval: float,
    ) -> None:
        # The school's channels as `gemist run` builds them, on the local servers.
        settings = Settings(
            school_id=SCHOOL_ID,
            school_name=SCHOOL_NAME,
            telegram_token=Secret(token),
            telegram_api_url=api.base_url.removesuffix("/bot"),
            channels=("telegram", "email"),
            web_url=WEB_URL,
            channel_options={
                "email": {
                    "host": smtp.host,
                    "port": smtp.port,
                    "security": "none",
                    "from_address": _FROM,
                    "reply_to": _REPLY_TO,
                    "rate": 1000,
                }
            },
        )
        budget = SendBudget(per_second=30 * SPEED, per_chat_interval=interval)
        self._signer = LinkSigner(_LINK_SECRET, self.clock, link_lifetimes(settings))
        context = ChannelContext(
            self.clock,
            RosterDirectory(engine, self.clock),
            pages=LinkPages(WEB_URL, self._signer),
            tuning={"telegram": budget},
        )
        router = channels.build_router(settings, context)
        reach = settings.channel_order(frozenset(channels.usable(settings)))
        sender = router.channel("telegram")
        if not isinstance(sender, TelegramChannel):
            raise RuntimeError("the demo needs the Telegram channel")
        client, secret = sender.bot, sender.secret
        channel = _KindOf(router)
        self._channel = channel
        self._engine = engine
        self._api = api
        self._pipeline = assemble(
            engine,
            school_id=SCHOOL_ID,
            rules=self.rules,
            calendar=self.calendar,
            clock=self.clock,
            channels=channel,
            worker_id="demo",
            overrides=settings.messages,
            reach=reach,
        )
        self._dispatcher = self._pipeline.dispatcher
        self._smtp = smtp
        # The pages behind the links; a confirmed answer is followed by a tick, as a tap is.
        pages = web_context(
            settings,
            engine=engine,
            clock=self.clock,
            signer=self._signer,
            rules=self.rules,
            calendar=self.calendar,
            channels=reach,
        )
        self._web = WebServer(create_app(pages), "127.0.0.1", 0)
        self._conversation = Conversation(
            engine,
            self.clock,
            self.calendar,
            bot=client,
            secret=secret,
            news=self._news,
            rules=self.rules,
        )
        telegram = TelegramBot(client, self._conversation, poll_timeout=_POLL)
        async with router, aiohttp.ClientSession() as browser:
            self._browser = browser
            await self._web.start()
            await telegram.start()
            try:
                for person in self.people:
                    api.add_user(person.chat_id, person.first_name, language_code=person.lang)
                await self._invite_everyone(engine, api)
                await self._choose_moments()
                await self._two_weeks()
            finally:
                await telegram.stop()
                await self._web.stop_receiving()
                await self._web.close()

    # -- the story -----------------------------------------------------------------------------

    async def _invite_everyone(self, engine: AsyncEngine, api: LocalBotApi) -> None:
        """Every person with Telegram opens their invitation link."""
        for role in ("pupil", "guardian", "staff"):
            invited = await create_invitations(
                engine,
                school_id=SCHOOL_ID,
                role=role,
                bot_username=api.username,
                now=self.clock.now(),
                codes=self._codes,
            )
            for invitation in invited:
                if role == "guardian" and invitation.person_id in BY_EMAIL:
                    continue  # no Telegram: the school writes by e-mail
                chat = chat_id(role, invitation.person_id)
                await self._type(chat, f"/start {invitation.code}")
        self._collect()

    async def _choose_moments(self) -> None:
        """The parents of :data:`~bot.demo.school.MOMENTS` tap "choose a moment" under their
        welcome, then their part of the day."""
        for guardian_id, moment in MOMENTS:
            chat = chat_id("guardian", guardian_id)
            for key in ("moment", f"moment:{moment}"):
                target = self._button(chat, key, "")
                if target is None:
                    raise RuntimeError(f"no button {key!r} in the chat of {guardian_id}")
                await self._press(chat, *target)

    async def _two_weeks(self) -> None:
        deliveries = list(feed_deliveries(self.calendar))
        actions: list[Reply | StaffTap] = sorted([*REPLIES, *STAFF_TAPS], key=lambda a: a.at)
        for moment in self._moments():
            self.clock.set(moment)
            while deliveries and deliveries[0].at <= moment:
                await self._deliver(deliveries.pop(0))
            while actions and actions[0].at <= moment:
                await self._act(actions.pop(0))
            await self.tick()
            self._collect()

    def _moments(self) -> Iterable[dt.datetime]:
        """Every quarter of an hour of school time, and every moment something happens."""
        wanted: set[dt.datetime] = {d.at for d in feed_deliveries(self.calendar)}
        wanted |= {action.at for action in (*REPLIES, *STAFF_TAPS)}
        day = FIRST_DAY
        while day <= LAST_DAY:
            if self.calendar.is_school_day(day):
                moment = dt.datetime.combine(day, DAY_STARTS, tzinfo=TZ)
                while moment.time() <= DAY_ENDS:
                    wanted.add(moment)
                    moment += STEP
            day += dt.timedelta(days=1)
        return sorted(wanted)

    async def _deliver(self, delivery: FeedDelivery) -> None:
        report = await import_absences(
            self._engine,
            delivery.source(),
            school_id=SCHOOL_ID,
            school_name=SCHOOL_NAME,
            clock=self.clock,
            started_by="demo",
            calendar=self.calendar,
        )
        if report.error is not None:
            raise RuntimeError(f"the demo's feed did not import: {report.error}")

    async def tick(self) -> None:
        """The planner, then the outbox until nothing is due."""
        await self._pipeline.plan()
        while not (await self._dispatcher.run_once()).idle:
            pass

    async def _act(self, action: Reply | StaffTap) -> None:
        """A scripted person taps a button or types, as :mod:`bot.demo.school` says."""
        if isinstance(action, StaffTap):
            chat, key, about = chat_id("staff", action.staff_id), action.key, action.pupil_id
        else:
            chat = chat_id(action.sender_role, action.sender_id)
            key, about = (action.answer, action.pupil_id) if action.is_tap else ("", "")
        if isinstance(action, Reply) and action.sender_id in BY_EMAIL:
            await self._follow(chat, key, self._first_name(action.pupil_id))
            return
        if not key:
            await self._type(chat, action.answer)  # type: ignore[union-attr]
            return
        target = self._button(chat, key, self._first_name(about))
        if target is None:
            return  # nothing to tap: the message did not come (the script says more than the bot)
        await self._press(chat, *target)

    async def _press(self, chat: int, message: SentMessage, data: str) -> None:
        self._collect()
        self.events.append(ChatEvent.tapped(chat, message.message_id, data, self.clock.local_now()))
        await self._api.press(chat, message.message_id, data)
        await self._settle()

    async def _follow(self, chat: int, key: str, about: str) -> None:
        """A parent reached by e-mail opens the answer link ``key`` in the newest e-mail about
        ``about``, reads the page (which records nothing) and confirms on it."""
        found = self._link(chat, key, about)
        if found is None:
            return  # the e-mail did not come
        label, url = found
        local = f"http://127.0.0.1:{self._web.port}{url.removeprefix(WEB_URL)}"
        async with self._browser.get(local) as page:
            page.raise_for_status()
        async with self._browser.post(local) as confirmed:
            confirmed.raise_for_status()
        self._collect()
        self.events.append(ChatEvent.followed(chat, url, label, self.clock.local_now()))
        await self.tick()
        self._collect()

    def _link(self, chat: int, key: str, about: str) -> tuple[str, str] | None:
        """The text and address of the answer link ``key`` in the newest e-mail to ``chat``
        about ``about``."""
        for event in reversed(self.events):
            mail = event.mail
            if event.chat_id != chat or mail is None or about not in mail.text:
                continue
            for label, url in mail.links:
                claim = self._signer.peek(url.rsplit("/", 1)[-1])
                if url.startswith(f"{WEB_URL}/a/") and claim is not None and claim.key == key:
                    return label, url
        return None

    def _button(self, chat: int, key: str, about: str) -> tuple[SentMessage, str] | None:
        """The newest message to ``chat`` about ``about`` with a button ``key``."""
        for message in reversed(self._api.messages_to(chat)):
            markup = message.reply_markup or {}
            for row in markup.get("inline_keyboard", ()):
                for button in row:
                    data = button.get("callback_data")
                    if button_key(data) == key and about in message.text:
                        return message, str(data)
        return None

    def _first_name(self, pupil_id: str) -> str:
        return next(p.first_name for p in self.people if p.person_id == pupil_id)

    async def _type(self, chat: int, text: str) -> None:
        self.events.append(ChatEvent.typed(chat, text, self.clock.local_now()))
        await self._api.send_text(chat, text)
        await self._settle()

    async def _news(self) -> None:
        """The conversation stored something the planner should act on: it does, in
        :meth:`_settle`, once the bot has answered the person."""
        self._heard = True

    async def _settle(self) -> None:
        """Wait until the bot has handled what the person did, then let the planner act on
        it: the same order every run (see the module's docstring)."""
        self._updates += 1
        await self._conversation.handled(self._updates)
        if self._heard:
            self._heard = False
            await self.tick()
        self._collect()

    def _collect(self) -> None:
        """The bot's messages since the last look, at the virtual time they went out."""
        now = self.clock.local_now()
        for sent in self._api.sent[self._seen :]:
            person = self._person(sent.chat_id)
            kind = None
            if person is not None:
                kind = self._kind(person, sent)
            if sent.edited:
                kind = self._message_kinds.get((sent.chat_id, sent.message_id))
            elif kind is not None:
                self._message_kinds[(sent.chat_id, sent.message_id)] = kind
            self.events.append(ChatEvent.from_sent(sent, now, kind))
        self._seen = len(self._api.sent)
        for index in range(self._mails_seen, len(self._smtp.received)):
            mail = mail_view(self._smtp.received[index].data)
            person = self._addressee(mail)
            if person is not None:
                kind = self._channel.mailed[index] if index < len(self._channel.mailed) else None
                self.events.append(ChatEvent.mailed(person.chat_id, mail, now, kind))
        self._mails_seen = len(self._smtp.received)

    def _addressee(self, mail: Mail) -> Person | None:
        return next((p for p in self.people if p.email and p.email in mail.to), None)

    def _kind(self, person: Person, sent: SentMessage) -> str | None:
        for (role, _recipient, text), kind in self._channel.kinds.items():
            if text == sent.text and _role_fits(person.role, role):
                return kind
        return None

    def _person(self, chat: int) -> Person | None:
        return next((p for p in self.people if p.chat_id == chat), None)


def _role_fits(invited_as: str, recipient_role: str) -> bool:
    if invited_as == "staff":
        return recipient_role in ("teacher", "coordinator")
    return invited_as == recipient_role

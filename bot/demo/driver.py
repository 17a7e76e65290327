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

With ``--platform smartschool`` the sample school lives in a local Smartschool server
(:mod:`integrations.smartschool.local_server`) in the process: every pupil has an account
(internal number = pupil id), every parent a co-account on each child's account, the titulars
are the class teachers, and the teachers' absence marks are entered there day by day. Gemist
gets it all as a school on Smartschool does (:mod:`bot.imports.smartschool`, the functions of
``gemist run``): the stored files first for what Smartschool does not know (spilfiguur and
home languages, staff roles and Telegram chats, subject teachers), then the roster synced on
the Sunday evening and every morning, and at each feed time the day's marks and those of the
school days before, a date per call (Kacper's mark, removed in Smartschool on the Thursday
afternoon, arrives as a correction). Pupils and parents are reached in their inboxes and
answer by following the links of their messages; staff stay on Telegram. Smartschool has no
date a pupil is expected back: Hamid's teachers hear on the morning he is back.

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
import csv
import datetime as dt
import hashlib
import itertools
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
from bot.imports.smartschool import (
    client as smartschool_client,
)
from bot.imports.smartschool import (
    dates_to_read,
    import_absences_by_date,
    import_smartschool_roster,
)
from bot.imports.smartschool import (
    options as smartschool_options,
)
from bot.links import PATHS, LinkSigner
from bot.links import lifetimes as link_lifetimes
from bot.links.pages import LinkPages
from bot.links.tokens import Purpose
from bot.outbox import Capabilities, Channel, DeliveryOutcome, Outcome, Outgoing
from bot.outbox.plugin import ChannelContext
from bot.pipeline import assemble
from bot.rules import Rules
from bot.telegram.app import TelegramBot
from bot.telegram.conversation import Conversation
from bot.telegram.invites import CODE_BYTES, create_invitations
from bot.web import WebServer, create_app, web_context
from integrations.abc import AbsenceRow
from integrations.csv import CsvRosterSource
from integrations.csv.values import parse_date
from integrations.email.local_server import LocalSmtpServer
from integrations.layout import links
from integrations.layout import text as body_text
from integrations.smartschool.addresses import address
from integrations.smartschool.client import SmartschoolClient
from integrations.smartschool.local_school import TEACHER, Account, CoAccount, Group, School
from integrations.smartschool.local_server import LocalSmartschool, SentMsg
from integrations.smartschool.settings import SmartschoolOptions
from integrations.telegram import LocalBotApi, SendBudget, TelegramChannel
from integrations.telegram.local_server import SentMessage
from scheduler.calendar import SchoolCalendar
from scheduler.clock import VirtualClock

__all__ = [
    "PLATFORMS",
    "SCHOOL_ID",
    "SCHOOL_NAME",
    "SPEED",
    "Demo",
    "DemoResult",
    "demo_codes",
]

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
PLATFORMS = ("telegram", "smartschool")
"""Where the demo's pupils and families are: in Telegram chats (the default) or in their
Smartschool inboxes."""
_SMARTSCHOOL_CODE = "gemist-demo-access-code-of-the-local-smartschool"
"""The access code of the demo's own Smartschool server (never a school's)."""
_SMARTSCHOOL_SENDER = "zorgteam"
"""The Smartschool account the demo's messages come from: the pupil-care team's."""
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
    smartschool_calls: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    """With ``--platform smartschool``: every call the local Smartschool server read, in order
    (method and parameters, not the access code)."""


class _KindOf(Channel):
    """Passes each rendered message on, noting its kind by chat and text, so that the
    transcript can say which step of the ladder a message was."""

    def __init__(self, inner: Channel) -> None:
        self.inner = inner
        self.kinds: dict[tuple[str, int, str], str] = {}
        self.mailed: list[str] = []
        """The kind of each e-mail sent, in the order the SMTP server received them."""
        self.inboxed: list[str] = []
        """The kind of each Smartschool message sent, in the order the server accepted them."""

    def capabilities_for(self, channel: str) -> Capabilities:
        return self.inner.capabilities_for(channel)

    async def deliver(self, message: Outgoing) -> DeliveryOutcome:
        outcome = await self.inner.deliver(message)
        key = (message.recipient_role, message.recipient_id, message.text or "")
        self.kinds[key] = message.kind
        if message.channel == "email" and outcome.kind is Outcome.SENT:
            self.mailed.append(message.kind)
        if message.channel == "smartschool" and outcome.kind is Outcome.SENT:
            self.inboxed.append(message.kind)
        return outcome

    def ready_in(self, message: Outgoing) -> float:
        return self.inner.ready_in(message)


class Demo:
    """One run of the demo; :meth:`run` does it all."""

    def __init__(self, folder: Path, platform: str = "telegram") -> None:
        if platform not in PLATFORMS:
            raise ValueError(f"no demo platform {platform!r}; one of {', '.join(PLATFORMS)}")
        self.platform = platform
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
        self._smartschool: LocalSmartschool | None = None
        self._inboxes: dict[str, Person] = {}
        self._inboxed_seen = 0
        self._ss_client: SmartschoolClient
        self._co_account_ids: dict[tuple[str, str], str] = {}

    @property
    def by_smartschool(self) -> bool:
        """Whether the pupils and the families are reached through Smartschool."""
        return self.platform == "smartschool"

    def _families_apart(self, role: str, person_id: str) -> bool:
        """Whether this pupil or guardian has no Telegram chat in this run."""
        if role == "guardian" and person_id in BY_EMAIL:
            return True
        return self.by_smartschool and role in ("pupil", "guardian")

    async def run(self) -> DemoResult:
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.glob("demo.db*"):
            stale.unlink()
        engine = connect(f"sqlite:///{self.database}")
        try:
            await migrate(engine)
            if not self.by_smartschool:
                await self._import_roster(engine)
            token = _TOKEN
            interval = 1.0 / SPEED
            async with AsyncExitStack() as servers:
                if self.by_smartschool:
                    self._smartschool = await servers.enter_async_context(
                        LocalSmartschool(self._seed_school(), _SMARTSCHOOL_CODE)
                    )
                    self._ss_client = smartschool_client(self._ss_options())
                    servers.push_async_callback(self._ss_client.close)
                    await self._import_from_smartschool(engine)
                api = await servers.enter_async_context(
                    LocalBotApi(
                        token,
                        username="GemistDemoBot",
                        per_second=30 * SPEED,
                        per_chat_interval=interval,
                    )
                )
                smtp = await servers.enter_async_context(LocalSmtpServer())
                await self._run(engine, api, smtp, token, interval)
                refused = len(api.rejections)
                calls = list(self._smartschool.asked) if self._smartschool else []
        finally:
            await engine.dispose()
        recipients = [person.recipient() for person in self.people]
        kinds: dict[str, int] = {}
        for event in self.events:
            if event.kind is not None and not event.edited:
                kinds[event.kind] = kinds.get(event.kind, 0) + 1
        return DemoResult(
            with_tap_labels(self.events), recipients, self.database, kinds, refused, calls
        )

    async def _import_roster(self, engine: AsyncEngine) -> None:
        """The roster, with no Telegram chat for the parents reached by e-mail (and none for
        any parent when the families are on Smartschool)."""
        apart = [p.person_id for p in self.people if self._families_apart(p.role, p.person_id)]
        with tempfile.TemporaryDirectory(prefix="gemist-demo-") as scratch:
            roster = write_roster(Path(scratch), email_only=apart)
            report = await import_roster(
                engine,
                CsvRosterSource(roster, today=self.clock.today()),
                school_id=SCHOOL_ID,
                school_name=SCHOOL_NAME,
                clock=self.clock,
            )
        if report.exit_code != 0:
            raise RuntimeError(f"the demo's roster did not import cleanly: {report.error}")

    def _ss_settings(self) -> Settings:
        """The school's settings for the Smartschool imports: the local server, the demo's
        access code (never a school's), the sender account, the default ``reread_days``."""
        assert self._smartschool is not None
        return Settings(
            school_id=SCHOOL_ID,
            school_name=SCHOOL_NAME,
            channel_options={"smartschool": self._ss_table()},
        )

    def _ss_table(self) -> dict[str, Any]:
        assert self._smartschool is not None
        return {
            "url": self._smartschool.url,
            "access_code": _SMARTSCHOOL_CODE,
            "sender": _SMARTSCHOOL_SENDER,
        }

    def _ss_options(self) -> SmartschoolOptions:
        return smartschool_options(self._ss_settings())

    async def _import_from_smartschool(self, engine: AsyncEngine) -> None:
        """The roster as a school on Smartschool has it (docs/operators.md, "Smartschool as
        the source"): first what Smartschool does not know, stored from the school's files
        (``pupils.csv``: the spilfiguur and home language under the internal numbers;
        ``staff.csv``: roles and Telegram; ``teaching.csv``: the subject teachers; the
        parents' home languages under their co-account ids), then the sync from Smartschool
        with :func:`~bot.imports.smartschool.import_smartschool_roster`, as ``gemist run``
        does it every morning: the classes, the pupils, their co-accounts, the titulars and
        everyone's inbox."""
        apart = [p.person_id for p in self.people if self._families_apart(p.role, p.person_id)]
        with tempfile.TemporaryDirectory(prefix="gemist-demo-") as scratch:
            stored = write_roster(Path(scratch), email_only=apart)
            _languages_by_co_account(stored / "guardians.csv", self._co_account_ids)
            report = await import_roster(
                engine,
                CsvRosterSource(stored, today=self.clock.today()),
                school_id=SCHOOL_ID,
                school_name=SCHOOL_NAME,
                clock=self.clock,
            )
        if report.exit_code != 0:
            raise RuntimeError(f"the demo's stored roster did not import cleanly: {report.error}")
        settings = self._ss_settings()
        synced = await import_smartschool_roster(
            engine,
            self._ss_client,
            settings=settings,
            school=smartschool_options(settings),
            clock=self.clock,
            started_by="demo",
        )
        if synced.exit_code != 0 or synced.total("rejected") or synced.warnings:
            rejected = [f"{r.column}: {r.reason}" for f in synced.files for r in f.rejects]
            problem = synced.error or "; ".join([*synced.warnings, *rejected])
            raise RuntimeError(f"the demo's Smartschool roster did not sync cleanly: {problem}")

    async def _run(
        self,
        engine: AsyncEngine,
        api: LocalBotApi,
        smtp: LocalSmtpServer,
        token: str,
        interval: float,
    ) -> None:
        # The school's channels as `gemist run` builds them, on the local servers.
        options: dict[str, dict[str, Any]] = {
            "email": {
                "host": smtp.host,
                "port": smtp.port,
                "security": "none",
                "from_address": _FROM,
                "reply_to": _REPLY_TO,
                "rate": 1000,
            }
        }
        names: tuple[str, ...] = ("telegram", "email")
        if self._smartschool is not None:
            names = ("telegram", "smartschool", "email")
            options["smartschool"] = self._ss_table()
        settings = Settings(
            school_id=SCHOOL_ID,
            school_name=SCHOOL_NAME,
            telegram_token=Secret(token),
            telegram_api_url=api.base_url.removesuffix("/bot"),
            channels=names,
            web_url=WEB_URL,
            channel_options=options,
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
                if self._families_apart(role, invitation.person_id):
                    continue  # no Telegram: the school writes by e-mail or in Smartschool
                chat = chat_id(role, invitation.person_id)
                await self._type(chat, f"/start {invitation.code}")
        self._collect()

    async def _choose_moments(self) -> None:
        """The parents of :data:`~bot.demo.school.MOMENTS` tap "choose a moment" under their
        welcome, then their part of the day (in their chat: not on Smartschool)."""
        for guardian_id, moment in MOMENTS:
            if self._families_apart("guardian", guardian_id):
                continue
            chat = chat_id("guardian", guardian_id)
            for key in ("moment", f"moment:{moment}"):
                target = self._button(chat, key, "")
                if target is None:
                    raise RuntimeError(f"no button {key!r} in the chat of {guardian_id}")
                await self._press(chat, *target)

    async def _two_weeks(self) -> None:
        deliveries = list(feed_deliveries(self.calendar))
        actions: list[Reply | StaffTap] = sorted([*REPLIES, *STAFF_TAPS], key=lambda a: a.at)
        synced = FIRST_DAY  # the roster was synced on the Sunday evening
        for moment in self._moments():
            if self.by_smartschool and moment.date() > synced:
                synced = moment.date()
                await self._sync_roster(synced)
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
        if self.by_smartschool:
            await self._poll_smartschool(delivery)
            return
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

    async def _sync_roster(self, day: dt.date) -> None:
        """The morning's roster sync from Smartschool at ``roster_time``, as ``gemist run``
        does it on every day (nothing changed in the sample school: nothing changes)."""
        options = self._ss_options()
        self.clock.set(dt.datetime.combine(day, options.roster_time, tzinfo=TZ))
        report = await import_smartschool_roster(
            self._engine,
            self._ss_client,
            settings=self._ss_settings(),
            school=options,
            clock=self.clock,
            started_by="demo",
        )
        if report.exit_code != 0:
            raise RuntimeError(f"the demo's Smartschool roster did not sync: {report.error}")

    async def _poll_smartschool(self, delivery: FeedDelivery) -> None:
        """The register of ``delivery`` is what the teachers marked in Smartschool by then
        (the afternoon's correction drops Kacper's mark there); Gemist reads today and the
        ``reread_days`` school days before it, a date per call, as ``gemist run`` polls."""
        assert self._smartschool is not None
        marks = self._smartschool.school.absences
        for day in delivery.dates:
            marks[day.isoformat()] = _marks(delivery.rows, day, self.calendar)
        options = self._ss_options()
        dates = dates_to_read(self.calendar, self.clock.today(), options.reread_days)
        outcomes = await import_absences_by_date(
            self._engine,
            self._ss_client,
            dates,
            settings=self._ss_settings(),
            clock=self.clock,
            calendar=self.calendar,
            started_by="demo",
        )
        for outcome in outcomes:
            problem = outcome.error or (outcome.report and outcome.report.error)
            if problem is not None:
                raise RuntimeError(f"{outcome.location} did not import: {problem}")

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
        if isinstance(action, Reply) and self._families_apart(action.sender_role, action.sender_id):
            about = self._first_name(action.pupil_id)
            if key:
                await self._follow(chat, key, about)
            elif self.by_smartschool:
                await self._write(chat, action.answer, about)
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
        label, url, via = found
        local = f"http://127.0.0.1:{self._web.port}{url.removeprefix(WEB_URL)}"
        async with self._browser.get(local) as page:
            page.raise_for_status()
        async with self._browser.post(local) as confirmed:
            confirmed.raise_for_status()
        self._collect()
        self.events.append(ChatEvent.followed(chat, url, label, self.clock.local_now(), via))
        await self.tick()
        self._collect()

    async def _write(self, chat: int, words: str, about: str) -> None:
        """A pupil or parent on Smartschool opens the link for own words in the newest message
        about ``about`` and sends ``words`` from the page."""
        found = self._link(chat, None, about)
        if found is None:
            return  # the message did not come
        url = found[1]
        local = f"http://127.0.0.1:{self._web.port}{url.removeprefix(WEB_URL)}"
        async with self._browser.get(local) as page:
            page.raise_for_status()
        self._collect()
        self.events.append(ChatEvent.typed(chat, words, self.clock.local_now()))
        async with self._browser.post(local, data={"text": words}) as sent:
            sent.raise_for_status()
        await self.tick()
        self._collect()

    def _link(self, chat: int, key: str | None, about: str) -> tuple[str, str, str] | None:
        """The text and address of the answer link ``key`` (``None``: the link for own words)
        in the newest e-mail or Smartschool message to ``chat`` about ``about``, and what
        carried it."""
        own_words = f"{WEB_URL}/{PATHS[Purpose.WORDS]}/"
        for event in reversed(self.events):
            mail = event.mail
            if event.chat_id != chat or mail is None or about not in mail.text:
                continue
            for label, url in mail.links:
                if key is None:
                    if url.startswith(own_words):
                        return label, url, event.via
                    continue
                claim = self._signer.peek(url.rsplit("/", 1)[-1])
                if url.startswith(f"{WEB_URL}/a/") and claim is not None and claim.key == key:
                    return label, url, event.via
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
        if self._smartschool is not None:
            accepted = self._smartschool.sent
            for index in range(self._inboxed_seen, len(accepted)):
                message = accepted[index]
                inbox = address(message.user_identifier, message.coaccount)
                person = self._inboxes.get(inbox)
                if person is not None:
                    inboxed = self._channel.inboxed
                    kind = inboxed[index] if index < len(inboxed) else None
                    view = _inbox_view(message, inbox)
                    self.events.append(
                        ChatEvent.mailed(person.chat_id, view, now, kind, via="Smartschool")
                    )
            self._inboxed_seen = len(accepted)

    def _seed_school(self) -> School:
        """The sample school in its Smartschool: a class group per class under "Leerlingen",
        every pupil an account (internal number = pupil id, user name ``first.last``, birth
        date, class), every parent the school may write to a co-account on each of their
        children's accounts (numbered in the roster's order; relation, e-mail, mobile), the
        titulars as class teachers, and the care team's sender account. The absence marks are
        added day by day (:meth:`_poll_smartschool`). Each inbox is noted with its person,
        for the transcripts."""
        rows = {name: _csv_rows(ROSTER / name) for name in ("pupils.csv", "guardians.csv")}
        teaching_rows = _csv_rows(ROSTER / "teaching.csv")
        pupils = {p.person_id: p for p in self.people if p.role == "pupil"}
        accounts: dict[str, Account] = {}
        classes: list[str] = []
        for row in rows["pupils.csv"]:
            person = pupils.get(row["pupil_id"])
            if person is None:
                continue
            if row["class"] not in classes:
                classes.append(row["class"])
            username = _username(person)
            accounts[person.person_id] = Account(
                person.person_id, username, person.first_name, person.last_name,
                birth_date=parse_date(row["birth_date"]).isoformat(), groups=[row["class"]],
            )  # fmt: skip
            self._inboxes[username] = person
        guardians = {p.person_id: p for p in self.people if p.role == "guardian"}
        for row in rows["guardians.csv"]:
            person = guardians.get(row["guardian_id"])
            child = accounts.get(row["pupil_id"])
            if person is None or child is None or row["pupil_id"] not in person.pupil_ids:
                continue  # the school may not write to this parent about this child
            number = len(child.co_accounts) + 1
            child.co_accounts.append(
                CoAccount(
                    number, row["first_name"], row["last_name"], row["relation"].capitalize(),
                    email=row.get("email", ""), mobile=row.get("phone", ""),
                )
            )  # fmt: skip
            self._co_account_ids[(row["guardian_id"], row["pupil_id"])] = (
                f"{child.internal_number}#{number}"
            )
            self._inboxes[address(child.username, number)] = person
        staff = {p.person_id: p for p in self.people if p.role == "staff"}
        teachers: dict[str, Account] = {}
        class_teachers: dict[str, list[str]] = {}
        for row in teaching_rows:
            person = staff.get(row["staff_id"])
            if person is None or row["role"] != "titularis":
                continue
            if person.person_id not in teachers:
                username = _username(person)
                teachers[person.person_id] = Account(
                    person.person_id, username, person.first_name, person.last_name,
                    basisrol=TEACHER, groups=["personeel"],
                )  # fmt: skip
                self._inboxes[username] = person
            class_teachers.setdefault(row["class"], []).append(teachers[row["staff_id"]].username)
        groups = [
            Group("leerlingen", "Leerlingen"),
            *(Group(name, name, official=True, parent="leerlingen") for name in classes),
            Group("personeel", "Personeel"),
        ]
        sender = Account(
            "Z001", _SMARTSCHOOL_SENDER, "Zorgteam", SCHOOL_NAME, basisrol=TEACHER,
            groups=["personeel"],
        )  # fmt: skip
        return School(
            accounts=[sender, *accounts.values(), *teachers.values()],
            groups=groups,
            class_teachers=class_teachers,
        )

    def _by_id(self, role: str, roster_id: str) -> Person:
        return next(p for p in self.people if p.role == role and p.person_id == roster_id)

    def _addressee(self, mail: Mail) -> Person | None:
        return next((p for p in self.people if p.email and p.email in mail.to), None)

    def _kind(self, person: Person, sent: SentMessage) -> str | None:
        for (role, _recipient, text), kind in self._channel.kinds.items():
            if text == sent.text and _role_fits(person.role, role):
                return kind
        return None

    def _person(self, chat: int) -> Person | None:
        return next((p for p in self.people if p.chat_id == chat), None)


def _username(person: Person) -> str:
    """A Smartschool user name as schools make them: ``first.last``, lower case, plain letters."""

    def plain(name: str) -> str:
        folded = unicodedata.normalize(
            "NFKD", name.replace("\N{LATIN SMALL LETTER DOTLESS I}", "i")
        ).lower()
        return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())

    first, last = plain(person.first_name), plain(person.last_name)
    return f"{first}.{last}" if first and last else person.person_id.lower()


def _csv_rows(path: Path) -> list[dict[str, str]]:
    """A roster file's rows (``;`` or ``,``), values stripped."""
    text = path.read_text(encoding="utf-8")
    delimiter = ";" if ";" in text.splitlines()[0] else ","
    return [
        {key: (value or "").strip() for key, value in row.items()}
        for row in csv.DictReader(text.splitlines(), delimiter=delimiter)
    ]


def _languages_by_co_account(path: Path, ids: dict[tuple[str, str], str]) -> None:
    """Rewrite the stored ``guardians.csv`` as a school on Smartschool keeps it: a parent per
    co-account (id ``<internal number>#<n>``), with the home language Smartschool does not
    know; names, relation, e-mail and mobile come from Smartschool."""
    rows = _csv_rows(path)
    columns = ["guardian_id", "pupil_id", "first_name", "last_name", "language"]
    with path.open("w", encoding="utf-8", newline="") as file:
        out = csv.writer(file, delimiter=";")
        out.writerow(columns)
        for row in rows:
            co_account = ids.get((row["guardian_id"], row["pupil_id"]))
            if co_account is not None:
                out.writerow([co_account, *(row[c] for c in columns[1:])])


def _marks(
    rows: Iterable[AbsenceRow], day: dt.date, calendar: SchoolCalendar
) -> dict[str, tuple[str | None, str | None]]:
    """A date's marks as Smartschool holds them: per absent pupil the school's letter for
    each absent half-day, ``|`` (present) for the other half, nothing for a half without
    lessons (a Wednesday afternoon)."""
    halves = {str(h) for h in calendar.half_days(day)}
    absent: dict[str, dict[str, str]] = {}
    for pupil, date, half, code, *_rest in rows:
        if date == day:
            absent.setdefault(pupil, {})[half] = code
    marks: dict[str, tuple[str | None, str | None]] = {}
    for pupil, letters in absent.items():
        am, pm = (letters.get(h, "|") if h in halves else None for h in ("am", "pm"))
        marks[pupil] = (am, pm)
    return marks


def _inbox_view(message: SentMsg, inbox: str) -> Mail:
    """A Smartschool message as its reader sees it in the inbox: who sends it, to which inbox,
    the title, the body's text and HTML, and the body's links."""
    return Mail(
        sender=f"{message.sender_identifier} (Smartschool)",
        to=inbox,
        subject=message.title,
        text=body_text(message.body),
        html=message.body,
        links=links(message.body),
    )


def _role_fits(invited_as: str, recipient_role: str) -> bool:
    if invited_as == "staff":
        return recipient_role in ("teacher", "coordinator")
    return invited_as == recipient_role

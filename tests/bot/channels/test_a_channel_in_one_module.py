"""A new channel is one module: this one defines a plug-in, registers it, and a pupil whose only
contact is on it is reached through the real replay, ``gemist run --dry-run`` and the router,
rendered as its capabilities say (no buttons here: the choices are written out).

The plug-in calls itself ``email`` because the planner's facts plan ``email`` rows for a person
with only an address (the example school's Ruben, P0022): registered, it stands in for the
built-in e-mail channel (a registered plug-in replaces a built-in one of its name). Where the
registry's own behaviour is tested, a plug-in of a name no channel has (``post``) is used.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, SecretStr
from sqlmodel import col

from bot.channels import known
from bot.channels import registry as channels
from bot.commands.run import serve
from bot.config import ConfigError, Settings, load_settings
from bot.db import connect, migrate
from bot.imports import import_absences, import_roster
from bot.models import Contact, Pupil
from bot.outbox import Capabilities, Channel, DeliveryOutcome, Outcome, Outgoing
from bot.outbox.plugin import ChannelContext, ChannelPlugin
from bot.rules import Rules
from bot.simulate import simulate
from integrations.csv import CsvRosterSource
from integrations.csv.source import CsvAbsenceSource
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS, VirtualClock
from tests.helpers.scenario import linked, unlinked

EXAMPLE = Path(__file__).parents[3] / "docs" / "example"
RUBEN = "P0022"  # the example's pupil with an e-mail address of his own


class PostOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sender: str
    password: SecretStr


class PostChannel(Channel):
    capabilities = Capabilities(buttons=False, html=False, max_length=2000, inbound_answers=False)

    def __init__(self, options: PostOptions, context: ChannelContext) -> None:
        self.options = options
        self.context = context
        self.sent: list[tuple[str, Outgoing]] = []

    async def deliver(self, message: Outgoing) -> DeliveryOutcome:
        address = await self.context.directory.address_of(
            "email", message.recipient_role, message.recipient_id
        )
        if address is None:
            return DeliveryOutcome.invalid_recipient("no address")
        self.sent.append((address, message))
        return DeliveryOutcome.sent()


class PostPlugin(ChannelPlugin[PostOptions]):
    name = "email"
    capabilities = PostChannel.capabilities
    settings_model = PostOptions

    def build(self, options: PostOptions, context: ChannelContext) -> Channel:
        return PostChannel(options, context)


PLUGIN = PostPlugin()
"""The stand-in for e-mail, under its name."""


class InstalledPostPlugin(PostPlugin):
    name = "post"


INSTALLED = InstalledPostPlugin()
"""What an installed package would name in its entry point: a channel Gemist does not have."""


class Addresses:
    """A directory that knows one address."""

    def __init__(self) -> None:
        self.forgotten: list[tuple[str, str, int]] = []

    async def address_of(self, channel: str, role: str, person_id: int) -> str | None:
        return "ruben@example.org" if (channel, role, person_id) == ("email", "pupil", 7) else None

    async def forget(self, channel: str, role: str, person_id: int) -> None:
        self.forgotten.append((channel, role, person_id))

    async def move(self, channel: str, role: str, person_id: int, address: str) -> None:
        raise AssertionError("not used")


@pytest.fixture
def post() -> Iterator[PostPlugin]:
    plugin = PostPlugin()
    channels.register(plugin)
    yield plugin
    channels.unregister(plugin.name)


WITH_POST = Settings(channels=("telegram", "email"))


def test_the_registry_finds_it_and_the_school_chooses_it(post):
    assert channels.registered()["email"] is post
    assert "telegram" in channels.registered()  # built in, found without installing
    assert channels.usable(Settings()) == ("telegram",)  # the default: Telegram alone
    assert channels.usable(WITH_POST) == ("telegram", "email")
    assert channels.usable(Settings(channels=("email",))) == ("email",)
    assert channels.capabilities(WITH_POST)["email"].buttons is False


def test_without_the_plug_in_the_name_is_not_usable(tmp_path):
    with_parcels = Settings(channels=("telegram", "post"))
    assert channels.usable(with_parcels) == ("telegram",)
    assert channels.unknown(with_parcels) == ("post",)
    config = tmp_path / "gemist.toml"
    config.write_text('[post]\nsender = "school@example.org"\n')
    with pytest.raises(ConfigError, match="unknown key 'post'"):
        load_settings(config, environ={})


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[EntryPoint]]:
    """Entry points of the group ``gemist.channels`` as installed packages would declare them:
    fill the list the fixture gives."""
    points: list[EntryPoint] = []

    def found(*, group: str) -> list[EntryPoint]:
        return [point for point in points if point.group == group]

    monkeypatch.setattr(known, "entry_points", found)
    monkeypatch.setattr(channels, "entry_points", found)
    channels._discovered.cache_clear()
    yield points
    channels._discovered.cache_clear()


def test_an_installed_package_is_found_by_its_entry_point(installed):
    installed.append(EntryPoint("post", f"{__name__}:INSTALLED", channels.ENTRY_POINT_GROUP))

    assert channels.registered()["post"] is INSTALLED
    assert channels.usable(Settings(channels=("telegram", "post"))) == ("telegram", "post")


def test_an_installed_package_does_not_replace_a_built_in_channel(installed):
    installed.append(EntryPoint("email", f"{__name__}:PLUGIN", channels.ENTRY_POINT_GROUP))

    assert channels.registered()["email"] is not PLUGIN
    assert type(channels.registered()["email"]).__module__ == "integrations.email.plugin"


def test_an_entry_point_under_another_name_is_refused_with_its_name(installed):
    installed.append(EntryPoint("post", f"{__name__}:PLUGIN", channels.ENTRY_POINT_GROUP))

    with pytest.raises(channels.RegistryError, match="entry point post") as caught:
        channels.registered()
    assert "calls itself 'email'" in str(caught.value)


def test_its_settings_are_read_validated_and_the_secret_never_shown(post, tmp_path):
    config = tmp_path / "gemist.toml"
    config.write_text('channels = ["email"]\n[email]\nsender = "school@example.org"\n')
    settings = load_settings(config, environ={"GEMIST_EMAIL_PASSWORD": "hunter2"})

    options = channels.options(post, settings)

    assert isinstance(options, PostOptions)
    assert options.sender == "school@example.org"
    assert options.password.get_secret_value() == "hunter2"
    assert "hunter2" not in repr(options) + repr(settings)

    bad = tmp_path / "bad.toml"
    bad.write_text('[email]\nsender = ["not", "text"]\npasword = "hunter2"\n')
    with pytest.raises(ConfigError) as caught:
        channels.options(post, load_settings(bad, environ={}))
    said = str(caught.value)
    assert "channel email" in said
    assert "[email] sender" in said
    assert "password" in said  # missing
    assert "pasword" in said  # not a key of the channel
    assert "hunter2" not in said


async def test_the_router_the_registry_builds_delivers_over_it(post):
    clock = VirtualClock(dt.datetime(2026, 11, 17, 10, 30, tzinfo=BRUSSELS))
    directory = Addresses()
    settings = load_settings(
        environ={
            "GEMIST_CHANNELS": "email",
            "GEMIST_EMAIL_SENDER": "school@example.org",
            "GEMIST_EMAIL_PASSWORD": "hunter2",
        }
    )
    router = channels.build_router(settings, ChannelContext(clock, directory))

    assert router.names == ("email",)
    built = router.channel("email")
    assert isinstance(built, PostChannel)
    async with router:
        sent = await router.deliver(_outgoing("email", 7))
        nobody = await router.deliver(_outgoing("email", 8))
        other = await router.deliver(_outgoing("telegram", 7))

    assert sent.kind is Outcome.SENT
    assert [(address, m.text) for address, m in built.sent] == [("ruben@example.org", "Hoi")]
    assert nobody.kind is Outcome.INVALID_RECIPIENT
    # Not one of the school's channels: fails for good, as in `gemist run`.
    assert other.kind is Outcome.FAILED_PERMANENTLY
    assert other.detail == "no channel 'telegram' (configured: email)"


@pytest.mark.slow
async def test_simulate_reaches_the_pupil_whose_only_contact_is_on_it(post, tmp_path):
    """Ruben has only an e-mail address. Without the channel the replay shows him nothing;
    with it, his check-in goes over it with the choices written out under the text (the
    channel has no buttons), where Telegram shows the same text with buttons."""
    period = {"start": dt.date(2026, 11, 9), "end": dt.date(2026, 11, 9)}

    async def replay(roster: Path, settings: Settings) -> list:
        return await simulate(
            roster,
            EXAMPLE / "absences.csv",
            rules=Rules.default(),
            calendar=SchoolCalendar(),
            tz=BRUSSELS,
            channels=channels.capabilities(settings),
            **period,
        )

    only_addresses = unlinked(EXAMPLE / "roster", tmp_path / "addresses")
    alone = await replay(only_addresses, Settings())
    posted = await replay(only_addresses, WITH_POST)
    chat = await replay(linked(EXAMPLE / "roster", tmp_path / "roster"), Settings())

    assert alone == []
    [checkin] = [m for m in posted if m.recipient_id == RUBEN]
    [on_telegram] = [m for m in chat if m.recipient_id == RUBEN]
    assert (checkin.kind, checkin.channel, on_telegram.channel) == (
        "pupil_checkin",
        "email",
        "telegram",
    )
    assert checkin.text.startswith(on_telegram.text + "\n\n")
    choices = checkin.text.removeprefix(on_telegram.text + "\n\n").splitlines()
    assert len(choices) >= 2
    assert all(line.startswith("\N{BULLET} ") for line in choices)
    assert "\N{BULLET}" not in on_telegram.text


async def test_a_dry_run_prints_only_what_a_usable_channel_could_send(post, tmp_path, capsys):
    """``gemist run --dry-run`` on the example school with Ruben absent: nothing without the
    channel (he has only an address), his check-in on it with the channel."""
    clock = VirtualClock(dt.datetime(2026, 11, 17, 9, 30, tzinfo=BRUSSELS))
    path = tmp_path / "gemist.db"
    await _school_with_ruben_absent(path, clock)
    clock.set(dt.datetime(2026, 11, 17, 11, 0, tzinfo=BRUSSELS))

    async def dry_run(names: str) -> list[dict[str, str]]:
        settings = load_settings(
            environ={"GEMIST_DATABASE_URL": f"sqlite:///{path}", "GEMIST_CHANNELS": names}
        )
        stop = asyncio.Event()
        stop.set()  # one round of every job, then stop
        engine = connect(settings.database_url)
        try:
            await serve(
                settings,
                engine=engine,
                clock=clock,
                rules=Rules.default(),
                calendar=SchoolCalendar(),
                worker_id="dry",
                dry_run=True,
                stop=stop,
            )
        finally:
            await engine.dispose()
        return [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    assert await dry_run("telegram") == []
    [printed] = await dry_run("telegram,email")
    assert (printed["kind"], printed["recipient_id"], printed["channel"]) == (
        "pupil_checkin",
        RUBEN,
        "email",
    )
    assert "\n\n\N{BULLET} " in printed["text"]


async def _school_with_ruben_absent(path: Path, clock: VirtualClock) -> None:
    engine = connect(f"sqlite:///{path}")
    try:
        await migrate(engine)
        addresses = unlinked(EXAMPLE / "roster", path.parent / "addresses")
        roster = CsvRosterSource(addresses, today=clock.today())
        report = await import_roster(
            engine, roster, school_id="school", school_name="Sint-Jozefcollege", clock=clock
        )
        assert report.exit_code == 0
        async with engine.connect() as conn:
            channels = (
                await conn.scalars(
                    sa.select(col(Contact.channel))
                    .join(Pupil, col(Pupil.id) == col(Contact.person_id))
                    .where(col(Contact.role) == "pupil", col(Pupil.pupil_id) == RUBEN)
                )
            ).all()
        assert channels == ["email"]  # the point of the test: an address, no chat
        feed = path.parent / "absences.csv"
        feed.write_text(
            f"pupil_id,date,half_day,code\n{RUBEN},2026-11-17,am,B\n{RUBEN},2026-11-17,pm,B\n"
        )
        report = await import_absences(
            engine, CsvAbsenceSource(feed), school_id="school", school_name="x", clock=clock
        )
        assert report.exit_code == 0
    finally:
        await engine.dispose()


def _outgoing(channel: str, person: int) -> Outgoing:
    now = dt.datetime(2026, 11, 17, 9, 30, tzinfo=dt.UTC)
    return Outgoing(
        id=1, school_id="school", idempotency_key=f"k{person}", kind="pupil_checkin",
        recipient_role="pupil", recipient_id=person, channel=channel, pupil_id=person,
        lang="nl", payload={}, text="Hoi", due_at=now, expires_at=now + dt.timedelta(days=1),
        attempts=0, claimed_by="w1", claimed_at=now,
    )  # fmt: skip

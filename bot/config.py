"""Gemist's settings: environment variables, optionally a TOML file with the same keys.

Precedence: command-line option > environment variable > TOML file > default. Keys in the TOML
file are the environment names without the ``GEMIST_`` prefix, in lower case
(``database_url = "..."``), plus the tables ``[school]``, ``[calendar]``, ``[codes]``,
``[messages]`` (the school's own wording of messages, see :mod:`messages._overrides`) and
``[help]`` (where a pupil can go at once when it cannot wait for the school: :class:`HelpLines`,
also from ``GEMIST_HELP_<KEY>``) and ``[retention]`` (how long personal data is kept,
:mod:`bot.privacy.policy`), whose keys can also be set as ``GEMIST_RETENTION_<KEY>``
(``GEMIST_RETENTION_FREE_TEXT_YEARS=1``). ``channels`` is the school's order of channels
(:mod:`bot.contacts.reach`). ``web_url`` is the public address of the web application
(:mod:`bot.web`), where the answer links of :mod:`bot.links` lead.

Secrets (the bot's token, the webhook's secret token, the links' signing secret) are
:class:`Secret` and no error message quotes them; nor the webhook's URL, whose path some
deployments make secret too.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.contacts.reach import CHANNELS, DEFAULT_ORDER, USABLE_TODAY, ChannelOrder
from bot.privacy.policy import MAX_YEARS, Retention
from messages import OverrideError, Overrides, parse_overrides

if TYPE_CHECKING:
    from pydantic import BaseModel

_Model = TypeVar("_Model", bound="BaseModel")

__all__ = ["ConfigError", "HelpLines", "Secret", "Settings", "load_settings", "table_options"]

DEFAULT_DATABASE_URL = "sqlite:///gemist.db"
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"
DEFAULT_FEED_POLL_TIMES = (time(9, 15), time(13, 45))
DEFAULT_PLANNER_INTERVAL_MINUTES = 5
DEFAULT_CHANNELS = DEFAULT_ORDER.order
TRANSLATION_ENGINES = ("argos",)
"""The local translation engines ``translation_engine`` may name (:mod:`bot.translation`);
kept here so that reading the configuration does not load the message catalogs."""
DEFAULT_WEBHOOK_LISTEN = "127.0.0.1"
DEFAULT_WEBHOOK_PORT = 8443
DEFAULT_WEBHOOK_PATH = "/telegram"
ENV_PREFIX = "GEMIST_"
WEBHOOK_KEYS = ("webhook_url", "webhook_secret", "webhook_listen", "webhook_port", "webhook_path")
TELEGRAM_WEBHOOK_PORTS = (443, 80, 88, 8443)
"""The only ports Telegram's own servers POST webhook updates to."""
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
WEB_KEYS = (
    "web_url", "web_secret", "web_host", "web_port", "web_link_days", "web_unsubscribe_days",
)  # fmt: skip
DEFAULT_WEB_HOST = "127.0.0.1"
DEFAULT_WEB_PORT = 8080
DEFAULT_LINK_DAYS = 14
"""How long an answer link works: the absence it asks about is long over by then."""
DEFAULT_UNSUBSCRIBE_DAYS = 90
"""How long an unsubscribe link works: a family may stop the messages long after one came."""
MAX_LINK_DAYS = 366
MIN_WEB_SECRET = 32
"""Characters a ``web_secret`` needs at least: a signing key nobody can guess."""
HELP_KEYS = ("line", "phone", "chat", "emergency")
_PHONE = re.compile(r"\+?[0-9][0-9 ]{1,19}")
_WEB = re.compile(r"[^\s/][^\s]{2,199}")


class ConfigError(Exception):
    """The configuration cannot be used; the message names the key and the source."""


class Secret:
    """A string that never shows itself in logs, reprs or error messages."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class HelpLines:
    """Where a pupil can go at once when it cannot wait for the school: a helpline for young
    people (its name, phone number and chat address) and the emergency number. The defaults are
    Flanders' (Awel: 102, awel.be; 112)."""

    line: str = "Awel"
    phone: str = "102"
    chat: str = "awel.be"
    emergency: str = "112"

    def context(self) -> dict[str, str]:
        """The values of the messages' placeholders ``{helpline}``, ``{helpline_phone}``,
        ``{helpline_chat}`` and ``{emergency}``."""
        return {
            "helpline": self.line,
            "helpline_phone": self.phone,
            "helpline_chat": self.chat,
            "emergency": self.emergency,
        }


@dataclass(frozen=True)
class Settings:
    """Everything Gemist reads from its environment, resolved and validated."""

    database_url: str = DEFAULT_DATABASE_URL
    telegram_token: Secret | None = None
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL
    # The bot's username, for the invitation links (t.me/<bot>?start=...); asked of Telegram
    # (getMe) when not set and a token is.
    telegram_bot: str | None = None
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Brussels"))
    rules: Path | None = None
    school_id: str = "school"
    school_name: str = "School"
    # The school's own free days (pedagogical study days), and an iCal file with more.
    free_days: tuple[date, ...] = ()
    calendar_ical: Path | None = None
    # Wednesday afternoon has no lessons in most Flemish schools.
    wednesday_afternoon_free: bool = True
    # The school's mapping of older platform letters that have no fixed meaning (e.g. L).
    code_map: Mapping[str, str] = field(default_factory=dict)
    # Live mode (`gemist run`): the absence feed file polled at the school's local times on
    # school days, and how often the planner looks at the facts.
    absence_feed: Path | None = None
    feed_poll_times: tuple[time, ...] = DEFAULT_FEED_POLL_TIMES
    planner_interval_minutes: int = DEFAULT_PLANNER_INTERVAL_MINUTES
    # The school's own wording of messages, checked at load ([messages] in the file).
    messages: Overrides = field(default_factory=Overrides)
    # Named in the answers to a pupil who is not doing well ([help] in the file).
    help: HelpLines = field(default_factory=HelpLines)
    # Webhook mode (`gemist run` with several workers): Telegram POSTs each update to
    # webhook_url with webhook_secret in a header; a reverse proxy passes it on to
    # webhook_listen:webhook_port at webhook_path. Without a URL the bot polls.
    webhook_url: str | None = None
    webhook_secret: Secret | None = None
    webhook_listen: str = DEFAULT_WEBHOOK_LISTEN
    webhook_port: int = DEFAULT_WEBHOOK_PORT
    webhook_path: str = DEFAULT_WEBHOOK_PATH
    # How long personal data is kept ([retention]; bot.privacy.policy has the defaults).
    retention: Retention = field(default_factory=Retention)
    # The school's order of channels: a person is reached on the first one listed they have
    # an active contact on, unless they chose another (bot.contacts.reach). Only channels with
    # a plug-in (bot.channels) are used.
    channels: tuple[str, ...] = DEFAULT_CHANNELS

    def channel_order(self, usable: frozenset[str] = USABLE_TODAY) -> ChannelOrder:
        """The decision's inputs: this order, and the channels Gemist can deliver on."""
        return ChannelOrder(self.channels, usable)

    # Each channel's own settings, unchecked here: its table in the file ([email]), and the
    # GEMIST_* variables, which may hold a channel's GEMIST_<NAME>_<KEY>. The channel's plug-in
    # validates them (bot.channels.options). Never shown: they may hold secrets.
    channel_options: Mapping[str, Mapping[str, Any]] = field(
        default_factory=dict, repr=False, compare=False
    )
    channel_env: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    # The local engine that translates a family's words for the spilfiguur (bot.translation);
    # None: nothing is translated, the forwarded message suggests an interpreter.
    translation_engine: str | None = None
    # The web application (bot.web): its public address, where the answer links lead (None:
    # no web application, no answer links), and where it listens behind the reverse proxy.
    web_url: str | None = None
    # The answer links' signing key; None: one generated once and kept in the database.
    web_secret: Secret | None = None
    web_host: str = DEFAULT_WEB_HOST
    web_port: int = DEFAULT_WEB_PORT
    web_link_days: int = DEFAULT_LINK_DAYS
    web_unsubscribe_days: int = DEFAULT_UNSUBSCRIBE_DAYS


def table_options(
    settings: Settings,
    name: str,
    model: type[_Model],
    *,
    defaults: Mapping[str, Any] | None = None,
    prefix: str,
) -> _Model:
    """A table of its own (``[email]``, ``[smartschool]``) validated by ``model``: ``defaults``
    under it, the file's table, then each key's ``GEMIST_<NAME>_<KEY>`` variable over it.
    :class:`ConfigError` (``prefix``, then every problem) names the key and where it came from,
    never the value: it may be a secret."""
    from pydantic import ValidationError  # not at start-up: few commands read such a table

    values: dict[str, Any] = dict(defaults or {})
    table = settings.channel_options.get(name, {})
    values.update(table)
    sources = dict.fromkeys(table, f"configuration: [{name}]")
    for key in model.model_fields:
        variable = f"{ENV_PREFIX}{name.upper()}_{key.upper()}"
        if variable in settings.channel_env:
            values[key] = settings.channel_env[variable]
            sources[key] = variable
    try:
        return model.model_validate(values)
    except ValidationError as err:
        problems = "; ".join(
            f"{sources.get(str(error['loc'][0]), f'[{name}]') if error['loc'] else ''}"
            f" {'.'.join(map(str, error['loc']))}: {error['msg']}"
            for error in err.errors(include_input=False, include_url=False)
        )
        raise ConfigError(f"{prefix}{problems}") from None


def load_settings(
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Resolve settings from a TOML file, the environment and explicit overrides."""
    env = os.environ if environ is None else environ
    if config_file is None and env.get(ENV_PREFIX + "CONFIG"):
        config_file = Path(env[ENV_PREFIX + "CONFIG"])
    raw: dict[str, Any] = {}
    if config_file is not None:
        raw = _read_toml(config_file)
        raw = _relative_paths(raw, config_file.parent)
    # Where each top-level value came from, so that an error points at the right place.
    sources = dict.fromkeys(raw, str(config_file))
    for key in (
        "database_url", "telegram_token", "telegram_api_url", "telegram_bot", "timezone", "rules",
        "absence_feed", "feed_poll_times", "planner_interval_minutes", *WEBHOOK_KEYS,
        "translation_engine", *WEB_KEYS,
    ):  # fmt: skip
        if value := env.get(ENV_PREFIX + key.upper()):
            raw[key] = value
            sources[key] = ENV_PREFIX + key.upper()
    if value := env.get(ENV_PREFIX + "CHANNELS"):  # "telegram,email"
        raw["channels"] = [name.strip() for name in value.split(",")]
        sources["channels"] = ENV_PREFIX + "CHANNELS"
    for key in HELP_KEYS:
        if value := env.get(f"{ENV_PREFIX}HELP_{key.upper()}"):
            table = raw.get("help")
            raw["help"] = {**(table if isinstance(table, dict) else {}), key: value}
            sources[f"help.{key}"] = f"{ENV_PREFIX}HELP_{key.upper()}"
    for key in Retention.names():
        name = f"{ENV_PREFIX}RETENTION_{key.upper()}"
        if name in env:
            table = raw.get("retention")
            raw["retention"] = {**(table if isinstance(table, dict) else {}), key: env[name]}
            sources[f"retention.{key}"] = name
    for key, value in overrides.items():
        if value is not None:
            raw[key] = value
            sources[key] = "command line"
    settings = _build(raw, sources)
    variables = {key: value for key, value in env.items() if key.startswith(ENV_PREFIX)}
    return replace(settings, channel_env=variables)


def _relative_paths(raw: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Paths in a configuration file are relative to that file, not to where gemist runs."""
    raw = dict(raw)
    for key in ("rules", "absence_feed"):
        if isinstance(raw.get(key), str):
            raw[key] = str(folder / raw[key])
    calendar = raw.get("calendar")
    if isinstance(calendar, dict) and isinstance(calendar.get("ical"), str):
        raw["calendar"] = {**calendar, "ical": str(folder / calendar["ical"])}
    return raw


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as err:
        raise ConfigError(f"{path}: no such configuration file") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from err


_KNOWN: dict[str, set[str] | None] = {
    "database_url": None, "telegram_token": None, "telegram_api_url": None,
    "telegram_bot": None, "timezone": None,
    "rules": None, "absence_feed": None, "feed_poll_times": None,
    "planner_interval_minutes": None, **dict.fromkeys(WEBHOOK_KEYS), "translation_engine": None,
    **dict.fromkeys(WEB_KEYS),
    "school": {"id", "name"},
    "calendar": {"free_days", "ical", "wednesday_afternoon_free"}, "codes": None,
    "messages": None, "help": set(HELP_KEYS), "retention": set(Retention.names()),
    "channels": None,
}  # fmt: skip
"""The keys a configuration may hold; for tables, the keys inside them."""

PLATFORM_TABLES = frozenset({"smartschool"})
"""Tables of a platform that serves as a source as well as a channel (``[smartschool]``): kept,
unchecked, with the channels' tables, whether or not its channel plug-in is installed, for the
platform's own settings model to validate where it is used."""


def _build(raw: dict[str, Any], sources: dict[str, str]) -> Settings:
    channel_names = _channel_names()
    for key in raw:
        if key not in _KNOWN and key not in channel_names | PLATFORM_TABLES:
            known = sorted({*_KNOWN, *channel_names, *PLATFORM_TABLES} - {"channel"})
            raise ConfigError(f"{sources[key]}: unknown key {key!r} (known: {', '.join(known)})")
    # Tables only come from the file.
    source = next(
        (sources[key] for key in ("school", "calendar", "codes", "messages") if key in sources),
        "configuration",
    )
    school = _table(raw, "school", source)
    calendar = _table(raw, "calendar", source)
    codes = _table(raw, "codes", source)
    messages = _table(raw, "messages", source)
    for name, table in (("school", school), ("calendar", calendar)):
        allowed = _KNOWN[name] or set()
        for key in table:
            if key not in allowed:
                raise ConfigError(
                    f"{source}: unknown key {name}.{key} (known: {', '.join(sorted(allowed))})"
                )
    kwargs: dict[str, Any] = {}
    for key in (
        "database_url",
        "telegram_api_url",
        "telegram_bot",
    ):
        if key in raw:
            kwargs[key] = _string(raw[key], key, sources[key])
    if "telegram_bot" in kwargs:
        kwargs["telegram_bot"] = kwargs["telegram_bot"].removeprefix("@")
    if "telegram_token" in raw:
        token = _string(raw["telegram_token"], "telegram_token", sources["telegram_token"])
        kwargs["telegram_token"] = Secret(token)
    if "timezone" in raw:
        name = _string(raw["timezone"], "timezone", sources["timezone"])
        try:
            kwargs["timezone"] = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ConfigError(f"{sources['timezone']}: unknown timezone {name!r}") from err
    if "rules" in raw:
        kwargs["rules"] = Path(_string(raw["rules"], "rules", sources["rules"]))
    if "id" in school:
        kwargs["school_id"] = _string(school["id"], "school.id", source)
    if "name" in school:
        kwargs["school_name"] = _string(school["name"], "school.name", source)
    if "free_days" in calendar:
        kwargs["free_days"] = _dates(calendar["free_days"], "calendar.free_days", source)
    if "ical" in calendar:
        kwargs["calendar_ical"] = Path(_string(calendar["ical"], "calendar.ical", source))
    if "wednesday_afternoon_free" in calendar:
        value = calendar["wednesday_afternoon_free"]
        if not isinstance(value, bool):
            raise ConfigError(
                f"{source}: calendar.wednesday_afternoon_free: expected true or false"
            )
        kwargs["wednesday_afternoon_free"] = value
    kwargs["code_map"] = _code_map(codes, source)
    kwargs["help"] = _help(raw, sources)
    kwargs["retention"] = _retention(raw, sources)
    kwargs["channel_options"] = _channel_tables(raw, sources, channel_names)
    try:
        kwargs["messages"] = parse_overrides(messages, "messages")
    except OverrideError as err:
        raise ConfigError(f"{source}: {err}") from err
    if "absence_feed" in raw:
        kwargs["absence_feed"] = Path(
            _string(raw["absence_feed"], "absence_feed", sources["absence_feed"])
        )
    if "feed_poll_times" in raw:
        kwargs["feed_poll_times"] = _times(
            raw["feed_poll_times"], "feed_poll_times", sources["feed_poll_times"]
        )
    if "planner_interval_minutes" in raw:
        kwargs["planner_interval_minutes"] = _minutes(
            raw["planner_interval_minutes"],
            "planner_interval_minutes",
            sources["planner_interval_minutes"],
        )
    if "channels" in raw:
        kwargs["channels"] = _channels(
            raw["channels"], "channels", sources["channels"], channel_names
        )
    if "translation_engine" in raw:
        kwargs["translation_engine"] = _engine(raw["translation_engine"], sources)
    api_url = kwargs.get("telegram_api_url", DEFAULT_TELEGRAM_API_URL)
    kwargs |= _webhook(raw, sources, local_api=api_url.rstrip("/") != DEFAULT_TELEGRAM_API_URL)
    kwargs |= _web(raw, sources)
    return Settings(**kwargs)


def _web(raw: dict[str, Any], sources: dict[str, str]) -> dict[str, Any]:
    """The web application's keys, checked together: the others mean nothing without
    ``web_url`` (a misspelt URL variable would otherwise mean no web application, silently)."""
    if "web_url" not in raw:
        for key in WEB_KEYS:
            if key in raw:
                raise ConfigError(
                    f"{sources[key]}: {key}: only used with web_url (GEMIST_WEB_URL), "
                    "which is not set"
                )
        return {}
    kwargs: dict[str, Any] = {"web_url": _web_url(raw["web_url"], sources["web_url"])}
    if "web_secret" in raw:
        source = sources["web_secret"]
        secret = _string(raw["web_secret"], "web_secret", source)
        if len(secret) < MIN_WEB_SECRET:
            raise ConfigError(
                f"{source}: web_secret: expected at least {MIN_WEB_SECRET} characters "
                "(python3 -c 'import secrets; print(secrets.token_urlsafe(32))' makes one), "
                "or leave it out to let Gemist keep one in the database"
            )
        kwargs["web_secret"] = Secret(secret)
    if "web_host" in raw:
        kwargs["web_host"] = _string(raw["web_host"], "web_host", sources["web_host"])
    if "web_port" in raw:
        kwargs["web_port"] = _port(raw["web_port"], "web_port", sources["web_port"])
    for key in ("web_link_days", "web_unsubscribe_days"):
        if key in raw:
            kwargs[key] = _days(raw[key], key, sources[key])
    return kwargs


def _web_url(value: Any, source: str) -> str:
    """The address families open: http or https, a host, maybe a path (a reverse proxy's
    prefix); no query or fragment. Kept without its trailing slash."""
    text = _string(value, "web_url", source)
    unusable = ConfigError(
        f"{source}: web_url: expected the public address of the web application, like "
        f"https://gemist.school.example or https://www.school.example/gemist, not {text!r}"
    )
    parts = urlsplit(text)
    try:
        parts.port  # noqa: B018  (raises for a port that is not a number or out of range)
    except ValueError:
        raise unusable from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise unusable
    if parts.query or parts.fragment or parts.username or parts.password:
        raise unusable
    return text.rstrip("/")


def _days(value: Any, key: str, source: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_LINK_DAYS:
        raise ConfigError(f"{source}: {key}: expected a whole number of days, 1 to {MAX_LINK_DAYS}")
    return value


def _engine(value: Any, sources: dict[str, str]) -> str:
    """The translation engine the school chose: one Gemist knows, named exactly."""
    source = sources["translation_engine"]
    name = _string(value, "translation_engine", source)
    if name not in TRANSLATION_ENGINES:
        raise ConfigError(
            f"{source}: translation_engine: unknown engine {name!r} "
            f"(known: {', '.join(TRANSLATION_ENGINES)}; leave it out to translate nothing)"
        )
    return name


def _webhook(raw: dict[str, Any], sources: dict[str, str], *, local_api: bool) -> dict[str, Any]:
    """The webhook keys, checked together: a URL needs a secret, and the other keys mean
    nothing without a URL (a misspelt URL variable would otherwise mean polling, silently)."""
    if "webhook_url" not in raw:
        for key in WEBHOOK_KEYS:
            if key in raw:
                raise ConfigError(
                    f"{sources[key]}: {key}: only used with webhook_url "
                    "(GEMIST_WEBHOOK_URL), which is not set"
                )
        return {}
    source = sources["webhook_url"]
    if "webhook_secret" not in raw:
        raise ConfigError(
            f"{source}: webhook_url: needs webhook_secret (GEMIST_WEBHOOK_SECRET) as well"
        )
    kwargs: dict[str, Any] = {
        "webhook_url": _webhook_url(raw["webhook_url"], source, local_api=local_api),
        "webhook_secret": _webhook_secret(raw["webhook_secret"], sources["webhook_secret"]),
    }
    if "webhook_listen" in raw:
        kwargs["webhook_listen"] = _string(
            raw["webhook_listen"], "webhook_listen", sources["webhook_listen"]
        )
    if "webhook_port" in raw:
        kwargs["webhook_port"] = _port(raw["webhook_port"], "webhook_port", sources["webhook_port"])
    if "webhook_path" in raw:
        kwargs["webhook_path"] = _url_path(
            raw["webhook_path"], "webhook_path", sources["webhook_path"]
        )
    return kwargs


def _webhook_url(value: Any, source: str, *, local_api: bool) -> str:
    """A public HTTPS address on a port Telegram posts to; plain HTTP and any port only for a
    local Bot API server (``telegram_api_url``), which allows them. Never quoted back."""
    text = _string(value, "webhook_url", source)
    unusable = ConfigError(
        f"{source}: webhook_url: expected an address like https://bot.example.org/telegram"
    )
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:  # not a number, or out of range
        raise unusable from None
    schemes = ("https", "http") if local_api else ("https",)
    if parts.scheme not in schemes or not parts.hostname or parts.fragment:
        raise unusable
    if not local_api and port is not None and port not in TELEGRAM_WEBHOOK_PORTS:
        raise ConfigError(
            f"{source}: webhook_url: Telegram only sends to the ports "
            f"{', '.join(map(str, TELEGRAM_WEBHOOK_PORTS))}, not {port}"
        )
    return text


def _webhook_secret(value: Any, source: str) -> Secret:
    text = _string(value, "webhook_secret", source)
    if not _WEBHOOK_SECRET.fullmatch(text):
        raise ConfigError(
            f"{source}: webhook_secret: expected 1 to 256 characters, each a letter A-Z or a-z, "
            "a digit, _ or -"
        )
    return Secret(text)


def _port(value: Any, key: str, source: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise ConfigError(f"{source}: {key}: expected a port number, 1 to 65535")
    return value


def _url_path(value: Any, key: str, source: str) -> str:
    text = _string(value, key, source)
    if not text.startswith("/") or any(c in text for c in "?# \t"):
        raise ConfigError(f"{source}: {key}: expected a path like /telegram")
    return text


def _table(raw: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: {key}: expected a table ([{key}])")
    return value


def _string(value: Any, key: str, source: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{source}: {key}: expected a non-empty string")
    return value.strip()


def _channel_names() -> frozenset[str]:
    """The channels with a plug-in, by name only (no plug-in is imported): each may have a
    table of its own settings in the file, ``[telegram]``, ``[email]``."""
    from bot.channels.known import names  # light: no plug-in, no outbox

    return frozenset(names())


def _channel_tables(
    raw: dict[str, Any], sources: dict[str, str], channel_names: frozenset[str]
) -> dict[str, dict[str, Any]]:
    """Each channel's table (``[email]``), left for the channel's plug-in to check."""
    tables: dict[str, dict[str, Any]] = {}
    for name in (channel_names | PLATFORM_TABLES) & raw.keys():
        tables[name] = _table(raw, name, sources[name])
    return tables


def _dates(value: Any, key: str, source: str) -> tuple[date, ...]:
    if not isinstance(value, list):
        raise ConfigError(f"{source}: {key}: expected a list of dates")
    days: list[date] = []
    for index, item in enumerate(value):
        if isinstance(item, date):
            days.append(item)
            continue
        try:
            days.append(date.fromisoformat(str(item)))
        except ValueError as err:
            raise ConfigError(f"{source}: {key}[{index}]: {item!r} is not a date") from err
    return tuple(days)


def _times(value: Any, key: str, source: str) -> tuple[time, ...]:
    """Local wall times: a TOML list of ``"HH:MM"`` (or TOML times), or ``"09:15,13:45"``."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise ConfigError(f'{source}: {key}: expected a list of times like ["09:15", "13:45"]')
    times: list[time] = []
    for index, item in enumerate(items):
        if isinstance(item, time) and item.second == 0 and item.microsecond == 0:
            times.append(item.replace(tzinfo=None))
            continue
        text = item.strip() if isinstance(item, str) else ""
        hours, _, minutes = text.partition(":")
        try:
            if len(minutes) != 2 or not hours.isdigit() or not minutes.isdigit():
                raise ValueError(text)
            times.append(time(int(hours), int(minutes)))
        except ValueError:
            raise ConfigError(
                f"{source}: {key}[{index}]: {item!r} is not a time like 09:15"
            ) from None
    return tuple(sorted(set(times)))


def _channels(
    value: Any, key: str, source: str, plugins: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """The school's order of channels: a TOML list, or ``"telegram,email"`` from the
    environment; each a channel Gemist knows (or one an installed plug-in adds), once."""
    known = (*CHANNELS, *sorted(plugins - set(CHANNELS)))
    items = value.split(",") if isinstance(value, str) else value
    expected = f'expected a list of channels like ["{CHANNELS[0]}", "{CHANNELS[-1]}"]'
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{source}: {key}: {expected}")
    order: list[str] = []
    for index, item in enumerate(items):
        name = item.strip().lower() if isinstance(item, str) else None
        if name not in known:
            raise ConfigError(
                f"{source}: {key}[{index}]: {item!r} is not a channel (known: {', '.join(known)})"
            )
        if name in order:
            raise ConfigError(f"{source}: {key}[{index}]: {name!r} is listed twice")
        order.append(name)
    return tuple(order)


def _minutes(value: Any, key: str, source: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1440:
        raise ConfigError(f"{source}: {key}: expected a whole number of minutes, 1 to 1440")
    return value


def _help(raw: dict[str, Any], sources: dict[str, str]) -> HelpLines:
    """The ``[help]`` table (or its ``GEMIST_HELP_*`` variables), checked key by key: a name,
    phone numbers a phone can dial, a web address for the chat."""
    file_source = sources.get("help", "configuration")
    table = _table(raw, "help", file_source)
    values: dict[str, str] = {}
    for key, value in table.items():
        source = sources.get(f"help.{key}", file_source)
        if key not in HELP_KEYS:
            raise ConfigError(
                f"{source}: unknown key help.{key} (known: {', '.join(sorted(HELP_KEYS))})"
            )
        text = _string(value if not isinstance(value, int) else str(value), f"help.{key}", source)
        if key in ("phone", "emergency") and not _PHONE.fullmatch(text):
            raise ConfigError(
                f"{source}: help.{key}: {text!r} is not a phone number (digits and spaces, "
                "such as 102 or 0800 12 345)"
            )
        if key == "chat" and not _WEB.fullmatch(text):
            raise ConfigError(
                f"{source}: help.{key}: {text!r} is not a web address (such as awel.be)"
            )
        values[key] = text
    return HelpLines(**values)


def _code_map(codes: dict[str, Any], source: str) -> dict[str, str]:
    from bot.domain import CANONICAL_CODES

    mapping: dict[str, str] = {}
    for letter, target in codes.items():
        if not isinstance(target, str) or target.upper() not in CANONICAL_CODES:
            raise ConfigError(
                f"{source}: codes.{letter}: {target!r} is not one of {', '.join(CANONICAL_CODES)}"
            )
        mapping[letter.upper()] = target.upper()
    return mapping


def _retention(raw: dict[str, Any], sources: dict[str, str]) -> Retention:
    """``[retention]``: each key a whole number of years, 0 to :data:`MAX_YEARS`; an
    environment variable (``GEMIST_RETENTION_<KEY>``) wins over the file."""
    file_source = sources.get("retention", "configuration")
    table = _table(raw, "retention", file_source)
    allowed = Retention.names()
    years: dict[str, int] = {}
    for key, value in table.items():
        source = sources.get(f"retention.{key}", file_source)
        if key not in allowed:
            raise ConfigError(
                f"{source}: unknown key retention.{key} (known: {', '.join(allowed)})"
            )
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_YEARS:
            raise ConfigError(
                f"{source}: retention.{key}: expected a whole number of years, 0 to {MAX_YEARS}"
            )
        years[key] = value
    return Retention(**years)

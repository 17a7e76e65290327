"""The channel plug-ins Gemist knows, and the school's usable channels among them.

Plug-ins are found in two places: the built-in ones (Telegram), imported by name only when
asked for, so that a command which sends nothing does not load python-telegram-bot; and the
Python entry points of the group ``gemist.channels`` that installed packages declare (a channel
maintained outside this repository), each naming a :class:`~bot.outbox.plugin.ChannelPlugin`.
Tests add one with :func:`register`.

The *usable* channels are the school's ``channels`` setting, in its order, that have a plug-in.
``gemist run`` sends over them; ``run --dry-run``, ``simulate`` and ``demo`` show only what they
could deliver, so a preview never shows a message that the live bot could not send.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from functools import cache
from importlib.metadata import entry_points
from typing import Any

from pydantic import BaseModel

from bot.channels.known import ADDED, BUILT_IN, ENTRY_POINT_GROUP, names
from bot.config import ConfigError, Settings, table_options
from bot.outbox import Capabilities, Channel, ChannelRouter
from bot.outbox.plugin import ChannelContext, ChannelPlugin

__all__ = [
    "RegistryError",
    "build_router",
    "capabilities",
    "names",
    "options",
    "register",
    "registered",
    "stand_ins",
    "unknown",
    "unready",
    "unregister",
    "usable",
]

log = logging.getLogger(__name__)

AnyPlugin = ChannelPlugin[Any]


class RegistryError(ConfigError):
    """A plug-in cannot be loaded or does not say what it is; the message names it. A kind of
    configuration error: the commands report it as they report a bad setting."""


def registered() -> dict[str, AnyPlugin]:
    """Every known plug-in by channel name: built in, installed, then added by :func:`register`."""
    added = {name: _checked(plugin, f"plug-in {name}") for name, plugin in ADDED.items()}
    return {**_discovered(), **added}


def register(plugin: AnyPlugin) -> None:
    """Add ``plugin`` (or replace the one of its name) until :func:`unregister`."""
    ADDED[plugin.name] = _checked(plugin, f"plug-in {plugin!r}")


def unregister(name: str) -> None:
    """Forget a plug-in added with :func:`register`; the built-in and installed ones stay."""
    ADDED.pop(name, None)


def usable(settings: Settings) -> tuple[str, ...]:
    """The channels the school reaches people over: its ``channels``, in order, that have a
    plug-in. The same for ``gemist run`` as for its previews. Loads no plug-in."""
    known = names()
    return tuple(name for name in settings.channels if name in known)


def capabilities(settings: Settings) -> dict[str, Capabilities]:
    """What each usable channel can show and receive, by name."""
    known = registered()
    return {name: known[name].capabilities for name in usable(settings)}


def options(plugin: AnyPlugin, settings: Settings) -> BaseModel:
    """The plug-in's own settings, validated (see :mod:`bot.outbox.plugin` for where each
    value comes from); :class:`~bot.config.ConfigError` naming the key when one is wrong."""
    validated: BaseModel = table_options(
        settings,
        plugin.name,
        plugin.settings_model,
        defaults=plugin.legacy_options(settings),
        prefix=f"channel {plugin.name}:",
    )
    return validated


def unready(settings: Settings) -> list[str]:
    """What the usable channels lack to send, one sentence each (none when all can send);
    :class:`~bot.config.ConfigError` for a setting a channel cannot use."""
    known = registered()
    problems: list[str] = []
    for name in usable(settings):
        plugin = known[name]
        if (problem := plugin.missing(options(plugin, settings))) is not None:
            problems.append(problem)
    return problems


def build_router(settings: Settings, context: ChannelContext) -> ChannelRouter:
    """The usable channels, built by their plug-ins, behind one router; open it with
    ``async with`` before sending. :class:`~bot.config.ConfigError` for a bad setting,
    :class:`~bot.outbox.plugin.ChannelUnavailable` for a channel that lacks what it needs."""
    known = registered()
    built: dict[str, Channel] = {}
    for name in usable(settings):
        plugin = known[name]
        built[name] = plugin.build(options(plugin, settings), context)
    return ChannelRouter(built)


def stand_ins(settings: Settings, make: Callable[[str, Capabilities], Channel]) -> ChannelRouter:
    """A router with, for each usable channel, the channel ``make`` returns for its name and
    capabilities: what a dry run prints with and a replay records with."""
    return ChannelRouter({name: make(name, caps) for name, caps in capabilities(settings).items()})


def unknown(settings: Settings) -> tuple[str, ...]:
    """The names in the school's ``channels`` that no plug-in provides (a typo, or a channel
    not installed): worth a warning, since nobody is reached over them."""
    known = names()
    return tuple(name for name in settings.channels if name not in known)


@cache
def _discovered() -> dict[str, AnyPlugin]:
    found: dict[str, AnyPlugin] = {}
    for name, target in BUILT_IN.items():
        found[name] = _loaded(name, target)
    for point in entry_points(group=ENTRY_POINT_GROUP):
        plugin = _checked(_from_entry_point(point.name, point.load), f"entry point {point.value}")
        if plugin.name != point.name:
            raise RegistryError(
                f"entry point {point.name} = {point.value!r} ({ENTRY_POINT_GROUP}): its plug-in "
                f"calls itself {plugin.name!r}; the two names must be the same"
            )
        if point.name in found and found[point.name] is not plugin:
            log.warning(
                "entry point %s = %r: a channel of that name is built in; the built-in one is used",
                point.name,
                point.value,
            )
            continue
        found[point.name] = plugin
    return found


def _loaded(name: str, target: str) -> AnyPlugin:
    module, _, attribute = target.partition(":")
    return _checked(getattr(importlib.import_module(module), attribute), f"built-in {name}")


def _from_entry_point(name: str, load: Callable[[], object]) -> object:
    try:
        return load()
    except Exception as err:  # an installed package's bug must say which package
        raise RegistryError(
            f"entry point {name} ({ENTRY_POINT_GROUP}): cannot load it: {type(err).__name__}: "
            f"{str(err).splitlines()[0] if str(err) else ''}"
        ) from err


def _checked(plugin: object, where: str) -> AnyPlugin:
    if isinstance(plugin, type) and issubclass(plugin, ChannelPlugin):
        plugin = plugin()
    if not isinstance(plugin, ChannelPlugin):
        raise RegistryError(f"{where}: not a ChannelPlugin but {type(plugin).__name__}")
    for attribute in ("name", "capabilities", "settings_model"):
        if not hasattr(plugin, attribute):
            raise RegistryError(f"{where}: the plug-in does not say its {attribute}")
    return plugin

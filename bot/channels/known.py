"""The names of the channels that have a plug-in, known without importing any plug-in.

The configuration reads this to accept a channel's own table (``[telegram]``, ``[email]``), so
it is kept light: every command reads its configuration, few of them send.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import entry_points

__all__ = ["ADDED", "BUILT_IN", "ENTRY_POINT_GROUP", "names"]

ENTRY_POINT_GROUP = "gemist.channels"
BUILT_IN: Mapping[str, str] = {
    "telegram": "integrations.telegram.plugin:PLUGIN",
    "email": "integrations.email.plugin:PLUGIN",
    "smartschool": "integrations.smartschool.plugin:PLUGIN",
}
"""The plug-ins that ship with Gemist, as ``module:attribute``: found without installing."""

ADDED: dict[str, object] = {}
"""Plug-ins added while the process runs (:func:`bot.channels.registry.register`), by name."""


def names() -> set[str]:
    """The channels there are plug-ins for: built in, installed, added."""
    return {*BUILT_IN, *(point.name for point in entry_points(group=ENTRY_POINT_GROUP)), *ADDED}

"""Which settings differ between two sets of rules: what a saved version says it changed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.rules._rules import Rules

__all__ = ["changed_settings"]


def changed_settings(before: Rules, after: Rules) -> list[str]:
    """The dotted keys whose value differs (``guardian.grace_period``), in the file's order.

    A list (``pauses``, ``do_not_contact``) is one setting: its entries have no names of their
    own. Only keys, never values, so that the summary can be shown and logged anywhere.
    """
    return list(_changed(after.model_dump(), before.model_dump()))


def _changed(given: Any, other: Any, path: str = "") -> Iterator[str]:
    if isinstance(given, dict) and isinstance(other, dict):
        keys = [*given, *(key for key in other if key not in given)]
        for key in keys:
            yield from _changed(given.get(key), other.get(key), f"{path}.{key}" if path else key)
    elif given != other:
        yield path or "(top)"

"""The channels as plug-ins: the registry that finds them and builds the school's router.

See :mod:`bot.outbox.plugin` for what a channel package declares, and
:mod:`bot.channels.registry` for how they are found. This package sits above the outbox and
the integrations: it is the one place that imports a channel's package.
"""

from __future__ import annotations

from bot.channels.registry import (
    BUILT_IN,
    ENTRY_POINT_GROUP,
    RegistryError,
    build_router,
    capabilities,
    options,
    register,
    registered,
    stand_ins,
    unknown,
    unregister,
    usable,
)

__all__ = [
    "BUILT_IN",
    "ENTRY_POINT_GROUP",
    "RegistryError",
    "build_router",
    "capabilities",
    "options",
    "register",
    "registered",
    "stand_ins",
    "unknown",
    "unregister",
    "usable",
]

"""Smartschool, the platform most Flemish secondary schools use (webservices V3, SOAP).

This package speaks the protocol and knows nothing of the bot: :class:`SmartschoolClient`
calls the methods Gemist needs; :mod:`.local_server` answers like a school's Smartschool for
the tests. The source and channel that use them come with the channel plug-ins.
"""

from __future__ import annotations

from integrations.smartschool.client import SmartschoolClient

__all__ = ["SmartschoolClient"]

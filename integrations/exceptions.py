"""Errors raised by integrations.

::

    IntegrationError              anything an integration cannot do
     ├── FeedUnavailable          temporary: the platform or file is not there now; retry later
     ├── FeedAuthError            the platform refused our credentials; a human must act
     └── FeedParseError           the input cannot be read at all; carries where and why

A row that cannot be read is not an exception: it becomes a :class:`~integrations.abc.RowReject`
and the rest of the file is still imported.
"""

from __future__ import annotations

__all__ = ["FeedAuthError", "FeedParseError", "FeedUnavailable", "IntegrationError"]


class IntegrationError(Exception):
    """Base of every integration failure."""


class FeedUnavailable(IntegrationError):
    """The feed cannot be reached now; the same call may work later."""


class FeedAuthError(IntegrationError):
    """The platform rejected the credentials; retrying will not help."""


class FeedParseError(IntegrationError):
    """The whole input is unusable; nothing of it may be imported."""

    def __init__(
        self, file: str, reason: str, *, line: int | None = None, column: str | None = None
    ) -> None:
        self.file = file
        self.reason = reason
        self.line = line
        self.column = column
        where = file if line is None else f"{file}, line {line}"
        if column is not None:
            where += f", column {column}"
        super().__init__(f"{where}: {reason}")

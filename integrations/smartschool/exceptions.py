"""Errors of the Smartschool client, placed in the tree of :mod:`integrations.exceptions`.

::

    IntegrationError
     ├── FeedUnavailable
     │    └── SmartschoolUnavailable       network error, 5xx, timeout: retry later
     │         └── SmartschoolNoAnswer      the call went out, no answer came: it may be done
     ├── FeedAuthError
     │    └── SmartschoolAccessRefused     the access code is refused (code 8)
     │         └── SmartschoolMethodNotAllowed   the code does not allow this method
     ├── FeedParseError
     │    └── SmartschoolBadAnswer         the answer is not the JSON or XML it should be
     └── SmartschoolError                  any other numeric error code
          ├── SmartschoolUnknownUser       no account with this identifier (9, 12)
          └── SmartschoolFault             a SOAP fault

No message carries the access code: they are built from the method name and the code only.
"""

from __future__ import annotations

from integrations.exceptions import (
    FeedAuthError,
    FeedParseError,
    FeedUnavailable,
    IntegrationError,
)

__all__ = [
    "SmartschoolAccessRefused",
    "SmartschoolBadAnswer",
    "SmartschoolError",
    "SmartschoolFault",
    "SmartschoolMethodNotAllowed",
    "SmartschoolNoAnswer",
    "SmartschoolUnavailable",
    "SmartschoolUnknownUser",
]


class SmartschoolError(IntegrationError):
    """Smartschool answered a numeric error code (``code``) to ``method``."""

    def __init__(self, method: str, message: str, *, code: int | None = None) -> None:
        self.method = method
        self.code = code
        suffix = "" if code is None else f" (Smartschool error {code})"
        super().__init__(f"Smartschool {method}: {message}{suffix}")


class SmartschoolUnknownUser(SmartschoolError):
    """No Smartschool account has the identifier that was asked for."""


class SmartschoolFault(SmartschoolError):
    """The server answered a SOAP fault: ``fault`` is its code, ``SOAP-ENV:Client`` for a call
    it cannot read, ``SOAP-ENV:Server`` for an error on its side."""

    def __init__(self, method: str, message: str, *, fault: str = "") -> None:
        super().__init__(method, message)
        self.fault = fault

    @property
    def ours(self) -> bool:
        """Whether the server blames the call (a client fault): sending it again cannot help."""
        return self.fault.rpartition(":")[2].lower() == "client"


class SmartschoolUnavailable(FeedUnavailable):
    """Smartschool cannot be reached now (network, 5xx, timeout); the call may work later."""


class SmartschoolNoAnswer(SmartschoolUnavailable):
    """The request reached Smartschool but no answer came back (a timeout, a dropped
    connection): a call that changes something (``sendMsg``) may have been carried out."""


class SmartschoolAccessRefused(FeedAuthError):
    """The access code was refused; an administrator must check it."""

    def __init__(self, method: str, message: str, *, code: int | None = None) -> None:
        self.method = method
        self.code = code
        suffix = "" if code is None else f" (Smartschool error {code})"
        super().__init__(f"Smartschool {method}: {message}{suffix}")


class SmartschoolMethodNotAllowed(SmartschoolAccessRefused):
    """The access code works but does not allow this method."""


class SmartschoolBadAnswer(FeedParseError):
    """The answer of ``method`` cannot be read; nothing of it is used."""

    def __init__(self, method: str, reason: str) -> None:
        self.method = method
        super().__init__(f"Smartschool {method} answer", reason)

"""Smartschool's settings, shared by the source (roster, absences) and the channel (messages).

Read from the configuration file's ``[smartschool]`` table or ``GEMIST_SMARTSCHOOL_<FIELD>``
(``GEMIST_SMARTSCHOOL_ACCESS_CODE``), and checked when the configuration is read so that a typo
is an error at start, not a failed morning. The access code is a secret: never printed or logged.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from integrations.smartschool.const import (
    DEFAULT_ATTEMPTS,
    DEFAULT_MAX_CONCURRENT,
    DEFAULT_TIMEOUT,
    WEBSERVICES_PATH,
)

__all__ = ["DEFAULT_REREAD_DAYS", "DEFAULT_ROSTER_TIME", "Identifier", "SmartschoolOptions"]

DEFAULT_REREAD_DAYS = 5
"""School days before today whose absences each poll reads again, so that a correction made
in Smartschool later reaches Gemist as a correction."""

DEFAULT_ROSTER_TIME = dt.time(6, 30)
"""When ``gemist run`` syncs the roster each day: after the night, before the first feed poll
(09:15), so that a pupil added yesterday is known when the day's absences come in."""

_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[^\s?#]*)?$")


class Identifier(StrEnum):
    """How the school's Smartschool identifies a user in the webservices' ``userIdentifier``."""

    USERNAME = "username"
    INTERNAL_NUMBER = "internal_number"


class SmartschoolOptions(BaseModel):
    """Smartschool's settings (see ``docs/smartschool.md``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str | None = None
    """The school's Smartschool address (``https://school.smartschool.be``) or its webservices
    endpoint (``…/Webservices/V3``); without it Smartschool is not used."""
    access_code: SecretStr | None = None
    """The webservices access code the administrator created for Gemist; never shown."""
    identifier: Identifier = Identifier.USERNAME
    """What ``userIdentifier`` means at this school: ``username`` (the default) or
    ``internal_number``, as set in Smartschool's webservices configuration."""
    sender: str | None = None
    """The account Gemist's messages come from (the pupil-care team's account), as its
    ``userIdentifier``; required to send."""
    copy_to_lvs: bool = False
    """Copy each message into the pupil-tracking system (LVS). Off: the LVS is not a log of
    messages, and the school decides what goes in it."""
    reread_days: int = Field(default=DEFAULT_REREAD_DAYS, ge=0, le=30)
    """School days before today whose absences each poll reads again."""
    timeout: float = Field(default=DEFAULT_TIMEOUT, gt=0, le=600)
    """Seconds to wait for one call."""
    attempts: int = Field(default=DEFAULT_ATTEMPTS, ge=1, le=10)
    """Tries for a call that failed for a passing reason (network, HTTP 5xx, timeout)."""
    max_concurrent: int = Field(default=DEFAULT_MAX_CONCURRENT, ge=1, le=32)
    """Calls in progress at once at most."""
    roster_time: dt.time = DEFAULT_ROSTER_TIME
    """The school's local time at which ``gemist run`` syncs the roster, every day."""
    spilfiguren: dict[str, str] = Field(default_factory=dict)
    """Smartschool knows no spilfiguur: per class name, the staff id of the spilfiguur given to
    a pupil of that class who has none yet (``[smartschool.spilfiguren]``, ``"1A" = "S001"``).
    A pupil's spilfiguur once stored stays."""

    @field_validator("url")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().rstrip("/")
        if not _URL.match(value):
            raise ValueError(
                "expected the school's Smartschool address, like https://school.smartschool.be"
            )
        return value

    @field_validator("access_code")
    @classmethod
    def _not_blank(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().strip():
            raise ValueError("the access code is empty")
        return value

    @field_validator("sender")
    @classmethod
    def _one_identifier(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not value or any(ch.isspace() for ch in value):
            raise ValueError("expected one user identifier, like zorgteam")
        return value

    @property
    def configured(self) -> bool:
        """Whether there is an address and an access code to call the webservices with."""
        return self.url is not None and self.access_code is not None

    @property
    def endpoint(self) -> str | None:
        """The webservices endpoint, or None without an address."""
        if self.url is None:
            return None
        return self.url if self.url.endswith(WEBSERVICES_PATH) else self.url + WEBSERVICES_PATH

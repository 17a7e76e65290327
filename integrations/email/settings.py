"""The e-mail channel's settings: the school's own mail server (or its provider's), checked
when the configuration is read so that a typo is an error at start, not a failed morning.

Read from the configuration file's ``[email]`` table or ``GEMIST_EMAIL_<FIELD>``
(``GEMIST_EMAIL_PASSWORD``); the sender's name defaults to the school's name (``[school] name``).
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

__all__ = ["DEFAULT_PORTS", "LOCAL_HOSTS", "EmailOptions", "Security", "is_address"]


class Security(StrEnum):
    """How the connection to the mail server is protected."""

    STARTTLS = "starttls"  # submission port 587: plain, then upgraded; refused if not offered
    TLS = "tls"  # port 465: TLS from the first byte
    NONE = "none"  # a relay on the same machine or network only (no password then)


DEFAULT_PORTS = {Security.STARTTLS: 587, Security.TLS: 465, Security.NONE: 25}
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
"""Hosts where a password may travel without encryption: it never leaves the machine."""

# An address as Gemist sends to it: no display name, no spaces or brackets, one @, a domain of
# letters, digits, hyphens and dots. Stricter than RFC 5322 on purpose: what passes here is an
# address every mail server accepts and no header can be smuggled through.
_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"\\]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
_HOST = re.compile(r"^[A-Za-z0-9._:-]+$")


def is_address(value: str) -> bool:
    """Whether ``value`` is a bare e-mail address Gemist can send to (``ouder@example.be``)."""
    return bool(_ADDRESS.match(value)) and ".." not in value


class EmailOptions(BaseModel):
    """The e-mail channel's settings (see ``docs/operators.md``, "E-mail")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str | None = None
    """The mail server to submit to (``smtp.office365.com``); without it nothing is sent."""
    port: int | None = Field(default=None, ge=1, le=65535)
    """Its port; by default the one of ``security``: 587, 465 or 25."""
    security: Security = Security.STARTTLS
    """``starttls`` (the default), ``tls`` or ``none``."""
    user: str | None = None
    """The login at the mail server, often the sending mailbox's address."""
    password: SecretStr | None = None
    """Its password (or app password); never printed or logged."""
    from_address: str | None = None
    """The sending mailbox (``secretariaat@school.be``): a mailbox someone reads, since
    replies go there unless ``reply_to`` says otherwise."""
    from_name: str | None = None
    """The name shown as the sender; by default the school's name."""
    reply_to: str | None = None
    """Where replies go (the secretariat, the spilfiguur), if not to ``from_address``."""
    pool: int = Field(default=2, ge=1, le=20)
    """Connections kept open to the server, and so messages in flight at most."""
    rate: float = Field(default=30, gt=0, le=100_000)
    """Messages a minute at most, evenly spaced: Microsoft 365 allows 30 a minute per
    mailbox, Google Workspace more."""
    timeout: float = Field(default=30, gt=0, le=600)
    """Seconds to wait for the server to connect or to answer one command."""
    ca_file: Path | None = None
    """Certificates (PEM) to trust for the server besides the system's: a school's own relay
    with a certificate of its own authority."""

    @field_validator("host")
    @classmethod
    def _host_name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not value or not _HOST.match(value):
            raise ValueError("expected a host name like smtp.office365.com, without smtp://")
        return value

    @field_validator("from_address", "reply_to")
    @classmethod
    def _bare_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if "<" in value:
            raise ValueError(
                "expected the address alone, like secretariaat@school.be (the name goes in "
                "from_name)"
            )
        if not is_address(value):
            raise ValueError("expected an e-mail address like secretariaat@school.be")
        return value

    @field_validator("from_name")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if "\n" in value or "\r" in value:
            raise ValueError("expected one line")
        return value.strip() or None

    @field_validator("ca_file")
    @classmethod
    def _readable(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no file {value}")
        return value

    @model_validator(mode="after")
    def _coherent(self) -> EmailOptions:
        if (self.user is None) != (self.password is None):
            raise ValueError("user and password go together: set both, or neither")
        if (
            self.security is Security.NONE
            and self.password is not None
            and self.host not in LOCAL_HOSTS
        ):
            raise ValueError(
                "security none would send the password unencrypted: use starttls or tls "
                "(or a relay on this machine)"
            )
        return self

    @property
    def smtp_port(self) -> int:
        """The port to connect to: the one set, or the usual one for ``security``."""
        return self.port if self.port is not None else DEFAULT_PORTS[self.security]

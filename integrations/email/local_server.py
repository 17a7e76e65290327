"""A real SMTP server in the process (aiosmtpd) that keeps what it receives: the tests and the
benchmark send to it with the real client, and it can answer as a mail provider does when it
refuses something.

It listens on the loopback address only and delivers nothing anywhere.
"""

from __future__ import annotations

import asyncio
import email
import ssl
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

__all__ = ["LocalSmtpServer", "Received"]


@dataclass(frozen=True, slots=True)
class Received:
    """One message the server accepted."""

    sender: str
    recipients: tuple[str, ...]
    data: bytes
    at: float
    """``time.monotonic()`` when it was accepted."""

    def parsed(self) -> EmailMessage:
        """The message as the standard library reads it."""
        message = email.message_from_bytes(self.data, policy=default)
        assert isinstance(message, EmailMessage)
        return message


@dataclass(slots=True)
class _Script:
    """Replies to give instead of accepting: per recipient address, and the next ones."""

    rcpt: dict[str, str] = field(default_factory=dict)
    mail: deque[str] = field(default_factory=deque)
    data: deque[str] = field(default_factory=deque)


class LocalSmtpServer:
    """An SMTP server on ``127.0.0.1`` at a free port, for ``async with``.

    With ``user`` and ``password`` it offers AUTH (over the plain connection: it is local) and
    refuses any other login with 535. With ``tls`` (a server context) it offers STARTTLS and
    requires it, or with ``implicit_tls`` speaks TLS from the first byte (port 465's way).
    Set :attr:`refuse_recipient`, :meth:`refuse_next_mail` or :meth:`refuse_next_data` to make
    it answer with an error.
    """

    def __init__(
        self,
        *,
        user: str | None = None,
        password: str | None = None,
        keep: Callable[[Received], bool] | None = None,
        tls: ssl.SSLContext | None = None,
        implicit_tls: bool = False,
    ) -> None:
        self._tls = tls
        self._implicit = implicit_tls
        self.credentials = None if user is None else (user, password or "")
        """The login it accepts; change it to play a password changed meanwhile."""
        self._keep = keep
        self._script = _Script()
        self._server: asyncio.Server | None = None
        self._sessions: list[SMTP] = []
        self.received: list[Received] = []
        self.accepted = 0
        """Messages accepted (also those :attr:`received` did not keep)."""
        self.connections = 0
        self.logins = 0
        self.host = "127.0.0.1"
        self.port = 0

    @property
    def refuse_recipient(self) -> dict[str, str]:
        """Reply lines for ``RCPT TO`` by address ("550 5.1.1 User unknown")."""
        return self._script.rcpt

    def refuse_next_mail(self, reply: str) -> None:
        """Answer the next ``MAIL FROM`` with ``reply``."""
        self._script.mail.append(reply)

    def refuse_next_data(self, reply: str) -> None:
        """Answer the next message (after ``DATA``) with ``reply``."""
        self._script.data.append(reply)

    async def __aenter__(self) -> LocalSmtpServer:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._session, self.host, 0, ssl=self._tls if self._implicit else None
        )
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self.drop_connections()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def drop_connections(self) -> None:
        """Close every open connection from the server's side, as a server that restarts or
        times out idle clients does."""
        for session in self._sessions:
            if session.transport is not None:
                session.transport.close()
        self._sessions.clear()

    def _session(self) -> SMTP:
        self.connections += 1
        session = _Smtp(
            _Handler(self),
            hostname="localhost",
            auth_required=False,
            auth_require_tls=False,
            tls_context=None if self._implicit else self._tls,
            require_starttls=self._tls is not None and not self._implicit,
            authenticator=self._authenticate if self.credentials else None,
            loop=asyncio.get_running_loop(),
        )
        self._sessions.append(session)
        return session

    def _authenticate(
        self, _server: SMTP, _session: Session, _envelope: Envelope, _mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword) or self.credentials is None:
            return AuthResult(success=False, handled=False)
        given = (data.login.decode(), data.password.decode())
        if given != self.credentials:
            return AuthResult(success=False, handled=False)
        self.logins += 1
        return AuthResult(success=True)

    def _accept(self, envelope: Envelope) -> None:
        content = envelope.original_content or envelope.content or b""
        received = Received(
            sender=str(envelope.mail_from),
            recipients=tuple(envelope.rcpt_tos),
            data=content if isinstance(content, bytes) else content.encode(),
            at=time.monotonic(),
        )
        self.accepted += 1
        if self._keep is None or self._keep(received):
            self.received.append(received)


class _Session(Session):
    """aiosmtpd's session without its deprecated ``login_data``, which aiosmtpd itself still
    sets after every login (and warns about)."""

    @property
    def login_data(self) -> Any:
        return self._login_data

    @login_data.setter
    def login_data(self, value: Any) -> None:
        self._login_data = value


class _Smtp(SMTP):
    def _create_session(self) -> Session:
        return _Session(self.loop)


class _Handler:
    """aiosmtpd's hooks: accept, unless the script says otherwise."""

    def __init__(self, server: LocalSmtpServer) -> None:
        self._server = server

    async def handle_MAIL(
        self, _smtp: SMTP, _session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        script = self._server._script
        if script.mail:
            return script.mail.popleft()
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, _smtp: SMTP, _session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        refusal = self._server._script.rcpt.get(address)
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, _smtp: SMTP, _session: Session, envelope: Envelope) -> str:
        script = self._server._script
        if script.data:
            return script.data.popleft()
        self._server._accept(envelope)
        return "250 2.0.0 Message accepted for delivery"

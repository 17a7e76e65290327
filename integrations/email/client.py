"""SMTP with aiosmtplib: a few reusable connections, one message per transaction.

Knows the protocol and nothing of Gemist. Every failure becomes one of three errors, so the
channel can tell a problem with a message from one with the server::

    SmtpError                 anything the server or the network did not do
     ├── SmtpRefused          the server answered a command with a 4xx or 5xx reply
     ├── SmtpUnavailable      no answer: refused connection, dropped, timed out, TLS failed
     └── SmtpLoginRefused     the login was refused; a human must fix user or password

A connection is reused for the next message while the server keeps it open. A server may close
an idle connection at any time (often saying ``421`` first); the first command on it then fails
before anything was accepted, and the message goes once more over a new connection (the only
retry done here).
After a refused command the transaction is reset (``RSET``) and the connection stays.
"""

from __future__ import annotations

import asyncio
import re
import ssl

import aiosmtplib

from integrations.email.settings import EmailOptions, Security

__all__ = ["SmtpClient", "SmtpError", "SmtpLoginRefused", "SmtpRefused", "SmtpUnavailable"]

_ENHANCED = re.compile(r"^\s*([245])\.(\d{1,3})\.(\d{1,3})\b")
_ADDRESS_LIKE = re.compile(r"<[^>]*>|\S+@\S+")
_MAX_REPLY = 100
_GOODBYE = 5.0  # seconds a server gets to answer QUIT when Gemist stops


class SmtpError(Exception):
    """Base of the client's failures; the message names no address and no secret."""


class SmtpRefused(SmtpError):
    """The server refused a command: ``stage`` is ``sender`` (MAIL FROM), ``recipient``
    (RCPT TO) or ``message`` (DATA), ``code`` its reply code."""

    def __init__(self, stage: str, code: int, text: str) -> None:
        self.stage = stage
        self.code = code
        self.text = text
        super().__init__(f"{stage} refused: {self.reason}")

    @property
    def temporary(self) -> bool:
        """A 4xx reply: the same message may pass later."""
        return 400 <= self.code < 500

    @property
    def enhanced(self) -> tuple[int, int, int] | None:
        """The enhanced status code (RFC 3463) at the start of the reply, if any: (5, 1, 1)."""
        found = _ENHANCED.match(self.text)
        return None if found is None else (int(found[1]), int(found[2]), int(found[3]))

    @property
    def reason(self) -> str:
        """The reply as it may be stored: the code and the server's words, with anything that
        looks like an address taken out (servers like to quote the recipient)."""
        words = " ".join(_ADDRESS_LIKE.sub("<…>", self.text).split())
        if len(words) > _MAX_REPLY:
            words = words[: _MAX_REPLY - 1] + "…"
        return f"{self.code} {words}".strip()


class SmtpUnavailable(SmtpError):
    """The server could not be reached or stopped answering; nothing was accepted for sure."""


class SmtpLoginRefused(SmtpError):
    """The server refused the login (535): the user or the password is wrong."""


class SmtpClient:
    """Sends messages over at most ``options.pool`` connections at once.

    Open it with ``async with`` (or call :meth:`close` at the end); :meth:`check` opens one
    connection at once to report a wrong password at start rather than at the first message.
    """

    def __init__(self, options: EmailOptions) -> None:
        self._options = options
        self._slots = asyncio.Semaphore(options.pool)
        self._idle: list[aiosmtplib.SMTP] = []
        self.opened = 0
        """Connections opened so far (logins done): the tests and the benchmark read it."""

    async def __aenter__(self) -> SmtpClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def check(self) -> None:
        """Connect and log in once, and keep the connection for the first message."""
        async with self._slots:
            self._idle.append(await self._connect())

    async def send(self, sender: str, recipient: str, data: bytes) -> None:
        """Send ``data`` (a whole message, CRLF line ends) from ``sender`` to ``recipient``.
        Returns when the server accepted it; raises an :class:`SmtpError` otherwise."""
        async with self._slots:
            connection, reused = self._take()
            if connection is None:
                connection = await self._connect()
            try:
                try:
                    await self._transaction(connection, sender, recipient, data, first_try=reused)
                except _Stale:
                    connection = await self._connect()
                    await self._transaction(connection, sender, recipient, data, first_try=False)
            finally:
                if connection.is_connected:
                    self._idle.append(connection)
                else:
                    connection.close()

    async def close(self) -> None:
        """Say goodbye on every idle connection; those in use close when their message ends."""
        idle, self._idle = self._idle, []
        for connection in idle:
            try:
                await asyncio.wait_for(connection.quit(), _GOODBYE)
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                connection.close()

    def _take(self) -> tuple[aiosmtplib.SMTP | None, bool]:
        while self._idle:
            connection = self._idle.pop()
            if connection.is_connected:
                return connection, True
            connection.close()
        return None, False

    async def _connect(self) -> aiosmtplib.SMTP:
        options = self._options
        password = None if options.password is None else options.password.get_secret_value()
        connection = aiosmtplib.SMTP(
            hostname=options.host,
            port=options.smtp_port,
            username=options.user,
            password=password,
            timeout=options.timeout,
            use_tls=options.security is Security.TLS,
            start_tls=options.security is Security.STARTTLS,
            cert_bundle=None if options.ca_file is None else str(options.ca_file),
        )
        try:
            await connection.connect()
        except aiosmtplib.SMTPAuthenticationError as err:
            connection.close()
            raise SmtpLoginRefused(
                f"the mail server refused the login of {options.user!r} ({err.code})"
            ) from None
        except aiosmtplib.SMTPNotSupported as err:
            connection.close()
            raise SmtpUnavailable(f"the server does not offer it: {err}") from None
        except ssl.SSLError as err:
            connection.close()
            raise SmtpUnavailable(f"TLS failed: {err.reason or err}") from None
        except aiosmtplib.SMTPResponseException as err:
            connection.close()
            raise SmtpUnavailable(f"the server turned the connection down: {err.code}") from None
        except (aiosmtplib.SMTPException, OSError) as err:
            connection.close()
            raise SmtpUnavailable(_network(err)) from None
        self.opened += 1
        return connection

    async def _transaction(
        self,
        connection: aiosmtplib.SMTP,
        sender: str,
        recipient: str,
        data: bytes,
        *,
        first_try: bool,
    ) -> None:
        stage = "sender"
        try:
            await connection.mail(sender)
            stage = "recipient"
            await connection.rcpt(recipient)
            stage = "message"
            await connection.data(data)
        except aiosmtplib.SMTPResponseException as err:
            await self._reset(connection, err.code)
            if err.code == 421 and first_try and stage == "sender":
                raise _Stale from None  # its goodbye to an idle connection, read only now
            raise SmtpRefused(stage, err.code, err.message) from None
        except aiosmtplib.SMTPServerDisconnected as err:
            connection.close()
            if first_try and stage == "sender":
                raise _Stale from None  # closed while idle: nothing was sent yet
            raise SmtpUnavailable(_network(err)) from None
        except (aiosmtplib.SMTPException, OSError) as err:
            connection.close()
            raise SmtpUnavailable(_network(err)) from None

    async def _reset(self, connection: aiosmtplib.SMTP, code: int) -> None:
        """Keep the connection for the next message when the server allows it."""
        if code == 421:  # the server is closing this connection
            connection.close()
            return
        try:
            await connection.rset()
        except (aiosmtplib.SMTPException, OSError):
            connection.close()


class _Stale(Exception):
    """An idle connection the server had closed; the message goes over a new one."""


def _network(err: BaseException) -> str:
    if isinstance(err, TimeoutError):
        return "timed out"
    name = type(err).__name__
    text = _ADDRESS_LIKE.sub("<…>", str(err)).strip()
    return f"{name}: {text}"[:_MAX_REPLY] if text else name

"""The connection to the mail server is encrypted as configured: STARTTLS on the submission
port, TLS from the first byte, the server's certificate checked, and a clear failure when the
server offers no STARTTLS or its certificate is not trusted."""

from __future__ import annotations

import ssl
import subprocess
from pathlib import Path

import pytest

from bot.outbox import Outcome
from integrations.email.local_server import LocalSmtpServer
from tests.helpers.email import Addresses, channel, outgoing

PARENT = ("guardian", 1)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with openssl for these tests."""
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return key, cert


def _context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    key, cert = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


async def _deliver(server: LocalSmtpServer, **changes):
    directory = Addresses({PARENT: "ouder@example.be"})
    async with channel(server, directory, **changes) as email:
        return await email.deliver(outgoing())


async def test_starttls_encrypts_before_the_login(certificate):
    server = LocalSmtpServer(user="school", password="pw", tls=_context(certificate))
    async with server:
        outcome = await _deliver(
            server,
            security="starttls",
            ca_file=certificate[1],
            user="school",
            password="pw",
        )

    assert outcome.kind is Outcome.SENT
    assert (len(server.received), server.logins) == (1, 1)


async def test_tls_from_the_first_byte(certificate):
    server = LocalSmtpServer(tls=_context(certificate), implicit_tls=True)
    async with server:
        outcome = await _deliver(server, security="tls", ca_file=certificate[1])

    assert outcome.kind is Outcome.SENT
    assert len(server.received) == 1


async def test_a_certificate_nobody_vouches_for_is_refused(certificate):
    server = LocalSmtpServer(tls=_context(certificate))
    async with server:
        outcome = await _deliver(server, security="starttls")

    assert outcome.kind is Outcome.FAILED_TEMPORARILY
    assert "TLS failed" in (outcome.detail or "") or "certificate" in (outcome.detail or "")
    assert server.received == []


async def test_a_server_without_starttls_gets_nothing_when_starttls_is_asked():
    async with LocalSmtpServer() as server:
        outcome = await _deliver(server, security="starttls")

    assert outcome.kind is Outcome.FAILED_TEMPORARILY
    assert "STARTTLS" in (outcome.detail or "")
    assert server.received == []

"""How each answer of a mail server becomes a delivery outcome, against a real SMTP server:
what is temporary, what means the address is wrong (the contact bounces), what is refused for
good, and that no outcome names an address."""

from __future__ import annotations

import pytest

from bot.outbox import Outcome
from bot.outbox.plugin import ChannelUnavailable
from integrations.email.local_server import LocalSmtpServer
from tests.helpers.email import Addresses, channel, outgoing

ADDRESS = "ouder@example.be"
PARENT = ("guardian", 1)


def _directory() -> Addresses:
    return Addresses({PARENT: ADDRESS})


async def _deliver(server: LocalSmtpServer, directory: Addresses, **changes):
    async with channel(server, directory, **changes) as email:
        return await email.deliver(outgoing())


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        ("550 5.1.1 <ouder@example.be>: Recipient address rejected: User unknown", "bounced"),
        ("551 5.1.6 User not local; please try <ouder@elders.example>", "bounced"),
        ("553 5.1.3 Bad recipient address syntax", "bounced"),
        ("550 5.2.1 Mailbox disabled", "bounced"),
        ("450 4.2.1 Mailbox busy, try again later", "temporary"),
        ("451 4.3.0 Temporary lookup failure", "temporary"),
        ("452 4.5.3 Too many recipients", "temporary"),
        ("552 5.5.3 Too many recipients", "temporary"),  # RFC 5321 4.5.3.1.10: as a 452
        ("550 5.7.1 Relaying denied", "refused"),  # the server's policy, not the address
        ("421 4.7.0 Too many connections, closing", "busy"),
    ],
)
async def test_a_reply_to_the_recipient_becomes_its_outcome(reply, kind):
    directory = _directory()
    async with LocalSmtpServer() as server:
        server.refuse_recipient[ADDRESS] = reply
        outcome = await _deliver(server, directory)

    expected = {
        "bounced": Outcome.INVALID_RECIPIENT,
        "temporary": Outcome.FAILED_TEMPORARILY,
        "refused": Outcome.FAILED_PERMANENTLY,
        "busy": Outcome.RETRY_AFTER,
    }[kind]
    assert outcome.kind is expected, outcome
    assert directory.forgotten == ([("email", *PARENT)] if kind == "bounced" else [])
    assert reply[:3] in (outcome.detail or "")
    assert "@" not in (outcome.detail or "")  # no address in what is stored and shown
    assert server.received == []


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        ("554 5.6.0 Message content rejected", Outcome.FAILED_PERMANENTLY),
        ("552 5.3.4 Message size exceeds fixed limit", Outcome.FAILED_PERMANENTLY),
        ("550 5.1.1 The email account that you tried to reach does not exist", "bounced"),
        ("451 4.7.500 Server busy. Please try again later", Outcome.FAILED_TEMPORARILY),
    ],
)
async def test_a_reply_to_the_message_becomes_its_outcome(reply, kind):
    directory = _directory()
    async with LocalSmtpServer() as server:
        server.refuse_next_data(reply)
        outcome = await _deliver(server, directory)

    if kind == "bounced":
        assert outcome.kind is Outcome.INVALID_RECIPIENT
        assert directory.forgotten == [("email", *PARENT)]
    else:
        assert outcome.kind is kind
        assert directory.forgotten == []
    assert (outcome.detail or "").startswith("message: " if kind != "bounced" else reply[:3])
    assert reply[4:20] in (outcome.detail or "")


async def test_a_refused_sender_says_to_check_the_sending_address():
    async with LocalSmtpServer() as server:
        server.refuse_next_mail("553 5.7.1 Sender address rejected: not owned by user")
        outcome = await _deliver(server, _directory())

    assert outcome.kind is Outcome.FAILED_PERMANENTLY
    assert "from_address" in (outcome.detail or "")


async def test_a_person_without_an_address_is_an_invalid_recipient():
    async with LocalSmtpServer() as server:
        outcome = await _deliver(server, Addresses())
        bad = await _deliver(server, Addresses({PARENT: "ouder@example.be\r\nBcc: x@y.example"}))

    assert (outcome.kind, outcome.detail) == (Outcome.INVALID_RECIPIENT, "no e-mail address")
    assert bad.kind is Outcome.INVALID_RECIPIENT
    assert "@" not in (bad.detail or "")
    assert server.received == []


async def test_a_server_that_is_not_there_is_a_temporary_failure():
    async with LocalSmtpServer() as server:
        port = server.port
    down = LocalSmtpServer()
    down.port = port  # closed now: nobody listens there

    outcome = await _deliver(down, _directory())

    assert outcome.kind is Outcome.FAILED_TEMPORARILY
    assert "@" not in (outcome.detail or "")


async def test_a_wrong_password_stops_the_start_and_names_what_to_fix():
    async with LocalSmtpServer(user="school", password="right") as server:
        with pytest.raises(ChannelUnavailable) as caught:
            await _deliver(server, _directory(), user="school", password="wrong")
        fine = await _deliver(server, _directory(), user="school", password="right")

    said = str(caught.value)
    assert "GEMIST_EMAIL_PASSWORD" in said
    assert "535" in said
    assert "wrong" not in said
    assert "right" not in said
    assert fine.kind is Outcome.SENT
    assert server.logins == 1


async def test_a_password_refused_later_is_temporary_and_says_what_to_fix():
    async with LocalSmtpServer(user="school", password="right") as server:
        email = channel(server, _directory(), user="school", password="right")
        async with email:
            server.credentials = ("school", "changed")  # someone changed it meanwhile
            server.drop_connections()
            outcome = await email.deliver(outgoing())

    assert outcome.kind is Outcome.FAILED_TEMPORARILY
    assert "GEMIST_EMAIL_PASSWORD" in (outcome.detail or "")


async def test_a_message_that_was_not_rendered_fails_for_good():
    async with LocalSmtpServer() as server, channel(server, _directory()) as email:
        outcome = await email.deliver(outgoing(rendered=False))

    assert outcome.kind is Outcome.FAILED_PERMANENTLY
    assert server.received == []

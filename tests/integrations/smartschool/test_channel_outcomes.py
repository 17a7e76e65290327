"""How each answer of Smartschool to ``sendMsg`` becomes a delivery outcome, against the local
server: an unknown recipient bounces her contact, a refused access code, a method not allowed
or an unknown sender pause the whole channel and bounce nobody, what is passing is tried again
(a request without an answer too: as on Telegram, a rare duplicate is allowed rather than a
message lost), and one Smartschool answered unreadably is not sent a second time."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

import pytest

from bot.outbox import Outcome
from integrations.smartschool.channel import (
    ALLOW_METHOD,
    CHECK_CODE,
    CHECK_SENDER,
    PAUSE,
    SmartschoolChannel,
)
from integrations.smartschool.exceptions import SmartschoolFault
from integrations.smartschool.local_server import LocalSmartschool
from scheduler.clock import VirtualClock
from tests.helpers.email import NOW
from tests.helpers.smartschool import SENDER_ACCOUNT, Inboxes, channel, outgoing
from tests.integrations.smartschool.conftest import ACCESS_CODE

PARENT = ("guardian", 1)


@pytest.fixture
async def school(server: LocalSmartschool) -> LocalSmartschool:
    server.school.accounts.append(SENDER_ACCOUNT)
    return server


def _inboxes(address: str = "amira.elamrani#1") -> Inboxes:
    return Inboxes({PARENT: address})


async def _deliver(smartschool: SmartschoolChannel, message=None):
    async with smartschool:
        return await smartschool.deliver(message or outgoing())


async def test_an_unknown_recipient_bounces_her_contact_once_the_sender_is_known_good(school):
    inboxes = _inboxes("weg.vertrokken#1")
    outcome = await _deliver(channel(school, ACCESS_CODE, inboxes))

    assert outcome.kind is Outcome.INVALID_RECIPIENT
    assert outcome.detail == "unknown user (Smartschool error 12)"
    assert inboxes.forgotten == [("smartschool", *PARENT)]
    # The sender was checked, because Smartschool says "unknown user" for either account.
    assert school.calls == ["sendMsg", "getUserDetails"]
    assert school.sent == []


async def test_after_one_message_went_out_the_sender_is_not_checked_again(school):
    inboxes = Inboxes({PARENT: "amira.elamrani#1", ("guardian", 2): "weg.vertrokken#1"})
    async with channel(school, ACCESS_CODE, inboxes) as smartschool:
        assert (await smartschool.deliver(outgoing())).kind is Outcome.SENT
        gone = outgoing(2, person=2)
        assert (await smartschool.deliver(gone)).kind is Outcome.INVALID_RECIPIENT

    assert school.calls == ["sendMsg", "sendMsg"]
    assert inboxes.forgotten == [("smartschool", "guardian", 2)]


async def test_an_unknown_sender_pauses_the_channel_and_bounces_nobody(school, caplog):
    inboxes = _inboxes()
    with caplog.at_level(logging.ERROR):
        outcome = await _deliver(channel(school, ACCESS_CODE, inboxes, sender="niemand"))

    assert outcome.kind is Outcome.CHANNEL_PAUSED
    assert outcome.delay == dt.timedelta(seconds=PAUSE)
    assert outcome.detail == CHECK_SENDER
    assert inboxes.forgotten == []
    assert CHECK_SENDER in caplog.text


@pytest.mark.parametrize("problem", ["access code", "method"])
async def test_a_refused_access_code_or_method_pauses_the_channel_and_says_what_to_fix(
    school, caplog, problem
):
    code = ACCESS_CODE
    if problem == "access code":
        code = "an-old-code-that-was-replaced"
    else:
        school.allowed = {"getUserDetails", "getAllAccountsExtended"}
    inboxes = _inboxes()
    with caplog.at_level(logging.DEBUG):
        outcome = await _deliver(channel(school, code, inboxes))

    fix = CHECK_CODE if problem == "access code" else ALLOW_METHOD
    assert outcome.kind is Outcome.CHANNEL_PAUSED
    assert outcome.detail == fix
    assert inboxes.forgotten == []  # not her fault: her contact stays as it is
    [line] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert fix in line.getMessage()
    assert "tried again every 15 minutes" in line.getMessage()
    assert ACCESS_CODE not in caplog.text
    assert code not in caplog.text
    assert school.sent == []


async def test_while_paused_nothing_is_asked_of_smartschool_and_afterwards_it_sends_again(
    school,
):
    clock = VirtualClock(NOW)
    school.allowed = {"getUserDetails"}
    inboxes = Inboxes({PARENT: "amira.elamrani#1", ("guardian", 2): "amira.elamrani#2"})
    async with channel(school, ACCESS_CODE, inboxes, clock=clock) as smartschool:
        first = await smartschool.deliver(outgoing())
        clock.advance(dt.timedelta(minutes=5))
        second = await smartschool.deliver(outgoing(2, person=2))
        assert school.calls == ["sendMsg"]
        assert second.kind is Outcome.CHANNEL_PAUSED
        assert second.delay == dt.timedelta(minutes=10)  # what is left of the pause
        assert second.detail == first.detail == ALLOW_METHOD

        school.allowed = None  # the administrator allowed sendMsg
        clock.advance(dt.timedelta(minutes=10))
        third = await smartschool.deliver(outgoing(2, person=2))

    assert third.kind is Outcome.SENT
    assert [(m.user_identifier, m.coaccount) for m in school.sent] == [("amira.elamrani", 2)]


async def test_smartschool_unavailable_is_tried_again_later(school):
    school.fail_next(5)
    outcome = await _deliver(channel(school, ACCESS_CODE, _inboxes()))

    assert outcome.kind is Outcome.FAILED_TEMPORARILY
    assert "HTTP 503" in (outcome.detail or "")
    assert school.sent == []


async def test_a_server_that_cannot_be_reached_is_tried_again_later(school):
    smartschool = channel(school, ACCESS_CODE, _inboxes())
    await school.stop()
    outcome = await _deliver(smartschool)

    assert outcome.kind is Outcome.FAILED_TEMPORARILY
    assert "cannot connect" in (outcome.detail or "")


async def test_a_server_fault_is_tried_again_later(school):
    school.fault_next("Internal error")
    outcome = await _deliver(channel(school, ACCESS_CODE, _inboxes()))

    assert outcome.kind is Outcome.FAILED_TEMPORARILY
    assert "Internal error" in (outcome.detail or "")


def test_a_fault_that_blames_the_call_is_told_from_one_on_the_server_s_side():
    assert SmartschoolFault("sendMsg", "x", fault="SOAP-ENV:Client").ours
    assert not SmartschoolFault("sendMsg", "x", fault="SOAP-ENV:Server").ours


async def test_no_answer_after_the_message_went_out_is_left_to_the_outbox_to_try_again(school):
    school.late = 1.0  # carried out, then the answer comes after the client's timeout
    outcome = await _deliver(channel(school, ACCESS_CODE, _inboxes(), timeout=0.2))

    # Temporary: the outbox tries again later, with its backoff; a lost notice to a family is
    # worse than a rare second copy.
    assert outcome.kind is Outcome.FAILED_TEMPORARILY
    assert "no answer in 0.2 s" in (outcome.detail or "")
    assert "may have arrived" in (outcome.detail or "")
    assert school.calls == ["sendMsg"]  # the client itself did not try again at once
    assert len(school.sent) == 1


async def test_a_co_account_that_does_not_exist_fails_with_smartschool_s_code(school):
    inboxes = _inboxes("lars.peeters#3")
    outcome = await _deliver(channel(school, ACCESS_CODE, inboxes))

    assert outcome.kind is Outcome.FAILED_PERMANENTLY
    assert "Smartschool error 14" in (outcome.detail or "")
    assert inboxes.forgotten == []


async def test_no_address_fails_and_an_address_that_is_no_inbox_is_forgotten(school):
    nobody, broken = Inboxes(), _inboxes("twee woorden#9")
    missing = await _deliver(channel(school, ACCESS_CODE, nobody))
    unusable = await _deliver(channel(school, ACCESS_CODE, broken))

    assert missing.kind is unusable.kind is Outcome.INVALID_RECIPIENT
    assert nobody.forgotten == []
    assert broken.forgotten == [("smartschool", *PARENT)]
    assert "twee" not in (unusable.detail or "")  # no address in what is stored and shown
    assert school.calls == []


async def test_a_message_that_was_not_rendered_is_not_sent(school):
    raw = dataclasses.replace(outgoing(), text=None, parts=())
    outcome = await _deliver(channel(school, ACCESS_CODE, _inboxes()), raw)

    assert outcome.kind is Outcome.FAILED_PERMANENTLY
    assert school.calls == []

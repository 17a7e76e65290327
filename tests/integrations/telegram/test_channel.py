"""The Telegram channel through the real python-telegram-bot client and the local Bot API:
each answer Telegram can give becomes the delivery outcome the dispatcher acts on."""

from __future__ import annotations

import datetime as dt

import pytest
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.outbox import Outcome, Outgoing
from bot.outbox.plugin import Refusal
from integrations.telegram import (
    LocalBotApi,
    SendBudget,
    TelegramChannel,
    TelegramRateLimiter,
    callback_secret,
    verify,
)

TOKEN = "123456:channel-test"
SECRET = callback_secret(TOKEN)
NOW = dt.datetime(2026, 11, 17, 9, 30, tzinfo=dt.UTC)


class Chats:
    """An in-memory directory: role and row id to chat; :attr:`unlinked` records the chats it
    was told to forget, :attr:`why` the reason given each time."""

    def __init__(self, chats: dict[tuple[str, int], int]) -> None:
        self.chats = dict(chats)
        self.unlinked: list[tuple[str, int]] = []
        self.why: list[Refusal] = []

    async def chat_of(self, role: str, person_id: int) -> int | None:
        return self.chats.get((role, person_id))

    async def unlink(self, role: str, person_id: int, why: Refusal = Refusal.BLOCKED) -> None:
        self.unlinked.append((role, person_id))
        self.why.append(why)
        self.chats.pop((role, person_id), None)

    async def move(self, role: str, person_id: int, chat_id: int) -> None:
        self.chats[(role, person_id)] = chat_id


def message(recipient: int, *, text: str = "Hoi Yasmine", buttons=(), row: int = 1) -> Outgoing:
    return Outgoing(
        id=row,
        school_id="school",
        idempotency_key=f"key-{row}",
        kind="pupil_checkin",
        recipient_role="pupil",
        recipient_id=recipient,
        channel="telegram",
        pupil_id=recipient,
        lang="nl",
        payload={},
        text=text,
        due_at=NOW,
        expires_at=NOW + dt.timedelta(days=1),
        attempts=0,
        claimed_by="w1",
        claimed_at=NOW,
        buttons=tuple(buttons),
    )


@pytest.fixture
async def api():
    async with LocalBotApi(TOKEN) as server:
        for user in (101, 102, 103):
            server.add_user(user, f"User{user}")
        yield server


@pytest.fixture
async def setup(api):
    limiter = TelegramRateLimiter()
    bot: ExtBot[None] = ExtBot(TOKEN, base_url=api.base_url, rate_limiter=limiter)
    chats = Chats({("pupil", 1): 101, ("pupil", 2): 102, ("pupil", 3): 103, ("pupil", 9): 999})
    channel = TelegramChannel(bot, chats, secret=SECRET, budget=limiter.budget)
    async with bot:
        yield channel, chats


async def test_a_message_arrives_with_its_buttons_bound_to_the_chat(api, setup):
    channel, _ = setup
    buttons = [("sick", "Ik ben ziek"), ("want_to_talk", "Ik wil graag even praten")]

    outcome = await channel.deliver(message(1, buttons=buttons, row=77))

    assert outcome.kind is Outcome.SENT
    (sent,) = api.messages_to(101)
    assert sent.text == "Hoi Yasmine"
    rows = sent.reply_markup["inline_keyboard"]
    assert [row[0]["text"] for row in rows] == ["Ik ben ziek", "Ik wil graag even praten"]
    data = [row[0]["callback_data"] for row in rows]
    assert [verify(SECRET, item, 101) for item in data] == [(77, "sick"), (77, "want_to_talk")]
    assert verify(SECRET, data[0], 102) is None  # the same data tapped in another chat


async def test_someone_without_a_chat_is_an_invalid_recipient(api, setup):
    channel, _ = setup

    outcome = await channel.deliver(message(4))

    assert (outcome.kind, outcome.detail) == (Outcome.INVALID_RECIPIENT, "no linked Telegram chat")
    assert api.sent == []


async def test_a_chat_telegram_does_not_know_is_an_invalid_recipient_and_bounces(api, setup):
    channel, chats = setup

    outcome = await channel.deliver(message(9))

    assert outcome.kind is Outcome.INVALID_RECIPIENT
    assert outcome.detail == "400 chat not found"
    # The id is wrong, nobody blocked anything: the chat is forgotten as an address that
    # bounced, so that the person is reached on their next channel.
    assert (chats.unlinked, chats.why) == ([("pupil", 9)], [Refusal.BOUNCED])
    assert channel.ready_in(message(9)) == 0


@pytest.mark.parametrize(
    ("description", "detail"),
    [
        ("Bad Request: chat not found", "400 chat not found"),
        ("Bad Request: user not found", "400 user not found"),
        ("Bad Request: PEER_ID_INVALID", "400 peer_id_invalid"),
        ("[Error]: PEER_ID_INVALID", "400 peer_id_invalid"),  # the Bot API's older wording
        ("Bad Request: CHAT_ID_INVALID", "400 chat_id_invalid"),
        ("Bad Request: USER_ID_INVALID", "400 user_id_invalid"),
    ],
)
async def test_every_answer_that_the_chat_id_is_no_good_bounces_the_chat(
    api, setup, description, detail
):
    channel, chats = setup
    api.refuse_chat(101, description)

    outcome = await channel.deliver(message(1))

    assert (outcome.kind, outcome.detail) == (Outcome.INVALID_RECIPIENT, detail)
    assert (chats.unlinked, chats.why) == ([("pupil", 1)], [Refusal.BOUNCED])


async def test_a_proxy_s_path_after_chat_not_found_still_bounces_and_is_not_stored(api):
    api.quote_path = "plain"  # "Bad Request: chat not found (POST /bot<token>/sendMessage)"
    chats = Chats({("pupil", 9): 999})
    bot: ExtBot[None] = ExtBot(TOKEN, base_url=api.base_url)
    channel = TelegramChannel(bot, chats, secret=SECRET)
    async with bot:
        outcome = await channel.deliver(message(9))

    assert (outcome.kind, outcome.detail) == (Outcome.INVALID_RECIPIENT, "400 chat not found")
    assert chats.why == [Refusal.BOUNCED]


@pytest.mark.parametrize(
    "description",
    [
        "Bad Request: have no rights to send a message",  # a group's rights, not its id
        "Bad Request: reply message not found",
        "Bad Request: message thread not found",
    ],
)
async def test_other_bad_requests_fail_for_good_and_keep_the_chat(api, setup, description):
    channel, chats = setup
    api.refuse_chat(101, description)

    outcome = await channel.deliver(message(1))

    assert outcome.kind is Outcome.FAILED_PERMANENTLY
    assert chats.unlinked == []


async def test_a_blocked_chat_is_reported_and_unlinked(api, setup):
    channel, chats = setup
    await api.block(102, notify=False)

    outcome = await channel.deliver(message(2))

    assert outcome.kind is Outcome.BLOCKED_BY_USER
    assert "blocked" in (outcome.detail or "")
    assert (chats.unlinked, chats.why) == ([("pupil", 2)], [Refusal.BLOCKED])


async def test_a_deactivated_account_is_blocked_as_before(api, setup):
    channel, chats = setup
    api.refuse_chat(103, "Forbidden: user is deactivated", status=403)

    outcome = await channel.deliver(message(3))

    assert outcome.kind is Outcome.BLOCKED_BY_USER
    assert (chats.unlinked, chats.why) == ([("pupil", 3)], [Refusal.BLOCKED])


@pytest.mark.parametrize(
    ("description", "detail"),
    [
        (
            "Forbidden: bot can't initiate conversation with a user",
            "403 bot can't initiate conversation with a user",
        ),
        ("Forbidden: bot can't send messages to bots", "403 bot can't send messages to bots"),
    ],
)
async def test_a_chat_that_never_opened_the_bot_bounces_and_is_not_blocked(
    api, setup, description, detail
):
    channel, chats = setup
    api.refuse_chat(103, description, status=403)

    outcome = await channel.deliver(message(3))

    # A chat id of someone who never pressed Start: the id is no good for this bot. The
    # spilfiguur must hear "the address is wrong", not "the family blocked the school".
    assert (outcome.kind, outcome.detail) == (Outcome.INVALID_RECIPIENT, detail)
    assert (chats.unlinked, chats.why) == ([("pupil", 3)], [Refusal.BOUNCED])


async def test_an_over_long_text_fails_for_good_without_quoting_it(api, setup):
    channel, _ = setup

    outcome = await channel.deliver(message(1, text="x" * 4097))

    assert outcome.kind is Outcome.FAILED_PERMANENTLY
    assert outcome.detail == "400 Message is too long"


async def test_a_migrated_group_gets_the_message_at_its_new_id(api, setup):
    channel, chats = setup
    api.add_group(-500, "Klas 3A ouders")
    api.migrate(-500, -100_500)
    chats.chats[("pupil", 5)] = -500

    outcome = await channel.deliver(message(5))

    assert outcome.kind is Outcome.SENT
    assert [m.text for m in api.messages_to(-100_500)] == ["Hoi Yasmine"]
    assert chats.chats[("pupil", 5)] == -100_500


async def test_a_429_becomes_retry_after_and_the_budget_waits(api):
    # A limiter that allows more than the server does: the server's 429 must come back as
    # an outcome the dispatcher can honour, and pause the budget.
    limiter = TelegramRateLimiter(SendBudget(per_second=1000, per_chat_interval=0))
    bot: ExtBot[None] = ExtBot(TOKEN, base_url=api.base_url, rate_limiter=limiter)
    channel = TelegramChannel(bot, Chats({("pupil", 1): 101}), secret=SECRET, budget=limiter.budget)
    async with bot:
        first = await channel.deliver(message(1, row=1))
        second = await channel.deliver(message(1, row=2))

    assert first.kind is Outcome.SENT
    assert second.kind is Outcome.RETRY_AFTER
    assert second.delay == dt.timedelta(seconds=1)
    assert limiter.budget.ready_in(102) > 0.5
    assert [r.status for r in api.rejections] == [429]


async def test_a_wrong_token_is_a_temporary_failure_that_names_the_token(api):
    # A bot with a wrong token cannot initialize (getMe fails), so its connection is opened
    # and closed here by hand.
    request = HTTPXRequest()
    await request.initialize()
    bot: ExtBot[None] = ExtBot("999:wrong", base_url=api.base_url, request=request)
    channel = TelegramChannel(bot, Chats({("pupil", 1): 101}), secret=SECRET)
    try:
        outcome = await channel.deliver(message(1))
    finally:
        await request.shutdown()

    assert outcome.kind is Outcome.FAILED_TEMPORARILY
    assert "token" in (outcome.detail or "")


async def test_ready_in_names_the_chat_that_must_wait(api, setup):
    channel, _ = setup
    await channel.deliver(message(1, row=1))

    assert channel.ready_in(message(1, row=2)) > 0.9
    assert channel.ready_in(message(2, row=3)) == 0

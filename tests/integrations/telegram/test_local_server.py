"""The local Bot API server speaks Telegram's protocol to the real python-telegram-bot client:
old taps cannot be acknowledged, blocks and edits arrive as Telegram's updates, and only the
kinds of update the bot asked for."""

from __future__ import annotations

import pytest
from telegram import ChatMember, Update
from telegram.error import BadRequest
from telegram.ext import ExtBot

from integrations.telegram import LocalBotApi
from integrations.telegram.local_server import BOT_ID

TOKEN = "123456:server-test"
USER = 4242


@pytest.fixture
async def api():
    async with LocalBotApi(TOKEN) as server:
        server.add_user(USER, "Ayşe", language_code="tr")
        yield server


@pytest.fixture
async def client(api):
    bot: ExtBot[None] = ExtBot(TOKEN, base_url=api.base_url)
    async with bot:
        yield bot


async def updates(client, *, allowed: list[str] | None = None) -> list[Update]:
    return list(await client.get_updates(timeout=0, allowed_updates=allowed))


async def test_a_tap_is_acknowledged_within_the_age_telegram_allows_and_refused_after(api, client):
    await api.press(USER, 1, "fresh")
    await api.press(USER, 1, "old", age=16.0)
    fresh, old = [update.callback_query for update in await updates(client)]

    assert await client.answer_callback_query(fresh.id)
    with pytest.raises(BadRequest, match=r"(?i)query is too old and response timeout expired"):
        await client.answer_callback_query(old.id)
    with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
        await client.answer_callback_query("no-such-query")


async def test_a_block_arrives_as_a_my_chat_member_update_shaped_like_telegrams(api, client):
    await api.block(USER)

    [update] = await updates(client, allowed=["message", "my_chat_member"])

    change = update.my_chat_member
    assert change is not None
    assert change.chat.id == USER
    assert change.chat.type == "private"
    assert change.from_user.id == USER
    assert change.date is not None
    assert change.old_chat_member.status == ChatMember.MEMBER
    assert change.new_chat_member.status == ChatMember.BANNED
    assert change.new_chat_member.user.id == BOT_ID
    with pytest.raises(Exception, match="blocked by the user"):
        await client.send_message(USER, "hallo")


async def test_an_edit_arrives_as_an_edited_message_with_the_same_id(api, client):
    await api.send_text(USER, "Emir is ziek")
    await api.edit_text(USER, "Emir is ziek, morgen terug")

    first, edit = await updates(client)

    assert first.message is not None
    assert edit.edited_message is not None
    assert edit.edited_message.message_id == first.message.message_id
    assert edit.edited_message.text == "Emir is ziek, morgen terug"
    assert edit.edited_message.edit_date is not None


async def test_only_the_kinds_of_update_the_bot_asked_for_arrive(api, client):
    await updates(client, allowed=["message", "callback_query"])  # as Gemist asked before

    await api.block(USER)
    await api.send_text(USER, "hallo")
    await api.edit_text(USER, "hallo?")

    kinds = [next(k for k in u.to_dict() if k != "update_id") for u in await updates(client)]
    assert kinds == ["message"]

"""A local server that answers like the Telegram Bot API, for the tests and ``gemist demo``.

The real python-telegram-bot client talks to it over HTTP on 127.0.0.1, so what is tested is
the client library Gemist runs with, not a mock of it. It keeps Telegram's envelope (``{"ok":
true, "result": ...}`` or ``{"ok": false, "error_code": ..., "description": ...}``), its error
texts, and the limits Gemist must respect:

- more than ``per_second`` messages from the bot within one second, or a second message to a
  chat less than ``per_chat_interval`` after the one before: ``429`` with ``retry_after``;
- a chat that blocked the bot: ``403``; an unknown chat: ``400 chat not found``; a group that
  became a supergroup: ``400`` with ``migrate_to_chat_id``; any other answer Telegram gives
  for a chat id it cannot use (``400 Bad Request: PEER_ID_INVALID``), once a test says so
  (:meth:`LocalBotApi.refuse_chat`);
- text over 4096 characters, callback data outside 1-64 bytes: ``400``;
- ``getUpdates`` while a webhook is set: ``409``;
- ``answerCallbackQuery`` for a tap older than ``callback_max_age`` seconds (Telegram's is
  about 15), or for an unknown query id: ``400`` "query is too old and response timeout
  expired or query ID is invalid".

Like some proxies in front of the Bot API, it can quote the request's path in its error texts
(``quote_path``: as it was sent, or URL-encoded), and a method can be made to fail for a while
(:meth:`LocalBotApi.fail`): a Bot API error whose text holds the token, for the redaction tests.

People are made with :meth:`LocalBotApi.add_user`; what they do (type, edit what they typed,
tap a button, block the bot) is injected with :meth:`send_text`, :meth:`edit_text`,
:meth:`press` and :meth:`block`, and reaches the bot as Telegram's ``message``,
``edited_message``, ``callback_query`` and ``my_chat_member`` updates through ``getUpdates``
(long polling) or, once a webhook is set, as a POST to it with the secret token header. Like
Telegram, the server sends only the kinds of update the bot asked for in the last
``allowed_updates`` it gave (to ``getUpdates`` or ``setWebhook``); before that, every kind
but ``chat_member`` and the reactions.
Everything the bot sent is kept in :attr:`sent`, every refusal in :attr:`rejections`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Literal
from urllib.parse import quote

import aiohttp
from aiohttp import web

__all__ = ["LocalBotApi", "Rejection", "SentMessage"]

MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64
BOT_ID = 5_000_000_001
CALLBACK_MAX_AGE = 15.0
"""Seconds after a tap within which Telegram still accepts its ``answerCallbackQuery``."""
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A message the bot sent (or edited: ``edited`` is set), as the server accepted it."""

    chat_id: int
    message_id: int
    text: str
    reply_markup: dict[str, Any] | None
    at: float
    edited: bool = False


@dataclass(frozen=True, slots=True)
class Rejection:
    """A request the server refused."""

    status: int
    method: str
    chat_id: int | None
    description: str


class ApiError(Exception):
    """Answered as Telegram's error envelope."""

    def __init__(self, status: int, description: str, **parameters: int) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass
class _Chat:
    id: int
    first_name: str
    language_code: str | None
    kind: str = "private"
    blocked: bool = False
    migrated_to: int | None = None
    next_message_id: int = 1
    last_sent: float | None = None
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    typed: dict[int, dict[str, Any]] = field(default_factory=dict)


class LocalBotApi:
    """The server; ``base_url`` is what ``telegram.Bot(token, base_url=...)`` takes."""

    def __init__(
        self,
        token: str,
        *,
        username: str = "gemist_test_bot",
        per_second: int = 30,
        per_chat_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        quote_path: Literal["plain", "encoded"] | None = None,
        callback_max_age: float = CALLBACK_MAX_AGE,
    ) -> None:
        self.token = token
        self.quote_path = quote_path
        self._failing: dict[str, list[int]] = {}
        self.callback_max_age = callback_max_age
        self._tapped_at: dict[str, float] = {}
        self._allowed: frozenset[str] | None = None
        self.username = username
        self.per_second = per_second
        self.per_chat_interval = per_chat_interval
        self._clock = clock
        self._chats: dict[int, _Chat] = {}
        self._refused_chats: dict[int, tuple[int, str]] = {}
        self._recent: deque[float] = deque()
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._arrived = asyncio.Condition()
        self._answered = asyncio.Event()
        self._webhook: tuple[str, str | None] | None = None
        self.sent: list[SentMessage] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.rejections: list[Rejection] = []
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._session: aiohttp.ClientSession | None = None

    # -- life cycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
        # A long poll whose client went away (a bot process that stopped) would otherwise
        # hold the server's shutdown up for the rest of its timeout.
        async with self._arrived:
            self._arrived.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> LocalBotApi:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/bot"

    # -- what tests do ------------------------------------------------------------------------

    def add_user(self, user_id: int, first_name: str, *, language_code: str | None = None) -> None:
        """A person with a private chat whose id is their user id."""
        self._chats[user_id] = _Chat(user_id, first_name, language_code)

    def add_group(self, chat_id: int, title: str) -> None:
        self._chats[chat_id] = _Chat(chat_id, title, None, kind="group")

    async def block(self, chat_id: int, *, notify: bool = True) -> None:
        """The person blocks the bot: sending to them is refused with ``403`` from now on, and
        the bot gets a ``my_chat_member`` update (new status ``kicked``), as Telegram sends it;
        ``notify=False`` models a block the bot never heard of (it did not ask for those
        updates then)."""
        chat = self._chats[chat_id]
        chat.blocked = True
        if notify:
            await self._push({"my_chat_member": self._member_change(chat, "member", "kicked")})

    async def unblock(self, chat_id: int) -> None:
        """The person unblocks the bot (``my_chat_member``: ``kicked`` to ``member``)."""
        chat = self._chats[chat_id]
        chat.blocked = False
        await self._push({"my_chat_member": self._member_change(chat, "kicked", "member")})

    def migrate(self, chat_id: int, new_chat_id: int) -> None:
        """The group ``chat_id`` became the supergroup ``new_chat_id``."""
        old = self._chats[chat_id]
        old.migrated_to = new_chat_id
        self._chats[new_chat_id] = _Chat(new_chat_id, old.first_name, None, kind="supergroup")

    def refuse_chat(self, chat_id: int, description: str, *, status: int = 400) -> None:
        """Every message to ``chat_id`` is answered with ``status`` and ``description`` from
        now on, as Telegram answers for an id it cannot use ("Bad Request: PEER_ID_INVALID")."""
        self._refused_chats[chat_id] = (status, description)

    def fail(self, method: str, status: int = 502, *, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` (``getUpdates``) are answered with ``status``,
        as a proxy whose upstream is down does."""
        self._failing[method.lower()] = [status] * times

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        return [message for message in self.sent if message.chat_id == chat_id]

    async def wait_for(
        self, chat_id: int, count: int, *, within: float = 10.0
    ) -> list[SentMessage]:
        """The messages sent to ``chat_id``, once there are at least ``count`` (edits of a
        message's buttons included); ``TimeoutError`` when the bot takes longer than
        ``within`` seconds."""
        async with asyncio.timeout(within):
            while len(found := self.messages_to(chat_id)) < count:
                self._answered.clear()
                await self._answered.wait()
        return found

    async def send_text(self, user_id: int, text: str, *, secret: str | None = None) -> int:
        """The person types ``text``; returns the webhook's HTTP status (200 when polling)."""
        chat = self._chats[user_id]
        message_id = self._message_id(chat)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat_json(chat),
            "from": self._user_json(chat),
            "text": text,
        }
        _entities(message)
        chat.typed[message_id] = message
        return await self._push({"message": message}, secret)

    async def edit_text(self, user_id: int, text: str, *, message_id: int | None = None) -> None:
        """The person edits a message they typed (by default their last one): the bot gets an
        ``edited_message`` update with the same message id, the new text and ``edit_date``."""
        chat = self._chats[user_id]
        earlier = chat.typed[message_id if message_id is not None else max(chat.typed)]
        message = {**earlier, "text": text, "edit_date": int(time.time())}
        _entities(message)
        chat.typed[earlier["message_id"]] = message
        await self._push({"edited_message": message})

    async def press(
        self,
        user_id: int,
        message_id: int,
        data: str,
        *,
        secret: str | None = None,
        age: float = 0.0,
    ) -> int:
        """The person taps the button with ``data`` under the bot's message ``message_id``,
        ``age`` seconds ago (a tap made while the bot was down or slow)."""
        chat = self._chats[user_id]
        query_id = str(next(self._callback_ids))
        self._tapped_at[query_id] = self._clock() - age
        query = {
            "id": query_id,
            "from": self._user_json(chat),
            "chat_instance": str(user_id),
            "data": data,
            "message": chat.messages.get(message_id)
            or {"message_id": message_id, "date": 0, "chat": self._chat_json(chat)},
        }
        return await self._push({"callback_query": query}, secret)

    async def _push(self, update: dict[str, Any], secret: str | None = None) -> int:
        """Hand ``update`` to the bot, if it asked for its kind; the webhook's HTTP status
        (200 when polling or when the kind was not asked for)."""
        update["update_id"] = next(self._update_ids)
        if not self._wanted(update):
            return 200
        if self._webhook is None:
            async with self._arrived:
                self._updates.append(update)
                self._arrived.notify_all()
            return 200
        url, expected = self._webhook
        headers = {}
        token = secret if secret is not None else expected
        if token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = token
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.post(url, json=update, headers=headers) as response:
            return response.status

    # -- the API ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"].lower()
        if failing := self._failing.get(method):
            status = failing.pop(0)
            return self._refuse(request, status, HTTPStatus(status).phrase)
        if request.match_info["token"] != self.token:
            return self._refuse(request, 401, "Unauthorized")
        params = await _params(request)
        handler = _METHODS.get(method)
        if handler is None:
            return self._refuse(request, 404, "Not Found")
        try:
            result = await handler(self, params)
        except ApiError as err:
            chat = params.get("chat_id")
            self.rejections.append(
                Rejection(err.status, method, _int(chat) if chat is not None else None,
                          err.description)
            )  # fmt: skip
            return self._refuse(request, err.status, err.description, err.parameters)
        return web.json_response({"ok": True, "result": result})

    def _refuse(
        self,
        request: web.Request,
        status: int,
        description: str,
        parameters: dict[str, int] | None = None,
    ) -> web.Response:
        """Telegram's error envelope; with ``quote_path``, its text ends with the path."""
        if self.quote_path is not None:
            path = request.raw_path
            if self.quote_path == "encoded":
                path = quote(path, safe="")
            description = f"{description} ({request.method} {path})"
        return _error(status, description, parameters)

    async def _get_me(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Gemist",
            "username": self.username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        self._allow(params.get("allowed_updates"))
        offset = _int(params.get("offset", 0))
        limit = _int(params.get("limit", 100))
        timeout = float(params.get("timeout", 0))
        async with self._arrived:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and timeout > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait(), timeout)
            return self._updates[:limit]

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_for_sending(params)
        text = str(params.get("text", ""))
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        markup = _markup(params.get("reply_markup"))
        self._count(chat)
        message_id = self._message_id(chat)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat_json(chat),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Gemist",
                     "username": self.username},
            "text": text,
        }  # fmt: skip
        if markup is not None:
            message["reply_markup"] = markup
        chat.messages[message_id] = message
        self.sent.append(SentMessage(chat.id, message_id, text, markup, self._clock()))
        self._answered.set()
        return message

    async def _edit(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_for_sending(params)
        message = chat.messages.get(_int(params.get("message_id", 0)))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        text = str(params.get("text", message["text"]))
        markup = _markup(params.get("reply_markup")) if "reply_markup" in params else None
        if len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        if text == message["text"] and markup == message.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        self._count(chat)
        message["text"] = text
        message.pop("reply_markup", None)
        if markup is not None:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        self.sent.append(
            SentMessage(chat.id, message["message_id"], text, markup, self._clock(), edited=True)
        )
        self._answered.set()
        return message

    async def _answer_callback(self, params: dict[str, Any]) -> bool:
        tapped = self._tapped_at.get(str(params.get("callback_query_id", "")))
        if tapped is None or self._clock() - tapped > self.callback_max_age:
            raise ApiError(400, QUERY_TOO_OLD)
        self.callback_answers.append(params)
        self._answered.set()
        return True

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url", ""))
        secret = params.get("secret_token")
        self._webhook = (url, str(secret) if secret else None) if url else None
        self._allow(params.get("allowed_updates"))
        return True

    async def _delete_webhook(self, _params: dict[str, Any]) -> bool:
        self._webhook = None
        return True

    async def _webhook_info(self, _params: dict[str, Any]) -> dict[str, Any]:
        url = self._webhook[0] if self._webhook else ""
        return {"url": url, "has_custom_certificate": False, "pending_update_count": 0}

    async def _accept(self, _params: dict[str, Any]) -> bool:
        return True

    async def _get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chats.get(_int(params.get("chat_id", 0)))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return {**self._chat_json(chat), "accent_color_id": 0, "max_reaction_count": 11}

    # -- helpers ------------------------------------------------------------------------------

    def _allow(self, raw: Any) -> None:
        """Remember the kinds of update the bot asked for (a JSON list); none given: the
        earlier choice stands."""
        if raw in (None, ""):
            return
        kinds = json.loads(raw) if isinstance(raw, str) else raw
        if not isinstance(kinds, list):
            raise ApiError(400, "Bad Request: can't parse allowed updates")
        self._allowed = frozenset(str(kind) for kind in kinds) if kinds else None

    def _wanted(self, update: dict[str, Any]) -> bool:
        kind = next(key for key in update if key != "update_id")
        if self._allowed is None:
            return kind not in _NOT_BY_DEFAULT
        return kind in self._allowed

    def _member_change(self, chat: _Chat, old: str, new: str) -> dict[str, Any]:
        """A ``ChatMemberUpdated`` about the bot itself in ``chat``."""
        bot = {"id": BOT_ID, "is_bot": True, "first_name": "Gemist", "username": self.username}
        member = {"kicked": {"status": "kicked", "user": bot, "until_date": 0}}
        return {
            "chat": self._chat_json(chat),
            "from": self._user_json(chat),
            "date": int(time.time()),
            "old_chat_member": member.get(old, {"status": old, "user": bot}),
            "new_chat_member": member.get(new, {"status": new, "user": bot}),
        }

    def _chat_for_sending(self, params: dict[str, Any]) -> _Chat:
        chat_id = _int(params.get("chat_id", 0))
        if refused := self._refused_chats.get(chat_id):
            raise ApiError(*refused)
        chat = self._chats.get(chat_id)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=chat.migrated_to,
            )
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _count(self, chat: _Chat) -> None:
        """Telegram's flood control: refuse, or count the message as sent now."""
        now = self._clock()
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        if chat.last_sent is not None and now - chat.last_sent < self.per_chat_interval:
            wait = self.per_chat_interval - (now - chat.last_sent)
            raise ApiError(429, f"Too Many Requests: retry after {_ceil(wait)}",
                           retry_after=_ceil(wait))  # fmt: skip
        if len(self._recent) >= self.per_second:
            wait = self._recent[0] + 1.0 - now
            raise ApiError(429, f"Too Many Requests: retry after {_ceil(wait)}",
                           retry_after=_ceil(wait))  # fmt: skip
        self._recent.append(now)
        chat.last_sent = now

    def _message_id(self, chat: _Chat) -> int:
        chat.next_message_id += 1
        return chat.next_message_id - 1

    @staticmethod
    def _chat_json(chat: _Chat) -> dict[str, Any]:
        if chat.kind == "private":
            return {"id": chat.id, "type": "private", "first_name": chat.first_name}
        return {"id": chat.id, "type": chat.kind, "title": chat.first_name}

    @staticmethod
    def _user_json(chat: _Chat) -> dict[str, Any]:
        user: dict[str, Any] = {"id": chat.id, "is_bot": False, "first_name": chat.first_name}
        if chat.language_code:
            user["language_code"] = chat.language_code
        return user


_METHODS: dict[str, Callable[[LocalBotApi, dict[str, Any]], Any]] = {
    "getme": LocalBotApi._get_me,
    "getupdates": LocalBotApi._get_updates,
    "sendmessage": LocalBotApi._send_message,
    "editmessagetext": LocalBotApi._edit,
    "editmessagereplymarkup": LocalBotApi._edit,
    "answercallbackquery": LocalBotApi._answer_callback,
    "setwebhook": LocalBotApi._set_webhook,
    "deletewebhook": LocalBotApi._delete_webhook,
    "getwebhookinfo": LocalBotApi._webhook_info,
    "setmycommands": LocalBotApi._accept,
    "deletemycommands": LocalBotApi._accept,
    "getchat": LocalBotApi._get_chat,
}


async def _params(request: web.Request) -> dict[str, Any]:
    """The request's parameters: query string, then a JSON or form body (PTB sends a form
    whose nested objects, such as ``reply_markup``, are JSON strings)."""
    params: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return params
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
        return params
    form = await request.post()
    params.update({key: value for key, value in form.items() if isinstance(value, str)})
    return params


def _entities(message: dict[str, Any]) -> None:
    """Mark a command at the start of the message's text, as Telegram does."""
    message.pop("entities", None)
    text = str(message["text"])
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]


def _markup(raw: Any) -> dict[str, Any] | None:
    if raw in (None, ""):
        return None
    markup = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_BYTES:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return markup


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError(400, f"Bad Request: invalid integer {value!r}") from None


def _ceil(seconds: float) -> int:
    return max(1, int(-(-seconds // 1)))


def _error(status: int, description: str, parameters: dict[str, int] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)

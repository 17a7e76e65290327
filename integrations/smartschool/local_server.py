"""A local server that answers like a school's Smartschool webservices V3, for the tests.

The real :class:`~integrations.smartschool.client.SmartschoolClient` talks to it over HTTP on
127.0.0.1, so what is tested is the client Gemist runs with. It serves the WSDL at
``/Webservices/V3?wsdl`` (the real method names and parameter order), reads RPC/encoded calls
and answers as Smartschool does:

- JSON documents (the group tree: base64 XML) inside the SOAP ``return`` string (shapes in
  :mod:`.local_school`);
- numeric error codes: ``8`` for a refused access code, ``101`` for a method the access code
  does not allow (:attr:`LocalSmartschool.allowed`), ``12`` for an unknown user;
- a SOAP fault (HTTP 500) for a call it cannot read: not XML, an unknown method, a wrong
  number of parameters.

Switches for the unhappy paths: :attr:`~LocalSmartschool.delay` answers slowly,
:attr:`~LocalSmartschool.late` carries a call out and then answers slowly,
:meth:`~LocalSmartschool.fail_next` answers HTTP 503 a number of times,
:meth:`~LocalSmartschool.fault_next` answers one server-side SOAP fault,
:meth:`~LocalSmartschool.break_next` sends invalid JSON once for a method. Every call is kept in
:attr:`~LocalSmartschool.calls` (with its parameters but the access code in
:attr:`~LocalSmartschool.asked`), every accepted ``sendMsg`` in :attr:`~LocalSmartschool.sent`,
and :attr:`~LocalSmartschool.most_at_once` tells how many calls were in progress together.

:meth:`~LocalSmartschool.trouble_on` gives one kind of trouble (:data:`TROUBLES`) to every call
of a method with a given first parameter (one date of the absences, say), whatever the order
the calls come in.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from aiohttp import web

from integrations.smartschool import _soap
from integrations.smartschool._wsdl import wsdl
from integrations.smartschool.const import (
    CODE_ACCESS_REFUSED,
    CODE_METHOD_NOT_ALLOWED,
    CODE_UNKNOWN_USER_ALT,
    METHODS,
    WEBSERVICES_PATH,
)
from integrations.smartschool.local_school import School

__all__ = ["TROUBLES", "LocalSmartschool", "SentMsg"]

_INSUFFICIENT_DATA = 14
TROUBLES = ("fault", "broken_json", "unavailable", "slow")
"""What :meth:`LocalSmartschool.trouble_on` can do to a call: a server-side SOAP fault, invalid
JSON in the answer, HTTP 503, or an answer after :attr:`LocalSmartschool.slow_seconds`."""


@dataclass(frozen=True, slots=True)
class SentMsg:
    """A ``sendMsg`` the server accepted."""

    user_identifier: str
    title: str
    body: str
    sender_identifier: str
    attachments: str
    coaccount: int
    copy_to_lvs: bool


class _Answer(Exception):
    """Ends a call with a numeric error code as its result."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class LocalSmartschool:
    """One school's webservices on 127.0.0.1; ``async with`` starts and stops it."""

    def __init__(self, school: School, access_code: str) -> None:
        self.school = school
        self.access_code = access_code
        self.allowed: set[str] | None = None  # None: every method is allowed
        self.delay = 0.0
        self.late = 0.0  # seconds between carrying a call out and answering it
        self.calls: list[str] = []
        self.asked: list[tuple[str, tuple[str, ...]]] = []
        """Each call read: its method and its parameters after the access code (none for a
        method it does not know)."""
        self.sent: list[SentMsg] = []
        self.most_at_once = 0
        self._at_once = 0
        self._failures = 0
        self._broken: set[str] = set()
        self._fault: str | None = None
        self._trouble: dict[tuple[str, str], str] = {}
        self._breaking = False
        self.slow_seconds = 5.0
        self._runner: web.AppRunner | None = None
        self._port = 0

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application(middlewares=[self._slow])
        app.router.add_get(WEBSERVICES_PATH, self._wsdl)
        app.router.add_post(WEBSERVICES_PATH, self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> LocalSmartschool:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """The school's address, as a coordinator would configure it."""
        return f"http://127.0.0.1:{self._port}"

    def fail_next(self, times: int) -> None:
        """Answer the next ``times`` calls with HTTP 503."""
        self._failures = times

    def fault_next(self, text: str) -> None:
        """Answer the next call with a server-side SOAP fault saying ``text``."""
        self._fault = text

    def break_next(self, method: str) -> None:
        """Answer the next call of ``method`` with invalid JSON inside the SOAP string."""
        self._broken.add(method)

    def trouble_on(self, method: str, first: str, trouble: str | None) -> None:
        """Give every call of ``method`` whose first parameter after the access code is
        ``first`` the ``trouble`` (one of :data:`TROUBLES`; None: none any more)."""
        if trouble is None:
            self._trouble.pop((method, first), None)
            return
        if trouble not in TROUBLES:
            raise ValueError(f"unknown trouble {trouble!r} (known: {', '.join(TROUBLES)})")
        self._trouble[(method, first)] = trouble

    def _trouble_of(self, data: bytes) -> str | None:
        """The trouble set for this call, if any."""
        if not self._trouble:
            return None
        try:
            method, values = _soap.parse_call(data)
        except ValueError:
            return None
        return self._trouble.get((method, values[1] if len(values) > 1 else ""))

    @web.middleware
    async def _slow(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """A call given the trouble ``slow`` is answered after :attr:`slow_seconds`."""
        posted = self._trouble and request.method == "POST"
        if posted and self._trouble_of(await request.read()) == "slow":
            await asyncio.sleep(self.slow_seconds)
        response: web.StreamResponse = await handler(request)
        return response

    # -- HTTP ----------------------------------------------------------------------------

    async def _wsdl(self, request: web.Request) -> web.Response:
        if "wsdl" not in request.query:
            raise web.HTTPNotFound()
        location = f"{self.url}{WEBSERVICES_PATH}"
        return web.Response(text=wsdl(location), content_type="text/xml")

    async def _handle(self, request: web.Request) -> web.Response:
        self._at_once += 1
        self.most_at_once = max(self.most_at_once, self._at_once)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            if self._failures:
                self._failures -= 1
                raise web.HTTPServiceUnavailable()
            response = self._respond(await request.read())
            if self.late:
                await asyncio.sleep(self.late)
            return response
        finally:
            self._at_once -= 1

    def _respond(self, data: bytes) -> web.Response:
        trouble = self._trouble_of(data)
        if trouble == "unavailable":
            raise web.HTTPServiceUnavailable()
        if trouble == "fault":
            return _fault("SOAP-ENV:Server", "internal error")
        # _respond and _dispatch keep their signatures (tests subclass them): a broken answer
        # is told through the server, in this synchronous stretch, so for this call only.
        self._breaking = trouble == "broken_json"
        try:
            return self._answer(data)
        finally:
            self._breaking = False

    def _answer(self, data: bytes) -> web.Response:
        try:
            method, values = _soap.parse_call(data)
        except ValueError as err:
            return _fault("SOAP-ENV:Client", f"Bad Request: {err}")
        self.calls.append(method)
        # The access code is the first parameter of every method that takes any: never kept.
        self.asked.append((method, tuple(values[1:]) if METHODS.get(method) else ()))
        if self._fault is not None:
            text, self._fault = self._fault, None
            return _fault("SOAP-ENV:Server", text)
        declared = METHODS.get(method)
        if declared is None:
            return _fault("SOAP-ENV:Client", f"Function ('{method}') is not a valid method")
        if len(values) != len(declared):
            return _fault("SOAP-ENV:Client", f"{method}: expected {len(declared)} parameters")
        try:
            result = self._dispatch(method, values)
        except _Answer as answer:
            result = str(answer.code)
        return _xml(_soap.build_result(method, result))

    # -- the methods ---------------------------------------------------------------------

    def _dispatch(self, method: str, values: list[str]) -> str:
        if METHODS[method]:  # every method but returnJsonErrorCodes takes the code first
            if values[0] != self.access_code:
                raise _Answer(CODE_ACCESS_REFUSED)
            if self.allowed is not None and method not in self.allowed:
                raise _Answer(CODE_METHOD_NOT_ALLOWED)
        if method == "sendMsg":
            return self._send_msg(values[1:])
        answer = self._documents[method](self, values[1:])
        document = answer if isinstance(answer, str) else json.dumps(answer)
        if self._breaking or method in self._broken:
            if not self._breaking:
                self._broken.discard(method)
            return document[: len(document) // 2] or "{"
        return document

    def _absents_by_number(self, values: list[str]) -> Any:
        return self.school.absences_on(values[0], key="internal_number")

    def _absents_by_id(self, values: list[str]) -> Any:
        return self.school.absences_on(values[0], key="user_id")

    def _accounts(self, values: list[str]) -> Any:
        code, recursive = values
        if self.school.group(code) is None:
            raise _Answer(_INSUFFICIENT_DATA)
        accounts = self.school.members(code, recursive=recursive == "1")
        return [self.school.account_record(a) for a in accounts]

    def _user_details(self, values: list[str]) -> Any:
        account = self.school.find(values[0])
        if account is None:
            raise _Answer(CODE_UNKNOWN_USER_ALT)
        return self.school.user_details(account)

    def _groups(self, _values: list[str]) -> Any:
        return self.school.group_tree()

    def _teachers(self, _values: list[str]) -> Any:
        return self.school.teachers_record()

    def _error_codes(self, _values: list[str]) -> Any:
        return {
            str(CODE_ACCESS_REFUSED): "Het opgegeven webserviceswachtwoord is niet correct.",
            str(CODE_UNKNOWN_USER_ALT): "Deze gebruiker bestaat niet",
            str(_INSUFFICIENT_DATA): "Onvoldoende gegevens aangeleverd.",
            str(CODE_METHOD_NOT_ALLOWED): "Deze methode is niet toegestaan.",
        }

    def _send_msg(self, values: list[str]) -> str:
        user, title, body, sender, attachments, coaccount, lvs = values
        account = self.school.find(user)
        number = int(coaccount) if coaccount.isdigit() else -1
        if account is None or (sender != "Null" and self.school.find(sender) is None):
            raise _Answer(CODE_UNKNOWN_USER_ALT)
        has_co = any(c.number == number for c in account.co_accounts)
        if not title or not body or not (number == 0 or has_co):
            raise _Answer(_INSUFFICIENT_DATA)
        message = SentMsg(user, title, body, sender, attachments, number, lvs == "true")
        self.sent.append(message)
        return "0"

    _documents: ClassVar[dict[str, Callable[[LocalSmartschool, list[str]], Any]]] = {
        "getAbsentsWithInternalNumberByDate": _absents_by_number,
        "getAbsentsByDate": _absents_by_id,
        "getAllAccountsExtended": _accounts,
        "getUserDetails": _user_details,
        "getAllGroupsAndClasses": _groups,
        "getClassTeachers": _teachers,
        "returnJsonErrorCodes": _error_codes,
    }


def _xml(body: bytes, status: int = 200) -> web.Response:
    return web.Response(body=body, status=status, content_type="text/xml", charset="utf-8")


def _fault(code: str, text: str) -> web.Response:
    return _xml(_soap.build_fault(_soap.Fault(code, text)), status=500)

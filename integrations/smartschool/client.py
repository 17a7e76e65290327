"""An async client of Smartschool's SOAP webservices V3 (one endpoint per school).

Why plain aiohttp and not zeep: the WSDL is RPC/encoded, a style zeep supports only in part,
while Gemist needs eight methods whose parameters are all scalars and whose answers are one
string each inside the SOAP ``return``: a JSON document, a base64-encoded XML tree (the groups)
or a numeric error code. zeep would hand back that string and leave the reading to us anyway.
Building the envelopes from the parameter lists in :mod:`.const` (taken from the WSDL) is a few
lines in :mod:`._soap`; aiohttp is already a dependency and fully async (zeep's async transport
needs httpx, one more dependency), and the client owns timeouts, retries and the limit on
concurrent calls. The WSDL is not fetched at run time: one method call is one HTTP request.

Failure policy, in one place (:meth:`SmartschoolClient._call`):

- a network error, an HTTP 5xx without a SOAP fault, or no answer within ``timeout`` seconds is
  temporary: the call is tried ``attempts`` times in all, waiting ``backoff``, 2x, 4x ... between
  tries, then :class:`~.exceptions.SmartschoolUnavailable`. ``sendMsg`` is retried only when the
  request never reached the server (a refused connection), so the client never sends one twice
  on its own; when a ``sendMsg`` went out and no answer came (a timeout, a dropped connection)
  the error is :class:`~.exceptions.SmartschoolNoAnswer`: the message may have arrived, and
  the channel decides (:mod:`.channel`);
- a numeric code answers with a clear error (:mod:`.exceptions`); a SOAP fault with
  :class:`~.exceptions.SmartschoolFault`; an answer that is not the JSON it should be with
  :class:`~.exceptions.SmartschoolBadAnswer`.

The access code is a secret: it is kept in a private attribute, left out of ``repr``, and never
part of a log record or an error message (those name the method and the code only).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date
from types import TracebackType
from typing import Any

import aiohttp

from integrations.smartschool import _answers, _soap
from integrations.smartschool._answers import Absences, SmartschoolGroup
from integrations.smartschool.const import (
    DEFAULT_ATTEMPTS,
    DEFAULT_BACKOFF,
    DEFAULT_MAX_CONCURRENT,
    DEFAULT_TIMEOUT,
    METHODS,
    NAMESPACE,
    WEBSERVICES_PATH,
)
from integrations.smartschool.exceptions import (
    SmartschoolBadAnswer,
    SmartschoolError,
    SmartschoolFault,
    SmartschoolNoAnswer,
    SmartschoolUnavailable,
)

__all__ = ["Absences", "SmartschoolClient", "SmartschoolGroup"]

log = logging.getLogger(__name__)


class _NotSent(SmartschoolUnavailable):
    """The request never reached the server: safe to retry even a ``sendMsg``."""


def endpoint(url: str) -> str:
    """The webservices endpoint of a school, from its address or the endpoint itself."""
    base = url.rstrip("/")
    return base if base.endswith(WEBSERVICES_PATH) else base + WEBSERVICES_PATH


class SmartschoolClient:
    """Calls one school's webservices with one access code; use ``async with`` or :meth:`close`."""

    def __init__(
        self,
        url: str,
        access_code: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        attempts: int = DEFAULT_ATTEMPTS,
        backoff: float = DEFAULT_BACKOFF,
        max_concurrent: int = DEFAULT_MAX_CONCURRENT,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if not access_code:
            raise ValueError("Smartschool: the access code is empty")
        if attempts < 1 or max_concurrent < 1:
            raise ValueError("Smartschool: attempts and max_concurrent must be at least 1")
        self.url = endpoint(url)
        self._access_code = access_code
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._attempts = attempts
        self._backoff = backoff
        self._sleep = sleep
        self._slots = asyncio.Semaphore(max_concurrent)
        self._session: aiohttp.ClientSession | None = None

    def __repr__(self) -> str:
        return f"SmartschoolClient(url={self.url!r})"

    async def __aenter__(self) -> SmartschoolClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session (a later call opens a new one)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- the methods Gemist uses ---------------------------------------------------------

    async def absents_with_internal_number_by_date(self, day: date) -> Absences:
        """``getAbsentsWithInternalNumberByDate``: the whole school's marks on ``day``."""
        name = "getAbsentsWithInternalNumberByDate"
        return _answers.absences(name, await self._call_json(name, day.isoformat()))

    async def absents_by_date(self, day: date) -> Absences:
        """``getAbsentsByDate``: the same marks, keyed by Smartschool's own user id."""
        name = "getAbsentsByDate"
        return _answers.absences(name, await self._call_json(name, day.isoformat()))

    async def all_accounts_extended(self, code: str, *, recursive: bool) -> list[dict[str, Any]]:
        """``getAllAccountsExtended``: the accounts of group or class ``code`` (and below)."""
        name = "getAllAccountsExtended"
        answer = await self._call_json(name, code, "1" if recursive else "0")
        return _answers.list_of_objects(name, answer)

    async def user_details(self, user_identifier: str) -> dict[str, Any]:
        """``getUserDetails``: one account with its co-accounts 1-6."""
        name = "getUserDetails"
        answer = await self._call_json(name, user_identifier)
        if not isinstance(answer, dict):
            raise SmartschoolBadAnswer(name, "expected a JSON object")
        return answer

    async def all_groups_and_classes(self) -> list[SmartschoolGroup]:
        """``getAllGroupsAndClasses``: every group and class (a base64 XML tree, flattened)."""
        name = "getAllGroupsAndClasses"
        return _answers.group_tree(name, await self._call(name))

    async def class_teachers(self, *, all_owners: bool = True) -> list[dict[str, Any]]:
        """``getClassTeachers``: the class titulars (all of them, or only the first)."""
        name = "getClassTeachers"
        return _answers.list_of_objects(name, await self._call_json(name, all_owners))

    async def send_msg(
        self,
        user_identifier: str,
        title: str,
        body: str,
        *,
        sender_identifier: str,
        coaccount: int = 0,
        copy_to_lvs: bool = False,
    ) -> None:
        """``sendMsg``: put an HTML message in the inbox of an account (0) or co-account (1-6)."""
        if not 0 <= coaccount <= 6:
            raise ValueError(f"Smartschool sendMsg: co-account {coaccount} is not in 0-6")
        answer = await self._call(
            "sendMsg", user_identifier, title, body, sender_identifier, "", coaccount, copy_to_lvs
        )
        code = _answers.numeric(answer)
        if code is None:
            raise SmartschoolBadAnswer("sendMsg", "expected a numeric result")
        if code != 0:
            raise _answers.error("sendMsg", code)

    async def error_codes(self) -> dict[int, str]:
        """``returnJsonErrorCodes``: every numeric code with Smartschool's own text."""
        name = "returnJsonErrorCodes"
        answer = await self._call_json(name)
        if not isinstance(answer, dict):
            raise SmartschoolBadAnswer(name, "expected a JSON object")
        try:
            return {int(code): str(text) for code, text in answer.items()}
        except ValueError as err:
            raise SmartschoolBadAnswer(name, "an error code is not a number") from err

    # -- plumbing ------------------------------------------------------------------------

    async def _call_json(self, method: str, *values: str | int | bool) -> Any:
        """Call ``method`` and decode the JSON inside its answer; numeric answers are errors."""
        return _answers.document(method, await self._call(method, *values))

    async def _call(self, method: str, *values: str | int | bool) -> str:
        """The ``return`` string of ``method``, retrying temporary failures with backoff."""
        declared = METHODS[method]
        arguments = (self._access_code, *values) if declared else values
        params = [(n, t, v) for (n, t), v in zip(declared, arguments, strict=True)]
        request = _soap.build_call(method, params)
        idempotent = method != "sendMsg"
        for attempt in range(1, self._attempts + 1):
            try:
                async with self._slots:
                    return await self._post(method, request)
            except SmartschoolUnavailable as err:
                retry = idempotent or isinstance(err, _NotSent)
                if not retry or attempt == self._attempts:
                    kind = SmartschoolNoAnswer if isinstance(err, SmartschoolNoAnswer) else None
                    raise (kind or SmartschoolUnavailable)(str(err)) from None
                delay = self._backoff * 2 ** (attempt - 1)
                log.warning(
                    "%s; attempt %d of %d, next in %.1f s", err, attempt, self._attempts, delay
                )
                await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _post(self, method: str, request: bytes) -> str:
        """One HTTP round trip; the answer's ``return`` string or a mapped error."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        headers = {
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": f'"{NAMESPACE}#{method}"',
        }
        try:
            async with self._session.post(self.url, data=request, headers=headers) as response:
                status, data = response.status, await response.read()
        except aiohttp.ClientConnectorError as err:
            raise _NotSent(f"Smartschool {method}: cannot connect ({err.os_error})") from None
        except TimeoutError:
            limit = self._timeout.total
            raise SmartschoolNoAnswer(f"Smartschool {method}: no answer in {limit} s") from None
        except aiohttp.ClientError as err:
            reason = type(err).__name__
            raise SmartschoolNoAnswer(f"Smartschool {method}: {reason}") from None
        return _answer(method, status, data)


def _answer(method: str, status: int, data: bytes) -> str:
    """The ``return`` string of an HTTP answer, or the error it stands for."""
    try:
        result = _soap.parse_result(data)
    except ValueError as err:
        if status >= 500:
            raise SmartschoolUnavailable(f"Smartschool {method}: HTTP {status}") from None
        if status != 200:
            raise SmartschoolError(method, f"HTTP {status}; is the address right?") from None
        raise SmartschoolBadAnswer(method, str(err)) from None
    if isinstance(result, _soap.Fault):
        raise SmartschoolFault(
            method, f"SOAP fault {result.code}: {result.text}", fault=result.code
        )
    return result

"""What a school's Smartschool allows Gemist's access code, found by calling it once per method.

``gemist smartschool check`` runs :func:`check` and prints the :class:`Report`. Every probe is
free of side effects, so the check can run at any time, as often as needed:

- the read methods are called as Gemist calls them, on today's date and on one class
  (``getAllAccountsExtended`` without ``recursive``), or with a user or group that cannot exist
  when nothing real is known yet;
- ``sendMsg`` is called with a recipient that cannot exist (:data:`PROBE_RECIPIENT`: spaces and
  a colon, which no Smartschool username or internal number holds), an empty title, an empty
  body and no sender. The access code and what it allows are checked before a method does its
  own work (a wrong code is refused by every method, whatever its parameters), so "this user
  does not exist" proves the method is allowed, and there is nobody a message could reach.
  Should a school's Smartschool ever look at the recipient first, the answer is the same and
  still nothing is sent. Nothing is ever sent.

How an answer reads: a document, or a numeric code that comes from the method's own work (an
unknown user, missing data), means the call got past the access code's checks: the method is
allowed. :data:`~.const.METHOD_NOT_ALLOWED_CODES` is a method the code does not allow. Code 8
("Het opgegeven webserviceswachtwoord is niet correct.") from every method is a refused access
code; from some methods while others work with the same code, it can only mean those methods
are not allowed, and is reported so (Smartschool's public list of codes has none for a method
not allowed, so Gemist does not rely on one number). Any other code is shown with Smartschool's
own text (``returnJsonErrorCodes``, which needs no access code) and counted as a problem, since
Gemist cannot tell what it means. Smartschool's public material names no code for a call from an
IP address the access code does not allow, nor for webservices that are turned off: when a
code's own text speaks of an IP address it is reported as such; a refused code says that an IP
restriction may be the cause.

The access code is never part of a report: the client keeps it, and every text here is made
from method names, numeric codes and Smartschool's texts.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from integrations.smartschool._answers import SmartschoolGroup
from integrations.smartschool.client import SmartschoolClient
from integrations.smartschool.exceptions import (
    SmartschoolAccessRefused,
    SmartschoolBadAnswer,
    SmartschoolError,
    SmartschoolFault,
    SmartschoolMethodNotAllowed,
    SmartschoolUnavailable,
    SmartschoolUnknownUser,
)

__all__ = [
    "PROBE_RECIPIENT",
    "PROBE_USER",
    "Finding",
    "Report",
    "Status",
    "check",
]

PROBE_RECIPIENT = "gemist check: no such user"
"""The ``sendMsg`` probe's recipient: spaces and a colon, which no username or internal number
holds, so that Smartschool can only answer that the user does not exist."""

PROBE_USER = PROBE_RECIPIENT
"""Asked of ``getUserDetails`` when no sender is configured: "unknown user" proves the method."""

PROBE_GROUP = "gemist check: no such group"
"""Asked of ``getAllAccountsExtended`` when no class is known: an error about the group proves
the method."""

CODE_INSUFFICIENT_DATA = 14
"""Smartschool's "Onvoldoende gegevens aangeleverd": the method ran and found the input lacking."""

_METHOD_LEVEL_CODES = frozenset({CODE_INSUFFICIENT_DATA})
"""Numeric answers that come from a method's own work (besides unknown users): proof that the
access code may call it."""

_IP_TEXT = re.compile(r"\bIP\b|ip-?adres", re.IGNORECASE)

ALLOW_ADVICE = (
    "allow {method} for Gemist's access code (Smartschool: Algemene configuratie > Webservices)"
)


FORBIDDEN_ADVICE = (
    "the server forbids this server's calls (HTTP 403): check the access code's allowed IP "
    "addresses in Smartschool, and any firewall or proxy between this server and Smartschool"
)


class Status(StrEnum):
    """The outcome of one line of the report."""

    OK = "OK"
    NOT_ALLOWED = "not allowed"
    REFUSED = "refused"
    IP_NOT_ALLOWED = "IP not allowed"
    UNREACHABLE = "unreachable"
    NOT_FOUND = "not found"
    MISSING = "missing"
    WRONG = "check"
    UNCLEAR = "unclear"
    ERROR = "error"
    SKIPPED = "not checked"


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of the report: what was checked, how it went, and what a person should do."""

    subject: str
    status: Status
    detail: str = ""
    advice: str = ""

    @property
    def ok(self) -> bool:
        return self.status is Status.OK


@dataclass(slots=True)
class Report:
    """Everything the check found, in the order it was checked."""

    endpoint: str
    findings: list[Finding] = field(default_factory=list)
    calls: int = 0

    @property
    def ok(self) -> bool:
        """Whether everything Gemist needs works."""
        return bool(self.findings) and all(f.ok for f in self.findings)

    @property
    def problems(self) -> list[Finding]:
        """What does not work (a line left unchecked because of an earlier one is not counted)."""
        return [f for f in self.findings if not f.ok and f.status is not Status.SKIPPED]

    def add(self, finding: Finding) -> Finding:
        self.findings.append(finding)
        return finding


@dataclass(slots=True)
class _Context:
    """What earlier probes learned and later ones use."""

    client: SmartschoolClient
    report: Report
    texts: dict[int, str]
    today: date
    sender: str | None
    identifier: str
    classes: list[SmartschoolGroup] = field(default_factory=list)
    sender_details: dict[str, Any] | None = None
    sender_status: Status | None = None
    stopped: Finding | None = None


async def check(
    client: SmartschoolClient, *, today: date, sender: str | None, identifier: str
) -> Report:
    """Call every method Gemist needs once, without side effects; see the module's doc.

    ``identifier`` is the configured meaning of ``userIdentifier`` (``username`` or
    ``internal_number``); ``sender`` the configured sender account, if any.
    """
    report = Report(client.url)
    texts = await _reach(client, report)
    if texts is None:
        return report
    context = _Context(client, report, texts, today, sender, identifier)
    for method in _ORDER:
        if context.stopped is not None:
            report.add(Finding(method, Status.SKIPPED, f"see {context.stopped.subject} above"))
            continue
        await _probe(context, method)
    _read_refusals(context)
    _sender_findings(context)
    return report


def _read_refusals(context: _Context) -> None:
    """A refusal of every method is the access code's (or the server's address's): one line
    says so. A refusal of some methods while others work with the same code is those methods
    not being allowed, whatever number Smartschool gives it."""
    findings = context.report.findings
    refusals = (Status.REFUSED, Status.IP_NOT_ALLOWED)
    refused = [i for i, f in enumerate(findings) if f.subject in _PROBES and f.status in refusals]
    if not refused:
        return
    methods = [f for f in findings if f.subject in _PROBES]
    if len(refused) == len(methods):
        first = findings[refused[0]]
        for index in refused:
            subject = findings[index].subject
            findings[index] = Finding(subject, Status.SKIPPED, "refused too: see access code")
        findings.insert(refused[0], replace(first, subject="access code"))
        return
    for index in refused:
        finding = findings[index]
        findings[index] = Finding(
            finding.subject,
            Status.NOT_ALLOWED,
            f"refused although other methods work with this access code: most likely not "
            f"allowed for it ({finding.detail})",
            ALLOW_ADVICE.format(method=finding.subject),
        )


async def _reach(client: SmartschoolClient, report: Report) -> dict[int, str] | None:
    """Whether the address answers as Smartschool's webservices; the error codes' texts."""
    report.calls += 1
    subject = "address"
    try:
        texts = await client.error_codes()
    except SmartschoolUnavailable as err:
        report.add(
            Finding(
                subject,
                Status.UNREACHABLE,
                _reason(err),
                "check the url setting and that this server may reach it (firewall, proxy, DNS)",
            )
        )
        return None
    except SmartschoolFault as err:
        # A SOAP fault is an answer: the webservices are there, only the texts are missing.
        report.add(Finding(subject, Status.OK, f"the webservices answer ({_reason(err)})"))
        return {}
    except (SmartschoolError, SmartschoolBadAnswer) as err:
        report.add(
            Finding(
                subject,
                Status.UNREACHABLE,
                f"does not answer as Smartschool's webservices ({_reason(err)})",
                FORBIDDEN_ADVICE
                if _forbidden(err)
                else "the url setting should be the school's address, "
                "like https://school.smartschool.be",
            )
        )
        return None
    report.add(Finding(subject, Status.OK, "Smartschool's webservices answer"))
    return texts


async def _probe(context: _Context, method: str) -> None:
    """Call ``method`` once and add what its answer says about the access code."""
    context.report.calls += 1
    try:
        await _PROBES[method](context)
    except SmartschoolUnknownUser:
        asked_for_sender = method == "getUserDetails" and context.sender is not None
        detail = (
            "allowed (it answered: no such account; see the sender below)"
            if asked_for_sender
            else 'allowed (it answered "no such user" to the probe, as meant)'
        )
        context.report.add(_allowed(method, detail))
    except SmartschoolMethodNotAllowed as err:
        context.report.add(
            Finding(
                method,
                Status.NOT_ALLOWED,
                f"not allowed for this access code{_code_text(context, err.code)}",
                ALLOW_ADVICE.format(method=method),
            )
        )
    except SmartschoolAccessRefused as err:
        context.report.add(_refused(context, method, err.code))
    except SmartschoolUnavailable as err:
        context.stopped = context.report.add(
            Finding(
                method,
                Status.UNREACHABLE,
                _reason(err),
                "Smartschool stopped answering during the check; run it again later",
            )
        )
    except SmartschoolFault as err:
        context.report.add(
            Finding(method, Status.ERROR, _reason(err), "if it keeps happening, report the text")
        )
    except SmartschoolBadAnswer as err:
        context.report.add(
            Finding(
                method,
                Status.ERROR,
                f"answered something Gemist cannot read ({_reason(err)})",
                "if it keeps happening, report the text",
            )
        )
    except SmartschoolError as err:
        if err.code is None:  # an HTTP answer that is no SOAP answer
            advice = FORBIDDEN_ADVICE if _forbidden(err) else "check the url setting"
            context.report.add(Finding(method, Status.ERROR, _reason(err), advice))
        else:
            context.report.add(_numeric(context, method, err.code))
    else:
        context.report.add(_allowed(method, "allowed"))


def _allowed(method: str, detail: str) -> Finding:
    return Finding(method, Status.OK, detail)


def _refused(context: _Context, method: str, code: int | None) -> Finding:
    text = _code_text(context, code)
    if _mentions_ip(context, code):
        return Finding(
            method,
            Status.IP_NOT_ALLOWED,
            f"this server's IP address is not allowed{text}",
            "add this server's public IP address to the access code's allowed addresses",
        )
    return Finding(
        method,
        Status.REFUSED,
        f"access code refused{text}",
        "check the access_code setting against Smartschool (Algemene configuratie > "
        "Webservices); if the code limits IP addresses, this server's public address must be "
        "among them (Smartschool may answer a call from another address the same way)",
    )


def _numeric(context: _Context, method: str, code: int | None) -> Finding:
    """A numeric answer the method itself gave (allowed), an IP refusal, or one Gemist cannot
    place (shown with Smartschool's text)."""
    if code in _METHOD_LEVEL_CODES:
        detail = f"allowed (the probe's input is refused, as meant{_tail(context, code)})"
        return _allowed(method, detail)
    if _mentions_ip(context, code):
        return _refused(context, method, code)
    return Finding(
        method,
        Status.UNCLEAR,
        f"answered error {code}{_code_text(context, code)}",
        "Gemist cannot tell whether the method is allowed: check its setting for Gemist's "
        "access code",
    )


def _forbidden(err: Exception) -> bool:
    """Whether the answer was HTTP 403, what a web server says to an address it does not let in."""
    return "HTTP 403" in str(err)


def _mentions_ip(context: _Context, code: int | None) -> bool:
    return code is not None and bool(_IP_TEXT.search(context.texts.get(code, "")))


def _code_text(context: _Context, code: int | None) -> str:
    """`` (Smartschool error N: "its text")``, or the number alone without a text."""
    if code is None:
        return ""
    text = context.texts.get(code)
    return f' (Smartschool error {code}: "{text}")' if text else f" (Smartschool error {code})"


def _tail(context: _Context, code: int | None) -> str:
    text = context.texts.get(code) if code is not None else None
    return f': "{text}"' if text else ""


def _reason(err: Exception) -> str:
    """The error's message without the ``Smartschool <method>:`` the report already shows."""
    return re.sub(r"^Smartschool \w+:\s*", "", str(err)) or type(err).__name__


# -- the probes, one per needed method ----------------------------------------------------


async def _absents_by_number(context: _Context) -> None:
    await context.client.absents_with_internal_number_by_date(context.today)


async def _absents_by_id(context: _Context) -> None:
    await context.client.absents_by_date(context.today)


async def _groups(context: _Context) -> None:
    groups = await context.client.all_groups_and_classes()
    context.classes = [group for group in groups if group.official]


async def _accounts(context: _Context) -> None:
    # One class, not recursive: a few dozen accounts, read and forgotten.
    code = context.classes[0].code if context.classes else PROBE_GROUP
    await context.client.all_accounts_extended(code, recursive=False)


async def _teachers(context: _Context) -> None:
    await context.client.class_teachers()


async def _user_details(context: _Context) -> None:
    if context.sender is None:
        await context.client.user_details(PROBE_USER)
        return
    try:
        context.sender_details = await context.client.user_details(context.sender)
    except SmartschoolUnknownUser:
        context.sender_status = Status.NOT_FOUND
        raise  # the method answered: it is allowed
    context.sender_status = Status.OK


async def _send_msg(context: _Context) -> None:
    # A recipient that cannot exist, no title, no body, no sender: nothing can be sent.
    await context.client.send_msg(PROBE_RECIPIENT, "", "", sender_identifier="Null")


_PROBES: dict[str, Callable[[_Context], Awaitable[None]]] = {
    "getAbsentsWithInternalNumberByDate": _absents_by_number,
    "getAbsentsByDate": _absents_by_id,
    "getAllGroupsAndClasses": _groups,
    "getAllAccountsExtended": _accounts,
    "getClassTeachers": _teachers,
    "getUserDetails": _user_details,
    "sendMsg": _send_msg,
}
_ORDER = tuple(_PROBES)
"""The order of the probes: the groups before the accounts, which read one class of them."""


# -- the sender account and the identifier setting ------------------------------------------


def _sender_findings(context: _Context) -> None:
    """Whether the configured sender exists, and whether it says the identifier setting is right."""
    report, sender = context.report, context.sender
    if sender is None:
        report.add(
            Finding(
                "sender",
                Status.MISSING,
                "no sender account is configured; Gemist cannot send messages",
                "set sender (GEMIST_SMARTSCHOOL_SENDER) to the userIdentifier of the account "
                "messages come from, for example the pupil-care team's account",
            )
        )
        return
    if context.sender_status is None:
        report.add(Finding(f"sender {sender}", Status.SKIPPED, "getUserDetails could not be used"))
        return
    if context.sender_status is Status.NOT_FOUND:
        other = "internal_number" if context.identifier == "username" else "username"
        report.add(
            Finding(
                f"sender {sender}",
                Status.NOT_FOUND,
                f"Smartschool has no account {sender!r} (identifier = {context.identifier})",
                f"check the sender's {_label(context.identifier)}; if Smartschool identifies "
                f'users by {_label(other)}, set identifier = "{other}"',
            )
        )
        return
    details = context.sender_details or {}
    name = " ".join(str(details.get(k, "")).strip() for k in ("voornaam", "naam")).strip()
    report.add(Finding(f"sender {sender}", Status.OK, f"account exists ({name or 'no name'})"))
    report.add(_identifier_finding(context, details))


def _identifier_finding(context: _Context, details: dict[str, Any]) -> Finding:
    """Which of the sender's username and internal number Smartschool matched it on."""
    sender = context.sender or ""
    username = str(details.get("gebruikersnaam", "")).strip()
    number = str(details.get("internnummer", "")).strip()
    matched = "username" if sender == username else "internal_number" if sender == number else None
    if matched is None:
        return Finding(
            "identifier",
            Status.OK,
            f"set to {context.identifier}; the sender's details do not show which one "
            "Smartschool uses",
        )
    if matched == context.identifier:
        return Finding(
            "identifier",
            Status.OK,
            f"Smartschool identifies users by {_label(matched)}, as configured",
        )
    return Finding(
        "identifier",
        Status.WRONG,
        f"Smartschool found the sender by its {_label(matched)}, but identifier = "
        f"{context.identifier}",
        f'set identifier = "{matched}" (GEMIST_SMARTSCHOOL_IDENTIFIER), as the school\'s '
        "webservices settings say",
    )


def _label(identifier: str) -> str:
    return "internal number" if identifier == "internal_number" else "username"

"""SOAP 1.1 RPC/encoded envelopes, as Smartschool's webservices read and write them.

Both sides live here: the client builds calls and reads answers, the local server reads calls
and builds answers and faults. Envelopes are written as text (every value escaped);
parsing uses the standard library's expat, which does not fetch external entities.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.sax.saxutils import escape

from integrations.smartschool.const import NAMESPACE, SOAP_ENC, SOAP_ENV, XSD, XSI

__all__ = ["Fault", "build_call", "build_fault", "build_result", "parse_call", "parse_result"]

_ENV = f"{{{SOAP_ENV}}}"


@dataclass(frozen=True, slots=True)
class Fault:
    """A SOAP fault: ``code`` (``SOAP-ENV:Client`` or ``SOAP-ENV:Server``) and its text."""

    code: str
    text: str


_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<SOAP-ENV:Envelope xmlns:SOAP-ENV="{SOAP_ENV}" xmlns:ns1="{NAMESPACE}" '
    f'xmlns:xsd="{XSD}" xmlns:xsi="{XSI}" SOAP-ENV:encodingStyle="{SOAP_ENC}"><SOAP-ENV:Body>'
)
_CLOSE = "</SOAP-ENV:Body></SOAP-ENV:Envelope>"


def _wrap(content: str) -> bytes:
    return (_OPEN + content + _CLOSE).encode()


def _encode(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def build_call(method: str, params: list[tuple[str, str, str | int | bool]]) -> bytes:
    """The request body calling ``method`` with ``(name, xsd type, value)`` in WSDL order."""
    parts = "".join(
        f'<{name} xsi:type="xsd:{kind}">{_encode(value)}</{name}>' for name, kind, value in params
    )
    return _wrap(f"<ns1:{method}>{parts}</ns1:{method}>")


def build_result(method: str, value: str) -> bytes:
    """An answer whose ``return`` part is the string ``value``."""
    part = f'<return xsi:type="xsd:string">{escape(value)}</return>'
    return _wrap(f"<ns1:{method}Response>{part}</ns1:{method}Response>")


def build_fault(fault: Fault) -> bytes:
    """A fault answer."""
    code, text = escape(fault.code), escape(fault.text)
    return _wrap(
        f"<SOAP-ENV:Fault><faultcode>{code}</faultcode><faultstring>{text}</faultstring>"
        "</SOAP-ENV:Fault>"
    )


def _body(data: bytes) -> ET.Element:
    """The Body element of an envelope; ValueError saying why when there is none."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as err:
        raise ValueError(f"not XML ({err})") from err
    body = root.find(f"{_ENV}Body") if root.tag == f"{_ENV}Envelope" else None
    if body is None:
        raise ValueError("not a SOAP envelope with a Body")
    return body


def parse_result(data: bytes) -> str | Fault:
    """The ``return`` string of an answer, or the fault it carries; ValueError if neither."""
    body = _body(data)
    fault = body.find(f"{_ENV}Fault")
    if fault is not None:
        return Fault(fault.findtext("faultcode", ""), fault.findtext("faultstring", ""))
    answer = next(iter(body), None)
    part = None if answer is None else next(iter(answer), None)
    if part is None:
        raise ValueError("the answer has no return value")
    return part.text or ""


def parse_call(data: bytes) -> tuple[str, list[str]]:
    """The method called and its parameter values in the order sent; ValueError if malformed."""
    body = _body(data)
    call = next(iter(body), None)
    if call is None:
        raise ValueError("the Body holds no call")
    method = call.tag.rsplit("}", 1)[-1]
    return method, [part.text or "" for part in call]

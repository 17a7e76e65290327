"""SOAP 1.1 RPC/encoded envelopes, as Smartschool's webservices read and write them.

Both sides live here: the client builds calls and reads answers, the local server reads calls
and builds answers and faults. Values are escaped by ElementTree; parsing uses the standard
library's expat, which refuses external entities.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from integrations.smartschool.const import NAMESPACE, SOAP_ENC, SOAP_ENV, XSD, XSI

__all__ = ["Fault", "build_call", "build_fault", "build_result", "parse_call", "parse_result"]

_ENV = f"{{{SOAP_ENV}}}"


@dataclass(frozen=True, slots=True)
class Fault:
    """A SOAP fault: ``code`` (``SOAP-ENV:Client`` or ``SOAP-ENV:Server``) and its text."""

    code: str
    text: str


def _envelope() -> tuple[ET.Element, ET.Element]:
    envelope = ET.Element(f"{_ENV}Envelope")
    envelope.set(f"{_ENV}encodingStyle", SOAP_ENC)
    return envelope, ET.SubElement(envelope, f"{_ENV}Body")


def _serialise(envelope: ET.Element) -> bytes:
    for prefix, uri in (("SOAP-ENV", SOAP_ENV), ("ns1", NAMESPACE), ("xsi", XSI), ("xsd", XSD)):
        ET.register_namespace(prefix, uri)
    data: bytes = ET.tostring(envelope, encoding="utf-8", xml_declaration=True)
    return data


def _encode(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def build_call(method: str, params: list[tuple[str, str, str | int | bool]]) -> bytes:
    """The request body calling ``method`` with ``(name, xsd type, value)`` in WSDL order."""
    envelope, body = _envelope()
    call = ET.SubElement(body, f"{{{NAMESPACE}}}{method}")
    for name, xsd_type, value in params:
        part = ET.SubElement(call, name)
        part.set(f"{{{XSI}}}type", f"xsd:{xsd_type}")
        part.text = _encode(value)
    return _serialise(envelope)


def build_result(method: str, value: str) -> bytes:
    """An answer whose ``return`` part is the string ``value``."""
    envelope, body = _envelope()
    answer = ET.SubElement(body, f"{{{NAMESPACE}}}{method}Response")
    part = ET.SubElement(answer, "return")
    part.set(f"{{{XSI}}}type", "xsd:string")
    part.text = value
    return _serialise(envelope)


def build_fault(fault: Fault) -> bytes:
    """A fault answer."""
    envelope, body = _envelope()
    element = ET.SubElement(body, f"{_ENV}Fault")
    ET.SubElement(element, "faultcode").text = fault.code
    ET.SubElement(element, "faultstring").text = fault.text
    return _serialise(envelope)


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

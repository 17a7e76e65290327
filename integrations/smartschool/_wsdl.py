"""The WSDL the local server serves at ``?wsdl``: RPC/encoded, built from :data:`.const.METHODS`.

It declares the same method names, parameter names, order and XSD types as a school's own
WSDL, so a SOAP tool pointed at the local server sees the real interface.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from integrations.smartschool.const import METHODS, NAMESPACE, SOAP_ENC

__all__ = ["wsdl"]

_ENCODED = f'use="encoded" namespace="{NAMESPACE}" encodingStyle="{SOAP_ENC}"'


def _messages(method: str, params: tuple[tuple[str, str], ...]) -> str:
    parts = "".join(f'<part name="{name}" type="xsd:{kind}"/>' for name, kind in params)
    return (
        f'<message name="{method}Request">{parts}</message>'
        f'<message name="{method}Response"><part name="return" type="xsd:string"/></message>'
    )


def _operation(method: str, params: tuple[tuple[str, str], ...]) -> str:
    order = " ".join(name for name, _ in params)
    return (
        f'<operation name="{method}" parameterOrder="{order}">'
        f'<input message="tns:{method}Request"/><output message="tns:{method}Response"/>'
        "</operation>"
    )


def _binding(method: str) -> str:
    return (
        f'<operation name="{method}"><soap:operation soapAction="{NAMESPACE}#{method}" '
        f'style="rpc"/><input><soap:body {_ENCODED}/></input>'
        f"<output><soap:body {_ENCODED}/></output></operation>"
    )


def wsdl(location: str) -> str:
    """The WSDL document, with the service at ``location``."""
    messages = "".join(_messages(m, p) for m, p in METHODS.items())
    operations = "".join(_operation(m, p) for m, p in METHODS.items())
    bindings = "".join(_binding(m) for m in METHODS)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" '
        'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        f'xmlns:tns="{NAMESPACE}" targetNamespace="{NAMESPACE}" name="V3">'
        f'{messages}<portType name="V3PortType">{operations}</portType>'
        '<binding name="V3Binding" type="tns:V3PortType">'
        '<soap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>'
        f'{bindings}</binding><service name="V3"><port name="V3Port" binding="tns:V3Binding">'
        f"<soap:address location={quoteattr(location)}/></port></service></definitions>"
    )

"""Constants of Smartschool's SOAP webservices V3: methods, parameter order, error codes.

The parameter lists follow the WSDL every school serves at ``/Webservices/V3?wsdl`` (checked
against public clients of the API): the style is RPC/encoded, so parameters are positional and
each one is sent, even when empty. ``returnJsonErrorCodes`` takes no parameter at all.
"""

from __future__ import annotations

from typing import Final

WEBSERVICES_PATH: Final = "/Webservices/V3"
NAMESPACE: Final = "https://www.smartschool.be/Webservices/V3"
SOAP_ENV: Final = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_ENC: Final = "http://schemas.xmlsoap.org/soap/encoding/"
XSI: Final = "http://www.w3.org/2001/XMLSchema-instance"
XSD: Final = "http://www.w3.org/2001/XMLSchema"

#: Every method Gemist calls, with its parameters in the WSDL's order and their XSD types.
METHODS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "getAbsentsWithInternalNumberByDate": (("accesscode", "string"), ("date", "string")),
    "getAbsentsByDate": (("accesscode", "string"), ("date", "string")),
    "getAllAccountsExtended": (
        ("accesscode", "string"),
        ("code", "string"),
        ("recursive", "string"),
    ),
    "getUserDetails": (("accesscode", "string"), ("userIdentifier", "string")),
    "getAllGroupsAndClasses": (("accesscode", "string"),),
    "getClassTeachers": (("accesscode", "string"), ("getAllOwners", "boolean")),
    "sendMsg": (
        ("accesscode", "string"),
        ("userIdentifier", "string"),
        ("title", "string"),
        ("body", "string"),
        ("senderIdentifier", "string"),
        ("attachments", "string"),
        ("coaccount", "int"),
        ("copyToLVS", "boolean"),
    ),
    "returnJsonErrorCodes": (),
}

#: The methods an access code for Gemist must allow (the docs list them for the coordinator).
NEEDED_METHODS: Final = tuple(name for name in METHODS if name != "returnJsonErrorCodes")

# Numeric error codes, as ``returnJsonErrorCodes`` lists them ("8": the webservices password
# is not correct, "9" and "12": this user does not exist). The code for a method the access
# code does not allow is not in public material; Gemist treats it as below until a school's
# own list says otherwise (``returnJsonErrorCodes`` gives the text shown beside it).
CODE_ACCESS_REFUSED: Final = 8
CODE_UNKNOWN_USER: Final = 9
CODE_UNKNOWN_USER_ALT: Final = 12
CODE_SEND_FAILED: Final = 18
CODE_METHOD_NOT_ALLOWED: Final = 101

ACCESS_REFUSED_CODES: Final = frozenset({CODE_ACCESS_REFUSED})
METHOD_NOT_ALLOWED_CODES: Final = frozenset({CODE_METHOD_NOT_ALLOWED})
UNKNOWN_USER_CODES: Final = frozenset({CODE_UNKNOWN_USER, CODE_UNKNOWN_USER_ALT})

#: Client defaults: seconds per call, attempts for a temporary failure, calls at once.
DEFAULT_TIMEOUT: Final = 30.0
DEFAULT_ATTEMPTS: Final = 4
DEFAULT_BACKOFF: Final = 1.0
DEFAULT_MAX_CONCURRENT: Final = 4

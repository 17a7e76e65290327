"""How a Smartschool inbox is written as a contact's address.

A pupil or a member of staff is reached in their own account's inbox: the address is the
account's ``userIdentifier`` (``jan.peeters``). A parent is reached in one co-account of the
pupil's account (1-6): the address is the identifier, ``#`` and the number (``jan.peeters#2``).
The roster import writes these; the channel reads them back into ``sendMsg``'s
``userIdentifier`` and ``coaccount``.
"""

from __future__ import annotations

__all__ = ["address", "parse"]

_SEPARATOR = "#"


def address(identifier: str, coaccount: int = 0) -> str:
    """The contact address of an account's inbox (0) or one of its co-accounts (1-6)."""
    identifier = identifier.strip()
    if not identifier or _SEPARATOR in identifier or any(ch.isspace() for ch in identifier):
        raise ValueError(f"{identifier!r} is not a Smartschool user identifier")
    if not 0 <= coaccount <= 6:
        raise ValueError(f"co-account {coaccount} is not in 0-6")
    return identifier if coaccount == 0 else f"{identifier}{_SEPARATOR}{coaccount}"


def parse(value: str) -> tuple[str, int]:
    """``(userIdentifier, coaccount)`` of a contact address; ValueError if it is not one."""
    identifier, separator, number = value.strip().partition(_SEPARATOR)
    if separator and (not number.isdigit() or not 1 <= int(number) <= 6):
        raise ValueError(f"{value!r}: the co-account after # must be 1-6")
    coaccount = int(number) if separator else 0
    address(identifier, coaccount)  # checks the identifier
    return identifier, coaccount

"""The one decision of who is reached how: a table of people's contacts and what it picks."""

from __future__ import annotations

import pytest

from bot.contacts import ChannelOrder, ContactState, Reach, Reachable, reach

TELEGRAM = Reachable("telegram", "4242")
EMAIL = Reachable("email", "ouder@example.be")
SMARTSCHOOL = Reachable("smartschool", "ouder.peeters")
EVERY = ("telegram", "smartschool", "email")
ALL_USABLE = frozenset(EVERY)


@pytest.mark.parametrize(
    ("contacts", "order", "usable", "expected"),
    [
        # The school's order decides between active contacts.
        ([EMAIL, TELEGRAM], EVERY, ALL_USABLE, Reach("telegram", "4242")),
        ([EMAIL, SMARTSCHOOL], EVERY, ALL_USABLE, Reach("smartschool", "ouder.peeters")),
        ([TELEGRAM, EMAIL], ("email", "telegram"), ALL_USABLE, Reach("email", "ouder@example.be")),
        # What the person chose comes before the school's order.
        (
            [TELEGRAM, Reachable("email", "mij@example.be", chosen=True)],
            EVERY,
            ALL_USABLE,
            Reach("email", "mij@example.be"),
        ),
        # A chosen contact on a channel the school does not use, or that cannot send, is not used.
        ([TELEGRAM, Reachable("email", "x@example.be", chosen=True)], ("telegram",), ALL_USABLE,
         Reach("telegram", "4242")),
        ([TELEGRAM, Reachable("email", "x@example.be", chosen=True)], EVERY,
         frozenset({"telegram"}), Reach("telegram", "4242")),
        # Blocked, bounced, unsubscribed and invited contacts are skipped.
        (
            [
                Reachable("telegram", "4242", ContactState.BLOCKED, chosen=True),
                Reachable("smartschool", "o.p", ContactState.UNSUBSCRIBED),
                EMAIL,
            ],
            EVERY,
            ALL_USABLE,
            Reach("email", "ouder@example.be"),
        ),
        ([Reachable("email", "weg@example.be", ContactState.BOUNCED)], EVERY, ALL_USABLE, None),
        ([Reachable("telegram", "4242", ContactState.INVITED)], EVERY, ALL_USABLE, None),
        # A channel that cannot deliver yet reaches nobody: e-mail only is unreachable today.
        ([EMAIL], EVERY, frozenset({"telegram"}), None),
        # A phone number is for calling: never a channel.
        ([Reachable("phone", "0470 12 34 56")], EVERY, ALL_USABLE, None),
        # No address, no contacts: unreachable.
        ([Reachable("telegram", None)], EVERY, ALL_USABLE, None),
        ([], EVERY, ALL_USABLE, None),
    ],
)  # fmt: skip
def test_reach(
    contacts: list[Reachable],
    order: tuple[str, ...],
    usable: frozenset[str],
    expected: Reach | None,
) -> None:
    assert reach(contacts, order, usable) == expected


def test_the_default_order_reaches_on_telegram_only() -> None:
    default = ChannelOrder()
    assert default.reach([EMAIL, TELEGRAM]) == Reach("telegram", "4242")
    assert default.reach([EMAIL, SMARTSCHOOL]) is None

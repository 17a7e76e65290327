# ruff: noqa: RUF001 (Turkish names, dotless i included)
"""What counts as naming an erased person: their roster id, full name or chat id, as whole words,
in any case, in plain text or in a render context."""

from __future__ import annotations

from bot.privacy.people import Person
from bot.privacy.scrub import Naming

AYSE = Person("guardian", 5, "G005", "Ayşe", "Yılmaz", 7000002, True)
OMAR = Person("pupil", 17, "P0017", "Omar", "Haddad", None, True)
NAMES = Naming([AYSE, OMAR])


def test_a_roster_id_a_full_name_or_a_chat_id_names_someone():
    assert NAMES(["forward:school:G005"])
    assert NAMES(["Bericht van AYŞE YILMAZ (moeder):"])
    assert NAMES([None, {"writer": "Ayşe Yılmaz (moeder)", "message": "..."}])
    assert NAMES(["chat 7000002 linked"])
    assert NAMES(["school:P0017:2026-11-17:notice"])


def test_a_longer_id_another_number_or_a_first_name_alone_names_nobody():
    assert not NAMES(["G0051 and P00170"])
    assert not NAMES(["chat 70000021"])
    assert not NAMES(["Ayşe Peeters and Omar De Smet"])
    assert not NAMES([None, {}, ""])

"""A parent reachable only by e-mail goes through the whole ladder in ``gemist simulate``: the
school lists ``channels = ["telegram", "email"]``, and the parent gets every message, and is
heard when she answers, exactly when a parent with a linked chat would, on e-mail (the built-in
plug-in of ``integrations/email/``, as the registry finds it).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.channels import registry as channels
from bot.config import Settings
from bot.rules import Rules
from bot.simulate import SimulatedMessage, simulate
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS
from tests.helpers.scenario import (
    Kid,
    Parent,
    absent,
    write_absences,
    write_replies,
    write_roster,
)

WITH_EMAIL = Settings(channels=("telegram", "email"))
TODDLER = Kid("F01", age=5, class_name="K1", chat=False, spilfiguur="S02")  # the feed's days
# KindP01 (14, a chat) is away Tuesday 20 to Friday 23 October (B): 7 half-days. Her mother,
# asked twice, asks for a call on Thursday.
FEED = absent("P01", "10-20..10-23") + absent("F01", "10-19") + absent("F01", "10-30")
REPLIES = ["2026-10-22 14:00,guardian,G01,P01,want_a_call"]


async def _replay(folder: Path, settings: Settings, *, chat: bool) -> list[SimulatedMessage]:
    roster = write_roster(
        folder / "roster", [Kid("P01"), TODDLER], [Parent("G01", "P01", chat=chat)]
    )
    return await simulate(
        roster,
        write_absences(folder / "absences.csv", FEED),
        replies=write_replies(folder / "replies.csv", REPLIES),
        rules=Rules.default(),
        calendar=SchoolCalendar(),
        tz=BRUSSELS,
        start=dt.date(2026, 10, 19),
        end=dt.date(2026, 10, 30),
        channels=channels.capabilities(settings),
    )


def _steps(messages: list[SimulatedMessage]) -> list[tuple[str, str, str]]:
    return [(m.at.strftime("%m-%d %H:%M"), m.kind, m.recipient_id) for m in messages]


@pytest.mark.slow
async def test_an_e_mail_only_parent_gets_the_same_ladder_as_a_parent_on_telegram(tmp_path):
    on_telegram = await _replay(tmp_path / "chat", WITH_EMAIL, chat=True)
    by_email = await _replay(tmp_path / "email", WITH_EMAIL, chat=False)
    without_email = await _replay(tmp_path / "telegram-only", Settings(), chat=False)

    assert _steps(by_email) == _steps(on_telegram)
    assert {(m.recipient_id, m.channel) for m in by_email} == {
        ("P01", "telegram"),
        ("G01", "email"),
        ("S01", "telegram"),
    }
    # The ladder: the check-in, the parent's notice and its follow-up, the spilfiguur's nudges
    # (the CLB threshold, her call) and daily messages.
    assert [step[1:] for step in _steps(by_email) if step[2] != "S01"] == [
        ("pupil_checkin", "P01"),
        ("guardian_notice", "G01"),
        ("guardian_notice", "G01"),
    ]
    assert {"coordinator_nudge", "coordinator_digest"} <= {m.kind for m in by_email}
    nudges = [m.text for m in by_email if m.kind == "coordinator_nudge"]
    # Her answer, heard as hers: the spilfiguur is to call her, not to write to the child.
    assert any("OuderG01 Test (moeder van KindP01, 3A) vraagt om gebeld" in t for t in nudges)
    assert any("5 halve dagen" in text for text in nudges)
    # Without an e-mail channel she is unreachable: nothing for her, and no e-mail anywhere.
    assert not [m for m in without_email if m.recipient_id == "G01" or m.channel == "email"]

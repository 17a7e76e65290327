"""The readers' load of a replay: shares, weekly spreads, duplicates and repeated pupil-days."""

from __future__ import annotations

from typing import Any

from bot.bench.load import load_report


def _message(at: str, role: str, person: str, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "at": at,
        "kind": extra.get("kind", f"{role}_message"),
        "recipient_role": role,
        "recipient_id": person,
        "pupil_id": extra.get("pupil_id"),
        "text": text,
    }


# Two weeks: Monday 2026-11-16 and Monday 2026-11-23.
MESSAGES = [
    _message("2026-11-16T10:30:00+01:00", "pupil", "P1", "hoi"),
    _message("2026-11-16T12:30:00+01:00", "guardian", "G1", "beste ouder"),
    _message("2026-11-16T12:30:00+01:00", "guardian", "G1", "beste ouder"),  # a duplicate
    _message("2026-11-16T10:30:00+01:00", "coordinator", "S1", "nudge a", pupil_id="P1"),
    _message("2026-11-16T15:00:00+01:00", "coordinator", "S1", "nudge b", pupil_id="P1"),
    _message(
        "2026-11-16T16:00:00+01:00",
        "coordinator",
        "S1",
        "words 1",
        pupil_id="P2",
        kind="coordinator_forward",
    ),
    _message(
        "2026-11-16T16:05:00+01:00",
        "coordinator",
        "S1",
        "words 2",
        pupil_id="P2",
        kind="coordinator_forward",
    ),
    _message("2026-11-23T10:30:00+01:00", "coordinator", "S2", "daily", kind="coordinator_digest"),
    _message("2026-11-23T12:30:00+01:00", "guardian", "G2", "beste ouder"),
]


def test_the_load_of_a_replay_is_counted_per_reader_and_week() -> None:
    report = load_report(MESSAGES)

    assert report.messages == 9
    assert report.coordinator_messages == 5
    # S1: 4 then 0; S2: 0 then 1.
    assert report.coordinator_weekly.mean == 1.25
    assert report.coordinator_weekly.max == 4
    assert report.coordinator_weekly.p95 == 4
    # G1: 2 in the first week; G2: 1 in the second.
    assert report.family_weekly.mean == 1.5
    assert report.family_weekly.max == 2
    # At once: S1's two nudges in the first week; the daily message: S2's in the second.
    assert (report.urgent, report.daily, report.forwards) == (2, 1, 2)
    assert (report.urgent_weekly.mean, report.urgent_weekly.max) == (0.5, 2)
    assert (report.daily_weekly.mean, report.daily_weekly.max) == (0.25, 1)
    assert report.duplicates == 1
    assert report.pupil_days_repeated == 1
    assert report.pupil_days_repeated_forwards == 1
    assert "5 of 9 (55.6%)" in report.lines()[0]


def test_an_empty_replay_has_no_load() -> None:
    report = load_report([])
    assert report.messages == 0
    assert report.coordinator_share == 0.0
    assert report.coordinator_weekly.max == 0

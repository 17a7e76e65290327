"""One message per pupil per day for the spilfiguur (issue 14): merging, signals that fire
when they mean something, reminders that say what they remind of (pure: no database)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC

import pytest

from bot.engine.attention import is_gathered
from bot.engine.episodes import Mark
from bot.engine.facts import CLB_INVOLVED, PupilFacts, ReplyFacts, SentFacts
from bot.outbox.records import PlannedOutreach
from bot.rules import Rules
from tests.helpers.engine import day, marks, whole_days
from tests.helpers.planner import local, plan, pupil, reply, rows, staff

C1 = staff("C", 1)
EPISODE = "2026-11-16-am"
MONDAYS = "10-19 11-09 11-16"
"""Three Mondays within six weeks: a weekday pattern on 11-16."""


def coordinator(planned: Sequence[PlannedOutreach]) -> list[PlannedOutreach]:
    return [item for item in planned if item.kind == "coordinator_nudge"]


def weekdays(planned: Sequence[PlannedOutreach]) -> list[PlannedOutreach]:
    """The nudges about the weekday pattern (a fourth Monday is a short-absences signal, too)."""
    return [
        item for item in coordinator(planned) if item.payload.get("signal") == "weekday_pattern"
    ]


def said(item: PlannedOutreach) -> list[str]:
    """Every reason one row says: its own, then the lines it carries."""
    return [item.payload["reason"], *(line["reason"] for line in item.payload.get("also", ()))]


def messages(planned: Sequence[PlannedOutreach]) -> list[tuple[str, str, list[str]]]:
    """``(due "MM-DD HH:MM", "alone" or "gathered", reasons)`` per coordinator row."""
    return [
        (
            rows([item])[0][2],
            "gathered" if is_gathered(item.kind, item.payload) else "alone",
            said(item),
        )
        for item in coordinator(planned)
    ]


def sent(item: PlannedOutreach, at: str | None = None, **changes: object) -> SentFacts:
    """``item`` as it went out (at its due time unless ``at``)."""
    fact = SentFacts(
        key=item.idempotency_key,
        kind=item.kind,
        recipient_role=item.recipient_role,
        recipient_id=item.recipient_id,
        sent_at=(local(at) if at else item.due_at).astimezone(UTC),
        date=day(item.payload["date"][5:]) if "date" in item.payload else None,
        reason=item.payload.get("reason"),
        signal=item.payload.get("signal"),
        count=item.payload.get("count"),
        covers=tuple(str(item.payload.get("covers", "")).split()),
    )
    return dataclasses.replace(fact, **changes)  # type: ignore[arg-type]


def with_sent(facts: PupilFacts, *items: SentFacts) -> PupilFacts:
    return dataclasses.replace(facts, sent=(*facts.sent, *items))


# --- 1. one message per pupil per day ------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "replies", "now", "expected"),
    [
        # The CLB threshold and the pattern of the same morning: one message, the CLB first.
        (
            whole_days(MONDAYS, "B"),
            (),
            "11-16 23:00",
            [("11-16 10:30", "alone", ["clb_threshold", "pattern"])],
        ),
        # The pattern alone (justified days): not urgent, gathered for the daily message.
        (whole_days(MONDAYS, "Z"), (), "11-16 23:00", [("11-16 10:30", "gathered", ["pattern"])]),
        # A pupil who asks to talk in the afternoon: at once, and the morning's pattern stays
        # in the daily message (it went before the urgent one was known).
        (
            whole_days(MONDAYS, "Z"),
            (reply("11-16 14:00", "pupil", "want_to_talk", None),),
            "11-16 23:00",
            [
                ("11-16 10:30", "gathered", ["pattern"]),
                ("11-16 14:00", "alone", ["asks_to_talk"]),
            ],
        ),
        # An urgent answer before the daily message takes the day's other reasons along.
        (
            whole_days(MONDAYS, "Z"),
            (reply("11-16 09:00", "pupil", "want_to_talk", None),),
            "11-16 23:00",
            [("11-16 09:00", "alone", ["asks_to_talk", "pattern"])],
        ),
    ],
)
def test_one_message_per_pupil_per_day(
    spec: list[Mark],
    replies: tuple[ReplyFacts, ...],
    now: str,
    expected: list[tuple[str, str, list[str]]],
) -> None:
    facts = pupil(spec, spilfiguur=C1, replies=replies)
    assert messages(plan(facts, now)) == expected


def test_a_reason_said_in_another_message_is_not_said_again() -> None:
    facts = pupil(whole_days(MONDAYS, "B"), spilfiguur=C1)
    [merged] = coordinator(plan(facts, "11-16 23:00"))
    later = with_sent(facts, sent(merged))
    # The pattern the CLB message said is covered: it is neither gathered nor sent alone (the
    # CLB row is proposed again as it is; the outbox keeps the one that went).
    assert messages(plan(later, "11-16 23:00")) == [("11-16 10:30", "alone", ["clb_threshold"])]


def test_a_reason_that_comes_after_its_message_went_goes_alone() -> None:
    """Nothing is lost to merging: a nudge that would have joined a message that already went
    (a fact known late, for the same instant) is not folded into it."""
    facts = pupil(whole_days(MONDAYS, "B"), spilfiguur=C1)
    [merged] = coordinator(plan(facts, "11-16 23:00"))
    clb_alone = dataclasses.replace(sent(merged), covers=())  # it went before the pattern was known
    planned = plan(with_sent(facts, clb_alone), "11-16 23:00")
    assert messages(planned) == [
        ("11-16 10:30", "alone", ["clb_threshold"]),  # proposed as it went
        ("11-16 10:30", "gathered", ["pattern"]),
    ]


# --- the acceptance: urgent reasons reach the spilfiguur the same school day ----------------


@pytest.mark.parametrize(
    ("spec", "replies", "reason", "on"),
    [
        (whole_days("11-13 11-16 11-17", "B"), (), "clb_threshold", "11-17"),
        (whole_days(MONDAYS, "B"), (), "clb_threshold", "11-16"),
        (
            whole_days(MONDAYS, "B"),
            (reply("11-16 10:30", "pupil", "want_to_talk", None),),
            "asks_to_talk",
            "11-16",
        ),
        (
            whole_days(MONDAYS, "B"),
            (reply("11-16 10:30", "pupil", "want_to_talk", None),),
            "clb_threshold",
            "11-16",
        ),
        (
            whole_days("11-16"),
            (reply("11-16 16:00", "pupil", "want_to_talk", None),),
            "asks_to_talk",
            "11-16",
        ),
        (
            whole_days("11-16"),
            (reply("11-16 12:00", "guardian", "want_a_call", EPISODE),),
            "asks_to_talk",
            "11-16",
        ),
        (
            marks("11-16 am B"),
            (reply("11-16 10:45", "pupil", "want_to_talk", "2026-11-16-am"),),
            "held_notice",
            "11-16",
        ),
    ],
)
def test_urgent_reasons_reach_the_spilfiguur_the_same_school_day(
    spec: list[Mark], replies: tuple[ReplyFacts, ...], reason: str, on: str
) -> None:
    planned = plan(pupil(spec, spilfiguur=C1, replies=replies), f"{on} 23:00")
    alone = [
        item
        for item in coordinator(planned)
        if not is_gathered(item.kind, item.payload) and reason in said(item)
    ]
    assert [rows([item])[0][2][:5] for item in alone] == [on]


# --- 2. signals that fire when they mean something -----------------------------------------


def test_a_pattern_told_is_not_raised_again_by_the_next_absence() -> None:
    facts = pupil(whole_days(MONDAYS, "Z"), spilfiguur=C1)
    [first] = coordinator(plan(facts, "11-16 23:00"))
    assert first.payload["dates"] == ["2026-10-19", "2026-11-09", "2026-11-16"]
    told = with_sent(facts, sent(first))
    # A fourth Monday a week later: the pattern is reached again on another day, and the
    # coordinator was told of it a week ago: an update, since there are more dates now.
    fourth = dataclasses.replace(told, marks=(*told.marks, *whole_days("11-23", "Z")))
    [update] = weekdays(plan(fourth, "11-23 23:00"))
    assert (update.payload["update"], update.payload["count"]) == (True, 4)
    assert is_gathered(update.kind, update.payload)
    # Not worse (the same three Mondays seen again on another day): nothing.
    same = with_sent(facts, sent(first, count=5))
    assert weekdays(plan(dataclasses.replace(same, marks=fourth.marks), "11-23 23:00")) == []


def test_an_update_comes_at_most_once_a_week() -> None:
    facts = pupil(whole_days(MONDAYS, "Z"), spilfiguur=C1)
    [first] = coordinator(plan(facts, "11-16 23:00"))
    # Told on Friday 11-20 (it was snoozed and came back): a Monday three days later is not
    # a week after, so no update yet.
    told = with_sent(facts, sent(first, at="11-20 10:30"))
    fourth = dataclasses.replace(told, marks=(*told.marks, *whole_days("11-23", "Z")))
    assert weekdays(plan(fourth, "11-23 23:00")) == []


def test_no_nudge_before_that_days_first_feed_import() -> None:
    """The third Monday was entered ahead (a feed of the week before): at 08:00 on that
    Monday the marks are there, its own feed is not. The pattern waits for the feed."""
    facts = pupil(whole_days(MONDAYS, "Z"), spilfiguur=C1)
    feed = {"11-16": "11-16 09:15"}
    assert coordinator(plan(facts, "11-16 08:00", feeds_at=feed)) == []
    assert messages(plan(facts, "11-16 09:30", feeds_at=feed)) == [
        ("11-16 10:30", "gathered", ["pattern"])
    ]


@pytest.mark.parametrize(
    ("code", "landed", "expected"),
    [
        # Not urgent: a feed after the daily message went waits for the next day's.
        ("Z", "11-16 18:00", [("11-17 10:30", "gathered", ["pattern"])]),
        ("Z", "11-16 10:29", [("11-16 10:30", "gathered", ["pattern"])]),
        # Urgent: when the feed came, the same school day ...
        ("B", "11-16 18:00", [("11-16 18:00", "alone", ["clb_threshold", "pattern"])]),
        # ... or, after the sending hours, at the first moment of the next, never before
        # the feed it is about.
        ("B", "11-16 21:00", [("11-17 08:00", "alone", ["clb_threshold", "pattern"])]),
    ],
)
def test_a_nudge_about_a_day_is_due_once_that_days_feed_landed(
    code: str, landed: str, expected: list[tuple[str, str, list[str]]]
) -> None:
    facts = pupil(whole_days(MONDAYS, code), spilfiguur=C1)
    assert messages(plan(facts, "11-17 07:00", feeds_at={"11-16": landed})) == expected


def test_a_reason_of_friday_evening_is_still_planned_for_mondays_daily_message() -> None:
    """Planned on Friday for Monday's daily message, it must still be proposed on Monday
    morning: a row proposed no more is withdrawn, and the reason would be lost."""
    facts = pupil(whole_days("10-16 11-13 11-20", "Z"), spilfiguur=C1)  # three Fridays
    feed = {"11-20": "11-20 18:00"}
    for now in ("11-20 23:00", "11-23 09:00", "11-23 10:30"):
        assert messages(plan(facts, now, feeds_at=feed)) == [
            ("11-23 10:30", "gathered", ["pattern"])
        ], now


# --- 3. reminders that say what they remind of ---------------------------------------------


def test_a_reminder_names_its_nudge_and_since_when() -> None:
    facts = pupil(whole_days(MONDAYS, "Z"), spilfiguur=C1)
    [first] = coordinator(plan(facts, "11-16 23:00"))
    told = with_sent(facts, sent(first))
    [reminder] = coordinator(plan(told, "11-18 23:00"))
    assert {k: reminder.payload[k] for k in ("reason", "about", "signal", "count", "since")} == {
        "reason": "unacknowledged",
        "about": "pattern",
        "signal": "weekday_pattern",
        "count": 3,
        "since": "2026-11-16",
    }
    assert rows([reminder]) == [("coordinator_nudge", "C1", "11-18 10:30")]
    assert is_gathered(reminder.kind, reminder.payload)


def test_reminders_up_to_the_configured_number_and_never_two_a_day() -> None:
    facts = pupil(whole_days(MONDAYS, "Z"), spilfiguur=C1)
    [first] = coordinator(plan(facts, "11-16 23:00"))
    told = with_sent(facts, sent(first))
    rules = Rules.default().model_copy(
        update={"coordinator": Rules.default().coordinator.model_copy(update={"max_reminders": 2})}
    )
    days = set()
    for when in ("11-18", "11-19", "11-20", "11-23", "11-24"):
        found = coordinator(plan(told, f"{when} 23:00", rules))
        assert len(found) <= 1  # never two reminders of one case on one day
        days |= {rows([item])[0][2] for item in found}
    assert days == {"11-18 10:30", "11-20 10:30"}  # two, each two school days apart
    default = [coordinator(plan(told, f"{when} 23:00")) for when in ("11-20", "11-23")]
    assert default == [[], []]  # one by default


def test_clb_involved_closes_the_threshold_case_for_the_school_year() -> None:
    facts = pupil(whole_days("11-13 11-16 11-17", "B"), spilfiguur=C1)
    [clb] = coordinator(plan(facts, "11-17 23:00"))
    assert clb.payload["reason"] == "clb_threshold"
    decided = dataclasses.replace(
        with_sent(facts, sent(clb)),
        replies=(reply("11-17 11:00", "coordinator", CLB_INVOLVED, None),),
    )
    assert [said(item) for item in coordinator(plan(decided, "11-19 23:00"))] == []
    # Said before the threshold was reached (from another message): no CLB nudge at all.
    early = dataclasses.replace(
        facts, replies=(reply("11-13 11:00", "coordinator", CLB_INVOLVED, None),)
    )
    assert coordinator(plan(early, "11-17 23:00")) == []

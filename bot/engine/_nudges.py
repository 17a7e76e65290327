"""``coordinator_nudge``: the spilfiguur hears of what needs a person (docs/domain.md, 6 and 8).

Every nudge goes to ``pupil.spilfiguur`` (none without one, or without a channel), with its
reason in ``payload["reason"]``. The coordinator is staff: the delivery window applies, pauses
do not (the coordinator keeps the overview of a paused pupil, too).

- ``clb_threshold``: once per school year (keyed on it), on the day the count of problematic
  half-days reaches ``nudges.problematic_half_days``, at ``pupil.checkin_at``, when the feed of
  the morning has settled. The law counts every B, whatever the code switches say.
- ``absent_half_days``: once per school year, on the day the pupil's absent half-days of any
  code that counts for the coordinator (justified ones too; not A) reach
  ``nudges.absent_half_days`` (``false`` turns it off), at ``pupil.checkin_at``: much missed
  school weighs, whatever the reason.
- ``asks_to_talk``: one per ``want_to_talk`` answer of the pupil or ``want_a_call`` answer of a
  guardian, due when it came (or the next allowed moment), keyed on the answer's instant. A
  guardian's call says that a parent asked, not the pupil, so that the spilfiguur phones the
  parent rather than writing to the child: ``payload["variant"] = "parent_call"`` with their
  name in ``payload["person"]`` and the roster's relation in ``payload["relation"]``
  (``parent_call_no_relation`` without a relation, ``parent_call_unnamed`` when the guardian is
  not in the roster any more). A guardian whose language is not Dutch was told an interpreter
  can be arranged: their nudge has ``payload["variant"] = "call_interpreter"`` and their
  language in ``payload["language"]``. No phone number travels: the school's records hold it.
  When the pupil's answer holds the guardian notice, the nudge about the held notice
  (:mod:`bot.engine._notice_holds`) says it instead, with the buttons to decide.
- ``informed_school`` and ``did_not_know``: the same, for a guardian who says the school was
  told already (check the register) or who did not know of the absence (call them the same
  day).
- ``no_answer``: for an unexplained episode whose codes allow coordinator nudges,
  ``nudges.no_answer_after_school_days`` school days (of the calendar) after the day of the first
  pupil or guardian step planned for it, at ``pupil.checkin_at``, when no pupil or guardian
  answered about the episode before then and the pupil was not seen back before that day. An
  episode nobody was asked about (a pause, no channel) gets none: the digest shows it.
- ``pattern``: each enabled pattern signal (``weekday_pattern``, ``after_holiday``,
  ``frequent_short``) that fires, keyed on its kind and the date it was reached, at
  ``pupil.checkin_at`` on that date; ``payload["signal"]`` names it, ``payload["dates"]`` and
  ``payload["count"]`` say what was seen. Only episodes with a code that counts for the
  coordinator (not A) take part. Once the coordinator heard of a signal this school year (open,
  seen or snoozed), the next absence does not raise it again: it comes back only as an update
  (``payload["update"]``), when it has more dates than they were told of and a week after they
  last heard of it, about the day it got worse.

- ``unreachable``: once per person around the pupil (the pupil, a guardian) and channel on
  which their contact ended (:class:`~bot.engine.facts.UnreachableFacts`: the Telegram bot
  blocked, an e-mail address bounced, or the person unsubscribed), per day it happened, due
  then (or the next allowed moment): without it, the family's messages on that channel would
  stop without anyone knowing. The ended contact is not among the person's channels any more,
  so the planner already reaches them on their next contact, or plans around them. None when
  the person is reached on that channel again meanwhile (linked a chat anew). The payload says
  the ``channel`` and the ``cause`` (``blocked``, ``bounced``, ``unsubscribed``); a pupil's
  nudge has ``payload["variant"] = "unreachable_pupil"`` (its own text).

- ``unacknowledged``: for a nudge that went out and that nobody marked as seen, up to
  ``coordinator.max_reminders`` times, each ``coordinator.reminder_after_school_days`` school
  days after the one before (the first after the day it was sent), at ``pupil.checkin_at``, to
  the same coordinator while they are still the pupil's spilfiguur; never two on one day (the
  latest that has come is the one). Its payload says what it reminds of (``about``, the
  nudge's variant in ``about_variant``, a pattern's ``signal`` and ``count``) and since when
  (``since``). A reminder is not reminded of
  again; a CLB-threshold nudge is not reminded of once the spilfiguur said the CLB is involved.

The CLB threshold, many absent half-days and patterns are about what a day's absences add up
to: none is due before the first import of that day's feed has landed (a feed that comes after
check-in time makes them due when it came), and none is planned while it has not.

Which of these go at once and which wait for the coordinator's daily message is decided after
(:mod:`bot.engine.attention`).

Nudges that are not about one episode are planned from the day they are about until the day
they expire, so a tick that runs a little late still plans them, and an old one is not planned
again every day of the year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from bot.domain import OutreachKind
from bot.engine import signals
from bot.engine.attention import URGENT, digest_due, reason_of
from bot.engine.episodes import Episode, year_counts
from bot.engine.facts import CLB_INVOLVED, Answer, ReplyFacts, SenderRole
from bot.outbox.records import PlannedOutreach
from scheduler.calendar import SchoolCalendar, SchoolYear

if TYPE_CHECKING:
    from bot.engine.planner import Recipient, _Planner

__all__ = ["no_answer_nudge", "nudge_reminders", "pupil_nudges"]

KIND = OutreachKind.COORDINATOR_NUDGE
_SLOT = attrgetter("date", "half_day")
_WEEK = dt.timedelta(days=7)
_ANSWERED: dict[tuple[str, str], str] = {
    (SenderRole.PUPIL, Answer.WANT_TO_TALK): "asks_to_talk",
    (SenderRole.GUARDIAN, Answer.WANT_A_CALL): "asks_to_talk",
    (SenderRole.GUARDIAN, Answer.INFORMED_SCHOOL): "informed_school",
    (SenderRole.GUARDIAN, Answer.DID_NOT_KNOW): "did_not_know",
}
"""The answers the spilfiguur hears of at once, and the nudge's reason."""


def pupil_nudges(plan: _Planner, every: Sequence[Episode]) -> list[PlannedOutreach]:
    """The nudges about the pupil as a whole: CLB threshold, asks to talk, patterns."""
    coordinator = _coordinator(plan)
    if coordinator is None:
        return []
    found = [
        *_clb(plan, coordinator),
        *_absent_half_days(plan, coordinator),
        *_answered(plan, coordinator),
        *_unreachable(plan, coordinator),
    ]
    known = _known(every, plan.today)
    counted = [episode for episode in known if _counts(plan, episode)]
    for signal in _patterns(plan, counted):
        found += _pattern(plan, coordinator, signal)
    return found


def _pattern(
    plan: _Planner, coordinator: Recipient, signal: signals.Signal
) -> list[PlannedOutreach]:
    """The nudge of a pattern signal; once the coordinator heard of that signal this school
    year, only an update, when it got worse (more dates than they were told of) and a week
    after they last heard of it, about the day it got worse."""
    scope = f"{signal.kind}-{signal.reached_on.isoformat()}"
    payload = {
        **_signal_payload("pattern", signal),
        "missed_half_days": plan.missed_half_days(signal.reached_on),
        "count": len(signal.dates),
        "weeks": _weeks(plan, signal),
    }
    year = plan.window.calendar.school_year_of(plan.today)
    told = [
        sent
        for sent in plan.pupil.sent
        if sent.kind == KIND
        and sent.signal == signal.kind
        and year.span_start <= sent.sent_at.astimezone(plan.window.tz).date()
    ]
    key = plan.key(scope, f"{KIND}:pattern", coordinator.role, coordinator.person_id)
    due = _after_feed(plan, signal.reached_on)
    first = [] if due is None else _nudge(plan, scope, "pattern", coordinator, due, payload)
    if not told:
        return first
    # The first one, if it is this one, is proposed as it went (the outbox keeps it).
    found = first if any(sent.key == key for sent in told) else []
    last = max(told, key=lambda sent: sent.sent_at)
    worse = signal.dates[-1]
    if len(signal.dates) <= max(sent.count or 0 for sent in told):
        return found
    if worse < last.sent_at.astimezone(plan.window.tz).date() + _WEEK:
        return found
    update = {**payload, "update": True, "date": worse.isoformat()}
    due = _after_feed(plan, worse)
    if due is None:
        return found
    scope = f"{signal.kind}-update-{worse.isoformat()}"
    return [*found, *_nudge(plan, scope, "pattern", coordinator, due, update)]


def _weeks(plan: _Planner, signal: signals.Signal) -> int:
    """The window the pattern was seen in, for its line ("on six weeks")."""
    patterns = plan.rules.nudges.patterns
    if signal.kind == signals.SignalKind.WEEKDAY_PATTERN and patterns.same_weekday:
        return patterns.same_weekday.within_weeks
    if signal.kind == signals.SignalKind.FREQUENT_SHORT and patterns.short_absences:
        return patterns.short_absences.within_weeks
    return 0


def no_answer_nudge(
    plan: _Planner, episode: Episode, steps: Sequence[PlannedOutreach]
) -> list[PlannedOutreach]:
    """The nudge when nobody answered after the first pupil or guardian step of ``episode``."""
    coordinator = _coordinator(plan)
    asked = [item.due_at for item in steps if item.recipient_role in ("pupil", "guardian")]
    if coordinator is None or not asked or not episode.is_unexplained:
        return []
    calendar = plan.window.calendar
    first_asked = min(asked).astimezone(plan.window.tz).date()
    day = calendar.school_day_after(first_asked, plan.rules.nudges.no_answer_after_school_days)
    if day > plan.today or not plan.codes_allow(episode, day, "coordinator"):
        return []
    if episode.returned is not None and episode.returned.date < day:
        return []
    due = plan.window.next_allowed(plan.checkin_time(day))
    if plan.replies_before(episode, due):
        return []
    reason = {
        "reason": "no_answer",
        "date": episode.start.isoformat(),  # "since the absence on {date}"
        "nudge_day": day.isoformat(),
        "days_without_answer": plan.rules.nudges.no_answer_after_school_days,
    }
    return [
        plan.outreach(episode, KIND, coordinator, due=due, payload=reason, step=f"{KIND}:no_answer")
    ]


def nudge_reminders(plan: _Planner) -> list[PlannedOutreach]:
    """A reminder of each nudge sent to the pupil's coordinator that nobody acknowledged."""
    coordinator = _coordinator(plan)
    if coordinator is None:
        return []
    calendar, rules = plan.window.calendar, plan.rules.coordinator
    after, tz = rules.reminder_after_school_days, plan.window.tz
    closed = _clb_closed(plan)
    found: list[PlannedOutreach] = []
    for sent in plan.pupil.sent:
        if sent.kind != KIND or sent.acknowledged or sent.reason == "unacknowledged":
            continue
        if sent.recipient_id != coordinator.id or (sent.reason == "clb_threshold" and closed):
            continue
        days: list[tuple[dt.date, str]] = []
        day = sent.sent_at.astimezone(tz).date()
        for number in range(1, rules.max_reminders + 1):
            day = calendar.school_day_after(day, after)
            days.append((day, "reminder" if number == 1 else f"reminder-{number}"))
        if sent.snoozed_until is not None and days and sent.snoozed_until > days[0][0]:
            # A reminder sent before the snooze stays sent; the snoozed one is a step of its own.
            days = [(sent.snoozed_until, f"reminder:{sent.snoozed_until.isoformat()}")]
        # Never two reminders of one case on one day: the latest that has come is the one.
        due_days = [(day, step) for day, step in days if day <= plan.today]
        if not due_days:
            continue
        day, step = due_days[-1]
        due = plan.window.next_allowed(plan.checkin_time(day))
        payload: dict[str, Any] = {
            "reason": "unacknowledged",
            "date": (sent.date or day).isoformat(),
            "nudge": sent.key,
            "reminder_day": day.isoformat(),
            "since": sent.sent_at.astimezone(tz).date().isoformat(),
            "about": sent.reason or "",
        }
        if sent.signal:
            payload |= {"signal": sent.signal, "count": sent.count or 0}
        if sent.variant:
            # Not ``variant``: that would pick the reminded nudge's own text for the reminder.
            payload["about_variant"] = sent.variant
        found += _nudge(plan, sent.key, step, coordinator, due, payload, about=day)
    return found


def _clb_closed(plan: _Planner) -> bool:
    """Whether the spilfiguur said this school year that the CLB is involved already."""
    year = plan.window.calendar.school_year_of(plan.today)
    return any(
        reply.sender_role == SenderRole.COORDINATOR
        and reply.answer == CLB_INVOLVED
        and year.span_start <= reply.at.astimezone(plan.window.tz).date() <= plan.today
        for reply in plan.pupil.replies
    )


def _clb(plan: _Planner, coordinator: Recipient) -> list[PlannedOutreach]:
    year = plan.window.calendar.school_year_of(plan.today)
    known = (mark for mark in plan.pupil.marks if mark.date <= plan.today)
    counts = year_counts(known, year)
    signal = signals.clb_threshold(counts, threshold=plan.rules.nudges.problematic_half_days)
    if signal is None or (_clb_closed(plan) and not _told(plan, "clb_threshold", year)):
        return []
    due = _after_feed(plan, signal.reached_on)
    if due is None:
        return []
    payload = {
        **_signal_payload("clb_threshold", signal),
        "problematic": counts.problematic,
        "missed_half_days": counts.problematic,  # the text counts the B half-days
    }
    return _nudge(plan, str(year), "clb_threshold", coordinator, due, payload)


def _absent_half_days(plan: _Planner, coordinator: Recipient) -> list[PlannedOutreach]:
    threshold = plan.rules.nudges.absent_half_days
    if threshold is None:
        return []
    year, today = plan.window.calendar.school_year_of(plan.today), plan.today
    marks = plan.pupil.marks
    counts = {code: plan.rules.code(code).coordinator for code in {mark.code for mark in marks}}
    counted = [
        mark for mark in marks if year.span_start <= mark.date <= today and counts[mark.code]
    ]
    if len(counted) < threshold:
        return []
    counted.sort(key=_SLOT)
    reached = counted[threshold - 1].date
    due = _after_feed(plan, reached)
    if due is None:
        return []
    payload = {
        "reason": "absent_half_days",
        "date": reached.isoformat(),
        "missed_half_days": len(counted),
        "threshold": threshold,
    }
    return _nudge(plan, str(year), "absent_half_days", coordinator, due, payload)


def _answered(plan: _Planner, coordinator: Recipient) -> list[PlannedOutreach]:
    found: list[PlannedOutreach] = []
    for reply in plan.pupil.replies:
        reason = _ANSWERED.get((reply.sender_role, reply.answer))
        if reason is None or reply.at.astimezone(plan.window.tz).date() > plan.today:
            continue
        due = plan.window.next_allowed(reply.at)
        instant = reply.at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        scope = f"{reply.episode_key or 'reply'}:{instant}-{reply.sender_role}"
        payload = {
            "reason": reason,
            "answer": reply.answer,
            "from": reply.sender_role,
            "date": reply.at.astimezone(plan.window.tz).date().isoformat(),
        }
        if reply.episode_key is not None:
            payload["episode"] = reply.episode_key
        payload["answered_at"] = instant
        payload |= _guardian_call(plan, reply)
        found += _nudge(plan, scope, reason, coordinator, due, payload)
    return found


def _guardian_call(plan: _Planner, reply: ReplyFacts) -> dict[str, str]:
    """For a call asked by a guardian: the variant of the nudge that names the parent who asked
    (the plain ``asks_to_talk`` speaks of the pupil), or, when their language is not Dutch, the
    one that names their language, so that an interpreter can be arranged."""
    if reply.sender_role != SenderRole.GUARDIAN or reply.answer != Answer.WANT_A_CALL:
        return {}
    sender = next((g for g in plan.pupil.guardians if g.guardian_id == reply.sender_id), None)
    if sender is None:
        return {"variant": "parent_call_unnamed"}
    if sender.language.replace("-", "_").split("_")[0].lower() not in ("", "nl"):
        return {"variant": "call_interpreter", "language": sender.language}
    if not sender.name:
        return {"variant": "parent_call_unnamed"}
    if not sender.relation:
        return {"variant": "parent_call_no_relation", "person": sender.name}
    return {"variant": "parent_call", "person": sender.name, "relation": sender.relation}


def _unreachable(plan: _Planner, coordinator: Recipient) -> list[PlannedOutreach]:
    pupil, tz = plan.pupil, plan.window.tz
    reached = {("guardian", g.guardian_id, g.channel) for g in pupil.guardians}
    reached.add(("pupil", pupil.pupil_id, pupil.channel))
    found: list[PlannedOutreach] = []
    seen: set[str] = set()
    for person in sorted(pupil.unreachable, key=lambda item: item.at):
        day = person.at.astimezone(tz).date()
        # Telegram's keys stay as they were before other channels, so that an upgrade does not
        # tell of the same block twice.
        on = "" if person.channel == "telegram" else f"{person.channel}-"
        scope = f"unreachable-{person.role}-{person.person_id}-{on}{day.isoformat()}"
        if scope in seen or (person.role, person.person_id, person.channel) in reached:
            continue
        seen.add(scope)
        payload: dict[str, Any] = {
            "reason": "unreachable",
            "date": day.isoformat(),
            "person": person.name,
            "relation": person.relation or "",
            "channel": person.channel,
            "cause": person.cause,
        }
        if person.role == "pupil":
            payload["variant"] = "unreachable_pupil"
        due = plan.window.next_allowed(person.at)
        found += _nudge(plan, scope, "unreachable", coordinator, due, payload)
    return found


def _patterns(plan: _Planner, known: Sequence[Episode]) -> list[signals.Signal]:
    settings, today = plan.rules.nudges.patterns, plan.today
    found: list[signals.Signal | None] = []
    if (weekday := settings.same_weekday) is not None:
        found.append(
            signals.weekday_pattern(
                known,
                today,
                times=weekday.times,
                weeks=weekday.within_weeks,
                max_days=weekday.max_school_days,
            )
        )
    if (holiday := settings.after_holiday) is not None:
        year = plan.window.calendar.school_year_of(today)
        first_days = _first_days(plan.window.calendar, year, holiday.min_closed_days)
        found.append(signals.after_holiday(known, first_days, times=holiday.times))
    if (short := settings.short_absences) is not None:
        found.append(
            signals.frequent_short(
                known,
                today,
                count=short.episodes,
                max_days=short.max_school_days,
                weeks=short.within_weeks,
            )
        )
    return [signal for signal in found if signal is not None]


def _nudge(
    plan: _Planner,
    scope: str,
    reason: str,
    coordinator: Recipient,
    due: dt.datetime,
    payload: dict[str, Any],
    *,
    about: dt.date | None = None,
) -> list[PlannedOutreach]:
    """A nudge not tied to one episode, while its day (``about``, else the payload's date) has
    come and it has not expired: one that waits for a daily message (on Monday, for a feed of
    Friday evening) is planned until that message's moment expires."""
    if about is None:
        about = dt.date.fromisoformat(payload["date"]) if "date" in payload else plan.today
    goes = due if reason_of(payload) in URGENT else digest_due(plan, due)
    expires = plan.window.expiry(goes).astimezone(plan.window.tz).date()
    if not about <= plan.today <= expires:
        return []
    return [
        plan.outreach(scope, KIND, coordinator, due=due, payload=payload, step=f"{KIND}:{reason}")
    ]


def _after_feed(plan: _Planner, day: dt.date) -> dt.datetime | None:
    """When a nudge about what ``day``'s absences add up to is due: at check-in time, once
    that day's feed is in (:meth:`~bot.engine.planner._Planner.after_feed`); None before."""
    return plan.after_feed(day, plan.window.next_allowed(plan.checkin_time(day)))


def _signal_payload(reason: str, signal: signals.Signal) -> dict[str, Any]:
    return {
        "reason": reason,
        "signal": str(signal.kind),
        "date": signal.reached_on.isoformat(),
        "dates": [day.isoformat() for day in signal.dates],
        "detail": signal.reason,
    }


def _told(plan: _Planner, reason: str, year: SchoolYear) -> bool:
    """Whether a nudge for ``reason`` went out in ``year`` (it is proposed as it was)."""
    tz = plan.window.tz
    return any(
        sent.kind == KIND
        and sent.reason == reason
        and year.span_start <= sent.sent_at.astimezone(tz).date() <= year.span_end
        for sent in plan.pupil.sent
    )


def _coordinator(plan: _Planner) -> Recipient | None:
    spilfiguur = plan.pupil.spilfiguur
    return None if spilfiguur is None else plan.staff("coordinator", spilfiguur)


def _known(every: Sequence[Episode], today: dt.date) -> list[Episode]:
    """The episodes as known today: marks entered ahead of their day left out."""
    known = []
    for episode in every:
        if episode.end <= today:
            known.append(episode)
        elif episode.start <= today:
            known.append(Episode(tuple(m for m in episode.marks if m.date <= today), None))
    return known


def _counts(plan: _Planner, episode: Episode) -> bool:
    return any(plan.rules.code(code).coordinator for code in episode.codes)


@lru_cache(maxsize=8)
def _first_days(calendar: SchoolCalendar, year: SchoolYear, closed: int) -> frozenset[dt.date]:
    return signals.first_days_back(calendar, year, min_closed_days=closed)

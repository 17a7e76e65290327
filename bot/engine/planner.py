"""The planner: from one pupil's facts, the outreach that is due (issue 3, "The ladder").

:func:`plan_pupil` is pure: the caller reads the facts, the rules and the instant, and stores
what comes back with :func:`bot.outbox.store.plan`. Every row carries an idempotency key per
(episode, step, recipient), so the same facts planned on every tick give the same rows and the
outbox keeps the first. Rows come back sorted by due time, then key.

This slice plans, per episode that is still going on (or ended today):

1. ``pupil_checkin`` at ``pupil.checkin_at`` on the episode's first day, for a pupil of at least
   ``pupil.min_age`` on that day with a reachable channel; for an episode that begins in the
   afternoon, not before ``pupil.afternoon_starts_at``.
2. ``guardian_notice`` for an unexplained episode (``Episode.is_unexplained``), about its first
   unexplained day: ``guardian.grace_period`` after the check-in actually went out (its
   ``sent_at`` among the facts; not before check-in time plus the grace period on that day), and
   not planned at all while it has not gone out; at check-in time when the pupil is too young or
   unreachable, or when the check-in ended without going out (failed, expired). A grace period
   that runs past the sending hours moves the notice to the next sending moment, never to the
   instant of the check-in.
3. ``guardian_care`` at check-in time on school day ``guardian.care_on_school_day`` of an
   episode whose codes all start the care ladder.

The second slice adds follow-up check-ins and notices (:mod:`bot.engine._followups`),
``teacher_welcome`` (:mod:`bot.engine._welcome`) and the coordinator's nudges
(:mod:`bot.engine._nudges`, with the reminders of nudges nobody acknowledged), settled into one
message per pupil per day or the coordinator's daily message (:mod:`bot.engine.attention`);
the third adds
apologies for notices and check-ins a correction proved wrong (:mod:`bot.engine._corrections`).
Each module states its own decisions. What is about the school rather than one pupil (the
coordinator's digest, the mass-absence hold) and the withdrawal of rows no longer called for are
the planner tick's (:mod:`bot.planning.tick`); caps and quiet hours at the moment of sending are
the dispatcher's gate (:mod:`bot.planning.gate`).

**The invariant that makes replay exact:** what :func:`plan_pupil` returns depends only on the
facts, the local date of ``now`` and the horizon; never on the time of day itself. A step
that is due at a time of day is planned ahead with that due time.

Decisions
---------
- **Keys.** ``{school}:{pupil}:{scope}:{step}:{role}:{person}`` (:meth:`_Planner.outreach`).
- **Codes.** A step goes only when every code marked up to the day it is about allows it
  (``rules.code(c)``): an exclusion (R) anywhere before that day silences the pupil and the
  guardian steps, a justified absence is never asked about.
- **Replies.** A pupil's ``sick``, ``rather_not_say`` or ``return:`` answer before the notice is
  due softens it (``payload["soft"]``). ``at_school``, the pupil's own words, ``not_good`` and
  ``want_to_talk`` hold it until the spilfiguur decides (:mod:`bot.engine._notice_holds`); a
  notice that goes after a call for help is always the gentle one, which never asks the parents
  to question the child. Any guardian answer tied to the episode before the notice is due
  (``informed_school`` too) stops the notices to every guardian of that episode. Answers after
  the due time change nothing, so a row planned earlier stays the same.
- **The count.** ``payload["missed_half_days"]`` is ``Counts.total`` of the school year, over
  the marks up to and including the day the notice is about: every missed half-day whatever
  its code (problematic, unknown and justified; below compulsory age, too, which no pupil of
  a check-in age has).
- **Which notice of the year.** ``payload["earlier_notices"]`` counts the notices this guardian
  was sent about the pupil earlier in the same school year (about a day before this episode,
  sent before this one is due). From the second on, the text proposes a conversation instead
  of repeating the first (``guardian_notice.repeat``), and the tip is not given again.
- **Care day.** School day *n* of an episode is its *n*-th date with a mark (a day without a
  feed in between is not counted).
- **Guardians.** Only those who may be contacted about the pupil on the day in question
  (:func:`bot.consent.guardian_consent`: ``may_contact`` in the roster, not on the rules file's
  do-not-contact list, for a pupil of 18 or older only with the pupil's consent), with a channel.
- **Pauses.** A pause on the day a step is about or on the day it is due silences it.
- **Window.** A due time outside the delivery window moves to the next allowed moment
  (:meth:`Window.next_allowed`): ``not_before`` the same day when too early, else
  ``not_before`` on the next school day on an allowed weekday. ``expires_at`` is the due time
  plus ``delivery.expire_after``; a row planned late (a feed that came days late) is planned
  anyway and expired by the outbox, never sent days late.
- **Feeds.** A coordinator's nudge about what a day's absences add up to waits for the first
  import of that day's feed (``feed_arrived``, :meth:`_Planner.after_feed`).
- **What is known.** Nothing is planned about a day after today (a mark entered ahead of time
  waits for its day), and nothing for an episode whose pupil was seen back before today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from bot.consent import ADULT_AGE, guardian_consent
from bot.domain import CONTACT_MOMENTS, CodeClass, HalfDay, OutreachKind, Role, code_class
from bot.engine._corrections import guardian_corrections, pupil_corrections
from bot.engine._digest import plan_digests, resend_refused
from bot.engine._followups import guardian_followups, pupil_followups
from bot.engine._notice_holds import (
    SEND,
    Hold,
    asks_for_help,
    held_notice_nudge,
    notice_hold,
    told_already,
)
from bot.engine._nudges import no_answer_nudge, nudge_reminders, pupil_nudges
from bot.engine._welcome import teacher_welcome
from bot.engine.attention import one_message_a_day
from bot.engine.episodes import Episode, Slot, episodes, year_counts
from bot.engine.facts import Answer, PupilFacts, ReplyFacts, SenderRole, StaffFacts
from bot.engine.window import Window
from bot.outbox.records import PlannedOutreach
from bot.rules import Ladder, Rules
from scheduler.calendar import SchoolCalendar

__all__ = [
    "ADULT_AGE",
    "SOFTENING_ANSWERS",
    "plan_digests",  # the coordinator's daily digest, planned by the tick once a day
    "plan_episodes",
    "plan_pupil",
    "resend_refused",  # a daily digest refused on one channel, again on the next
]

SOFTENING_ANSWERS = frozenset({Answer.SICK, Answer.RATHER_NOT_SAY})
"""Pupil answers that soften the guardian notice (``return:`` answers do, too)."""

_UNEXPLAINED = frozenset({CodeClass.PROBLEMATIC, CodeClass.UNKNOWN})
_Step = Literal["pupil_checkin", "guardian", "teacher_welcome", "coordinator"]


class Recipient(NamedTuple):
    """Who gets a row; ``person_id`` is the roster's id, the last part of the key."""

    role: str
    id: int
    person_id: str
    channel: str
    lang: str
    moment: str | None = None
    """A guardian's chosen part of the day (:data:`bot.domain.CONTACT_MOMENTS`)."""


def plan_pupil(
    pupil: PupilFacts,
    *,
    rules: Rules,
    calendar: SchoolCalendar,
    tz: dt.tzinfo,
    now: dt.datetime,
    feed_days: frozenset[dt.date],
    horizon: Slot | None,
    feed_arrived: Mapping[dt.date, dt.datetime] | None = None,
) -> list[PlannedOutreach]:
    """The outreach about ``pupil`` that the facts call for, as of ``now``.

    ``feed_days`` and ``horizon`` are those of :func:`bot.engine.episodes.episodes`; ``tz`` is
    the school's timezone; ``feed_arrived`` is when each day's feed first landed (see
    :meth:`_Planner.after_feed`). Due and expiry times are UTC instants.
    """
    every = episodes(pupil.marks, calendar, feed_days, horizon=horizon)
    return plan_episodes(
        pupil, every, rules=rules, calendar=calendar, tz=tz, now=now, feed_arrived=feed_arrived
    )


def plan_episodes(
    pupil: PupilFacts,
    every: Sequence[Episode],
    *,
    rules: Rules,
    calendar: SchoolCalendar,
    tz: dt.tzinfo,
    now: dt.datetime,
    feed_arrived: Mapping[dt.date, dt.datetime] | None = None,
) -> list[PlannedOutreach]:
    """:func:`plan_pupil` for the pupil's episodes worked out already: the feed days and the
    horizon reach the planner only through them (and ``feed_arrived``)."""
    window = Window(rules.delivery, calendar, tz)
    plan = _Planner(pupil, rules, window, now.astimezone(tz).date(), feed_arrived)
    found: list[PlannedOutreach] = []
    for episode in every:
        if episode.start > plan.today:
            continue
        if episode.returned is not None and episode.returned.date < plan.today:
            continue
        found += plan.episode(episode)
    found += pupil_nudges(plan, every)
    found += nudge_reminders(plan)
    found += guardian_corrections(plan)
    found += pupil_corrections(plan)
    found = one_message_a_day(plan, told_already(found))
    found.sort(key=lambda item: (item.due_at, item.idempotency_key))
    return found


@dataclass(frozen=True, slots=True)
class _Planner:
    pupil: PupilFacts
    rules: Rules
    window: Window
    today: dt.date
    feed_arrived: Mapping[dt.date, dt.datetime] | None = None
    """When each day's feed first landed; None: every feed counts as there from the start of
    its day (planner tests that do not model the imports)."""

    def after_feed(self, day: dt.date, due: dt.datetime) -> dt.datetime | None:
        """``due`` of a coordinator's nudge about what ``day``'s feed said, not before that
        feed first landed; None while it has not.

        What a day's absences add up to (a pattern, a threshold) is known once its feed is
        in, not at the day's check-in time: a feed that lands in the evening must not make
        a nudge due in the past (sent at once, or gathered into a daily message that went
        already), nor one at the next morning's first minute, before that day's feed.
        """
        if self.feed_arrived is None:
            return due
        arrived = self.feed_arrived.get(day)
        if arrived is None:
            return None
        return due if arrived <= due else self.window.next_allowed(arrived)

    def episode(self, episode: Episode) -> list[PlannedOutreach]:
        checkin = self.checkin(episode)
        found = [checkin] if checkin else []
        notices = self.notices(episode, checkin)
        found += notices
        found += self.care(episode)
        found += pupil_followups(self, episode)
        found += guardian_followups(self, episode, notices)
        found += teacher_welcome(self, episode)
        found += no_answer_nudge(self, episode, [*found, *notices])
        return found

    def checkin(self, episode: Episode) -> PlannedOutreach | None:
        pupil, day = self.pupil, episode.start
        if pupil.channel is None or pupil.age_on(day) < self.rules.pupil.min_age:
            return None
        if not self.codes_allow(episode, day, "pupil_checkin"):
            return None
        at = self.checkin_time(day)
        if episode.marks[0].half_day == HalfDay.PM:  # not before the afternoon began
            at = max(at, self.window.local(day, self.rules.pupil.afternoon_starts_at))
        due = self.window.next_allowed(at)
        if self.paused(day, due):
            return None
        return self.outreach(
            episode,
            OutreachKind.PUPIL_CHECKIN,
            Recipient(Role.PUPIL, pupil.id, pupil.pupil_id, pupil.channel, pupil.language),
            due=due,
            payload={"date": day.isoformat()},
        )

    def notices(self, episode: Episode, checkin: PlannedOutreach | None) -> list[PlannedOutreach]:
        if not episode.is_unexplained:
            return []
        day = next(mark.date for mark in episode.marks if code_class(mark.code) in _UNEXPLAINED)
        if day > self.today or not self.codes_allow(episode, day, "guardian"):
            return []
        at = self.notice_from(day, episode, checkin)
        if at is None:  # the check-in has not gone out yet: the grace period has not begun
            return []
        found: list[PlannedOutreach] = []
        holds: list[Hold] = []
        for guardian in self.guardians(day):
            due = self.due_for(guardian, self.window.next_allowed(at))
            replies = self.replies_before(episode, due)
            if any(r.sender_role == SenderRole.GUARDIAN for r in replies):
                continue
            hold = notice_hold(self, episode, replies)
            holds += [hold] if hold is not None else []  # paused or not: the nudge says it
            if self.paused(day, due):
                continue
            soft = self.softened(replies) or asks_for_help(replies)
            if hold is not None:
                if hold.decision is None or hold.decision.answer != SEND:
                    continue
                due, soft = max(due, self.window.next_allowed(hold.decision.at)), True
            payload = {
                "date": day.isoformat(),
                "missed_half_days": self.missed_half_days(day),
                "soft": soft,
                "earlier_notices": self.earlier_notices(guardian, episode, due),
            }
            found.append(
                self.outreach(
                    episode, OutreachKind.GUARDIAN_NOTICE, guardian, due=due, payload=payload
                )
            )
        if holds:
            found += held_notice_nudge(self, episode, day, min(holds, key=_held_since))
        return found

    def earlier_notices(self, guardian: Recipient, episode: Episode, due: dt.datetime) -> int:
        """The notices ``guardian`` was sent about the pupil this school year before ``due``,
        about days before ``episode``: its own rows never count, so a row planned again after
        it went out stays the same."""
        year = self.window.calendar.school_year_of(episode.start)
        return sum(
            1
            for sent in self.pupil.sent
            if sent.kind == OutreachKind.GUARDIAN_NOTICE
            and sent.recipient_role == Role.GUARDIAN
            and sent.recipient_id == guardian.id
            and sent.date is not None
            and year.span_start <= sent.date < episode.start
            and sent.sent_at < due
        )

    def notice_from(
        self, day: dt.date, episode: Episode, checkin: PlannedOutreach | None
    ) -> dt.datetime | None:
        """From when the notice about ``day`` may go: the grace period after the episode's
        check-in went out (even if it would not be planned now: a pause, a block since); at
        check-in time without a check-in, and from when it ended when it could not go out (an
        expired one would otherwise take the notice with it); None while it has not gone out
        yet."""
        pupil, at = self.pupil, self.checkin_time(day)
        key = self.key(
            episode.key, OutreachKind.PUPIL_CHECKIN, "pupil", pupil.pupil_id, pupil.channel
        )
        sent = next((s.sent_at for s in pupil.sent if s.key == key), None)
        if sent is not None:
            return max(at, sent) + self.rules.guardian.grace_period
        ended = next((when for undelivered, when in pupil.undelivered if undelivered == key), None)
        if ended is not None:
            return max(at, ended)
        return at if checkin is None else None

    def care(self, episode: Episode) -> list[PlannedOutreach]:
        school_day = self.rules.guardian.care_on_school_day
        if episode.is_unexplained or episode.school_days < school_day:
            return []
        day = episode.dates[school_day - 1]
        if day > self.today or not self.codes_allow(episode, day, "guardian"):
            return []
        codes = _codes_until(episode, day)
        if any(self.rules.ladder(code) is not Ladder.CARE for code in codes):
            return []
        base = self.window.next_allowed(self.checkin_time(day))
        payload = {"date": day.isoformat()}
        return [
            self.outreach(episode, OutreachKind.GUARDIAN_CARE, guardian, due=due, payload=payload)
            for guardian in self.guardians(day)
            if not self.paused(day, due := self.due_for(guardian, base))
        ]

    def guardians(self, day: dt.date) -> list[Recipient]:
        pupil = self.pupil
        age = pupil.age_on(day)
        return [
            Recipient(
                "guardian",
                guardian.id,
                guardian.guardian_id,
                channel,
                guardian.language,
                guardian.moment,
            )
            for guardian in pupil.guardians
            if (channel := guardian.channel) is not None
            and guardian_consent(
                self.rules,
                guardian_id=guardian.guardian_id,
                pupil_id=pupil.pupil_id,
                may_contact=guardian.may_contact,
                pupil_age=age,
                pupil_consent=pupil.guardian_consent,
            ).allows
        ]

    def due_for(self, recipient: Recipient, due: dt.datetime) -> dt.datetime:
        """``due``, moved into the part of the day a guardian chose (if any, and if still
        within the sending hours)."""
        if recipient.moment not in CONTACT_MOMENTS:
            return due
        return self.window.next_within(due, *CONTACT_MOMENTS[recipient.moment])

    def pupil_recipient(self) -> Recipient | None:
        pupil = self.pupil
        if pupil.channel is None:
            return None
        return Recipient(Role.PUPIL, pupil.id, pupil.pupil_id, pupil.channel, pupil.language)

    def staff(self, role: str, person: StaffFacts) -> Recipient | None:
        if person.channel is None:
            return None
        return Recipient(role, person.id, person.staff_id, person.channel, person.language)

    def replies_before(self, episode: Episode, due: dt.datetime) -> list[ReplyFacts]:
        """The answers about ``episode`` that came before a step due at ``due``."""
        return [reply for reply in self.pupil.replies if _answers(reply, episode, due)]

    @staticmethod
    def softened(replies: Iterable[ReplyFacts]) -> bool:
        return any(_softens(reply) for reply in replies)

    def codes_allow(self, episode: Episode, day: dt.date, step: _Step) -> bool:
        return all(bool(getattr(self.rules.code(c), step)) for c in _codes_until(episode, day))

    def paused(self, day: dt.date, due: dt.datetime) -> bool:
        due_day = due.astimezone(self.window.tz).date()
        return any(
            self.rules.is_paused(self.pupil.pupil_id, when)
            or any(first <= when <= last for first, last in self.pupil.pauses)
            for when in (day, due_day)
        )

    def checkin_time(self, day: dt.date) -> dt.datetime:
        return self.window.local(day, self.rules.pupil.checkin_at)

    def missed_half_days(self, day: dt.date) -> int:
        known = (mark for mark in self.pupil.marks if mark.date <= day)
        return year_counts(known, self.window.calendar.school_year_of(day)).total

    def name_for(self, recipient: Recipient) -> str:
        """The pupil's name in a message to ``recipient``: staff get the one that tells
        namesakes of one class apart; the pupil and the family, the first name."""
        pupil = self.pupil
        if recipient.role in (Role.TEACHER, Role.COORDINATOR) and pupil.name_for_staff:
            return pupil.name_for_staff
        return pupil.first_name

    def key(
        self, scope: str, step: str, role: str, person_id: str, channel: str | None = None
    ) -> str:
        """The idempotency key of the pupil's row for ``step`` to ``role`` ``person_id`` in
        ``scope`` (see :meth:`outreach`), on ``channel``.

        The key names no channel, so that a row stays the same row whoever's channel changes
        before it goes. Once a row failed for good on one channel (an e-mail that bounced, a
        blocked chat), the person is reached on their next contact, and the same step there
        is a row of its own, ``...:via-<channel>``: the outbox keeps the failed one as it
        ended, and the step is still taken."""
        pupil = self.pupil
        key = f"{pupil.school_id}:{pupil.pupil_id}:{scope}:{step}:{role}:{person_id}"
        if channel is not None and any(
            refused == key and on != channel for refused, on in pupil.refused
        ):
            return f"{key}:via-{channel}"
        return key

    def outreach(
        self,
        episode: Episode | str,
        kind: str,
        recipient: Recipient,
        *,
        due: dt.datetime,
        payload: Mapping[str, Any],
        step: str | None = None,
    ) -> PlannedOutreach:
        """A row keyed ``{school}:{pupil}:{scope}:{step}:{role}:{person}``: the scope is the
        episode's key (or a given one, for what is not about one episode), the step defaults to
        the kind. The school and the pupil make the key unique in the whole outbox: brothers and
        sisters absent on the same day have the same guardian and the same episode key."""
        scope = episode if isinstance(episode, str) else episode.key
        about = {} if isinstance(episode, str) else {"episode": episode.key}
        return PlannedOutreach(
            school_id=self.pupil.school_id,
            idempotency_key=self.key(
                scope, step or kind, recipient.role, recipient.person_id, recipient.channel
            ),
            kind=kind,
            recipient_role=recipient.role,
            recipient_id=recipient.id,
            channel=recipient.channel,
            lang=recipient.lang,
            due_at=due,
            expires_at=self.window.expiry(due),
            pupil_id=self.pupil.id,
            payload={**about, "first_name": self.name_for(recipient), **payload},
        )


def _codes_until(episode: Episode, day: dt.date) -> Iterable[str]:
    return {mark.code for mark in episode.marks if mark.date <= day}


def _held_since(hold: Hold) -> dt.datetime:
    return hold.reply.at


def _answers(reply: ReplyFacts, episode: Episode, due: dt.datetime) -> bool:
    """Whether ``reply`` answers about ``episode`` before a step due at ``due``."""
    return reply.episode_key == episode.key and reply.at < due


def _softens(reply: ReplyFacts) -> bool:
    return reply.sender_role == SenderRole.PUPIL and (
        reply.answer in SOFTENING_ANSWERS or reply.return_date is not None
    )

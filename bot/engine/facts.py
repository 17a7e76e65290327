"""The facts the planner decides on: one pupil, the people around them, and their answers.

The planner's caller reads these from the store; the planner itself never does. Every value is
frozen, so one set of facts always gives the same plan.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from bot.domain import age_on
from bot.engine.episodes import Mark

__all__ = [
    "CLB_INVOLVED",
    "NOTICE_DECISION_PREFIX",
    "RETURN_PREFIX",
    "Answer",
    "Cause",
    "Channel",
    "GuardianFacts",
    "NoticeDecision",
    "PupilFacts",
    "ReplyFacts",
    "SenderRole",
    "SentFacts",
    "StaffFacts",
    "UnreachableFacts",
    "age_on",
    "answer_problem",
]

Channel = Literal["telegram", "email"]

RETURN_PREFIX = "return:"
"""A ``return:YYYY-MM-DD`` answer: expected back on that date."""


class Answer(StrEnum):
    """The quick-reply keys of docs/contracts.md (``return:`` answers carry a date, see
    :data:`RETURN_PREFIX`)."""

    SICK = "sick"  # pupil or guardian
    NOT_GOOD = "not_good"  # pupil
    WANT_TO_TALK = "want_to_talk"  # pupil
    RATHER_NOT_SAY = "rather_not_say"  # pupil
    WILL_CONTACT_SCHOOL = "will_contact_school"  # guardian
    WANT_A_CALL = "want_a_call"  # guardian
    AT_SCHOOL = "at_school"  # pupil: "I was at school after all"
    INFORMED_SCHOOL = "informed_school"  # guardian: the school was told already
    DID_NOT_KNOW = "did_not_know"  # guardian: did not know of the absence


PUPIL_ANSWERS = frozenset(
    {Answer.SICK, Answer.NOT_GOOD, Answer.WANT_TO_TALK, Answer.RATHER_NOT_SAY, Answer.AT_SCHOOL}
)
GUARDIAN_ANSWERS = frozenset(
    {
        Answer.SICK,
        Answer.WILL_CONTACT_SCHOOL,
        Answer.WANT_A_CALL,
        Answer.INFORMED_SCHOOL,
        Answer.DID_NOT_KNOW,
    }
)
_KEY_SHAPE = re.compile(r"[a-z]+(_[a-z]+)+|[a-z]+:.*")


def answer_problem(role: str, answer: str) -> str | None:
    """Why ``answer`` cannot be a ``role``'s answer (docs/contracts.md), None when it can.

    A quick-reply key of that role, ``return:YYYY-MM-DD``, or free text. What looks like a key
    (``at_school``, ``informd_school``, ``return:...``: lower case with an underscore or a colon)
    must be a known one, so that a typo is not taken for someone's own words.
    """
    keys = PUPIL_ANSWERS if role == SenderRole.PUPIL else GUARDIAN_ANSWERS
    if answer in keys:
        return None
    if answer.startswith(RETURN_PREFIX):
        try:
            dt.date.fromisoformat(answer.removeprefix(RETURN_PREFIX))
        except ValueError:
            return f"{answer!r} is not return:YYYY-MM-DD"
        return None
    if answer in Answer.__members__.values():
        return f"{answer!r} is not a {role}'s answer (expected one of {', '.join(sorted(keys))})"
    if _KEY_SHAPE.fullmatch(answer):
        return f"unknown answer key {answer!r} (expected one of {', '.join(sorted(keys))})"
    return None


class SenderRole(StrEnum):
    PUPIL = "pupil"
    GUARDIAN = "guardian"
    COORDINATOR = "coordinator"  # a return date the spilfiguur gave (from a nudge's button)


@dataclass(frozen=True, slots=True)
class StaffFacts:
    """A teacher of the pupil's class, or the pupil's spilfiguur."""

    id: int
    staff_id: str
    language: str
    channel: Channel | None


@dataclass(frozen=True, slots=True)
class GuardianFacts:
    """A guardian of the pupil; ``may_contact`` is the roster's flag (the rules file's
    do-not-contact list is checked on top of it).

    ``name`` and ``relation`` (the roster's word for this link, "moeder"; None when the roster
    has none) are for the coordinator's text: the planner passes them on without reading them.
    """

    id: int
    guardian_id: str
    language: str
    channel: Channel | None
    may_contact: bool = True
    moment: str | None = None
    """The part of the day they chose (:data:`bot.domain.CONTACT_MOMENTS`); None: any."""
    name: str = ""
    relation: str | None = None


NOTICE_DECISION_PREFIX = "notice:"
"""A spilfiguur's decision about a held guardian notice: ``notice:send`` or ``notice:keep``."""

CLB_INVOLVED = "clb:involved"
"""A spilfiguur's word that the CLB is involved already: the threshold case is closed for the
school year of the day it was said."""


class NoticeDecision(StrEnum):
    """What a spilfiguur decided about a held guardian notice, stored as the answer of a reply."""

    SEND = f"{NOTICE_DECISION_PREFIX}send"
    KEEP = f"{NOTICE_DECISION_PREFIX}keep"


@dataclass(frozen=True, slots=True)
class ReplyFacts:
    """An answer about the pupil: a quick-reply key, a ``return:`` date or free text.

    ``episode_key`` is the key of the episode the answered message was about; None when the
    answer could not be tied to one.
    """

    at: dt.datetime
    sender_role: SenderRole
    answer: str
    episode_key: str | None
    sender_id: str | None = None
    """The roster's id of the sender (``G001``), when known."""

    @property
    def return_date(self) -> dt.date | None:
        """The date of a ``return:YYYY-MM-DD`` answer; None for any other or a malformed one."""
        if not self.answer.startswith(RETURN_PREFIX):
            return None
        try:
            return dt.date.fromisoformat(self.answer.removeprefix(RETURN_PREFIX))
        except ValueError:
            return None

    @property
    def is_free_text(self) -> bool:
        """Whether the answer is someone's own words rather than a button's key."""
        return (
            self.answer not in Answer.__members__.values()
            and not self.answer.startswith(RETURN_PREFIX)
            and not self.answer.startswith(NOTICE_DECISION_PREFIX)
            and self.answer != CLB_INVOLVED
        )


@dataclass(frozen=True, slots=True)
class SentFacts:
    """A message about the pupil that went out: what corrections, reminders and the guardian
    notice's grace period build on.

    ``date`` is the day it was about (its payload's ``date``), ``reason`` a nudge's reason;
    ``acknowledged`` says whether a coordinator marked a nudge as seen.
    """

    key: str
    kind: str
    recipient_role: str
    recipient_id: int
    sent_at: dt.datetime
    date: dt.date | None = None
    reason: str | None = None
    acknowledged: bool = False
    snoozed_until: dt.date | None = None
    """A nudge's "remind me later": its reminder waits until this school day."""
    signal: str | None = None
    """A pattern nudge's signal (``weekday_pattern``, ...): the same one is not raised again."""
    variant: str | None = None
    """A nudge's variant (``parent_call``, ...): its reminder says what it reminds of."""
    count: int | None = None
    """How many dates a pattern nudge named: an update follows only when there are more."""
    covers: tuple[str, ...] = ()
    """The keys of the other nudges this message said too (one message per pupil per day)."""


Cause = Literal["blocked", "bounced", "unsubscribed"]
"""Why a contact no longer reaches its person: an ended :class:`bot.contacts.ContactState`."""


@dataclass(frozen=True, slots=True)
class UnreachableFacts:
    """The pupil or a guardian of the pupil, whose contact on ``channel`` ended, why (``cause``)
    and when (``at``): the channel refused the address for good (``blocked``: the Telegram bot
    was blocked or deleted, or the account is gone; ``bounced``: an e-mail address that does not
    exist), or the person asked for no more messages there (``unsubscribed``).

    A guardian who can no longer be reached on a channel is so about every child of theirs:
    each child's spilfiguur needs to know. ``name`` and ``relation`` (the roster's word,
    "moeder"; None for the pupil) are for the coordinator's text: the planner passes them on
    without reading them.
    """

    role: Literal["pupil", "guardian"]
    person_id: str
    at: dt.datetime
    name: str
    relation: str | None = None
    channel: str = "telegram"
    cause: Cause = "blocked"


@dataclass(frozen=True, slots=True)
class PupilFacts:
    """One pupil as the planner sees it.

    ``marks`` are the pupil's active absence marks (any school year, any order); ``channel``
    is where the pupil can be reached, None when nowhere; ``guardian_consent`` is the consent
    of a pupil of 18 or older to contact their guardians; ``sent`` are the guardian notices and
    coordinator nudges about the pupil that went out.
    """

    school_id: str
    id: int
    pupil_id: str
    first_name: str
    birth_date: dt.date
    class_name: str
    language: str
    channel: Channel | None
    guardian_consent: bool = False
    marks: tuple[Mark, ...] = ()
    guardians: tuple[GuardianFacts, ...] = ()
    teachers: tuple[StaffFacts, ...] = ()
    spilfiguur: StaffFacts | None = None
    replies: tuple[ReplyFacts, ...] = ()
    sent: tuple[SentFacts, ...] = ()
    pauses: tuple[tuple[dt.date, dt.date], ...] = ()
    """Days a coordinator paused outreach about the pupil from the bot, as (first, last)."""
    unreachable: tuple[UnreachableFacts, ...] = ()
    """The pupil or guardians whose contact on a channel ended (blocked, bounced, unsubscribed)."""
    name_for_staff: str | None = None
    """How staff messages name the pupil when another pupil of the class has the same first
    name ("Kind W."); None: by the first name (:mod:`bot.planning.namesakes`)."""
    refused: tuple[tuple[str, str], ...] = ()
    """The pupil's rows that failed for good (an address refused, a channel gone), by key, with
    the channel they were for: the same step to someone now reached on another channel is a
    row of its own there (:meth:`bot.engine.planner._Planner.key`)."""
    undelivered: tuple[tuple[str, dt.datetime], ...] = ()
    """The pupil's check-ins that ended without going out (failed, expired, cancelled), by key,
    with when they ended: the guardian notice then follows the rules for an unreachable pupil,
    from that moment on."""

    def age_on(self, day: dt.date) -> int:
        """The pupil's age in whole years on ``day``."""
        return age_on(self.birth_date, day)

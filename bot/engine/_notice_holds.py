"""What the pupil's words do to the guardian notice, and what the spilfiguur then decides
(issue 13, "Pupils' answers shape the parent step").

The pupil is asked first; what they answer before the notice is due can keep it back:

- ``at_school`` ("Ik ben wel op school") or the pupil's own words **hold** the notice: the
  register may be wrong, or the pupil has something to say that a person should read first.
  The spilfiguur is nudged to check the register (``payload["variant"] = "check_register"``).
  When the register is corrected, the episode is gone and so is the notice.
- ``not_good`` and ``want_to_talk`` hold it when ``guardian.when_pupil_asks_for_help`` is
  ``hold`` (the default); the spilfiguur is nudged with the held notice
  (``variant = "held_notice"``, or ``"held_talk"`` for a pupil who asked to talk: that nudge
  stands in for the ``asks_to_talk`` nudge of the same answer, so one message says both).
  With ``send``, the notice goes in its gentle form, which never asks the parents to question
  the child.
- A held notice waits for the spilfiguur's decision from the nudge's buttons, stored as their
  answer ``notice:send`` or ``notice:keep`` about the episode; the latest one counts.
  ``notice:send`` lets it go, gentle, at the decision or its own due time, whichever is later;
  ``notice:keep`` keeps it back for good.
- Without a spilfiguur who can be reached nobody could decide, so nothing is held: the notice
  goes in its gentle form.

The nudge is due when the first holding answer came (or the next allowed moment), so the
spilfiguur hears of it the same school day; it is keyed on the episode, so it goes once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.domain import OutreachKind
from bot.engine.facts import Answer, NoticeDecision, ReplyFacts, SenderRole
from bot.outbox.records import PlannedOutreach
from bot.rules import PupilAsksForHelp

if TYPE_CHECKING:
    from bot.engine.episodes import Episode
    from bot.engine.planner import _Planner

__all__ = [
    "KEEP",
    "SEND",
    "Hold",
    "answered_at",
    "asks_for_help",
    "held_notice_nudge",
    "notice_hold",
    "told_already",
]

SEND = NoticeDecision.SEND
KEEP = NoticeDecision.KEEP
_HELP = frozenset({Answer.NOT_GOOD, Answer.WANT_TO_TALK})
_NUDGE = OutreachKind.COORDINATOR_NUDGE


@dataclass(frozen=True, slots=True)
class Hold:
    """Why a notice was held (the first holding answer), and what the spilfiguur decided."""

    reply: ReplyFacts
    variant: str
    """``check_register`` (the pupil says they were there, or wrote), ``held_talk`` (the pupil
    asked to talk) or ``held_notice`` (it is not going well)."""
    decision: ReplyFacts | None


def notice_hold(plan: _Planner, episode: Episode, replies: Sequence[ReplyFacts]) -> Hold | None:
    """The hold on the notice about ``episode``, given the answers that came before it was due;
    None when nothing holds it."""
    if plan.pupil.spilfiguur is None or plan.pupil.spilfiguur.channel is None:
        return None
    asks_for_help = plan.rules.guardian.when_pupil_asks_for_help is PupilAsksForHelp.HOLD
    for reply in replies:
        if reply.sender_role != SenderRole.PUPIL:
            continue
        if reply.answer == Answer.AT_SCHOOL or reply.is_free_text:
            return Hold(reply, "check_register", _decision(plan, episode))
        if reply.answer in _HELP and asks_for_help:
            variant = "held_talk" if reply.answer == Answer.WANT_TO_TALK else "held_notice"
            return Hold(reply, variant, _decision(plan, episode))
    return None


def asks_for_help(replies: Sequence[ReplyFacts]) -> bool:
    """Whether the pupil said it is not going well or asked to talk: the notice, if it goes,
    is the gentle one."""
    return any(r.sender_role == SenderRole.PUPIL and r.answer in _HELP for r in replies)


def held_notice_nudge(
    plan: _Planner, episode: Episode, day: dt.date, hold: Hold
) -> list[PlannedOutreach]:
    """The nudge that tells the spilfiguur a notice waits for them."""
    spilfiguur = plan.pupil.spilfiguur
    coordinator = None if spilfiguur is None else plan.staff("coordinator", spilfiguur)
    if coordinator is None:
        return []
    due = plan.window.next_allowed(hold.reply.at)
    payload = {
        "reason": "held_notice",
        "variant": hold.variant,
        "answer": hold.reply.answer if not hold.reply.is_free_text else "free_text",
        "date": day.isoformat(),
        "answered_at": answered_at(hold.reply),
    }
    return [
        plan.outreach(
            episode, _NUDGE, coordinator, due=due, payload=payload, step=f"{_NUDGE}:held_notice"
        )
    ]


def told_already(found: Sequence[PlannedOutreach]) -> list[PlannedOutreach]:
    """``found`` without the ``asks_to_talk`` nudges of answers a held-notice nudge speaks of."""
    said = {
        (item.payload.get("episode"), item.payload.get("answered_at"))
        for item in found
        if item.payload.get("variant") == "held_talk"
    }
    if not said:
        return list(found)
    return [
        item
        for item in found
        if not (
            item.payload.get("reason") == "asks_to_talk"
            and item.payload.get("from") == SenderRole.PUPIL
            and (item.payload.get("episode"), item.payload.get("answered_at")) in said
        )
    ]


def answered_at(reply: ReplyFacts) -> str:
    """The instant of an answer as nudges about it name it (UTC, to the second)."""
    return reply.at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _decision(plan: _Planner, episode: Episode) -> ReplyFacts | None:
    decisions = [
        reply
        for reply in plan.pupil.replies
        if reply.sender_role == SenderRole.COORDINATOR
        and reply.episode_key == episode.key
        and reply.answer in (SEND, KEEP)
    ]
    return max(decisions, key=lambda reply: reply.at) if decisions else None

"""``/pupil <id>``: the case timeline of one pupil, for that pupil's spilfiguur only.

The spilfiguur keeps the overview (docs/domain.md, principle 6): what was marked, what Gemist sent
and how it went, what the pupil and the family answered, what was held back or paused, and who
followed up. Anyone else learns nothing: another coordinator, a teacher, a parent and an
unknown number all get the same neutral ``timeline.not_found`` (the caller sends it), so the
answer does not even tell whether the number exists.

Under the header, each guardian with their consent state (:mod:`bot.consent`): whether Gemist
may contact them about this pupil today, and if not, why (the roster, the rules file, an adult
pupil without consent), so the spilfiguur knows whom the family's messages reach.

The family's own words are quoted: the spilfiguur is the one person they were passed on to
already (``coordinator_forward``). The message stays within Telegram's 4096 characters: the
latest lines win, and the timeline says how many earlier ones were left out.

Reading is :mod:`bot.telegram._timeline_db`'s; this module turns the facts into lines, each a
template (:mod:`messages._timeline`) in the coordinator's language.

Every timeline shown is logged (:func:`bot.privacy.audit.log_view`): who, which pupil, when;
a refusal shows nothing and is not logged.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from babel import Locale
from babel.dates import format_date, format_datetime
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain import HalfDay, OutreachKind
from bot.engine.episodes import year_counts
from bot.engine.facts import RETURN_PREFIX, NoticeDecision
from bot.engine.hold import HoldState
from bot.outbox import Status
from bot.privacy.audit import log_view
from bot.rules import CLB_HALF_DAYS, Rules
from bot.telegram._timeline_db import Case, Sent, read_case
from bot.telegram.invites import Linked
from messages import TEMPLATES, Audience, Overrides, button_label, render, without_bidi_controls
from scheduler.calendar import SchoolCalendar

__all__ = ["MAX_LENGTH", "MAX_QUOTE", "VIEW_CHANNEL", "pupil_timeline"]

MAX_LENGTH = 4096
"""Telegram's limit for the text of one message."""
MAX_QUOTE = 400
"""A family's own words are cut after this many characters: one long letter must not push
the rest of the timeline out of the message."""
VIEW_CHANNEL = "telegram"
"""How the log of views names a look through the bot."""


async def pupil_timeline(
    engine: AsyncEngine,
    staff: Linked,
    ref: str,
    *,
    now: dt.datetime,
    tz: dt.tzinfo,
    calendar: SchoolCalendar,
    overrides: Overrides | None = None,
    rules: Rules | None = None,
) -> str | None:
    """The timeline of the pupil with roster id ``ref`` for the staff member ``staff``; None
    when ``staff`` is not that pupil's spilfiguur (or there is no such active pupil).
    ``rules`` is the school's rules file (its do-not-contact list), for the guardians'
    consent."""
    today = now.astimezone(tz).date()
    year = calendar.school_year_of(today)
    consent = (Rules.default() if rules is None else rules, today)
    case = await read_case(engine, staff, ref.strip(), year, consent)
    if case is None:
        return None
    await log_view(engine, staff.school_id, case.key, staff.person_id, VIEW_CHANNEL, now)
    return _Composer(case, staff.lang, tz, overrides).text(today, str(year))


@dataclass(frozen=True, slots=True)
class _Entry:
    at: dt.datetime
    """When it happened (UTC); a day's marks at the start of that day."""
    template: str
    context: Mapping[str, object]
    dated: bool = False
    """Only the date is shown (absence marks)."""
    rank: int = 0
    """Among entries of the same instant, the lower first: what a person did before what
    Gemist sent because of it (a nudge goes out the moment the answer is stored)."""


@dataclass
class _Composer:
    case: Case
    lang: str
    tz: dt.tzinfo
    overrides: Overrides | None
    _entries: list[_Entry] = field(default_factory=list)
    _locale: Locale = field(default_factory=lambda: Locale.parse("nl"))

    def text(self, today: dt.date, school_year: str) -> str:
        case = self.case
        known = [mark for mark in case.marks if mark.date <= today]
        counts = year_counts(known, case.year)
        rendered = render(
            "timeline.header",
            self.lang,
            {
                "first_name": case.first_name,
                "class_name": case.class_name,
                "pupil_id": case.pupil_id,
                "school_year": school_year,
                "problematic": counts.problematic,
                "unknown": counts.unknown,
                "justified": counts.justified,
                "threshold": CLB_HALF_DAYS,
            },
            overrides=self.overrides,
        )
        header, self._locale = rendered.text, Locale.parse(rendered.lang)
        header = "\n".join([header, *self.contacts()])
        self.absences()
        self.outreach()
        self.replies()
        self.decisions()
        self._entries.sort(key=lambda entry: (entry.at, entry.rank))
        lines = [self.line(entry) for entry in self._entries]
        if not lines:
            return f"{header}\n\n{self.render('timeline.empty', {})}"
        return _fit(header, lines, lambda left: self.render("timeline.omitted", {"omitted": left}))

    def contacts(self) -> list[str]:
        """A line per guardian: may Gemist contact them about the pupil, and if not, why."""
        return [
            self.render(
                "timeline.guardian",
                {"recipient": name, "status": self.render(f"timeline.consent.{state}", {})},
            )
            for name, state in self.case.contacts
        ]

    def render(self, template_id: str, context: Mapping[str, object]) -> str:
        return render(template_id, self.lang, context, overrides=self.overrides).text

    def line(self, entry: _Entry) -> str:
        """One entry, its time written as the timeline's language writes it (the header's: the
        timeline's templates are translated together)."""
        local = entry.at.astimezone(self.tz)
        if entry.dated:
            when = format_date(local.date(), "EEE d MMM", locale=self._locale)
        else:
            when = format_datetime(local, "EEE d MMM HH:mm", tzinfo=self.tz, locale=self._locale)
        return self.render(entry.template, {**entry.context, "when": when})

    def add(
        self, at: dt.datetime, template: str, rank: int, dated: bool = False, **context: object
    ) -> None:
        self._entries.append(_Entry(at, template, context, dated, rank))

    def absences(self) -> None:
        """One line per day: the half-days and their codes."""
        days: dict[dt.date, dict[HalfDay, str]] = defaultdict(dict)
        for mark in self.case.marks:
            days[mark.date][mark.half_day] = mark.code
        for day, halves in days.items():
            start = dt.datetime.combine(day, dt.time(), tzinfo=self.tz)
            codes = [halves[half] for half in (HalfDay.AM, HalfDay.PM) if half in halves]
            which = "day" if len(halves) == 2 else next(iter(halves)).value
            shown = codes[0] if len(set(codes)) == 1 else "/".join(codes)
            self.add(start, f"timeline.absence.{which}", 0, True, codes=shown)

    def outreach(self) -> None:
        for sent in self.case.sent:
            self.add(
                _moment(sent),
                "timeline.outreach",
                3,
                what=self.render(_kind_template(sent), {}),
                recipient=self.case.recipient(sent.recipient_role, sent.recipient_id),
                status=self.render(f"timeline.status.{self.status(sent)}", {}),
            )
            if sent.acknowledged_at is not None:
                by = self.case.staff_named(sent.acknowledged_by)
                self.add(sent.acknowledged_at, "timeline.ack", 4, by=by)

    def status(self, sent: Sent) -> str:
        """The row's status; a withdrawn row about a day still held back is ``held``."""
        if sent.status == Status.WITHDRAWN and sent.date in self.case.held_days:
            return "held"
        return sent.status if f"timeline.status.{sent.status}" in TEMPLATES else "planned"

    def replies(self) -> None:
        for reply in self.case.replies:
            writer = self.case.writer(reply.sender_role, reply.sender_id)
            answer = reply.answer
            if answer in tuple(NoticeDecision):  # the spilfiguur's decision about a held notice
                decided = "send" if answer == NoticeDecision.SEND else "keep"
                self.add(reply.at, f"timeline.notice.{decided}", 4, by=writer)
                continue
            if answer.startswith(RETURN_PREFIX):
                try:
                    back = dt.date.fromisoformat(answer.removeprefix(RETURN_PREFIX))
                except ValueError:
                    back = None
                if back is not None:
                    self.add(reply.at, "timeline.reply.return", 2, writer=writer, date=back)
                    continue
            label = _label(reply.sender_role, answer, self.lang)
            if label is not None:
                self.add(reply.at, "timeline.reply.answer", 2, writer=writer, answer=label)
            else:
                self.add(reply.at, "timeline.reply.text", 2, writer=writer, words=_quote(answer))

    def decisions(self) -> None:
        """Holds over the pupil's days, and pauses of the family's messages."""
        for hold in self.case.holds:
            state = HoldState(hold.status).value
            scope = self.case.school if hold.scope == "*" else hold.scope
            self.add(hold.detected_at, f"timeline.hold.{state}", 1, scope=scope, date=hold.date)
        for pause in self.case.pauses:
            by = self.case.staff_named(pause.by)
            self.add(pause.at, "timeline.pause", 4, by=by, date=pause.ends)


def _fit(header: str, lines: list[str], omitted: Callable[[int], str]) -> str:
    """The header and as many of the latest lines as fit, after a note of how many did not."""
    whole = f"{header}\n\n" + "\n".join(lines)
    if len(whole) <= MAX_LENGTH:
        return whole
    kept: list[str] = []
    for line in reversed(lines):
        note = omitted(len(lines) - len(kept) - 1)
        candidate = "\n".join([note, line, *kept])
        if len(header) + 2 + len(candidate) > MAX_LENGTH:
            break
        kept.insert(0, line)
    note = omitted(len(lines) - len(kept))
    return f"{header}\n\n" + "\n".join([note, *kept])


def _moment(sent: Sent) -> dt.datetime:
    """When the message went out; when it failed; else when it was (or is) due."""
    if sent.status == Status.SENT and sent.sent_at is not None:
        return sent.sent_at
    if sent.status in (Status.FAILED, Status.DEAD):
        return sent.updated_at
    return sent.due_at


def _kind_template(sent: Sent) -> str:
    if sent.kind == OutreachKind.COORDINATOR_NUDGE:
        candidate = f"timeline.nudge.{sent.reason}"
    else:
        candidate = f"timeline.kind.{sent.kind}"
    return candidate if candidate in TEMPLATES else "timeline.kind.message"


def _quick_replies() -> dict[tuple[str, str], str]:
    """Per (sender role, answer key), the first template of that audience with the button."""
    found: dict[tuple[str, str], str] = {}
    for template in TEMPLATES.values():
        if template.audience in (Audience.PUPIL, Audience.GUARDIAN):
            for button in template.buttons:
                found.setdefault((template.audience.value, button.key), template.id)
    return found


_QUICK_REPLIES = _quick_replies()


def _label(role: str, answer: str, lang: str) -> str | None:
    """The words of the button whose key ``answer`` is, None for words of one's own."""
    template = _QUICK_REPLIES.get((role, answer))
    return None if template is None else button_label(template, answer, lang)


def _quote(text: str) -> str:
    """Someone's words on one line, without the controls that could turn it around."""
    text = " ".join(without_bidi_controls(text).split())
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1] + "…"

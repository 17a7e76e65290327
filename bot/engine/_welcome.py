"""``teacher_welcome``: a warm welcome after a long absence (docs/domain.md, principle 5).

For an episode that has reached ``long_absence.school_days`` school days (dates with a mark, up
to today), whose codes up to today all allow the welcome, every teacher of the pupil with a
channel gets one row, keyed per (episode, teacher):

- **A known date.** The newest estimate of the return wins: the feed's ``expected_return`` on a
  mark counts as given on that mark's date, a ``return:`` answer about the episode (pupil or
  guardian) on the day it came; on the same day the answer wins (the registration of a day is
  entered in the morning, the answer comes later). An estimate on or before the episode's last
  marked date is stale and ignored. The pupil is expected on the first school day from that date
  on; the welcome is due at ``teacher.welcome_day_before_at`` on the school day before it.
- **No date, or seen back earlier.** With ``teacher.welcome_on_return``, at
  ``delivery.not_before`` on the day the pupil is seen back (``Episode.returned``), planned once
  that day's feed shows the presence; also when the pupil is seen back on or before the day the
  welcome for a known date would have gone.
- **Never after the return day**: a welcome the window would move past it is dropped, and so is
  one for a pupil paused on the return day or on the day it is due.

A later estimate does not move a row the outbox already holds (it keeps the first row of a key);
moving or cancelling stored rows belongs to the corrections slice.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bot.domain import OutreachKind, Role
from bot.outbox.records import PlannedOutreach

if TYPE_CHECKING:
    from bot.engine.episodes import Episode
    from bot.engine.planner import _Planner

__all__ = ["known_return", "teacher_welcome"]

_EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)


def teacher_welcome(plan: _Planner, episode: Episode) -> list[PlannedOutreach]:
    rules, today = plan.rules, plan.today
    dates = [day for day in episode.dates if day <= today]
    if len(dates) < rules.long_absence.school_days:
        return []
    if not plan.codes_allow(episode, today, "teacher_welcome"):
        return []
    window, calendar = plan.window, plan.window.calendar
    returned = episode.returned.date if episode.returned is not None else None
    expected = known_return(plan, episode, dates[-1])
    due: dt.datetime | None = None
    back: dt.date | None = None
    known = False
    if expected is not None:
        back = expected if calendar.is_school_day(expected) else calendar.next_school_day(expected)
        before = calendar.previous_school_day(back)
        if returned is None or returned > before:
            due = window.next_allowed(window.local(before, rules.teacher.welcome_day_before_at))
            known = True
    if due is None and returned is not None and returned <= today:
        if not rules.teacher.welcome_on_return:
            return []
        back = returned
        due = window.next_allowed(window.local(returned, rules.delivery.not_before))
    if due is None or back is None or due.astimezone(window.tz).date() > back:
        return []
    if plan.paused(back, due):
        return []
    payload = {
        "date": back.isoformat(),  # the day the pupil is expected back, as the text says
        "return_date": back.isoformat(),
        "date_known": known,
        "school_days": len(dates),
    }
    return [
        plan.outreach(episode, OutreachKind.TEACHER_WELCOME, recipient, due=due, payload=payload)
        for teacher in plan.pupil.teachers
        if (recipient := plan.staff(Role.TEACHER, teacher)) is not None
    ]


def known_return(plan: _Planner, episode: Episode, last_absent: dt.date) -> dt.date | None:
    """The newest estimate of the return known today, if it lies after ``last_absent``."""
    estimates: list[tuple[dt.date, int, dt.datetime, dt.date]] = [
        (mark.date, 0, _EARLIEST, mark.expected_return)
        for mark in episode.marks
        if mark.expected_return is not None and mark.date <= plan.today
    ]
    for reply in plan.pupil.replies:
        given = reply.at.astimezone(plan.window.tz).date()
        date = reply.return_date
        if reply.episode_key == episode.key and given <= plan.today and date is not None:
            estimates.append((given, 1, reply.at, date))
    if not estimates:
        return None
    newest = max(estimates)[3]
    return newest if newest > last_absent else None

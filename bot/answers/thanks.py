"""Which thanks a pupil or a parent gets for an answer, and what it needs to say: the same
words in the chat and on the web application's page after a confirmed answer link.

- A pupil's ``not_good``, ``want_to_talk`` and own words need a person. The thanks says
  honestly when one will read them: "vandaag nog" while the school day and the sending hours
  of the rules file are on at the moment of the reply, else "op de volgende schooldag" (the
  ``.later`` text). Both name where to go at once when it cannot wait (:class:`HelpLines`).
- A parent whose language is not Dutch who asks to be called hears that an interpreter can be
  arranged (``guardian_ack.want_a_call.interpreter``).
- A pupil's ``at_school`` says honestly which day and when: it names the day of the absence
  when that is not today ("Dan hebben we ons op dinsdag 17 november misschien vergist", the
  ``.on_date`` texts), and says the register is checked "vandaag nog" only while a person can
  still do it today, else "op de volgende schooldag" (``.later``).
- Any other answer: ``{role}_ack.{key}``.
"""

from __future__ import annotations

import datetime as dt

from bot.config import HelpLines
from bot.engine.window import Window
from messages import SOURCE_LANGUAGE, normalize_language

__all__ = ["NEEDS_A_PERSON", "ack_context", "ack_template"]

NEEDS_A_PERSON = frozenset({"not_good", "want_to_talk", "free_text"})
"""A pupil's answers that a person should read: their thanks says when, and where to go now."""


def ack_template(
    role: str,
    key: str,
    lang: str,
    *,
    now: dt.datetime,
    window: Window,
    about_day: dt.date | None = None,
) -> str:
    """The id of the thanks for ``key`` (a button's key, or ``free_text``) from a ``role``
    (``pupil`` or ``guardian``) who reads ``lang``, answered at ``now`` (in the school's
    timezone) to a message about the absence of ``about_day``."""
    read_today = window.next_allowed(now) == now
    if role == "pupil" and key in NEEDS_A_PERSON:
        return f"pupil_ack.{key}" if read_today else f"pupil_ack.{key}.later"
    if role == "pupil" and key == "at_school":
        named = "" if about_day is None or about_day == now.date() else ".on_date"
        return f"pupil_ack.at_school{named}{'' if read_today else '.later'}"
    if role == "guardian" and key == "want_a_call" and not _dutch(lang):
        return "guardian_ack.want_a_call.interpreter"
    return f"{role}_ack.{key}"


def ack_context(help_lines: HelpLines) -> dict[str, object]:
    """What every thanks may mention besides the pupil: where to go when it cannot wait."""
    return dict(help_lines.context())


def _dutch(lang: str) -> bool:
    return normalize_language(lang).split("_")[0] == SOURCE_LANGUAGE

"""The coordinator's desk, read from the store: what the pages *Opvolging*, *Bereik*, *Invoer*
and *Wachtrij* show (issue 19).

Each read is a function over an ``AsyncConnection`` that returns frozen dataclasses ready for a
template, and takes a :class:`Scope`: the whole school, or the pupils of one spilfiguur, applied
in the query so that nothing about another coordinator's pupil is loaded. The few writes the
pages need go through the writers the chat uses (:func:`bot.answers.decide`,
:func:`bot.planning.decisions.decide_hold`), after the same scope check.

- :func:`open_cases` (:mod:`bot.desk.cases`): open cases per pupil, most urgent first;
  :func:`act` posts a case's action;
- :func:`unreached` (:mod:`bot.desk.reach`): who cannot be reached, why, and what to do;
- :func:`import_runs`, :func:`import_run`, :func:`run_rejects` (:mod:`bot.desk.imports`):
  import runs and rejects;
- :func:`hold_queue`, :func:`decide_hold` (:mod:`bot.desk.holds`): mass-absence holds.

This package imports nothing of the web application: the pages import it.
"""

from bot.desk.cases import (
    Acted,
    Case,
    Choices,
    Nudge,
    PauseSpan,
    YearCounts,
    act,
    choices,
    open_cases,
)
from bot.desk.holds import Holds, HoldView, hold_queue
from bot.desk.holds import decide as decide_hold
from bot.desk.imports import Reject, Run, import_run, import_runs, run_rejects
from bot.desk.reach import REASONS, REMEDIES, LetterFor, PupilRef, Unreached, unreached
from bot.desk.scope import DEFAULT_SIZE, MAX_SIZE, Page, Scope

__all__ = [
    "DEFAULT_SIZE",
    "MAX_SIZE",
    "REASONS",
    "REMEDIES",
    "Acted",
    "Case",
    "Choices",
    "HoldView",
    "Holds",
    "LetterFor",
    "Nudge",
    "Page",
    "PauseSpan",
    "PupilRef",
    "Reject",
    "Run",
    "Scope",
    "Unreached",
    "YearCounts",
    "act",
    "choices",
    "decide_hold",
    "hold_queue",
    "import_run",
    "import_runs",
    "open_cases",
    "run_rejects",
    "unreached",
]

"""The exit codes of every ``gemist`` command, in one place (docs/contracts.md).

Scripts and cron jobs at a school act on these numbers, so they never change meaning: a command
returns a member of :class:`Exit`, never a bare number. An ``IntEnum`` is an ``int``, so the
process exits with the number and JSON carries it as one.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["Exit"]


class Exit(IntEnum):
    OK = 0
    """Done; for imports: every row was imported."""

    NOT_MET = 1
    """A benchmark's goal was not met."""

    NOT_FOUND = 1
    """What the command was asked to act on does not exist (``gemist hold``, ``gemist
    privacy``): the same code as a goal not met, as the contract has always said."""

    UNUSABLE = 2
    """Unusable input or configuration: nothing was changed, and stderr says where and why."""

    REJECTS = 3
    """Imports only: some rows were rejected, the others were imported."""

    INTERRUPTED = 130
    """Stopped with Ctrl-C, as a shell reports a process ended by SIGINT (128 + 2)."""

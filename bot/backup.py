"""A consistent copy of a SQLite database while Gemist runs (``gemist backup``, ``run --dry-run``).

:func:`sqlite_backup` uses SQLite's online backup API (:meth:`sqlite3.Connection.backup`): the
copy is one consistent state of the database, taken while the bot goes on reading and writing
(in WAL mode a writer does not wait for it, and what a writer has not committed is not in the
copy). The copy is created ``0600`` before its first byte is written
(:func:`bot.files.make_private_file`): it holds the same personal data as the database.

A copy is restored by opening it: ``--db sqlite:///FILE``, or by putting it in the database's
place while Gemist is stopped. PostgreSQL has its own tools (``pg_dump``, ``pg_restore``);
:data:`PG_DUMP_HOWTO` says how.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from bot.files import make_private_file

__all__ = ["PG_DUMP_HOWTO", "BackupError", "sqlite_backup"]

PG_DUMP_HOWTO = """\
For PostgreSQL, make the backup with PostgreSQL's own tool, while Gemist runs:

    pg_dump --format=custom --file=FILE "{url}"

and restore it into an empty database with:

    pg_restore --no-owner --dbname="postgresql://USER@HOST/NEW_DB" FILE

(see docs/operators.md, "Backups")."""
"""What ``gemist backup`` prints for a PostgreSQL database; ``{url}`` without its password."""


class BackupError(Exception):
    """The copy cannot be made; the message says which file and why."""


def sqlite_backup(source: Path, target: Path) -> int:
    """Copy the SQLite database ``source`` to the new file ``target`` (0600); its size in
    bytes. ``target`` must not exist: a backup never overwrites anything."""
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    if target.exists() or target.is_symlink():
        raise BackupError(f"{target} exists already: choose a new file name")
    if not target.parent.is_dir():
        raise BackupError(f"there is no folder {target.parent}")
    make_private_file(target)
    try:
        with (
            closing(sqlite3.connect(source)) as src,
            closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            found = dst.execute("PRAGMA quick_check").fetchone()
    except sqlite3.Error as err:
        target.unlink(missing_ok=True)
        raise BackupError(f"cannot copy {source} to {target}: {err}") from err
    if found is None or found[0] != "ok":
        target.unlink(missing_ok=True)
        raise BackupError(f"the copy of {source} does not pass SQLite's check: {found}")
    return target.stat().st_size

"""Files Gemist writes that hold personal data: readable by the school's account only.

The SQLite database, invitation letters (live codes), exports and backups are created with mode
``0600`` and the folders Gemist makes for them with ``0700``, whatever the process's umask.
A file that already exists keeps its owner but loses the group's and others' bits.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["PRIVATE_DIR_MODE", "PRIVATE_FILE_MODE", "make_private_dir", "make_private_file"]

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def make_private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as ``0700``; an existing folder is left as it is."""
    if not path.is_dir():
        path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        path.chmod(PRIVATE_DIR_MODE)
    return path


def make_private_file(path: Path) -> Path:
    """Create ``path`` empty as ``0600`` if missing; an existing file is narrowed to ``0600``."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE)
    os.close(fd)
    path.chmod(PRIVATE_FILE_MODE)
    return path

"""``gemist import`` given files that are not what they should be (issue 15, item 5): a clear
exit 2 naming the file (and the line) and no traceback, at once and in bounded memory; run as
a real process, so that a hang or a blow-up cannot take the test suite with it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

ROSTER = Path(__file__).parents[2] / "data" / "roster" / "basic"
PEAK_LIMIT = 300 << 20
"""Bytes of memory a hostile 50 MB file may make ``gemist import`` use at its peak."""
FIFTY_MB = 50_000_000


def gemist(tmp_path: Path, *args: str, timeout: float = 60) -> tuple[int, str]:
    """Run ``gemist --db ... ARGS``; its exit code and stderr (a hang fails after ``timeout``)."""
    command = [sys.executable, "-m", "bot", "--db", f"sqlite:///{tmp_path / 'gemist.db'}", *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEMIST_")}
    done = subprocess.run(
        command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        timeout=timeout, check=False,
    )  # fmt: skip
    return done.returncode, done.stderr.decode()


# The child's own high-water mark: ``wait4``'s ru_maxrss would count the parent's memory the
# child had before it became Python (Linux keeps the larger of the two across exec).
MEASURED = """
import sys
from bot.cli import main
code = main(sys.argv[1:])
with open("/proc/self/status") as status:
    peak = next(line for line in status if line.startswith("VmHWM:"))
print(int(peak.split()[1]) * 1024)
sys.exit(code)
"""


def peak_rss(tmp_path: Path, *args: str) -> tuple[int, str, int]:
    """Like :func:`gemist`, with the peak resident memory of the command, in bytes."""
    command = [sys.executable, "-c", MEASURED, "--db", f"sqlite:///{tmp_path / 'gemist.db'}"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEMIST_")}
    done = subprocess.run(
        [*command, *args], cwd=tmp_path, env=env, capture_output=True, timeout=120, check=False
    )
    return done.returncode, done.stderr.decode(), int(done.stdout.decode().split()[-1])


def test_a_fifo_as_the_feed_is_refused_at_once(tmp_path):
    fifo = tmp_path / "absences.csv"
    os.mkfifo(fifo)

    code, err = gemist(tmp_path, "import", "absences", str(fifo), timeout=30)

    assert code == 2
    assert "absences.csv: is not a regular file (it is a named pipe (FIFO))" in err
    assert "Traceback" not in err


def test_a_fifo_in_the_roster_folder_is_refused_at_once(tmp_path):
    folder = tmp_path / "roster"
    shutil.copytree(ROSTER, folder)
    (folder / "staff.csv").unlink()
    os.mkfifo(folder / "staff.csv")

    code, err = gemist(tmp_path, "import", "roster", str(folder), timeout=30)

    assert code == 2
    assert "staff.csv: is not a regular file" in err
    assert "Traceback" not in err


def test_a_header_field_over_a_mebibyte_ends_with_2_naming_file_and_line(tmp_path, capsys):
    path = tmp_path / "absences.csv"
    path.write_text("pupil_id;date;half_day;" + "x" * ((1 << 20) + 1) + "\n")

    code = main(["--db", f"sqlite:///{tmp_path / 'gemist.db'}", "import", "absences", str(path)])

    err = capsys.readouterr().err
    assert code == 2
    assert "absences.csv, line 1: the header row is longer than 65,536 characters" in err
    assert "Traceback" not in err


@pytest.mark.slow
@pytest.mark.parametrize("shape", ["columns", "quote", "line"])
def test_a_fifty_megabyte_hostile_file_stays_under_300_mb(tmp_path, shape):
    """A header of millions of columns (once 2.1 GB), a header whose quote never closes (once a
    traceback), one endless data line."""
    path = tmp_path / "absences.csv"
    with path.open("w") as handle:  # in pieces: the test's own memory stays small
        handle.write({"columns": "pupil_id;date;half_day", "quote": 'pupil_id;"date'}.get(
            shape, "pupil_id;date;half_day\nP1;2026-11-17;"
        ))  # fmt: skip
        for _ in range(50):
            handle.write("a" * (FIFTY_MB // 50) if shape == "line" else ";x" * (FIFTY_MB // 100))
        handle.write("\n")
    assert path.stat().st_size >= FIFTY_MB

    code, err, peak = peak_rss(tmp_path, "import", "absences", str(path))

    assert code == 2, err
    assert "Traceback" not in err
    assert "is longer than" in err
    assert len(err) < 1000
    print(f"{shape}: peak {peak / 2**20:.0f} MiB")
    assert peak < PEAK_LIMIT, f"{peak / 2**20:.0f} MiB"

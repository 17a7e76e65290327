"""``gemist bench start``: how long a command takes to start, and how much memory it takes.

A coordinator at the terminal or a cron job pays a command's start every time. The benchmark
runs, each in a fresh process from an empty folder with no Gemist settings in its environment:

- ``python -c pass``: the interpreter alone, the floor on this machine;
- ``gemist --help``;
- ``gemist rules check FILE`` on a small valid rules file.

Each is run several times; the median wall time and the largest peak memory (max RSS, from the
child's own resource usage) are printed. The goal: both commands in at most 0.35 s and 60 MB.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["GOAL_MB", "GOAL_SECONDS", "Measured", "measure", "report"]

GOAL_SECONDS = 0.35
GOAL_MB = 60.0

RULES = "# A coordinator's rules: a shorter grace period.\nguardian:\n  grace_period: 90m\n"


@dataclass(frozen=True, slots=True)
class Measured:
    """One command's starts: the median wall time and the largest peak memory."""

    label: str
    seconds: float
    megabytes: float
    goal: bool

    @property
    def met(self) -> bool:
        return self.seconds <= GOAL_SECONDS and self.megabytes <= GOAL_MB


def _gemist() -> list[str]:
    script = Path(sys.executable).with_name("gemist")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


# The commands are started by this small interpreter (``python -S``, a few MB), not by the
# benchmark itself: Linux counts the memory a child had before it called exec in the child's
# peak, so a child forked from the benchmark would inherit its size.
_SPAWNER = """
import json, os, sys, time
argv, cwd, runs = json.loads(sys.argv[1])
for _ in range(runs + 1):
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.chdir(cwd)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.execv(argv[0], argv)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    print(json.dumps([seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)]))
"""


def _starts(argv: Sequence[str], cwd: Path, env: dict[str, str], runs: int) -> list[list[float]]:
    """Start ``argv`` once to warm the file cache, then ``runs`` times: seconds, MB, exit."""
    spawner = [sys.executable, "-S", "-c", _SPAWNER, json.dumps([list(argv), str(cwd), runs])]
    out = subprocess.run(spawner, env=env, capture_output=True, text=True, check=True).stdout
    starts: list[list[float]] = [json.loads(line) for line in out.splitlines()]
    return starts[1:]


def measure(runs: int = 10) -> list[Measured]:
    """Start each command ``runs`` times (after one warm-up run) and measure it."""
    folder = Path(tempfile.mkdtemp(prefix="gemist-bench-start-"))
    try:
        rules = folder / "rules.yaml"
        rules.write_text(RULES, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("GEMIST_")}
        commands = (
            ("python -c pass", [sys.executable, "-c", "pass"], False),
            ("gemist --help", [*_gemist(), "--help"], True),
            ("gemist rules check", [*_gemist(), "rules", "check", str(rules)], True),
        )
        results = []
        for label, argv, goal in commands:
            times, peaks = [], []
            for seconds, megabytes, code in _starts(argv, folder, env, runs):
                if code != 0:
                    raise RuntimeError(f"{label} exited with {code:.0f}")
                times.append(seconds)
                peaks.append(megabytes)
            results.append(Measured(label, statistics.median(times), max(peaks), goal))
        return results
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def report(results: Sequence[Measured]) -> tuple[str, bool]:
    """The printed table, and whether every goal is met."""
    lines = [
        f"command start, median of the runs, from an empty folder "
        f"(goal <= {GOAL_SECONDS:.2f} s and <= {GOAL_MB:.0f} MB)",
        f"  {'command':<22}{'wall':>9}{'peak memory':>14}",
    ]
    met = True
    for result in results:
        verdict = ("MET" if result.met else "NOT MET") if result.goal else "(the floor)"
        met = met and (result.met or not result.goal)
        lines.append(
            f"  {result.label:<22}{result.seconds:>7.3f} s{result.megabytes:>10.1f} MB   {verdict}"
        )
    lines.append(f"  goals: {'MET' if met else 'NOT MET'}")
    return "\n".join(lines), met

"""``gemist bench start`` measures real starts and judges them against the goal."""

from __future__ import annotations

from bot.bench.start import GOAL_MB, GOAL_SECONDS, Measured, measure, report


def test_the_floor_and_both_commands_are_started_and_measured() -> None:
    results = measure(runs=1)
    assert [result.label for result in results] == [
        "python -c pass",
        "gemist --help",
        "gemist rules check",
    ]
    floor, help_, rules = results
    assert all(result.seconds > 0 and result.megabytes > 1 for result in results)
    # A command that imports Gemist needs more memory than the bare interpreter.
    assert help_.megabytes > floor.megabytes
    assert rules.megabytes > floor.megabytes


def test_one_command_over_the_goal_fails_the_benchmark() -> None:
    floor = Measured("python -c pass", 0.02, 9.0, goal=False)
    quick = Measured("gemist --help", GOAL_SECONDS, GOAL_MB, goal=True)
    slow = Measured("gemist rules check", GOAL_SECONDS + 0.01, 30.0, goal=True)

    text, met = report([floor, quick, slow])

    assert not met
    assert "gemist rules check      0.360 s      30.0 MB   NOT MET" in text
    assert "gemist --help           0.350 s      60.0 MB   MET" in text
    assert text.endswith("goals: NOT MET")
    assert report([floor, quick])[1]

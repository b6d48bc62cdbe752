"""The progress display: live bars with an overall total and time left on a terminal, plain lines
elsewhere, and the totals taken from each chapter's last run. The runner is driven line by line on
a clock of the test's own, so nothing waits on wall time."""
from __future__ import annotations

import io
import sys
from pathlib import Path

from rich.console import Console

from pipeline.jobs import HEARTBEAT_EVERY, PROGRESS_EVERY, Overall, ProgressRunner, run_in_parallel


class Clock:
    """A clock that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def last_run_log(folder: Path, name: str, played: int | None) -> Path:
    log = folder / f"{name}.log"
    if played is not None:
        log.write_text(f"Animation 0 : Partial movie file written\nPlayed {played} animations\n")
    return log


def fake_manim(animations: int, cached: int = 0) -> list[str]:
    """A stand-in for Manim that logs ``animations`` animations at once, the first ``cached`` of
    them taken from its cache."""
    script = (f"for i in range({animations}):\n"
              f"    done = 'Using cached data' if i < {cached} else 'Partial movie file written'\n"
              f"    print(f'Animation {{i}} : {{done}}')\n"
              f"print('Played {animations} animations')")
    return [sys.executable, "-c", script]


def terminal() -> tuple[Console, io.StringIO]:
    screen = io.StringIO()
    return Console(file=screen, force_terminal=True, width=110, color_system=None), screen


def animation(number: int) -> str:
    return f"Animation {number} : Partial movie file written"


def test_the_overall_total_is_the_sum_of_the_chapters_last_runs(tmp_path):
    runner = ProgressRunner(terminal()[0])
    runner.plan({"[1/2] a": last_run_log(tmp_path, "a", 12), "[2/2] b": last_run_log(tmp_path, "b", 30)})
    assert runner.overall() == Overall(animations=0, total=12 + 30, finished=0, planned=2)


def test_a_chapter_never_rendered_leaves_the_overall_total_open(tmp_path):
    runner = ProgressRunner(terminal()[0])
    runner.plan({"[1/2] a": last_run_log(tmp_path, "a", 12), "[2/2] b": last_run_log(tmp_path, "new", None)})
    assert runner.overall().total is None


def test_the_overall_bar_counts_running_chapters_and_estimates_the_time_left(tmp_path):
    console, screen = terminal()
    clock = Clock()
    runner = ProgressRunner(console, clock)
    runner.plan({"[1/2] alpha": last_run_log(tmp_path, "alpha", 3), "[2/2] beta": last_run_log(tmp_path, "beta", 3)})
    with runner:
        runner.begin("[1/2] alpha", total=3)
        runner.begin("[2/2] beta", total=3)
        runner.tick()
        for second, (label, number) in enumerate([("[1/2] alpha", 0), ("[2/2] beta", 0), ("[1/2] alpha", 1)],
                                                 start=1):
            clock.now = second
            runner.line(label, animation(number))
            runner.tick()
        # three of six animations in the three seconds since the first: three seconds to go
        assert runner.overall() == Overall(animations=3, total=6, finished=0, planned=2, seconds_left=3)
        assert "[1/2] alpha" in screen.getvalue() and "[2/2] beta" in screen.getvalue()
        clock.now = 4
        runner.line("[1/2] alpha", animation(2))
        timings = runner.end("[1/2] alpha")
        runner.tick()
        assert runner.overall().finished == 1 and runner.overall().animations == 4
    assert timings.ends == [1.0, 3.0, 4.0] and timings.cached == 0


def test_a_chapters_own_process_is_followed_to_its_timings(tmp_path):
    runner = ProgressRunner(terminal()[0])
    logs = {"[1/2] alpha": last_run_log(tmp_path, "alpha", 3), "[2/2] beta": last_run_log(tmp_path, "beta", 3)}
    runner.plan(logs)
    calls = [lambda label=label, log=log: runner.run(label, fake_manim(3, cached=1), {}, tmp_path, log)
             for label, log in logs.items()]
    timings = run_in_parallel(runner, calls, jobs=2)
    assert [(len(t.ends), t.cached) for t in timings] == [(3, 1), (3, 1)]
    assert runner.overall() == Overall(animations=6, total=6, finished=2, planned=2)


def test_without_a_terminal_a_chapter_is_reported_within_the_rate_limits(tmp_path, capsys):
    clock = Clock()
    runner = ProgressRunner(clock=clock)  # pytest's captured stdout is not a terminal
    runner.plan({"[1/1] alpha": last_run_log(tmp_path, "alpha", 3)})
    runner.begin("[1/1] alpha", total=3)
    runner.line("[1/1] alpha", animation(0))
    runner.line("[1/1] alpha", animation(1))
    clock.now = PROGRESS_EVERY - 1
    runner.tick()
    assert capsys.readouterr().out == ""  # moved, but too soon to say so
    clock.now = PROGRESS_EVERY
    runner.tick()
    assert capsys.readouterr().out == f"[1/1] alpha: animation 2/3 ({PROGRESS_EVERY:.0f} s)\n"
    clock.now = PROGRESS_EVERY + HEARTBEAT_EVERY - 1
    runner.tick()
    assert capsys.readouterr().out == ""  # quiet, but not yet long enough for a heartbeat
    clock.now = PROGRESS_EVERY + HEARTBEAT_EVERY
    runner.tick()
    assert capsys.readouterr().out == f"[1/1] alpha: animation 2/3 ({PROGRESS_EVERY + HEARTBEAT_EVERY:.0f} s)\n"


def test_without_a_terminal_a_quick_chapter_prints_only_what_the_render_says(tmp_path, capsys):
    runner = ProgressRunner()
    log = last_run_log(tmp_path, "alpha", 3)
    runner.plan({"[1/1] alpha": log})
    run_in_parallel(runner, [lambda: runner.run("[1/1] alpha", fake_manim(2), {}, tmp_path, log)], jobs=1)
    runner.say("[1/1] alpha: done")
    assert capsys.readouterr().out == "[1/1] alpha: done\n"

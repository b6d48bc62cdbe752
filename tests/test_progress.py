"""The progress display: live bars with an overall total and time left on a terminal, plain lines
elsewhere, and the totals taken from each chapter's last run."""
from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from rich.console import Console

from pipeline.jobs import ProgressRunner, run_in_parallel


def last_run_log(folder: Path, name: str, played: int | None) -> Path:
    log = folder / f"{name}.log"
    if played is not None:
        log.write_text(f"Animation 0 : Partial movie file written\nPlayed {played} animations\n")
    return log


def fake_manim(animations: int, pause: float) -> list[str]:
    """A stand-in for Manim that logs ``animations`` animations, ``pause`` seconds apart."""
    script = (f"import time\nfor i in range({animations}):\n    time.sleep({pause})\n"
              f"    print(f'Animation {{i}} : Partial movie file written', flush=True)\n"
              f"print('Played {animations} animations')")
    return [sys.executable, "-c", script]


def terminal() -> tuple[Console, io.StringIO]:
    screen = io.StringIO()
    return Console(file=screen, force_terminal=True, width=110, color_system=None), screen


def test_the_overall_total_is_the_sum_of_the_chapters_last_runs(tmp_path):
    console, screen = terminal()
    runner = ProgressRunner(console)
    runner.plan({"[1/2] a": last_run_log(tmp_path, "a", 12), "[2/2] b": last_run_log(tmp_path, "b", 30)})
    with runner:
        runner.tick()
    assert re.search(r"all chapters .* 0/42 0/2 chapters", screen.getvalue()), screen.getvalue()


def test_a_chapter_never_rendered_leaves_the_overall_total_open(tmp_path):
    console, screen = terminal()
    runner = ProgressRunner(console)
    runner.plan({"[1/2] a": last_run_log(tmp_path, "a", 12), "[2/2] b": last_run_log(tmp_path, "new", None)})
    with runner:
        runner.tick()
    assert re.search(r"all chapters .* 0/\? 0/2 chapters", screen.getvalue()), screen.getvalue()


def test_a_terminal_sees_a_bar_per_chapter_and_an_overall_bar_with_time_left(tmp_path):
    console, screen = terminal()
    runner = ProgressRunner(console)
    logs = {"[1/2] alpha": last_run_log(tmp_path, "alpha", 3), "[2/2] beta": last_run_log(tmp_path, "beta", 3)}
    runner.plan(logs)
    calls = [lambda label=label, log=log: runner.run(label, fake_manim(3, 0.8), {}, tmp_path, log)
             for label, log in logs.items()]
    run_in_parallel(runner, calls, jobs=2)
    shown = screen.getvalue()
    assert "[1/2] alpha" in shown and "[2/2] beta" in shown
    # part-way, the overall bar counts animations out of both chapters' last runs, with time left
    assert re.search(r"all chapters .* [1-5]/6 [0-2]/2 chapters \d\d:\d\d", shown), shown
    assert "6/6 2/2 chapters" in shown


def test_without_a_terminal_progress_is_plain_lines(tmp_path, capsys):
    runner = ProgressRunner()  # pytest's captured stdout is not a terminal
    log = last_run_log(tmp_path, "alpha", 3)
    runner.plan({"[1/1] alpha": log})
    run_in_parallel(runner, [lambda: runner.run("[1/1] alpha", fake_manim(2, 0.1), {}, tmp_path, log)], jobs=1)
    runner.say("[1/1] alpha: done")
    assert capsys.readouterr().out == "[1/1] alpha: done\n"

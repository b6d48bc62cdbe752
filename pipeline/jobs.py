"""Manim processes run side by side, each chapter's output kept in its own log file, and one short,
readable progress display for them all.

Each Manim process gets its own process group, so stopping a chapter also stops the LaTeX it
started. On a terminal the display is live (rich, which Manim already installs): a bar per running
chapter and an overall bar with the time left, its totals taken from each chapter's last run. Where
output is not a terminal (CI, a log file) it prints plain lines instead: one when a chapter starts
and ends, one when it has moved on by some animations (at most every ``PROGRESS_EVERY`` seconds per
chapter), and a heartbeat when a chapter has been quiet for ``HEARTBEAT_EVERY`` seconds (LaTeX, a
long animation).
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

PROGRESS_EVERY = 10.0
TICK_SECONDS = 1.0  # how often the main thread prints progress while chapters run
HEARTBEAT_EVERY = 30.0
STOP_GRACE = 5.0  # seconds between SIGTERM and SIGKILL when stopping Manim
LOG_TAIL_LINES = 20
# Manim logs "Animation 12 : Partial movie file written in ..." (or "... : Using cached data")
# per play, numbered from 0, and "Played 37 animations" at the end.
ANIMATION_LINE = re.compile(r"Animation (\d+)\s*:")
CACHED_LINE = re.compile(r"Animation \d+\s*: Using cached data")
PLAYED_LINE = re.compile(r"Played (\d+) animations")


class Stopped(RuntimeError):
    """Raised in a chapter's worker when the render is being stopped."""


class ManimFailed(RuntimeError):
    """A Manim process exited with an error; ``log`` holds its whole output."""

    def __init__(self, label: str, code: int, log: Path) -> None:
        super().__init__(f"chapter {label!r} failed in Manim (exit {code}); its output: {log}")
        self.log = log

    def tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def animations_played(log: Path) -> int | None:
    """How many animations the last run logged in ``log`` played (the total to expect next time)."""
    try:
        found = PLAYED_LINE.findall(log.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    return int(found[-1]) if found else None


@dataclass(frozen=True)
class Timings:
    """One Manim run's animations: the seconds from its start at which each was logged done, and how
    many of them came from the cache (a run that drew them all tells what a chapter costs)."""

    ends: list[float]
    cached: int


@dataclass
class _Task:
    label: str  # "[2/7] sigmoid-slope"
    phase: str = ""  # "" or "transparent "
    animation: int = 0  # animations finished so far
    total: int | None = None
    shown: int = 0  # the animation count last printed
    started: float = 0.0  # on the runner's clock
    last_line: float = 0.0
    ends: list[float] = field(default_factory=list)  # when each animation was logged done, from the start
    cached: int = 0  # animations taken from Manim's cache


@dataclass(frozen=True)
class Overall:
    """The overall bar: animations done of every planned unit's last-run total (None while a unit
    has never run), units finished of those planned, and the time left rich estimates (on a terminal)."""

    animations: int
    total: int | None
    finished: int
    planned: int
    seconds_left: float | None = None


def planned_total(planned: dict[str, int | None]) -> int | None:
    """The animations of every planned unit's last run; unknown (None) if any never ran, so no ETA."""
    known = [total for total in planned.values() if total]
    return sum(known) if len(known) == len(planned) else None


class _LiveDisplay:
    """The terminal display: one bar per running chapter, and an overall bar (animations of every
    planned chapter, from their last runs) whose time left rich estimates from the pace so far."""

    def __init__(self, console: Console, clock: Callable[[], float]) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[note]}"), TimeRemainingColumn(compact=True, elapsed_when_finished=True),
            console=console, transient=True, refresh_per_second=4, get_time=clock)
        self.overall: TaskID | None = None
        self.bars: dict[str, TaskID] = {}

    def start(self, planned: dict[str, int | None]) -> None:
        self.overall = self.progress.add_task("all chapters", total=planned_total(planned),
                                              note=f"0/{len(planned)} chapters")
        self.progress.start()

    def seconds_left(self) -> float | None:
        return self.progress.tasks[self.overall].time_remaining if self.overall is not None else None

    def stop(self) -> None:
        self.progress.stop()

    def update(self, tasks: list[_Task], overall: Overall) -> None:
        for task in tasks:
            if task.label not in self.bars:
                self.bars[task.label] = self.progress.add_task(task.label, total=task.total, note=task.phase)
            # A chapter that has grown past its last run's count has no known end any more.
            known = task.total if task.total and task.total >= task.animation else None
            self.progress.update(self.bars[task.label], completed=task.animation, total=known)
        running = {task.label for task in tasks}
        for label in [label for label in self.bars if label not in running]:
            self.progress.remove_task(self.bars.pop(label))
        self.progress.update(self.overall, completed=overall.animations,
                             note=f"{overall.finished}/{overall.planned} chapters")


class ProgressRunner:
    """Runs Manim commands from worker threads; the main thread calls :meth:`tick` about once a
    second to show progress, and :meth:`stop` to end every running process.

    ``console`` is where the live display draws; by default it is live only when standard output is
    a terminal, and plain lines are printed otherwise.
    """

    def __init__(self, console: Console | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock  # the tests' own clock makes progress testable without waiting
        self._lock = threading.Lock()
        self._processes: set[subprocess.Popen] = set()
        self._tasks: dict[str, _Task] = {}
        self._planned: dict[str, int | None] = {}
        self._done_animations = 0
        self._finished: set[str] = set()
        if console is None and sys.stdout.isatty():
            console = Console()
        self._live = _LiveDisplay(console, clock) if console is not None else None
        self._live_started = False
        self.stopping = threading.Event()
        self.stopped_any = False  # a process was killed mid-render: its files may be cut short
        self.slots: int | None = None  # units it can run at once, when not --jobs (a farm's workers)

    def plan(self, logs: dict[str, Path]) -> None:
        """The chapters about to run (label -> log of their last run), for the overall bar's total."""
        self._planned = {label: animations_played(log) for label, log in logs.items()}

    def say(self, line: str) -> None:
        with self._lock:
            if self._live_started:
                self._live.progress.console.print(line, highlight=False, markup=False)
            else:
                print(line, flush=True)

    def __enter__(self) -> ProgressRunner:
        if self._live is not None and self._planned:
            self._live.start(self._planned)
            self._live_started = True
        return self

    def __exit__(self, *exc) -> None:
        if self._live_started:
            self._live.stop()
            self._live_started = False

    def begin(self, label: str, phase: str = "", total: int | None = None) -> None:
        """A unit starts (in a process of ours, or on a worker elsewhere): ``total`` animations
        expected, from its last run."""
        now = self.clock()
        with self._lock:
            self._tasks[label] = _Task(label, phase, total=total, started=now, last_line=now)

    def line(self, label: str, line: str) -> None:
        """One line of a running unit's Manim log: an animation done moves its bar."""
        found = ANIMATION_LINE.search(line)
        if not found:
            return
        with self._lock:
            task = self._tasks[label]
            task.animation = max(task.animation, int(found[1]) + 1)
            task.ends.append(round(self.clock() - task.started, 2))
            task.cached += bool(CACHED_LINE.search(line))

    def end(self, label: str) -> Timings:
        """A unit has ended; return when each of its animations was done."""
        with self._lock:
            task = self._tasks.pop(label)
            # A chapter's transparent pass comes after it; a part of a chapter is not in the
            # plan (its chapter's own run counts the chapter's animations, cached by then).
            if label not in self._finished and (label in self._planned or not self._planned):
                self._finished.add(label)
                self._done_animations += task.animation
        return Timings(task.ends, task.cached)

    def run(self, label: str, command: list[str], env: dict[str, str], cwd: Path, log: Path,
            phase: str = "") -> Timings:
        """Run ``command`` with its output in ``log``; raise ManimFailed if it fails. Return when
        each animation it logged was done, and how many came from Manim's cache."""
        log.parent.mkdir(parents=True, exist_ok=True)
        total = animations_played(log)
        with open(log, "w", encoding="utf-8") as log_file:
            with self._lock:  # so that stop() either sees this process or keeps it from starting
                if self.stopping.is_set():
                    raise Stopped(label)
                process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                           stderr=subprocess.STDOUT, text=True, errors="replace",
                                           start_new_session=True)
                self._processes.add(process)
            self.begin(label, phase, total)
            try:
                for line in process.stdout:
                    log_file.write(line)
                    self.line(label, line)
                code = process.wait()
            finally:
                with self._lock:
                    self._processes.discard(process)
                timings = self.end(label)
        if self.stopping.is_set():
            raise Stopped(label)
        if code != 0:
            raise ManimFailed(label.split("] ", 1)[-1], code, log)
        return timings

    def overall(self) -> Overall:
        """Where the overall bar stands."""
        with self._lock:
            return self._overall()

    def _overall(self) -> Overall:
        first_passes = [task for task in self._tasks.values()
                        if task.label not in self._finished and task.label in self._planned]
        left = self._live.seconds_left() if self._live_started else None
        return Overall(self._done_animations + sum(task.animation for task in first_passes),
                       planned_total(self._planned), len(self._finished), len(self._planned), left)

    def tick(self) -> None:
        """Show what moved since the last tick: redraw the live display, or print plain lines
        within their rate limits."""
        now = self.clock()
        with self._lock:
            if self._live_started:
                self._live.update(list(self._tasks.values()), self._overall())
                return
            for task in self._tasks.values():
                quiet = now - task.last_line
                if (task.animation > task.shown and quiet >= PROGRESS_EVERY) or quiet >= HEARTBEAT_EVERY:
                    of = f"/{task.total}" if task.total else ""
                    print(f"{task.label}: {task.phase}animation {task.animation}{of} "
                          f"({now - task.started:.0f} s)", flush=True)
                    task.shown, task.last_line = task.animation, now

    def stop(self) -> None:
        """Stop every running Manim process group: SIGTERM, then SIGKILL after a grace period."""
        with self._lock:
            self.stopping.set()
            running = [p for p in self._processes if p.poll() is None]
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for process in running:
                try:
                    os.killpg(process.pid, sig)
                    self.stopped_any = True
                except (ProcessLookupError, PermissionError):
                    pass
            deadline = time.monotonic() + STOP_GRACE
            for process in running:
                try:
                    process.wait(timeout=max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    pass
            running = [p for p in running if p.poll() is None]
            if not running:
                break


T = TypeVar("T")


def run_in_parallel(runner: ProgressRunner, calls: list[Callable[[], T]], jobs: int) -> list[T]:
    """Run ``calls`` ``jobs`` at a time from worker threads, printing progress meanwhile; return their
    results in order. The first failure (or Ctrl-C) stops every running Manim and is raised."""
    with runner, ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="chapter") as pool:
        futures = [pool.submit(call) for call in calls]
        try:
            pending = set(futures)
            while pending:
                done, pending = wait(pending, timeout=TICK_SECONDS, return_when=FIRST_EXCEPTION)
                for future in done:
                    future.result()  # a failed chapter raises here and stops the others below
                runner.tick()
        except BaseException:
            for future in futures:
                future.cancel()
            runner.stop()
            raise
    return [future.result() for future in futures]

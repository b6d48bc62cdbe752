"""Manim processes run side by side, each chapter's output kept in its own log file, and one short,
readable progress display for them all.

Each Manim process gets its own process group, so stopping a chapter also stops the LaTeX it
started. The progress display prints a line when a chapter starts and ends, when it has moved on
by some animations (at most every ``PROGRESS_EVERY`` seconds per chapter), and a heartbeat when a
chapter has been quiet for ``HEARTBEAT_EVERY`` seconds (LaTeX, a long animation).
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

PROGRESS_EVERY = 10.0
TICK_SECONDS = 1.0  # how often the main thread prints progress while chapters run
HEARTBEAT_EVERY = 30.0
STOP_GRACE = 5.0  # seconds between SIGTERM and SIGKILL when stopping Manim
LOG_TAIL_LINES = 20
# Manim logs "Animation 12 : Partial movie file written in ..." (or "... : Using cached data")
# per play, numbered from 0, and "Played 37 animations" at the end.
ANIMATION_LINE = re.compile(r"Animation (\d+)\s*:")
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


@dataclass
class _Task:
    label: str  # "[2/7] sigmoid-slope"
    phase: str = ""  # "" or "transparent "
    animation: int = 0  # animations finished so far
    total: int | None = None
    shown: int = 0  # the animation count last printed
    started: float = field(default_factory=time.monotonic)
    last_line: float = field(default_factory=time.monotonic)


class ProgressRunner:
    """Runs Manim commands from worker threads; the main thread calls :meth:`tick` about once a
    second to print progress, and :meth:`stop` to end every running process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._processes: set[subprocess.Popen] = set()
        self._tasks: dict[str, _Task] = {}
        self.stopping = threading.Event()
        self.stopped_any = False  # a process was killed mid-render: its files may be cut short

    def say(self, line: str) -> None:
        with self._lock:
            print(line, flush=True)

    def run(self, label: str, command: list[str], env: dict[str, str], cwd: Path, log: Path,
            phase: str = "") -> None:
        """Run ``command`` with its output in ``log``; raise ManimFailed if it fails."""
        log.parent.mkdir(parents=True, exist_ok=True)
        task = _Task(label, phase, total=animations_played(log))
        with open(log, "w", encoding="utf-8") as log_file:
            with self._lock:  # so that stop() either sees this process or keeps it from starting
                if self.stopping.is_set():
                    raise Stopped(label)
                process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                           stderr=subprocess.STDOUT, text=True, errors="replace",
                                           start_new_session=True)
                self._processes.add(process)
                self._tasks[label] = task
            try:
                for line in process.stdout:
                    log_file.write(line)
                    found = ANIMATION_LINE.search(line)
                    if found:
                        task.animation = max(task.animation, int(found[1]) + 1)
                code = process.wait()
            finally:
                with self._lock:
                    self._processes.discard(process)
                    self._tasks.pop(label, None)
        if self.stopping.is_set():
            raise Stopped(label)
        if code != 0:
            raise ManimFailed(label.split("] ", 1)[-1], code, log)

    def tick(self) -> None:
        """Print what moved since the last tick, within the display's rate limits."""
        now = time.monotonic()
        with self._lock:
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
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="chapter") as pool:
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

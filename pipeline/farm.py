"""The render farm on Dask distributed: a render's schedule, its Manim runs sent to Dask workers on
this machine (by default: a LocalCluster of ``--jobs`` single-threaded worker processes, each
working in a folder of its own) or on many (``--scheduler ADDRESS``, workers started with
``./render.sh worker ADDRESS``); ``--scheduler none`` keeps them in the render's own threads.

Dask distributed (BSD-3, pure Python) was chosen over a scheduler of our own: futures, retries of
the tasks of a worker that died, worker resources and a dashboard, on one machine or many.

No file system is shared. The client keeps Manim's cache and the stage as a local render does; each
Manim run becomes one task that carries the unit's cached partial movies and LaTeX and text caches
to the worker, runs Manim there in a fresh media folder (so no two runs ever share one, nor the
caches Manim writes non-atomically) and brings back what it made and what the caches gained, which
the client files into its cache as if Manim had run here. A worker's toolchain (toolchain.py) must
equal the client's before it is given any work.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import CancelledError
from contextlib import contextmanager
from pathlib import Path

import cloudpickle

from pipeline import farm_task
from pipeline.farm_task import CACHES, read_tree, run_unit, worker_toolchain, write_tree
from pipeline.jobs import ManimFailed, ProgressRunner, Stopped, Timings, animations_played
from pipeline.options import LOCAL_SCHEDULER, RenderOptions, WorkerOptions, fail
from pipeline.settings import PARENT_PID_ENV, SLIDES_DIR_ENV
from pipeline.toolchain import difference, toolchain
from scenes.lib.settings import CACHE_DIR_ENV, ROOT, cache_root

SHIPPED = ("partial_movie_files",)  # the cached pieces that travel with a unit (and their stamps)
STARTUP_SECONDS = 120  # for a scheduler or worker process to come up
STOP_GRACE_SECONDS = 15  # for a stopped unit's task to stop its Manim and answer
POLL_SECONDS = 0.5  # how often a waiting unit looks for its result, for a stop, or for new workers
STOP_EVENT = "render-stop-"  # + the run's id: set on Ctrl-C, each task stops its own Manim


LOST = "lost the Dask scheduler; every finished piece stays in the cache for the next run"
# This process's environment as it started: a nanny of a LocalCluster writes its workers' variables
# into the environment of the process that starts it (distributed/nanny.py, os.environ.update).
ENVIRONMENT = dict(os.environ)
WORKERS_EVERY = 5.0  # seconds between looks for workers that joined, to fingerprint them
# Dask's own watchers, made rarer: its profiler samples every task's stack each 10 ms and its
# monitors look at memory and CPU several times a second, in every worker and in the scheduler.
# A unit here is one long wait on a Manim process, so none of that tells anything, and it takes CPU
# from the Manim runs: during a two-chapter render at 1080p the client and its two workers used
# 17 % of a core (ps, averaged over each process's life), 8 % with these settings.
QUIETER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}


class SchedulerLost(RuntimeError):
    """The Dask scheduler went away mid-render."""


def unit_for(label: str, command: list[str], env: dict[str, str], stop: str) -> dict:
    """The task for one Manim run of the pipeline: its media folder's cached partial movies and
    LaTeX and text caches carried, the folders it writes for the client (key frames', the screen
    measure's, decks') brought back."""
    media = command[command.index("--media_dir") + 1] if "--media_dir" in command else None
    returned, bring_media = [], True
    if "pipeline.key_frames" in command or "pipeline.screen_measure" in command:
        # Its media folder holds LaTeX and text caches only; it writes its results in a folder.
        media, returned, bring_media = command[-2], [command[-1]], False
    if SLIDES_DIR_ENV in env:
        returned.append(env[SLIDES_DIR_ENV])
    changed = {key: value for key, value in env.items() if os.environ.get(key) != value}
    changed.pop(PARENT_PID_ENV, None)
    # What Dask sets in its worker processes for tasks that compute in them (one thread for BLAS and
    # OpenMP, glibc returning memory at once, a fixed hash seed) is not for a Manim run: it gets
    # this machine's values from before any Dask nanny ran here (None: unset).
    changed.update({key: ENVIRONMENT.get(key) for key in dask_worker_environ()})
    carried = read_tree(Path(media), (*SHIPPED, *CACHES) if bring_media else CACHES) if media else {}
    return {"label": label, "command": command, "env": changed, "root": str(ROOT), "python": sys.executable,
            "media": media, "bring_media": bring_media, "carried": carried, "returned": returned, "stop": stop}


def dask_worker_environ() -> list[str]:
    """The variables Dask's nannies set in the worker processes they start."""
    import dask
    import distributed  # noqa: F401  (its defaults join Dask's config when it is imported)

    return sorted({*dask.config.get("distributed.nanny.pre-spawn-environ", {}),
                   *dask.config.get("distributed.nanny.environ", {}), "PYTHONHASHSEED"})


def by_value(function):
    """``function`` wrapped so that Dask sends it by value: distributed tries the standard pickle
    first, which names a module function by reference, and the scheduler would have to import this
    project to read it. A lambda never pickles by reference, and what it calls from farm_task
    travels with it (``register_pickle_by_value``)."""
    cloudpickle.register_pickle_by_value(farm_task)
    return lambda *args: function(*args)


class FarmRunner(ProgressRunner):
    """A ProgressRunner whose Manim runs are Dask tasks: the client's threads wait on them, file
    what comes back into the cache and stage, and show their progress as a local run does."""

    def __init__(self, client, reference: dict[str, str]) -> None:
        super().__init__()
        self.client = client
        self.reference = reference
        self.accepted: set[str] = set()
        self.refused: set[str] = set()
        self.workers_seen = 0.0  # when check_workers last asked the scheduler
        self._workers_lock = threading.Lock()
        self.stop_name = STOP_EVENT + uuid.uuid4().hex
        self.transfer_seconds = 0.0  # client-side: packing, sending and filing, besides Manim
        self.units = 0
        self.streamed: dict[str, int] = {}  # label -> lines of its log already shown, as they came
        self._stream_lock = threading.Lock()  # never held while waiting on the client's event loop
        client.subscribe_topic(self.stop_name, self._show_lines)
        self.check_workers()

    def _show_lines(self, event: tuple[float, dict]) -> None:
        """A running unit's new log lines (on the client's event loop)."""
        message = event[1]
        with self._stream_lock:
            if message["label"] not in self.streamed:
                return  # a unit already ended
            self.streamed[message["label"]] += len(message["lines"])
            for line in message["lines"]:
                self.line(message["label"], line)

    def check_workers(self) -> set[str]:
        """Fingerprint workers not seen yet; refuse, with one line each, those that differ."""
        with self._workers_lock:
            try:
                workers = set(self.client.scheduler_info(n_workers=-1)["workers"])
            except Exception as error:
                raise SchedulerLost(f"{LOST} ({type(error).__name__})") from None
            new = workers - self.accepted - self.refused
            if new:
                found = self.client.run(by_value(worker_toolchain), workers=sorted(new))
                for worker, record in found.items():
                    differs = difference(self.reference, record)
                    if differs:
                        self.refused.add(worker)
                        self.say(f"Refused worker {worker}: its toolchain differs ({differs})")
                    else:
                        self.accepted.add(worker)
            self.accepted &= workers
            self.workers_seen = time.monotonic()
            return set(self.accepted)

    def run(self, label: str, command: list[str], env: dict[str, str], cwd: Path, log: Path,
            phase: str = "") -> Timings:
        log.parent.mkdir(parents=True, exist_ok=True)
        if self.stopping.is_set():
            raise Stopped(label)
        packing = time.monotonic()
        unit = unit_for(label, command, env, self.stop_name)
        workers = self.check_workers()
        if not workers:
            raise RuntimeError("no Dask worker with this machine's toolchain is connected")
        future = self.client.submit(by_value(run_unit), unit, key=f"{label}-{uuid.uuid4().hex[:8]}", pure=False,
                                    workers=sorted(workers), allow_other_workers=False)
        packed = time.monotonic() - packing
        self.begin(label, phase, animations_played(log))
        with self._stream_lock:
            self.streamed[label] = 0
        try:
            result = self._wait(future)
        finally:
            if self.stopping.is_set():
                future.cancel()
        filing = time.monotonic()
        log.write_text(result["log"], encoding="utf-8")
        with self._stream_lock:
            # Whatever did not arrive while it ran (a rescheduled unit's, the last second's).
            shown = self.streamed.pop(label)
        for line in result["log"].splitlines(keepends=True)[shown:]:
            self.line(label, line)
        timings = self.end(label)
        if unit["media"]:
            write_tree(Path(unit["media"]), result["media"])
        for folder, files in result["returned"].items():
            write_tree(Path(folder), files)
        with self._workers_lock:  # units finish in several threads at once
            self.transfer_seconds += packed + time.monotonic() - filing
            self.units += 1
        if self.stopping.is_set():
            raise Stopped(label)
        if result["code"] != 0:  # an error in Manim is reported with its log, never retried blindly
            raise ManimFailed(label.split("] ", 1)[-1], result["code"], log)
        return timings

    def _wait(self, future):
        while True:
            if self.stopping.is_set():
                self._let_it_stop(future)
                raise Stopped(future.key)
            try:
                return future.result(timeout=POLL_SECONDS)
            except TimeoutError:
                pass
            except CancelledError:  # distributed cancels every future when the scheduler is gone
                if self.stopping.is_set():
                    raise Stopped(future.key) from None
                raise SchedulerLost(LOST) from None
            if self.client.status not in ("running", "connecting"):
                raise SchedulerLost(LOST)
            if time.monotonic() - self.workers_seen >= WORKERS_EVERY:
                self.check_workers()

    @staticmethod
    def _let_it_stop(future) -> None:
        """Wait for a stopped unit's task to stop its Manim (it looks for the stop every second), so
        that no Manim outlives the render; a task that does not answer is left to its worker."""
        try:
            future.result(timeout=STOP_GRACE_SECONDS)
        except Exception:
            pass

    def stop(self) -> None:
        """Stop the work everywhere: set the run's stop Event, which every task watches."""
        already = self.stopping.is_set()
        self.stopping.set()
        if not already:  # what comes back is filed whole or not at all, so nothing is left cut short
            try:
                from distributed import Event

                Event(self.stop_name, client=self.client).set()
            except Exception:
                pass


@contextmanager
def local_cluster(jobs: int) -> Iterator[str]:
    """A LocalCluster of ``jobs`` single-threaded worker processes, each with its own folder; yields
    its address."""
    import dask
    from distributed import LocalCluster

    with dask.config.set(QUIETER), LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                                dashboard_address=":0", silence_logs=40) as cluster:
        yield cluster.scheduler_address


@contextmanager
def executor(options: RenderOptions) -> Iterator[ProgressRunner | None]:
    """The runner of a render: a FarmRunner on a local cluster (the default) or on the workers of
    the scheduler ``--scheduler`` names; None (a ProgressRunner on this process's threads) with
    ``--scheduler none``."""
    if not options.scheduler:
        yield None
        return
    from distributed import Client

    # The client's own log lines (reconnecting, closing) would break the one line a failure prints.
    for name in ("distributed", "distributed.client", "distributed.core", "distributed.comm"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    local = options.scheduler == LOCAL_SCHEDULER
    with local_cluster(options.jobs) if local else nullcontext(options.scheduler) as address:
        try:
            client = Client(address, timeout="20s", set_as_default=False)
        except OSError as error:
            fail(f"cannot reach the Dask scheduler at {address}: {error}", status=1)
        with client:
            runner = FarmRunner(client, toolchain())
            slots = sum(info["nthreads"] for worker, info in client.scheduler_info(n_workers=-1)["workers"].items()
                        if worker in runner.accepted)
            runner.slots = max(slots, 1)
            if not local:  # a local cluster is the default: no word of it
                print(f"Dask scheduler {address}: {len(runner.accepted)} worker(s), {slots} slot(s)", flush=True)
            yield runner
            if runner.units and not local:
                print(f"Farm: {runner.units} unit(s); packing and filing their files took "
                      f"{runner.transfer_seconds / runner.units:.2f} s per unit on this machine", flush=True)


@contextmanager
def nullcontext(value):
    yield value


def serve(options: WorkerOptions) -> int:
    """``./render.sh worker ADDRESS``: Dask worker processes for the scheduler at ``address``, one
    Manim at a time each (``--jobs`` of them), working in this checkout's own cache."""
    cache_root().mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "distributed.cli.dask_worker", options.address, "--nthreads", "1",
               "--nworkers", str(options.jobs), "--local-directory", str(cache_root() / "dask-worker"),
               "--no-dashboard"]
    print(f"Dask worker for {options.address}: {options.jobs} process(es), working in {cache_root()}", flush=True)
    # The workers' Manim runs find this checkout's cache through their environment, given to them
    # here, with Dask's watchers made rarer (QUIETER, in Dask's DASK_A__B__C spelling).
    quieter = {"DASK_" + key.replace(".", "__").replace("-", "_").upper(): str(value) for key, value in QUIETER.items()}
    os.execve(command[0], command, {**os.environ, **quieter, CACHE_DIR_ENV: str(cache_root())})


def start_scheduler(folder: Path) -> tuple[subprocess.Popen, str]:
    """A plain Dask scheduler in a process of its own, working in ``folder`` (its log and address
    file there; this project not on its path, as on a machine that only has Dask); return it and
    its address, once it listens."""
    address_file = folder / "scheduler.json"
    address_file.unlink(missing_ok=True)
    with open(folder / "scheduler.log", "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                    "--port", "0", "--no-dashboard", "--scheduler-file", str(address_file)],
                                   cwd=folder, env={key: value for key, value in os.environ.items()
                                                    if key != "PYTHONPATH"},
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + STARTUP_SECONDS
    while not address_file.is_file() or not address_file.read_text().strip():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the Dask scheduler did not start; see {folder / 'scheduler.log'}")
        time.sleep(0.2)
    return process, json.loads(address_file.read_text())["address"]


def start_worker(address: str, checkout: Path, cache: Path, jobs: int, log: Path) -> subprocess.Popen:
    """``checkout/render.sh worker ADDRESS --jobs N`` with its own cache: the shape of a second machine."""
    with open(log, "w") as output:
        return subprocess.Popen([str(checkout / "render.sh"), "worker", address, "--jobs", str(jobs)], cwd=checkout,
                                env={**os.environ, CACHE_DIR_ENV: str(cache)}, stdout=output,
                                stderr=subprocess.STDOUT, start_new_session=True)


def wait_for_workers(address: str, count: int) -> None:
    from distributed import Client

    with Client(address, timeout="30s", set_as_default=False) as client:
        client.wait_for_workers(count, timeout=STARTUP_SECONDS)


def stop_process_group(process: subprocess.Popen) -> None:
    """SIGTERM a process group we started, SIGKILL it if it lingers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=10)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue

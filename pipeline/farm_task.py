"""What a Dask worker runs for the farm (farm.py): one Manim run in a fresh folder of its own.

The Dask scheduler unpickles every task it is sent, so this module is sent by value
(``cloudpickle.register_pickle_by_value``) and imports only the standard library at its top: a plain
``dask scheduler`` started anywhere, without this project on its path, can schedule it. What it
needs of the project it imports inside ``run_unit``, on the worker, from the worker's own checkout.
A unit and its result are plain dicts for the same reason.

A unit: ``label``, ``command`` and ``env`` (the variables the pipeline set, and None for those to
unset) with the client's paths; ``root`` and ``python`` (the client's checkout and interpreter);
``media`` (the client's media folder), ``bring_media`` (whether the videos Manim makes there come
back; its caches' new files always do), ``carried`` (its cached partial movies and LaTeX and text
caches, relative path -> bytes), ``returned`` (client folders whose whole content comes back) and
``stop`` (the name of the run's stop Event, and of the topic its log lines go out on).
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

STAMP_NAME = "x264-settings.txt"  # manim_run.ENCODER_STAMP: travels with the partial movies
CACHES = ("Tex", "texts")  # Manim's LaTeX and text caches inside a media folder, named by content
STOP_POLL_SECONDS = 1.0


def read_tree(folder: Path, only: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file below ``folder`` (relative path -> bytes); with ``only``, just those whose path
    passes through one of these folder names, and encoder stamps."""
    files = {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        relative = path.relative_to(folder)
        if path.is_file() and (not only or path.name == STAMP_NAME or set(relative.parts) & set(only)):
            files[str(relative)] = path.read_bytes()
    return files


def write_tree(folder: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` below ``folder``, each whole or not at all."""
    for relative, data in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        # Named for this thread: two units of one chapter may bring back the same cached formula at once.
        partial = target.with_name(f".{target.name}.{os.getpid()}-{threading.get_ident()}.part")
        partial.write_bytes(data)
        os.replace(partial, target)


def run_unit(unit: dict) -> dict:
    """On a worker: run ``unit``'s Manim in a fresh folder of this worker's, stop it if the run is
    stopped, and return its exit status, log and what it made."""
    from distributed import Event, get_worker

    from pipeline.settings import PARENT_PID_ENV
    from scenes.lib.settings import ROOT, cache_root

    started = time.monotonic()
    cache_root().mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="unit-", dir=cache_root()))
    try:
        places = {unit["python"]: sys.executable, unit["root"]: str(ROOT)}
        if unit["media"]:
            places[unit["media"]] = str(work / "media")
            # With the partial movies come Manim's LaTeX and text caches: in this task's folder only,
            # so no other run shares them while Manim writes them.
            write_tree(work / "media", unit["carried"])
        for number, folder in enumerate(unit["returned"]):
            places[folder] = str(work / f"out{number}")
            (work / f"out{number}").mkdir()

        # One pass, longest first: a place rewritten is never rewritten again (a worker's checkout
        # may lie inside the client's, as the benchmark's do).
        pattern = re.compile("|".join(re.escape(theirs) for theirs in sorted(places, key=len, reverse=True)))

        def here(text: str) -> str:
            return pattern.sub(lambda match: places[match[0]], text)

        env = {**os.environ, **{key: here(value) for key, value in unit["env"].items() if value is not None}}
        for key in [key for key, value in unit["env"].items() if value is None]:
            env.pop(key, None)  # unset on the client, so unset here
        env[PARENT_PID_ENV] = str(os.getpid())  # Manim dies with this worker
        process = subprocess.Popen([here(arg) for arg in unit["command"]], cwd=ROOT, env=env, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, errors="replace",
                                   start_new_session=True)
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
        reader.start()
        # Dask does not interrupt a running task: this one stops its own Manim when the run is
        # stopped (a distributed Event is only usable from the task's own thread).
        stop, stopped, sent = Event(unit["stop"]), False, 0
        worker = get_worker()
        while True:
            try:  # the unit's end is seen at once, a stop within STOP_POLL_SECONDS
                process.wait(timeout=STOP_POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                pass
            try:
                if stop.is_set():
                    stopped = True
                    os.killpg(process.pid, signal.SIGTERM)
                    break
            except (OSError, TimeoutError):
                pass
            # The lines so far go to the client as an event, so its bar for this unit moves.
            fresh = lines[sent:]
            if fresh:
                worker.log_event(unit["stop"], {"label": unit["label"], "lines": fresh})
                sent += len(fresh)
        reader.join()
        code = process.wait()
        media = {}
        if unit["media"]:  # what Manim made (videos only if asked for), and what its caches gained
            made = read_tree(work / "media", CACHES if not unit["bring_media"] else ())
            media = {name: data for name, data in made.items() if name not in unit["carried"]
                     and (name.startswith("videos/") or name.split("/", 1)[0] in CACHES)}
        returned = {folder: read_tree(work / f"out{number}") for number, folder in enumerate(unit["returned"])}
        return {"code": -signal.SIGTERM if stopped else code, "log": "".join(lines), "media": media,
                "returned": returned, "worker": get_worker().address, "seconds": time.monotonic() - started}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def worker_toolchain() -> dict[str, str]:
    """On a worker: its toolchain record (pipeline/toolchain.py), from its own checkout."""
    from pipeline.toolchain import toolchain

    return toolchain()

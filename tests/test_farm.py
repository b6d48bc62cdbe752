"""Every variant in one command, and the render farm on Dask (pipeline/farm.py): several variants
rendered together are each what they are alone; a scheduler and workers in processes and folders of
their own render what a local render does, byte for byte; a worker killed mid-chapter costs time,
never a byte; a unit that fails is reported with its log and not retried; a worker whose toolchain
differs is refused with one line before it gets any work."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path  # noqa: F401

import pytest
from conftest import PREVIEW_ARGS, ROOT, run_render
from test_render_sh import without_exports

from pipeline.farm import FarmRunner, start_scheduler, start_worker, stop_process_group, wait_for_workers
from pipeline.jobs import ManimFailed
from pipeline.toolchain import difference, toolchain
from scenes.lib.settings import CACHE_DIR_ENV

# The tests that compare with the session's renders (conftest.py) share their xdist worker.
SESSION_RENDERS = pytest.mark.xdist_group("render")
CHECKOUT = ("scenes", "assets", "pipeline", "render.sh", "manim.cfg", "requirements.txt")
STARTUP_SECONDS = 120  # for a worker to take its chapter


def checkout_copy(folder: Path) -> Path:
    """What a machine that cloned the project has (its own virtualenv stands in for a shared one)."""
    folder.mkdir(parents=True)
    for name in CHECKOUT:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, folder / name)
    (folder / ".venv").symlink_to((ROOT / ".venv").resolve())
    return folder


class Farm:
    """A plain Dask scheduler (not even this project on its path) and workers, each a process group
    of its own in a folder of its own."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        scheduler, self.address = start_scheduler(folder)
        self.processes: dict[str, subprocess.Popen] = {"scheduler": scheduler}

    def add_worker(self, name: str) -> Path:
        """``./render.sh worker ADDRESS`` from a checkout of its own; returns its cache folder."""
        checkout = checkout_copy(self.folder / name)
        self.processes[name] = start_worker(self.address, checkout, checkout / ".cache", 1,
                                            self.folder / f"{name}.log")
        return checkout / ".cache"

    def render_title(self, out: Path, cache: Path) -> subprocess.Popen:
        """The title chapter at preview, rendered on this farm in the background."""
        return subprocess.Popen([str(ROOT / "render.sh"), "--quality", "preview", "--scenes", "title",
                                 "--scheduler", self.address, "--out", str(out)], cwd=ROOT, text=True,
                                env={**os.environ, CACHE_DIR_ENV: str(cache)},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def wait_until(self, render: subprocess.Popen, found):
        """What ``found()`` finds (polled while ``render`` runs), or a failure if it never does."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while not (result := found()):
            assert time.monotonic() < deadline and render.poll() is None, "no worker started the chapter"
            time.sleep(0.1)
        return result

    def wait_for_workers(self, count: int) -> None:
        wait_for_workers(self.address, count)

    def kill(self, name: str) -> None:
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait()

    def close(self) -> None:
        for process in reversed(list(self.processes.values())):
            stop_process_group(process)


@pytest.fixture
def farm(tmp_path):
    farm = Farm(tmp_path)
    yield farm
    farm.close()


def compare_chapters(rendered: Path, reference: Path, names: set[str], only: bool = False) -> None:
    """The videos, subtitles and chapter lines in ``rendered`` (at least ``names``; with ``only``,
    just those) are byte for byte those of ``reference``."""
    compared = [path for path in rendered.iterdir() if path.suffix in (".mp4", ".srt", ".vtt", ".txt")
                and (not only or path.name in names)]
    assert {path.name for path in compared} >= names
    for path in compared:
        assert path.read_bytes() == (reference / path.name).read_bytes(), path.name


@SESSION_RENDERS
def test_two_workers_in_their_own_folders_render_what_a_local_render_does(preview_render, farm, tmp_path):
    caches = [farm.add_worker("worker-a"), farm.add_worker("worker-b")]
    farm.wait_for_workers(2)
    out = tmp_path / "out"
    result = run_render(*PREVIEW_ARGS[:PREVIEW_ARGS.index("--format")], "--scheduler", farm.address,
                        "--out", str(out), env={CACHE_DIR_ENV: str(tmp_path / "client-cache")})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "2 worker(s)" in result.stdout
    rendered = out / preview_render.name
    compare_chapters(rendered, preview_render, {"lecture.mp4", "00-title.mp4", "01-sigmoid-slope.mp4"})
    assert without_exports(json.loads((rendered / "manifest.json").read_text())) == \
        without_exports(json.loads((preview_render / "manifest.json").read_text()))
    # Each worker drew in its own folder and kept no unit's folder behind.
    assert all(cache.is_dir() and not list(cache.glob("unit-*")) for cache in caches)
    # The text the workers drew came back to the client's cache, to travel with the next run's units
    # (without it, a caption edit would draw every formula and label again).
    for module in ("ch00_title", "ch01_sigmoid_slope"):
        assert list((tmp_path / "client-cache" / "manim" / "en-dark" / module / "texts").glob("*.svg")), module


@SESSION_RENDERS
def test_a_worker_killed_mid_chapter_costs_time_never_a_byte(preview_render, farm, tmp_path):
    caches = {"worker-a": farm.add_worker("worker-a"), "worker-b": farm.add_worker("worker-b")}
    farm.wait_for_workers(2)
    out = tmp_path / "out"
    render = farm.render_title(out, tmp_path / "client-cache")
    # The worker that took the chapter, once it has drawn an animation.
    drawing = farm.wait_until(render, lambda: next((name for name, cache in caches.items() if any(
        cache.glob("unit-*/media/videos/**/partial_movie_files/**/*.mp4"))), None))
    farm.kill(drawing)
    stdout, stderr = render.communicate(timeout=600)
    assert render.returncode == 0, stderr[-3000:]
    compare_chapters(out / preview_render.name, preview_render, {"00-title.mp4", "00-title.srt"}, only=True)


def test_a_worker_with_another_toolchain_is_refused_with_one_line_before_any_work(capsys, tmp_path):
    from distributed import Client, LocalCluster

    here = toolchain()
    other = {**here, "manim": "0.20.0"}  # the client's record differs from the worker's in one entry
    named = f"manim: 0.20.0 here, {here['manim']} there"
    assert difference(other, here) == named
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster, Client(cluster) as client:
        runner = FarmRunner(client, other)
        assert runner.accepted == set() and len(runner.refused) == 1
        lines = capsys.readouterr().out.strip().splitlines()
        assert lines == [f"Refused worker {next(iter(runner.refused))}: its toolchain differs ({named})"]
        with pytest.raises(RuntimeError, match="no Dask worker with this machine's toolchain"):
            runner.run("[1/1] title", ["true"], {}, ROOT, tmp_path / "never.log")
        assert client.who_has() == {}  # nothing was ever sent


def test_a_unit_that_fails_is_reported_with_its_log_and_run_once(tmp_path):
    from distributed import Client, LocalCluster

    runs = tmp_path / "runs.txt"
    failing = [sys.executable, "-c", f"open({str(runs)!r}, 'a').write('ran\\n'); print('Animation 0 : Partial "
               "movie file written'); print('Traceback: the scene broke'); raise SystemExit(3)"]
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster, Client(cluster) as client:
        runner = FarmRunner(client, toolchain())
        with pytest.raises(ManimFailed) as failed:
            runner.run("[1/1] title", failing, dict(os.environ), ROOT, tmp_path / "logs" / "00-title.log")
    assert "exit 3" in str(failed.value)
    assert "Traceback: the scene broke" in failed.value.tail()  # the worker's log, written where a local one is
    assert runs.read_text() == "ran\n"  # an error is not a lost worker: never retried


@SESSION_RENDERS
def test_several_variants_in_one_command_are_each_what_they_are_alone(preview_render, chinese_render, tmp_path):
    out = tmp_path / "out"
    result = run_render("--quality", "preview", "--scenes", "title", "--lang", "en,zh-TW", "--theme", "dark,light",
                        "--out", str(out), env={CACHE_DIR_ENV: str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "of 4 variants" in result.stdout
    assert {path.name for path in out.iterdir()} == {f"{lang}-{theme}-preview" for lang in ("en", "zh-TW")
                                                     for theme in ("dark", "light")}
    compare_chapters(out / "en-dark-preview", preview_render, {"00-title.mp4", "00-title.srt", "00-title.vtt"},
                     only=True)
    compare_chapters(out / chinese_render.name, chinese_render, {"00-title.mp4", "lecture.mp4", "chapters.txt"})


@pytest.mark.xdist_group("farm")
def test_a_lost_scheduler_stops_the_render_with_one_line_and_publishes_nothing(farm, tmp_path):
    cache = farm.add_worker("worker-a")
    farm.wait_for_workers(1)
    out = tmp_path / "out"
    render = farm.render_title(out, tmp_path / "client-cache")
    farm.wait_until(render, lambda: any(cache.glob("unit-*")))  # the worker has taken the chapter
    farm.kill("scheduler")
    _, stderr = render.communicate(timeout=300)
    assert render.returncode == 1
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "lost the Dask scheduler" in lines[0], stderr
    assert not out.exists()


def test_a_manim_run_gets_this_machine_s_environment_not_the_one_dask_sets_for_its_workers(monkeypatch):
    """A LocalCluster's nanny writes its workers' variables into the environment of the process that
    starts it; with glibc's trim threshold set, every 1080p frame was mapped and zeroed anew (a
    render's kernel time went from 9 s to 23 s)."""
    from pipeline import farm

    monkeypatch.setattr(farm, "ENVIRONMENT", {"OMP_NUM_THREADS": "4"})
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")  # as the nanny leaves it
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    unit = farm.unit_for("[1/1] title", [sys.executable, "-m", "pipeline.manim_worker", "render"], dict(os.environ),
                         "stop")
    assert unit["env"]["MALLOC_TRIM_THRESHOLD_"] is None, "unset here, so unset on the worker"
    assert unit["env"]["OMP_NUM_THREADS"] == "4", "this machine's own value"
    assert unit["env"]["PYTHONHASHSEED"] is None


def test_a_render_runs_on_a_local_cluster_unless_told_otherwise():
    from pipeline.options import parse_render_variants, parse_slides_variants

    assert {options.scheduler for options in parse_render_variants(["--lang", "en,zh-TW"])} == {"local"}
    assert parse_render_variants(["--scheduler", "none"])[0].scheduler is None, "the render's own threads"
    assert parse_render_variants(["--scheduler", "tcp://10.0.0.7:8786"])[0].scheduler == "tcp://10.0.0.7:8786"
    assert parse_slides_variants([])[0].scheduler is None, "decks are made without Dask"


@SESSION_RENDERS
def test_the_render_s_own_threads_make_what_the_local_cluster_makes(chinese_render, tmp_path):
    out = tmp_path / "out"
    result = run_render("--quality", "preview", "--scenes", "title", "--lang", "zh-TW", "--theme", "light",
                        "--format", "handout", "--scheduler", "none", "--out", str(out),
                        env={CACHE_DIR_ENV: str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr[-3000:]
    compare_chapters(out / chinese_render.name, chinese_render,
                     {"00-title.mp4", "00-title.srt", "lecture.mp4", "lecture.srt", "chapters.txt"}, only=True)

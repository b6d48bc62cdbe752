"""A render killed outright (SIGKILL) mid-chapter: the next run must not splice a cut-short
partial movie from Manim's cache into the video."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import av
import pytest
from conftest import RENDER, ROOT, run_render

from scenes.lib.settings import CACHE_DIR_ENV

# Its own cache and output folder, so it need not wait for the session renders' worker.
pytestmark = pytest.mark.xdist_group("killed-render")

ARGS = ("--quality", "preview", "--scenes", "sigmoid-slope")


def frames_and_rate(path) -> tuple[int, float]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return sum(1 for _ in container.decode(stream)), float(stream.base_rate)


def test_a_render_killed_mid_write_leaves_nothing_a_later_run_trusts(tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    env = {CACHE_DIR_ENV: str(cache)}  # its own Manim cache: this test damages it on purpose

    def partial_movies():
        found = cache.glob("manim/*/*/videos/*/*/partial_movie_files/*/*.mp4")
        return sorted(found, key=lambda path: path.stat().st_mtime_ns)

    process = subprocess.Popen([RENDER, *ARGS, "--out", str(out)], cwd=ROOT, env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while len(partial_movies()) < 6 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    assert len(partial_movies()) >= 6, "Manim never got going"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    time.sleep(1.0)  # Manim dies with its parent (PR_SET_PDEATHSIG); give the kernel a moment
    newest = partial_movies()[-1]
    with open(newest, "r+b") as handle:  # the worst case: a cut-short file at its final name
        handle.truncate(newest.stat().st_size // 2)

    result = run_render(*ARGS, "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "half-written" in result.stdout, result.stdout
    variant = out / "en-dark-preview"
    manifest = json.loads((variant / "manifest.json").read_text())
    for video, duration in ((manifest["chapters"][0]["video"], manifest["chapters"][0]["duration"]),
                            (manifest["lecture"]["video"], manifest["lecture"]["duration"])):
        frames, fps = frames_and_rate(variant / video)
        assert fps == 15
        assert abs(frames / fps - duration) <= 1 / fps, f"{video}: {frames} frames for {duration} s"
    assert 30 < manifest["lecture"]["duration"] < 120

"""A render is reproducible: the same chapter rendered twice from a cold cache draws the same frames,
pixel for pixel. (Every random draw is seeded: the model's generators by its ``seed`` arguments,
Python's and numpy's global ones by ``LectureScene`` with ``experiment.SEED``.) The title chapter
draws from the model: its cold open trains two seeded networks.

The frames are compared as Manim draws them (PNG), not decoded from plain Manim's video: its x264,
on several threads, encoded the same frames a little differently when the machine was busy (three
levels in twelve pixels, over one run of predicted frames). render.sh encodes on one thread, and
its videos are compared byte for byte elsewhere (test_render_sh, test_split)."""
from __future__ import annotations

import importlib
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT
from PIL import Image

from pipeline.registry import CHAPTERS
from scenes.lib.experiment import SEED
from scenes.lib.lecture import scene_env

# Real renders: one worker runs them all, one after another.
pytestmark = pytest.mark.xdist_group("render")

TITLE = CHAPTERS[0]


def render_chapter_frames(media_dir: Path, lang: str, theme: str) -> list[Path]:
    """Render the title chapter at 480p15 into an empty ``media_dir`` with Manim's cache off, as PNG
    frames; return them in order."""
    env = {**scene_env(lang, theme), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "manim", "render", "-ql", "--disable_caching", "--progress_bar", "none",
         "--format", "png", "--media_dir", str(media_dir), str(TITLE.path), TITLE.scene],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return sorted(media_dir.glob(f"images/**/{TITLE.scene}*.png"))


def decoded_frames(frames: list[Path]) -> list[np.ndarray]:
    return [np.asarray(Image.open(frame).convert("RGB")) for frame in frames]


def test_a_chapter_rendered_twice_from_a_cold_cache_has_identical_frames(tmp_path):
    first = decoded_frames(render_chapter_frames(tmp_path / "first", "en", "dark"))
    second = decoded_frames(render_chapter_frames(tmp_path / "second", "en", "dark"))
    assert len(first) == len(second) > 0
    differing = [index for index, (a, b) in enumerate(zip(first, second)) if not np.array_equal(a, b)]
    assert not differing, f"{len(differing)} of {len(first)} frames differ, the first at frame {differing[0]}"


def test_every_scene_starts_from_the_experiment_seed(lecture_env):
    lecture_env()
    random.seed(12345)
    np.random.seed(12345)
    getattr(importlib.import_module(f"scenes.{TITLE.module}"), TITLE.scene)()
    assert random.random() == random.Random(SEED).random()
    assert np.random.random() == np.random.RandomState(SEED).random()

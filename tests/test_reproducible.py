"""A render is reproducible: the same chapter rendered twice from a cold cache draws the same frames,
pixel for pixel. (Every random draw is seeded: the model's generators by its ``seed`` arguments,
Python's and numpy's global ones by ``LectureScene`` with ``experiment.SEED``.) The chapter rendered
is the dying ReLU: it draws a real network's training from seed 0 and the spread over ten seeds,
random draws that decide what is on screen (a test below holds that they do).

The frames are compared as Manim draws them (PNG), not decoded from plain Manim's video: its x264,
on several threads, encoded the same frames a little differently when the machine was busy (three
levels in twelve pixels, over one run of predicted frames). render.sh encodes on one thread, and
its videos are compared byte for byte elsewhere (test_render_sh, test_split)."""
from __future__ import annotations

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
from scenes.model import DEAD_RUN_SEEDS, dead_fraction_spread, dead_unit_curve

# Real renders: one worker runs them all, one after another.
pytestmark = pytest.mark.xdist_group("render")

CHAPTER = next(chapter for chapter in CHAPTERS if chapter.slug == "dying-relu")


def render_chapter_frames(media_dir: Path, lang: str, theme: str) -> list[Path]:
    """Render the chapter at 480p15 into an empty ``media_dir`` with Manim's cache off, as PNG
    frames; return them in order."""
    env = {**scene_env(lang, theme), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "manim", "render", "-ql", "--disable_caching", "--progress_bar", "none",
         "--format", "png", "--media_dir", str(media_dir), str(CHAPTER.path), CHAPTER.scene],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return sorted(media_dir.glob(f"images/**/{CHAPTER.scene}*.png"))


def decoded_frames(frames: list[Path]) -> list[np.ndarray]:
    return [np.asarray(Image.open(frame).convert("RGB")) for frame in frames]


def test_a_chapter_rendered_twice_from_a_cold_cache_has_identical_frames(tmp_path):
    first = decoded_frames(render_chapter_frames(tmp_path / "first", "en", "dark"))
    second = decoded_frames(render_chapter_frames(tmp_path / "second", "en", "dark"))
    assert len(first) == len(second) > 0
    differing = [index for index, (a, b) in enumerate(zip(first, second)) if not np.array_equal(a, b)]
    assert not differing, f"{len(differing)} of {len(first)} frames differ, the first at frame {differing[0]}"


def test_what_the_chapter_shows_is_decided_by_its_seeded_draws():
    """Another seed trains another network, kills other units and spreads them otherwise: a draw
    that were not seeded would show in the frames compared above."""
    shown = dead_unit_curve("relu")  # the run the chapter draws (ANeuronDies.construct)
    assert np.array_equal(shown.dead_fraction, dead_unit_curve("relu", seed=0).dead_fraction), "seed 0's"
    assert not np.array_equal(shown.dead_fraction, dead_unit_curve("relu", seed=1).dead_fraction)
    spread = dead_fraction_spread("relu", seeds=DEAD_RUN_SEEDS)
    assert len(set(spread.final.tolist())) > 1, "the seeds give different dead fractions: the band has a width"


def test_every_scene_starts_from_the_experiment_seed(lecture_env):
    lecture_env()
    random.seed(12345)
    np.random.seed(12345)
    CHAPTER.scene_class()()
    assert random.random() == random.Random(SEED).random()
    assert np.random.random() == np.random.RandomState(SEED).random()

"""Shared fixtures (real renders through render.sh, the language and theme a scene reads) and the
project's paths. Any skipped test fails the session (skip_gate.py)."""
from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pipeline.key_frames import render_key_frames
from pipeline.registry import Chapter
from scenes.lib.lecture import current_lecture, lecture_context
from scenes.lib.settings import ROOT, cache_root

RENDER = str(ROOT / "render.sh")
# The options of the session's main render (preview_render), for tests that render them again.
PREVIEW_ARGS = ("--quality", "preview", "--scenes", "title,sigmoid-slope", "--format", "gif,webm,stills,handout")


def pytest_configure(config):
    # A skipped test is not a test: any skip or xfail fails the session (see skip_gate.py).
    config.pluginmanager.import_plugin("skip_gate")
    # Tests marked xdist_group share one worker again under pytest 9.2 (see xdist_groups.py).
    config.pluginmanager.import_plugin("xdist_groups")


def run_render(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """./render.sh with ``args``, its output captured."""
    return subprocess.run([RENDER, *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=1800)


@pytest.fixture(scope="session")
def preview_render(tmp_path_factory):
    """One real render through render.sh: the first two chapters at preview quality, with the
    GIF, WebM, stills and handout exports, in English on the dark theme, two chapters at a time. Returns the
    variant folder."""
    out = tmp_path_factory.mktemp("render") / "out"
    result = run_render(*PREVIEW_ARGS, "--jobs", "2", "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    return out / "en-dark-preview"


@pytest.fixture(scope="session")
def chinese_render(tmp_path_factory):
    """The title chapter rendered in Traditional Chinese on the light theme, with its handout."""
    out = tmp_path_factory.mktemp("render-zh") / "out"
    result = run_render("--quality", "preview", "--scenes", "title", "--lang", "zh-TW", "--theme", "light",
                        "--format", "handout", "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    return out / "zh-TW-light-preview"


@pytest.fixture(scope="session")
def manim_media_dir(worker_id):
    """Manim's media folder for in-process scene runs. The formulas LaTeX typesets and the text
    Pango draws are cached there by content, so it is kept between sessions in .cache/ (like
    render.sh's cache); one folder per xdist worker, so no two processes write the same file."""
    path = cache_root() / "test-media" / worker_id
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def lecture_env():
    """Set the language, theme, course (``--config`` file) and voice a scene reads at construct time:
    the lecture context, for the rest of the test."""
    with ExitStack() as contexts:

        def apply(lang: str = "en", theme: str = "dark", course: Path | None = None, voice: str = "none") -> None:
            lecture = current_lecture().but(language=lang, theme=theme, course=course, voice=voice)
            contexts.enter_context(lecture_context(lecture))

        yield apply


def mp4_chapters(video: Path) -> list[tuple[float, float, str]]:
    """The chapters a player reads from an MP4 (start, end, title), by ffprobe."""
    found = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(video)],
                           capture_output=True, text=True, check=True)
    return [(float(c["start_time"]), float(c["end_time"]), c["tags"]["title"])
            for c in json.loads(found.stdout)["chapters"]]


# The size the graphical tests compare key frames at (test_graphics.py).
KEY_FRAME_SIZE = (480, 270)


@dataclass(frozen=True)
class ChapterRun:
    """One chapter run with its animations skipped, in one language and theme: each beat's key frame
    (RGBA), the scene as it ended (beats, captions, cues), the layout problems found after every
    animation, keyed by the beat that was running, and each beat's words and frame share on screen
    (scenes/lib/screen_text.py)."""

    frames: dict[str, np.ndarray]
    scene: Any
    problems: dict[str, list[str]]
    screen: tuple[Any, ...] = ()


def chapter_group(lang: str, theme: str, chapter: Chapter) -> pytest.MarkDecorator:
    """One xdist worker per chapter and variant: the tests that read its run share it (chapter_run)."""
    return pytest.mark.xdist_group(f"run-{lang}-{theme}-{chapter.slug}")


def run_chapter(chapter: Chapter, lang: str, theme: str, media_dir) -> ChapterRun:
    """Run ``chapter`` as the stills are made (pipeline/key_frames.py), checking its layout after
    every animation."""
    from scenes.lib.layout import find_layout_problems
    from scenes.lib.screen_text import ScreenMeasure

    problems: dict[str, list[str]] = {}
    scenes: list[Any] = []
    measure = ScreenMeasure()

    def check_layout(scene) -> None:
        scenes[:] = [scene]
        beat = scene.beats[-1].name if scene.beats else "(before the first beat)"
        for problem in find_layout_problems(scene.mobjects):
            if problem not in problems.setdefault(beat, []):
                problems[beat].append(problem)
        measure.after_play(scene)

    frames = render_key_frames(chapter, lang, theme, media_dir, *KEY_FRAME_SIZE, after_play=check_layout,
                               before_capture=measure.before_capture)
    return ChapterRun({beat: frame.image for beat, frame in frames.items()}, scenes[0], problems,
                      tuple(measure.beats()))


@pytest.fixture(scope="session")
def chapter_run(manim_media_dir) -> Callable[[Chapter, str, str], ChapterRun]:
    """Each chapter run once per worker, language and theme (``run_chapter``), for the graphical
    tests (its frames) and the chapter tests (its captions and layout)."""
    runs: dict[tuple[str, str, str], ChapterRun] = {}

    def get(chapter: Chapter, lang: str, theme: str) -> ChapterRun:
        key = (chapter.slug, lang, theme)
        if key not in runs:
            runs[key] = run_chapter(chapter, lang, theme, manim_media_dir)
        return runs[key]

    return get

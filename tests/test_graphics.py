"""Every beat of every chapter shows the picture a person reviewed: graphical regression tests.

Each chapter is rendered in-process with its animations skipped at 480x270 (pipeline/key_frames.py,
which the stills, the handout and the decks' posters use too). Each beat's key frame, the picture it
holds last (its last ``wait``, else its end: several beats clear the stage as they end), is compared
with ``tests/reference_frames/<lang>-<theme>/<chapter>/<NN>-<beat>.png``, in English on the dark
theme and in Traditional Chinese on the light theme. The beats are the storyboard's: one per caption in
the string table.

A pixel differs when one of its channels moved by more than ``PIXEL_TOLERANCE`` (of 255); a beat
fails when more than ``MAX_DIFFERING_FRACTION`` of its pixels differ (13 pixels of 480x270, so a
label moved by two pixels fails). A failing beat writes the frame it got and a diff image (the
reference greyed, differing pixels red) to its tmp folder and names both. A missing reference fails.

After a change that is meant to alter the picture, rewrite the references that differ or are
missing, look at them (``git diff`` shows images in most viewers) and commit them::

    LECTURE_UPDATE_REFERENCES=1 .venv/bin/python -m pytest tests/test_graphics.py

References are drawn on the project's machines (Debian 12, cairo 1.16, the fonts render.sh
installs); other font or cairo versions antialias text differently and need their own.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from conftest import KEY_FRAME_SIZE, chapter_group
from manim import RIGHT, config
from PIL import Image

from pipeline.key_frames import render_key_frames
from pipeline.registry import CHAPTERS, Chapter
from pipeline.settings import UPDATE_REFERENCES_ENV
from scenes.lib.lecture_scene import LectureScene
from scenes.lib.strings import table

REFERENCES = Path(__file__).resolve().parent / "reference_frames"
VARIANTS = (("en", "dark"), ("zh-TW", "light"))
FRAME_CONFIG = {"pixel_width": KEY_FRAME_SIZE[0], "pixel_height": KEY_FRAME_SIZE[1]}
PIXEL_TOLERANCE = 16  # of 255, on any channel: more is a visible change, less is antialiasing noise
MAX_DIFFERING_FRACTION = 1e-4
UPDATE = os.environ.get(UPDATE_REFERENCES_ENV) == "1"

BeatFrames = dict[str, np.ndarray]  # beat name -> its key frame (RGBA), in the order played


@dataclass(frozen=True)
class FrameDifference:
    """How far a frame is from its reference."""

    differing_fraction: float  # share of pixels with a channel off by more than PIXEL_TOLERANCE
    max_difference: int  # the largest channel difference anywhere, 0..255
    differing: np.ndarray  # boolean mask of those pixels

    @property
    def acceptable(self) -> bool:
        return self.differing_fraction <= MAX_DIFFERING_FRACTION

    def __str__(self) -> str:
        return (f"{self.differing_fraction:.4%} of pixels differ by more than {PIXEL_TOLERANCE} "
                f"(allowed {MAX_DIFFERING_FRACTION:.4%}); largest difference {self.max_difference}")


def compare_frames(actual: np.ndarray, expected: np.ndarray) -> FrameDifference:
    """Compare two RGBA frames pixel by pixel; frames of different sizes differ everywhere."""
    if actual.shape != expected.shape:
        return FrameDifference(1.0, 255, np.ones(expected.shape[:2], dtype=bool))
    difference = np.abs(actual.astype(np.int16) - expected.astype(np.int16)).max(axis=2)
    differing = difference > PIXEL_TOLERANCE
    return FrameDifference(float(differing.mean()), int(difference.max()), differing)


def get_diff_image(expected: np.ndarray, difference: FrameDifference) -> np.ndarray:
    """The reference, greyed and faded, with the differing pixels in red."""
    grey = expected[..., :3].mean(axis=2) * 0.3 + 90
    image = np.repeat(grey[..., None], 3, axis=2).astype(np.uint8)
    image[difference.differing] = (255, 0, 0)
    return image


def storyboard_beats(chapter: Chapter) -> list[str]:
    """The chapter's beats as the string table has them: one caption per beat."""
    prefix, suffix = f"{chapter.key}.", ".caption"
    return [key[len(prefix):-len(suffix)] for key in table("en") if key.startswith(prefix) and key.endswith(suffix)]


def reference_path(lang: str, theme: str, chapter: Chapter, number: int, beat: str) -> Path:
    return REFERENCES / f"{lang}-{theme}" / chapter.slug / f"{number:02d}-{beat}.png"


def beat_reference_path(lang: str, theme: str, chapter: Chapter, beat: str) -> Path:
    """The reviewed key frame of ``beat``, numbered by its place in the storyboard."""
    return reference_path(lang, theme, chapter, storyboard_beats(chapter).index(beat) + 1, beat)


def save_png(frame: np.ndarray, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(frame).save(path, optimize=True)


def load_png(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGBA"))


def render_beat_ends(chapter: Chapter, lang: str, theme: str, media_dir: Path,
                     before_capture: Callable[[LectureScene, str], None] | None = None) -> BeatFrames:
    """Each beat's key frame at the test size (pipeline/key_frames.py, which also makes the stills,
    the handout's pictures and the decks' posters)."""
    frames = render_key_frames(chapter, lang, theme, media_dir, FRAME_CONFIG["pixel_width"],
                               FRAME_CONFIG["pixel_height"], before_capture=before_capture)
    return {beat: frame.image for beat, frame in frames.items()}


@pytest.fixture(scope="session")
def beat_frames(chapter_run) -> Callable[[Chapter, str, str], BeatFrames]:
    """Each chapter's key frames in one language and theme, from its one run per worker (conftest.py:
    test_chapters checks the same run's captions and layout)."""
    return lambda chapter, lang, theme: chapter_run(chapter, lang, theme).frames



BEAT_CASES = [
    pytest.param(lang, theme, chapter, beat, marks=chapter_group(lang, theme, chapter),
                 id=f"{lang}-{theme}-{chapter.slug}-{beat}")
    for lang, theme in VARIANTS for chapter in CHAPTERS for beat in storyboard_beats(chapter)
]
CHAPTER_CASES = [
    pytest.param(lang, theme, chapter, marks=chapter_group(lang, theme, chapter), id=f"{lang}-{theme}-{chapter.slug}")
    for lang, theme in VARIANTS for chapter in CHAPTERS
]


@pytest.mark.parametrize(("lang", "theme", "chapter", "beat"), BEAT_CASES)
def test_beat_shows_its_reviewed_key_frame(lang, theme, chapter, beat, beat_frames, tmp_path):
    frames = beat_frames(chapter, lang, theme)
    assert beat in frames, f"{chapter.slug} plays no beat {beat!r}; it plays {list(frames)}"
    number = list(frames).index(beat) + 1
    reference = reference_path(lang, theme, chapter, number, beat)
    actual = frames[beat]
    if UPDATE and (not reference.exists() or not compare_frames(actual, load_png(reference)).acceptable):
        save_png(actual, reference)
        print(f"rewrote {reference}")
    assert reference.exists(), (f"no reviewed frame {reference.relative_to(REFERENCES.parent)}; make it with "
                                f"{UPDATE_REFERENCES_ENV}=1, look at it and commit it")
    expected = load_png(reference)
    difference = compare_frames(actual, expected)
    if not difference.acceptable:
        save_png(actual, tmp_path / "actual.png")
        save_png(get_diff_image(expected, difference), tmp_path / "diff.png")
        pytest.fail(f"{chapter.slug} / {beat}: {difference}\n  reference {reference}\n"
                    f"  actual    {tmp_path / 'actual.png'}\n  diff      {tmp_path / 'diff.png'}")


@pytest.mark.parametrize(("lang", "theme", "chapter"), CHAPTER_CASES)
def test_chapter_plays_the_storyboard_beats_and_keeps_no_stale_references(lang, theme, chapter, beat_frames):
    frames = beat_frames(chapter, lang, theme)
    assert sorted(frames) == sorted(storyboard_beats(chapter)), "every beat played has a caption, and back"
    expected = {reference_path(lang, theme, chapter, number, beat)
                for number, beat in enumerate(frames, start=1)}
    folder = REFERENCES / f"{lang}-{theme}" / chapter.slug
    stale = sorted(set(folder.glob("*.png")) - expected)
    if UPDATE:
        for path in stale:
            path.unlink()
            print(f"removed {path}")
        return
    assert not stale, f"references of no beat (renamed or reordered?): {[p.name for p in stale]}"


TITLE = CHAPTERS[0]


@chapter_group("en", "dark", TITLE)
def test_a_title_moved_by_two_pixels_no_longer_matches_its_frame(beat_frames, manim_media_dir):
    beat = "show_title"
    reference = load_png(beat_reference_path("en", "dark", TITLE, beat))
    assert compare_frames(beat_frames(TITLE, "en", "dark")[beat], reference).acceptable

    moves: list[float] = []

    def move_title(scene: LectureScene, captured: str) -> None:
        if captured == beat and not moves:
            moves.append(2 * config.frame_width / config.pixel_width)  # two pixels, in frame units
            scene.title.shift(RIGHT * moves[0])

    moved = render_beat_ends(TITLE, "en", "dark", manim_media_dir, before_capture=move_title)[beat]
    difference = compare_frames(moved, reference)
    assert not difference.acceptable, str(difference)
    assert difference.max_difference > 100, "text edges against the background change by most of the range"

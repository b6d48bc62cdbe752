"""The slides adapter is chosen explicitly: a chapter is plain Manim unless ``slides_of`` builds its
deck, whatever the environment says; the deck keeps the chapter's name, and manim-slides writes it,
one slide per beat, into the folder it was given."""
from __future__ import annotations

import subprocess
import sys

from manim import Scene, tempconfig
from manim_slides.config import PresentationConfig
from manim_slides.slide.manim import Slide

from pipeline.settings import SLIDES_DIR_ENV
from scenes.ch00_title import TitleCard
from scenes.ch07_closing import ClosingCard
from scenes.lib.lecture_scene import LectureScene
from scenes.lib.settings import ROOT
from scenes.lib.slides import LectureSlide, slides_of


def test_a_chapter_is_plain_manim_and_imports_no_manim_slides_even_with_the_slides_variable_set(tmp_path):
    probe = ("import sys; from scenes.ch01_sigmoid_slope import SigmoidSlopeNeverExceedsAQuarter as C; "
             "from manim_slides.slide.base import BaseSlide; "  # imported after the chapter: is the chapter one?
             "print(issubclass(C, BaseSlide))")
    env = {"PATH": "/usr/bin:/bin", SLIDES_DIR_ENV: str(tmp_path), "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "False"
    probe = "import sys; import scenes.ch01_sigmoid_slope; print('manim_slides' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr[-2000:]


def test_a_deck_is_the_chapter_on_slide_with_its_name(tmp_path):
    deck = slides_of(TitleCard, tmp_path)
    assert deck.__name__ == "TitleCard"
    assert issubclass(deck, TitleCard) and issubclass(deck, Slide)
    mro = deck.__mro__
    assert mro.index(LectureSlide) < mro.index(LectureScene) < mro.index(Scene), "the adapter's beats win"
    assert deck.making_slides and not TitleCard.making_slides


def test_a_rendered_deck_writes_one_slide_per_beat_with_its_speech_as_notes_into_its_folder(tmp_path, lecture_env):
    """What manim-slides writes, read back with its own reader: ``<chapter class>.json`` in the folder
    given to ``slides_of``, one slide per beat, each with the beat's speech as notes and its video."""
    lecture_env()
    folder = tmp_path / "deck"
    deck = slides_of(ClosingCard, folder)
    small = {"media_dir": str(tmp_path / "media"), "pixel_width": 160, "pixel_height": 90, "frame_rate": 5,
             "progress_bar": "none", "verbosity": "WARNING"}
    with tempconfig(small):
        scene = deck()
        scene.render()
    presentation = PresentationConfig.from_file(folder / f"{ClosingCard.__name__}.json")
    assert [slide.notes for slide in presentation.slides] == [beat.speech for beat in scene.beats]
    assert all(slide.file.is_file() and folder in slide.file.parents for slide in presentation.slides)
    assert tuple(presentation.resolution) == (160, 90)

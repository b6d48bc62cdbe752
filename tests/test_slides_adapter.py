"""The slides adapter is chosen explicitly: a chapter is plain Manim unless ``slides_of`` builds its
deck, whatever the environment says, and the deck keeps the chapter's name and output folder."""
from __future__ import annotations

import subprocess
import sys

from manim import Scene, tempconfig
from manim_slides.slide.manim import Slide

from pipeline.settings import SLIDES_DIR_ENV
from scenes.ch00_title import TitleCard
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


def test_a_deck_is_the_chapter_on_slide_with_its_name_and_folder(tmp_path):
    deck = slides_of(TitleCard, tmp_path)
    assert deck.__name__ == "TitleCard"
    assert issubclass(deck, TitleCard) and issubclass(deck, Slide)
    mro = deck.__mro__
    assert mro.index(LectureSlide) < mro.index(LectureScene) < mro.index(Scene), "the adapter's beats win"
    assert deck.making_slides and not TitleCard.making_slides
    with tempconfig({"dry_run": True, "media_dir": str(tmp_path / "media")}):
        assert deck()._output_folder == tmp_path  # manim-slides' own attribute, set through output_folder=

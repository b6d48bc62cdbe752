"""The slides adapter: a chapter built on manim-slides' ``Slide`` for Manim Community.

``LectureScene`` is the video backend (a beat is a Manim section). ``slides_of`` derives, from a
chapter class, the same chapter on manim-slides' Manim Community backend, chosen explicitly here
(``manim_slides.slide.manim``, not the package's import-time pick between Manim and ManimGL): a
beat opens a slide whose speaker notes are what is said in it, and ``idle`` adds a looping slide.
Only ``render.sh slides`` imports this module (through ``pipeline/decks.py``).
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from manim_slides.slide.manim import Slide

from .beat import Beat
from .lecture_scene import LectureScene

__all__ = ["LectureSlide", "slides_of"]


class LectureSlide(Slide):
    """What a chapter does differently as a deck; it goes before the chapter's class in the MRO."""

    making_slides: ClassVar[bool] = True  # beats are not held for reading: the lecturer sets the pace
    keeps_caption_band: ClassVar[bool] = False  # a deck has no subtitles: it uses the whole frame
    # manim-slides' reversed videos only serve its own player's "previous" key; decks don't use them.
    skip_reversing: ClassVar[bool] = True

    def on_beat_open(self, beat: Beat) -> None:
        """One slide per beat, its narration (or caption) as the speaker notes; no sound track."""
        self.next_slide(name=beat.name, notes=beat.speech)

    def on_idle(self, beat: Beat | None, play_cycle: Callable[[], None]) -> None:
        """A looping slide after the running beat, in which ``play_cycle`` plays over and over while
        the lecturer talks (so it must end exactly where it starts)."""
        self.next_slide(name=f"{beat.name}.idle", loop=True, notes=beat.speech)
        play_cycle()


def slides_of(chapter: type[LectureScene], output_folder: Path, module: str | None = None) -> type[LectureScene]:
    """``chapter`` as a manim-slides deck that writes ``<chapter name>.json`` into ``output_folder``.

    Parameters
    ----------
    chapter
        A chapter's scene class.
    output_folder
        manim-slides' folder for the deck (its ``output_folder``).
    module
        The ``__module__`` to give the new class (Manim renders the scenes defined in the file it
        was given); the chapter's own module when None.

    Returns
    -------
    type
        A subclass of ``LectureSlide`` and ``chapter`` with the chapter's name, so Manim's and
        manim-slides' file names stay the chapter's.
    """

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("output_folder", output_folder)
        super(deck, self).__init__(*args, **kwargs)

    deck = type(chapter.__name__, (LectureSlide, chapter), {
        "__init__": __init__, "__module__": module or chapter.__module__, "__qualname__": chapter.__qualname__,
    })
    return deck

"""The chapter registry: the one ordered list of chapters that listing, rendering, the lecture
and the slides all read. Standard library only, so the pipeline can read it before any install
(a chapter's scene class and its beats are imported when asked for).

To add a chapter: write ``scenes/chNN_name.py`` with one ``LectureScene`` subclass (its beats are
its ``@beat`` methods), add its title and summary to both string tables, and append a ``Chapter``
here.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from scenes.lib.settings import ROOT

SCENES_DIR = ROOT / "scenes"


@dataclass(frozen=True)
class Chapter:
    """One chapter of the lecture: a Manim scene class in its own file."""

    number: int
    slug: str  # the name users type: ./render.sh --scenes sigmoid-slope
    module: str  # file stem under scenes/
    scene: str  # the Scene class in that file

    @property
    def key(self) -> str:
        """String-table prefix (``f"{key}.title"``), also the scene class's ``chapter_key``."""
        return f"ch{self.number}"

    @property
    def path(self) -> Path:
        return SCENES_DIR / f"{self.module}.py"

    @property
    def stem(self) -> str:
        """File stem of this chapter's outputs, sortable in lecture order."""
        return f"{self.number:02d}-{self.slug}"

    def scene_class(self) -> type:
        """The chapter's scene class (imports the chapter, and so Manim)."""
        return getattr(importlib.import_module(f"scenes.{self.module}"), self.scene)

    def beats(self) -> list[str]:
        """The chapter's beats in the order it plays them: its ``@beat`` methods, as defined
        (``test_chapters`` holds the two orders equal)."""
        return self.scene_class().beat_names()


CHAPTERS: tuple[Chapter, ...] = (
    Chapter(0, "title", "ch00_title", "TitleCard"),
    Chapter(1, "sigmoid-slope", "ch01_sigmoid_slope", "SigmoidSlopeNeverExceedsAQuarter"),
    Chapter(2, "compounding", "ch02_compounding", "SmallSlopesCompound"),
    Chapter(3, "relu", "ch03_relu", "ReluPassesTheGradient"),
    Chapter(4, "dying-relu", "ch04_dying_relu", "ANeuronDies"),
    Chapter(5, "leaky-prelu", "ch05_leaky_prelu", "LeakySlopesRestoreTheFlow"),
    Chapter(6, "recap", "ch06_recap", "Recap"),
    Chapter(7, "closing", "ch07_closing", "ClosingCard"),
)


def chapter_names() -> tuple[str, ...]:
    return tuple(chapter.slug for chapter in CHAPTERS)


def find_chapters(names: list[str] | None) -> list[Chapter]:
    """The chapters named (in lecture order, whatever order they were given in); all when None."""
    if not names:
        return list(CHAPTERS)
    unknown = [name for name in names if name not in chapter_names()]
    if unknown:
        raise ValueError(f"unknown chapter {unknown[0]!r}; choose from {', '.join(chapter_names())}")
    return [chapter for chapter in CHAPTERS if chapter.slug in names]

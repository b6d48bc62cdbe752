"""The chapter registry: the one ordered list of chapters that listing, rendering, the lecture
and the slides all read. Standard library only, so the pipeline can read it before any install.

To add a chapter: write ``scenes/chNN_name.py`` with one ``LectureScene`` subclass, add its title
and summary to both string tables, and append a ``Chapter`` here.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SCENES_DIR = Path(__file__).resolve().parents[1] / "scenes"


@dataclass(frozen=True)
class Chapter:
    """One chapter of the lecture: a Manim scene class in its own file."""

    number: int
    slug: str  # the name users type: ./render.sh --scenes sigmoid-slope
    module: str  # file stem under scenes/
    scene: str  # the Scene class in that file
    key: str  # string-table prefix: f"{key}.title", f"{key}.summary"

    @property
    def path(self) -> Path:
        return SCENES_DIR / f"{self.module}.py"

    @property
    def stem(self) -> str:
        """File stem of this chapter's outputs, sortable in lecture order."""
        return f"{self.number:02d}-{self.slug}"


CHAPTERS: tuple[Chapter, ...] = (
    Chapter(0, "title", "ch00_title", "TitleCard", "ch0"),
    Chapter(1, "sigmoid-slope", "ch01_sigmoid_slope", "SigmoidSlopeNeverExceedsAQuarter", "ch1"),
    Chapter(2, "compounding", "ch02_compounding", "SmallSlopesCompound", "ch2"),
    Chapter(3, "relu", "ch03_relu", "ReluPassesTheGradient", "ch3"),
    Chapter(4, "dying-relu", "ch04_dying_relu", "ANeuronDies", "ch4"),
    Chapter(5, "leaky-prelu", "ch05_leaky_prelu", "LeakySlopesRestoreTheFlow", "ch5"),
    Chapter(6, "recap", "ch06_recap", "Recap", "ch6"),
    Chapter(7, "closing", "ch07_closing", "ClosingCard", "ch7"),
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

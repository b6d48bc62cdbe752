"""Legends: a colour swatch and a label per series, so colour never carries meaning alone."""
from __future__ import annotations

from manim import LEFT, RIGHT, Mobject, Rectangle, VGroup

from ..style import ITEM_BUFF, LABEL_SIZE
from .text import get_text

__all__ = ["Legend", "LegendRow"]

SWATCH_WIDTH = 0.35
SWATCH_HEIGHT = 0.25
SWATCH_GAP = 0.2


class LegendRow(VGroup):
    """A swatch of ``color`` and the string ``key`` (its ``values`` filled in) in that colour.

    The swatch is a filled rectangle unless ``swatch`` gives another mark (a dashed line for a level).

    Attributes
    ----------
    swatch, label
        The two parts, left to right.
    """

    def __init__(self, key: str, color: str, size: float = LABEL_SIZE, swatch: Mobject | None = None,
                 **values: object) -> None:
        self.swatch = swatch or Rectangle(width=SWATCH_WIDTH, height=SWATCH_HEIGHT, stroke_width=0,
                                          fill_color=color, fill_opacity=0.9)
        self.label = get_text(key, size=size, color=color, **values)
        super().__init__(self.swatch, self.label)
        self.arrange(RIGHT, buff=SWATCH_GAP)


class Legend(VGroup):
    """Legend rows one under the other, left-aligned."""

    def __init__(self, *rows: LegendRow, buff: float = ITEM_BUFF) -> None:
        super().__init__(*rows)
        self.arrange(direction=(0, -1, 0), buff=buff, aligned_edge=LEFT)

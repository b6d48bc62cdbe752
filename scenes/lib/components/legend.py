"""Legends: a colour swatch and a label per series, so colour never carries meaning alone."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from manim import DOWN, LEFT, RIGHT, Mobject, Rectangle, VGroup

from ..style import ITEM_BUFF, LABEL_SIZE, SWATCH_HEIGHT, SWATCH_WIDTH
from .text import get_text

__all__ = ["Legend", "LegendRow", "place_at_ends"]

SWATCH_GAP = 0.2


class LegendRow(VGroup):
    """A swatch of ``color`` beside a string of the table in that colour.

    Parameters
    ----------
    key
        The label's key in the string table.
    color
        The series' colour: the swatch's fill and the label's text.
    size
        The label's font size.
    swatch
        Another mark instead of the filled rectangle (a dashed line for a level).
    values
        Values for the label's ``{placeholders}``.
    kwargs
        Passed on to :class:`~manim.VGroup`.

    Attributes
    ----------
    swatch : Mobject
        The mark, on the left.
    label : Text
        The label, on the right.
    """

    def __init__(self, key: str, color: str, size: float = LABEL_SIZE, swatch: Mobject | None = None,
                 values: Mapping[str, object] | None = None, **kwargs: Any) -> None:
        self.swatch = swatch or Rectangle(width=SWATCH_WIDTH, height=SWATCH_HEIGHT, stroke_width=0,
                                          fill_color=color, fill_opacity=0.9)
        self.label = get_text(key, size=size, color=color, **(values or {}))
        super().__init__(self.swatch, self.label, **kwargs)
        self.arrange(RIGHT, buff=SWATCH_GAP)


class Legend(VGroup):
    """Legend rows one under the other, left-aligned.

    Parameters
    ----------
    rows
        The rows, top to bottom.
    buff
        The gap between two rows.
    kwargs
        Passed on to :class:`~manim.VGroup`.
    """

    def __init__(self, *rows: LegendRow, buff: float = ITEM_BUFF, **kwargs: Any) -> None:
        super().__init__(*rows, **kwargs)
        self.arrange(DOWN, buff=buff, aligned_edge=LEFT)


def place_at_ends(rows: Sequence[Mobject], heights: Sequence[float], buff: float = ITEM_BUFF * 0.5) -> None:
    """A direct legend: each row moved up or down to ``heights[i]``, the height where the curve it
    names ends, and pushed up just enough to keep ``buff`` from the row below. The reader matches a
    row to a curve by position, not by colour alone (greyscale print, colour-blind viewers).

    Parameters
    ----------
    rows
        The legend's rows, already beside the plot's right end; only their heights change.
    heights
        The scene height of each row's curve at its last point.
    buff
        The least gap between two rows.
    """
    top = None
    for index in sorted(range(len(rows)), key=lambda i: heights[i]):
        row = rows[index]
        y = heights[index] if top is None else max(heights[index], top + buff + row.height / 2)
        row.set_y(y)
        top = y + row.height / 2

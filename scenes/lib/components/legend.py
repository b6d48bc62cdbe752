"""Legends: a colour swatch and a label per series, so colour never carries meaning alone."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from manim import DOWN, LEFT, RIGHT, Mobject, Rectangle, VGroup

from ..style import BAR_OUTLINE, HOLLOW_FILL_OPACITY, ITEM_BUFF, LABEL_SIZE, SWATCH_HEIGHT, SWATCH_WIDTH
from .text import get_text

__all__ = ["Legend", "LegendRow", "get_series_swatch", "place_at_ends"]

SWATCH_GAP = 0.2


def get_series_swatch(color: str, series_index: int = 0) -> Rectangle:
    """A legend swatch drawn as the bars of series ``series_index`` are (``LogBarChart.get_bar``):
    the first series filled, the second hollow (a faint fill inside a full outline). Side by side,
    two series then differ in more than hue: in the handout printed in greyscale, and to viewers who
    do not tell the colours apart."""
    hollow = series_index % 2 == 1
    return Rectangle(width=SWATCH_WIDTH, height=SWATCH_HEIGHT, fill_color=color, stroke_color=color,
                     fill_opacity=HOLLOW_FILL_OPACITY if hollow else 0.9, stroke_width=BAR_OUTLINE if hollow else 0)


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
        Another mark instead of the first series' swatch (``get_series_swatch``): the second
        series' hollow one, a dashed line for a level.
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
        self.swatch = swatch or get_series_swatch(color)
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

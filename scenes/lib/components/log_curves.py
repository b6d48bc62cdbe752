"""Training curves on a log10 axis: a value (a loss) over training steps, one labelled line per
network, labelled with powers of ten like the log bars (values that span decades never get a
linear axis)."""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Axes, DashedLine, Mobject, VGroup, VMobject

from ..style import AXIS_WIDTH, CURVE_WIDTH, SMALL_SIZE, current_theme
from .log_bars import log_range
from .text import get_math, get_text

__all__ = ["LogCurveChart"]


class LogCurveChart(VGroup):
    """Axes with training steps 0..``steps`` across and ``10^low .. 10^high`` up (log scale).

    Parameters
    ----------
    steps
        Last step on the x axis.
    values
        Every value the chart will show (curves and levels): the axis encloses them.
    width, height
        Size of the plotting area.
    y_label_key, x_label_key
        String-table keys of the axis labels.
    x_step
        Distance between numbered x ticks (default: a fifth of ``steps``).
    kwargs
        Passed on to :class:`~manim.VGroup`.

    Attributes
    ----------
    axes : Axes
        The plotting area; ``point`` maps a (step, value) onto it.
    tick_labels : VGroup
        The powers of ten up the y axis.
    y_label, x_label : Text
        The axis labels.
    """

    def __init__(self, steps: int, values: Sequence[float], width: float, height: float, y_label_key: str,
                 x_label_key: str, x_step: int | None = None, **kwargs: Any) -> None:
        theme = current_theme()
        self.steps = steps
        self.low, self.high = log_range(values)
        # The axes count decades above the floor 10^low, so the step axis sits at the bottom.
        self.axes = Axes(x_range=(0, steps, x_step or max(steps // 5, 1)), y_range=(0, self.high - self.low, 1),
                         x_length=width, y_length=height, tips=False,
                         axis_config={"color": theme.muted, "stroke_width": AXIS_WIDTH})
        self.axes.x_axis.add_numbers(font_size=SMALL_SIZE, color=theme.muted, num_decimal_places=0)
        self.tick_labels = VGroup(*(
            get_math(f"10^{{{power}}}", size=SMALL_SIZE, color=theme.muted)
            .next_to(self.axes.c2p(0, power - self.low), LEFT, buff=0.15)
            for power in range(self.low, self.high + 1)
        ))
        self.y_label = get_text(y_label_key, size=SMALL_SIZE, color=theme.muted)
        self.y_label.next_to(self.axes.y_axis, UP, buff=0.2).align_to(self.tick_labels, LEFT)
        self.x_label = get_text(x_label_key, size=SMALL_SIZE, color=theme.muted)
        self.x_label.next_to(self.axes.x_axis.numbers, DOWN, buff=0.15).align_to(self.axes.x_axis, RIGHT)
        super().__init__(self.axes, self.tick_labels, self.y_label, self.x_label, **kwargs)

    def point(self, step: float, value: float) -> np.ndarray:
        """The scene point of ``value`` at ``step``, on the log axis (clamped to it)."""
        log_v = min(max(math.log10(value), self.low), self.high) if value > 0 else self.low
        return self.axes.c2p(step, log_v - self.low)

    def get_curve(self, values: Sequence[float], color: str) -> VMobject:
        """The polyline through (step, value) for every step."""
        points = [self.point(step, float(value)) for step, value in enumerate(values)]
        return VMobject(color=color, stroke_width=CURVE_WIDTH - 1).set_points_as_corners(points)

    def get_level(self, value: float, color: str | None = None) -> DashedLine:
        """A dashed horizontal line across the chart at ``value`` (a reference level)."""
        color = color or current_theme().muted
        return DashedLine(self.point(0, value), self.point(self.steps, value), color=color,
                          stroke_width=AXIS_WIDTH)

    def get_end_label(self, key: str, value: float, color: str, **text_values: object) -> Mobject:
        """A label just right of the chart's end at ``value``, naming a curve or a level."""
        label = get_text(key, size=SMALL_SIZE, color=color, **text_values)
        return label.next_to(self.point(self.steps, value), RIGHT, buff=0.15)

"""Training curves: a fraction (0 to 100 %) over training steps, one labelled line per activation."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Axes, Polygon, VGroup, VMobject

from ..style import AXIS_WIDTH, CURVE_WIDTH, SMALL_SIZE, current_theme
from .text import get_text

__all__ = ["FractionOverSteps"]


class FractionOverSteps(VGroup):
    """Axes with steps 0..``steps`` across and 0..1 (shown as percent) up.

    Parameters
    ----------
    steps
        The last training step.
    width, height
        The axes' size.
    y_label_key, x_label_key
        String-table keys of the axes' labels.
    x_step
        The spacing of the step numbers; a fifth of ``steps`` when None.
    kwargs
        Passed on to :class:`~manim.VGroup`.
    """

    def __init__(self, steps: int, width: float, height: float, y_label_key: str, x_label_key: str,
                 x_step: int | None = None, **kwargs: Any) -> None:
        theme = current_theme()
        self.steps = steps
        x_step = x_step or max(steps // 5, 1)
        self.axes = Axes(x_range=(0, steps, x_step), y_range=(0, 1, 0.25), x_length=width, y_length=height,
                         tips=False, axis_config={"color": theme.muted, "stroke_width": AXIS_WIDTH})
        self.axes.x_axis.add_numbers(font_size=SMALL_SIZE, color=theme.muted, num_decimal_places=0)
        percent_labels = VGroup(*(
            get_text("curves.percent", size=SMALL_SIZE, color=theme.muted, value=int(round(v * 100)))
            .next_to(self.axes.c2p(0, v), LEFT, buff=0.15)
            for v in (0.25, 0.5, 0.75, 1.0)
        ))
        y_label = get_text(y_label_key, size=SMALL_SIZE, color=theme.muted)
        y_label.next_to(self.axes.y_axis, UP, buff=0.2).align_to(percent_labels, LEFT)
        x_label = get_text(x_label_key, size=SMALL_SIZE, color=theme.muted)
        x_label.next_to(self.axes.x_axis.numbers, DOWN, buff=0.15).align_to(self.axes.x_axis, RIGHT)
        super().__init__(self.axes, percent_labels, y_label, x_label, **kwargs)

    def get_curve(self, values: Sequence[float], color: str) -> VMobject:
        """The polyline through (step, value) for every step."""
        values = np.asarray(values, dtype=float)
        points = [self.axes.c2p(step, value) for step, value in enumerate(values)]
        return VMobject(color=color, stroke_width=CURVE_WIDTH - 1).set_points_as_corners(points)

    def get_end_label(self, key: str, values: Sequence[float], color: str, **text_values: object):
        """A label at the right end of a curve, naming it (colour never carries meaning alone)."""
        label = get_text(key, size=SMALL_SIZE, color=color, **text_values)
        return label.next_to(self.axes.c2p(len(values) - 1, float(values[-1])), RIGHT, buff=0.15)

    def get_band(self, low: Sequence[float], high: Sequence[float], color: str, opacity: float = 0.25) -> Polygon:
        """The filled region between two curves (a spread over runs: min to max at every step)."""
        low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
        top = [self.axes.c2p(step, value) for step, value in enumerate(high)]
        bottom = [self.axes.c2p(step, value) for step, value in reversed(list(enumerate(low)))]
        return Polygon(*top, *bottom, stroke_width=0, fill_color=color, fill_opacity=opacity)

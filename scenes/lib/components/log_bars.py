"""Per-layer bars on a log10 axis labelled with powers of ten: the one way the lecture shows
gradient magnitudes that span 10^-7 .. 1 (never a linear axis)."""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from manim import DOWN, LEFT, RIGHT, UP, Animation, GrowFromEdge, Line, Mobject, Rectangle, VGroup

from ..style import AXIS_WIDTH, EDGE_BUFF, SMALL_SIZE, current_theme
from .legend import get_series_swatch
from .text import get_math, get_text

__all__ = [
    "get_axis_label",
    "get_layer_chart",
    "log_range",
    "LogBarChart",
]


def log_range(values: Sequence[float]) -> tuple[int, int]:
    """Whole powers of ten that enclose every value (at least one decade)."""
    logs = [math.log10(v) for v in values if v > 0]
    low, high = math.floor(min(logs)), math.ceil(max(logs))
    return low, max(high, low + 1)


class LogBarChart(VGroup):
    """A y axis from 10^low to 10^high and slots for ``count`` bars (layer 1 on the left).

    Bars rise from the floor 10^low to log10(value). ``series`` bars share a slot side by side so
    two activations can be compared on the same axis.

    Parameters
    ----------
    count
        The number of slots (layers).
    low, high
        The axis's lowest and highest power of ten.
    width, height
        The size of the plotting area.
    series
        How many bars share a slot.
    label_step
        Label every ``label_step``-th power of ten (counted down from ``high``).
    x_label, y_label
        The axes' labels, placed by the chart.
    kwargs
        Passed on to :class:`~manim.VGroup`.

    Attributes
    ----------
    grown_bars : list of Rectangle
        Every bar a ``make_bar_animation`` has made, in order.
    """

    def __init__(self, count: int, low: int, high: int, width: float, height: float,
                 series: int = 1, label_step: int = 1, x_label: Mobject | None = None,
                 y_label: Mobject | None = None, **kwargs: Any) -> None:
        theme = current_theme()
        self.count, self.low, self.high, self.series = count, low, high, series
        self.chart_width, self.chart_height = width, height
        self.y_axis = Line((0, 0, 0), (0, height, 0), color=theme.muted, stroke_width=AXIS_WIDTH)
        self.x_axis = Line((0, 0, 0), (width, 0, 0), color=theme.muted, stroke_width=AXIS_WIDTH)
        ticks, tick_labels = VGroup(), VGroup()
        for power in range(low, high + 1):
            y = self.y_for(10.0 ** power)
            ticks.add(Line((-0.08, y, 0), (width, y, 0), color=theme.muted, stroke_width=1, stroke_opacity=0.3))
            if (power - high) % label_step == 0:
                label = get_math(f"10^{{{power}}}", size=SMALL_SIZE, color=theme.muted)
                tick_labels.add(label.next_to((-0.08, y, 0), LEFT, buff=0.1))
        self.slot_labels = VGroup(*(
            get_math(str(k + 1), size=SMALL_SIZE, color=theme.muted).next_to((self.slot_x(k), 0, 0), DOWN, buff=0.15)
            for k in range(count)
        ))
        parts = [ticks, self.x_axis, self.y_axis, tick_labels, self.slot_labels]
        if x_label is not None:
            parts.append(x_label.next_to(self.slot_labels, RIGHT, buff=0.25))
        self.y_label = y_label
        if y_label is not None:
            parts.append(y_label.next_to(self.y_axis, UP, buff=0.2).align_to(tick_labels, LEFT))
        self.grown_bars: list[Rectangle] = []
        super().__init__(*parts, **kwargs)

    def y_for(self, value: float) -> float:
        """Height above the floor of ``value`` on the log axis (clamped to the axis)."""
        log_v = math.log10(value) if value > 0 else self.low
        log_v = min(max(log_v, self.low), self.high)
        return (log_v - self.low) / (self.high - self.low) * self.chart_height

    def slot_x(self, index: int) -> float:
        return (index + 0.5) * self.chart_width / self.count

    def get_bar(self, index: int, value: float, color: str, series_index: int = 0) -> Rectangle:
        """The bar of layer ``index`` (0 = first layer), in the chart's current position, drawn as
        its series is (``get_series_swatch``)."""
        slot = self.chart_width / self.count
        bar_width = slot * 0.7 / self.series
        height = max(self.y_for(value), 1e-3)
        bar = get_series_swatch(color, series_index).stretch_to_fit_width(bar_width).stretch_to_fit_height(height)
        origin = self.x_axis.get_start()
        x = origin[0] + self.slot_x(index) + (series_index - (self.series - 1) / 2) * bar_width
        return bar.move_to((x, origin[1] + height / 2, 0))

    def make_bar_animation(self, index: int, value: float, color: str, series_index: int = 0,
                           run_time: float = 0.6) -> Animation:
        """Grow one bar from the floor. The animation adds the bar to the scene when it starts
        (not before, so a bar queued in a Succession is not seen early); ``grown_bars`` tracks it."""
        bar = self.get_bar(index, value, color, series_index)
        self.grown_bars.append(bar)
        return GrowFromEdge(bar, DOWN, run_time=run_time)

    def with_bars(self) -> VGroup:
        """The chart together with every bar grown so far (to move or fade them as one)."""
        return VGroup(self, *self.grown_bars)


def get_layer_chart(values: Sequence[float], count: int, width: float, height: float, x_label_key: str,
                    y_label_key: str, series: int = 1) -> LogBarChart:
    """A chart of ``count`` layers in the frame's lower-left corner whose axis encloses ``values``.

    Parameters
    ----------
    values
        Every value the chart will show (its axis spans their powers of ten).
    count
        The number of layers.
    width, height
        The size of the plotting area.
    x_label_key, y_label_key
        String-table keys of the axes' labels.
    series
        How many bars share a layer's slot.

    Returns
    -------
    LogBarChart
        Past five decades only every other power of ten is labelled, so the labels stay apart.
    """
    low, high = log_range(values)
    chart = LogBarChart(count, low, high, width, height, series=series, label_step=2 if high - low > 5 else 1,
                        x_label=get_axis_label(x_label_key), y_label=get_axis_label(y_label_key))
    return chart.to_corner(DOWN + LEFT, buff=EDGE_BUFF + 0.1)


def get_axis_label(key: str) -> Mobject:
    """The string ``key`` as a chart's axis label: small and muted."""
    return get_text(key, size=SMALL_SIZE, color=current_theme().muted)

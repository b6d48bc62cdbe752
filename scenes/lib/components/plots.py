"""Function plots with the moving parts chapters need: a point that follows a ValueTracker, its
tangent, live readouts, reference lines, shaded bands and regions.

``FunctionPlot`` is one axes with one curve; ``ActivationPlot`` stacks an activation over its
derivative on a shared x axis, the picture chapters 1, 3 and 5 all build on.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Axes,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    Line,
    Mobject,
    Polygon,
    ValueTracker,
    VGroup,
    Write,
)

from ...model import RELU_FAMILY, Activation
from ..style import AXIS_WIDTH, CURVE_WIDTH, EDGE_BUFF, ITEM_BUFF, LABEL_SIZE, SMALL_SIZE, current_theme
from .redraw import redraw_on_change
from .text import SteadyNumber, get_math

__all__ = [
    "ActivationPlot",
    "FunctionPlot",
    "get_readout",
    "make_draw_animation_groups",
]

# Half-length of a drawn tangent, in x units of the axes.
TANGENT_HALF_WIDTH = 1.6


LABEL_Z = 1  # axis labels above the curves, moving dots above the labels
LABEL_HALO = 5  # stroke width of the halo around axis labels


class FunctionPlot(VGroup):
    """Axes with the graph of ``fn`` and helpers that read positions off them.

    Parameters
    ----------
    fn
        The function drawn (vectorised over numpy arrays).
    x_range, y_range
        ``(min, max, step)`` of each axis.
    width, height
        The axes' size.
    color
        The graph's colour; the theme's text colour when None.
    y_label_tex
        A formula naming the y axis, above it.
    y_decimals
        Decimals of the y axis's numbers.
    discontinuities
        x values where the graph jumps (drawn in pieces, without a riser).
    kwargs
        Passed on to :class:`~manim.VGroup`.
    """

    def __init__(
        self,
        fn: Callable[[np.ndarray], np.ndarray],
        x_range: tuple[float, float, float],
        y_range: tuple[float, float, float],
        width: float,
        height: float,
        color: str | None = None,
        y_label_tex: str | None = None,
        y_decimals: int = 1,
        discontinuities: Sequence[float] = (),
        **kwargs: Any,
    ) -> None:
        theme = current_theme()
        self.fn = fn
        self.axes = Axes(
            x_range=x_range,
            y_range=y_range,
            x_length=width,
            y_length=height,
            tips=False,
            axis_config={"color": theme.muted, "stroke_width": AXIS_WIDTH, "font_size": SMALL_SIZE},
        )
        self.axes.x_axis.add_numbers(font_size=SMALL_SIZE, color=theme.muted)
        y_values = np.arange(y_range[0], y_range[1] + 1e-9, y_range[2])
        self.axes.y_axis.add_numbers(
            x_values=[y for y in y_values if abs(y) > 1e-12],
            num_decimal_places=y_decimals,
            font_size=SMALL_SIZE,
            color=theme.muted,
        )
        # A curve through the y axis (the sigmoid at 0.5, its slope at 0.25) passes right by these
        # labels: they sit above it with a thin halo of background colour so they stay readable (a
        # box behind each would show as a patch on shaded bands).
        self.axes.y_axis.numbers.set_stroke(theme.background, width=LABEL_HALO, background=True)
        self.axes.y_axis.numbers.set_z_index(LABEL_Z)
        self.graph = self.axes.plot(lambda x: float(fn(np.array(x))), color=color or theme.text,
                                    stroke_width=CURVE_WIDTH, use_smoothing=False,
                                    discontinuities=list(discontinuities), dt=1e-3)
        parts = [self.axes, self.graph]
        self.y_label = None
        if y_label_tex:
            self.y_label = get_math(y_label_tex, size=LABEL_SIZE * 1.2, color=color or theme.text)
            self.y_label.next_to(self.axes.y_axis, UP, buff=ITEM_BUFF / 2)
            parts.append(self.y_label)
        super().__init__(*parts, **kwargs)

    def point_at(self, x: float) -> np.ndarray:
        return self.axes.c2p(x, float(self.fn(np.array(x))))

    def get_moving_dot(self, tracker: ValueTracker, color: str | None = None) -> Dot:
        """A dot on the graph at x = tracker's value, redrawn as it moves."""
        color = color or current_theme().gradient
        return redraw_on_change(lambda: Dot(self.point_at(tracker.get_value()), radius=0.09, color=color)
                                .set_z_index(LABEL_Z + 1),
                                depends_on=lambda: tuple(self.point_at(tracker.get_value())))

    def get_tangent_line(self, tracker: ValueTracker, slope: Callable[[np.ndarray], np.ndarray],
                         color: str | None = None) -> Line:
        """The tangent at x = tracker's value, tilting as it moves (its slope IS ``slope(x)``)."""
        color = color or current_theme().gradient

        def draw() -> Line:
            x = tracker.get_value()
            y, m = float(self.fn(np.array(x))), float(slope(np.array(x)))
            # Clipped to the axes' x range so the line never reaches into text beside the plot.
            x_min, x_max = self.axes.x_range[:2]
            left, right = max(x - TANGENT_HALF_WIDTH, x_min), min(x + TANGENT_HALF_WIDTH, x_max)
            return Line(self.axes.c2p(left, y + m * (left - x)), self.axes.c2p(right, y + m * (right - x)),
                        color=color, stroke_width=CURVE_WIDTH - 1)

        return redraw_on_change(draw, depends_on=lambda: (tracker.get_value(), *self.axes.c2p(0, 0),
                                                          *self.axes.c2p(1, 1)))

    def get_horizontal_line(self, y: float, color: str | None = None) -> DashedLine:
        """A dashed reference line y = ``y`` across the whole x range."""
        x_min, x_max = self.axes.x_range[:2]
        return DashedLine(self.axes.c2p(x_min, y), self.axes.c2p(x_max, y),
                          color=color or current_theme().gradient, stroke_width=AXIS_WIDTH + 1, dash_length=0.12)

    def get_band(self, y_low: float, y_high: float, color: str | None = None, opacity: float = 0.12) -> Polygon:
        """A shaded horizontal band between two y values."""
        x_min, x_max = self.axes.x_range[:2]
        corners = [self.axes.c2p(x, y) for x, y in ((x_min, y_low), (x_max, y_low), (x_max, y_high), (x_min, y_high))]
        return Polygon(*corners, stroke_width=0, fill_color=color or current_theme().gradient, fill_opacity=opacity)

    def get_x_region(self, x_low: float, x_high: float, color: str | None = None, opacity: float = 0.22) -> Polygon:
        """A shaded vertical strip x_low <= x <= x_high over the full height of the axes."""
        y_min, y_max = self.axes.y_range[:2]
        corners = [self.axes.c2p(x, y) for x, y in ((x_low, y_min), (x_high, y_min), (x_high, y_max), (x_low, y_max))]
        return Polygon(*corners, stroke_width=0, fill_color=color or current_theme().dead, fill_opacity=opacity)


class ActivationPlot(VGroup):
    """An activation (top) over its derivative (bottom), sharing one x axis scale.

    Parameters
    ----------
    activation
        The model's activation: its ``f`` and ``df`` are drawn, in its colour.
    x_range, f_range, df_range
        ``(min, max, step)`` of the shared x axis and of each plot's y axis.
    width, f_height, df_height
        The plots' width and each one's height.
    f_label_tex, df_label_tex
        Formulas naming the two y axes.
    gap
        The space between the two plots.
    df_decimals, f_decimals
        Decimals of each y axis's numbers.
    kwargs
        Passed on to :class:`~manim.VGroup`.

    Attributes
    ----------
    f_plot, df_plot : FunctionPlot
        The activation and its derivative.
    """

    def __init__(
        self,
        activation: Activation,
        x_range: tuple[float, float, float],
        f_range: tuple[float, float, float],
        df_range: tuple[float, float, float],
        width: float,
        f_height: float,
        df_height: float,
        f_label_tex: str,
        df_label_tex: str,
        gap: float = 0.45,
        df_decimals: int = 2,
        f_decimals: int = 1,
        **kwargs: Any,
    ) -> None:
        color = current_theme().activation_color(activation.name)
        self.activation = activation
        # The ReLU family's derivative jumps at 0: draw it as two pieces, not with a vertical riser.
        jumps = (0.0,) if activation.name in RELU_FAMILY else ()
        self.f_plot = FunctionPlot(activation.f, x_range, f_range, width, f_height, color, f_label_tex, f_decimals)
        self.df_plot = FunctionPlot(activation.df, x_range, df_range, width, df_height, color, df_label_tex,
                                    df_decimals, discontinuities=jumps)
        super().__init__(self.f_plot, self.df_plot, **kwargs)
        self.df_plot.next_to(self.f_plot, DOWN, buff=gap)
        # Keep both axes' origins on one vertical line, whatever their tick labels' widths.
        self.df_plot.shift(RIGHT * (self.f_plot.axes.c2p(0, 0)[0] - self.df_plot.axes.c2p(0, 0)[0]))

    def place_under(self, title: Mobject) -> ActivationPlot:
        """Put the plot under a chapter's ``title``, at the frame's left, its notes' panel to come
        at its right (``place_in_panel``)."""
        return self.next_to(title, DOWN, buff=ITEM_BUFF * 2).to_edge(LEFT, buff=EDGE_BUFF + 0.3)


def make_draw_animation_groups(plot: ActivationPlot, f_note, df_note, title: Mobject | None = None,
                               then: Mobject | None = None) -> list[tuple[Animation, ...]]:
    """The order an activation plot is drawn in: the chapter's ``title`` if given, f's axes with its
    note, f, then the derivative's axes with its note and the derivative, and last what comes
    ``then``. Each tuple is one ``self.play(*group)``."""
    return [
        *([(Write(title),)] if title is not None else []),
        (Create(plot.f_plot.axes), FadeIn(plot.f_plot.y_label), Write(f_note)),
        (Create(plot.f_plot.graph, run_time=1.5),),
        (Create(plot.df_plot.axes), FadeIn(plot.df_plot.y_label), Write(df_note)),
        (Create(plot.df_plot.graph, run_time=1.5),),
        *([(FadeIn(then),)] if then is not None else []),
    ]


def get_readout(label_tex: str, value: Callable[[], float], decimals: int = 3,
                color: str | None = None, size: float = LABEL_SIZE * 1.3) -> VGroup:
    """``label = <live number>``: the number follows ``value()`` every frame.

    Parameters
    ----------
    label_tex
        The formula before the equals sign.
    value
        Called every frame for the number to show.
    decimals
        Decimals shown.
    color
        The colour of the label and the number; the theme's text colour when None.
    size
        The font size.
    """
    label = get_math(label_tex, "=", size=size, color=color)
    number = SteadyNumber(value(), num_decimal_places=decimals, font_size=size,
                           color=color or current_theme().text, include_sign=False)
    number.next_to(label, RIGHT, buff=0.15)
    number.add_updater(lambda mob: mob.set_value(value()).next_to(label, RIGHT, buff=0.15))
    return VGroup(label, number)


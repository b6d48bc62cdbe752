"""One neuron a = f(w x + b) and its inputs' pre-activations on a number line, driven by a
gradient-descent trajectory from the model: chapters 4 (a ReLU neuron dies) and 5 (a leaky one
revives) share it, so the two replays look and time alike.

Everything follows one ValueTracker, ``row_tracker``: the trajectory row (0 = healthy start,
1 = after the kick, 1 + k = after k ordinary steps), fractional between rows. Between rows the dots
move in a straight line, so at every whole row they sit exactly where the numbers say.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Arrow,
    Circle,
    Dot,
    NumberLine,
    Rectangle,
    ValueTracker,
    VGroup,
    linear,
)

from ...model import NeuronTrajectory
from ..style import AXIS_WIDTH, ITEM_BUFF, LABEL_SIZE, SMALL_SIZE, current_theme
from .redraw import redraw_on_change
from .text import SteadyNumber, get_math, get_text, stack

__all__ = ["NeuronStage"]

DOT_RADIUS = 0.1
NEURON_RADIUS = 0.45
READOUT_SIZE = LABEL_SIZE * 1.1


class NeuronStage(VGroup):
    """The neuron diagram with live readouts (top) over the pre-activation number line (bottom).

    Parameters
    ----------
    trajectory
        The model's gradient-descent run of one neuron: every row's w, b, gradients and inputs' z.
    line_width
        The length of the number line of z.
    formula_tex
        The neuron's formula, shown under it.
    kwargs
        Passed on to :class:`~manim.VGroup`.

    Attributes
    ----------
    row_tracker : ValueTracker
        The trajectory row shown (fractional between rows); everything follows it.
    diagram_row, line_row : VGroup
        The neuron with its readouts, and the number line with its dots.
    neuron_body : Circle
        The neuron's circle, coloured as the neuron is alive or dead.
    """

    def __init__(self, trajectory: NeuronTrajectory, line_width: float, formula_tex: str, **kwargs: Any) -> None:
        theme = current_theme()
        self.trajectory = trajectory
        self.row_tracker = ValueTracker(0)
        self.alive_color = theme.activation_color(trajectory.name)
        self.line = self._get_number_line(line_width)
        self.active_region = self._get_active_region()
        self.region_labels = self._get_region_labels()
        self.dots = VGroup(*(self._get_dot(i) for i in range(len(trajectory.x))))
        self.neuron = self._get_neuron()
        self.formula = get_math(formula_tex, size=READOUT_SIZE)
        self.readouts = self._get_readouts()
        diagram = VGroup(self.neuron, self.formula)
        self.formula.next_to(self.neuron, DOWN, buff=ITEM_BUFF * 1.5)
        self.diagram_row = VGroup(diagram, self.readouts).arrange(RIGHT, buff=1.2, aligned_edge=UP)
        self.line_row = VGroup(self.active_region, self.line, self.region_labels, self.dots)
        super().__init__(self.diagram_row, self.line_row, **kwargs)
        self.line_row.next_to(self.diagram_row, DOWN, buff=ITEM_BUFF * 3)

    # The state at the tracked row ------------------------------------------------------------------------
    def row(self) -> int:
        return int(math.floor(self.row_tracker.get_value() + 1e-9))

    def value_at(self, series: np.ndarray) -> np.ndarray:
        """``series`` (one row per trajectory step) linearly interpolated at the tracked row."""
        position = min(max(self.row_tracker.get_value(), 0.0), len(series) - 1.0)
        low = int(math.floor(position))
        high = min(low + 1, len(series) - 1)
        return series[low] + (series[high] - series[low]) * (position - low)

    def is_alive(self) -> bool:
        return bool(np.any(self.trajectory.z[self.row()] > 0))

    def jump_to(self, row: int) -> NeuronStage:
        """Show trajectory row ``row`` at once (e.g. start from the dead state), before any fade-in."""
        self.row_tracker.set_value(row)
        self.update()
        return self

    def make_rows_animation(self, to_row: int, run_time: float) -> Animation:
        """Play the trajectory from the current row to ``to_row``, one straight segment per step."""
        return self.row_tracker.animate(run_time=run_time, rate_func=linear).set_value(to_row)

    # Builders ----------------------------------------------------------------------------------
    def _get_number_line(self, width: float) -> NumberLine:
        z = self.trajectory.z
        low, high = math.floor(z.min()) - 1, math.ceil(z.max()) + 1
        line = NumberLine(x_range=(low, high, 1), length=width, color=current_theme().muted,
                          stroke_width=AXIS_WIDTH, include_numbers=True, font_size=SMALL_SIZE,
                          numbers_to_exclude=[])
        line.numbers.set_color(current_theme().muted)
        return line

    def _get_active_region(self) -> Rectangle:
        start, end = self.line.n2p(0), self.line.n2p(self.line.x_range[1])
        region = Rectangle(width=end[0] - start[0], height=1.0, stroke_width=0, fill_color=self.alive_color,
                           fill_opacity=0.15)
        return region.move_to((start[0] + end[0]) / 2 * RIGHT + start[1] * UP + 0.5 * UP)

    def _get_region_labels(self) -> VGroup:
        theme = current_theme()
        active = get_math(r"z > 0", size=LABEL_SIZE, color=self.alive_color)
        inactive = get_math(r"z \le 0", size=LABEL_SIZE, color=theme.dead)
        active.next_to(self.active_region, UP, buff=0.1)
        inactive.move_to(active).set_x(self.line.n2p(self.line.x_range[0] / 2)[0])
        z_label = get_math("z = w x + b", size=LABEL_SIZE, color=theme.muted)
        z_label.next_to(self.line, DOWN, buff=0.55)
        return VGroup(active, inactive, z_label)

    def _get_dot(self, index: int) -> Dot:
        theme = current_theme()

        def z() -> float:
            return float(self.value_at(self.trajectory.z[:, index]))

        def draw() -> Dot:
            color = self.alive_color if z() > 0 else theme.dead
            # Inputs are spread a little in height so dots with close z stay apart.
            lift = 0.2 + 0.6 * (index % 4) / 3
            return Dot(self.line.n2p(z()) + lift * UP, radius=DOT_RADIUS, color=color)

        return redraw_on_change(draw, depends_on=lambda: tuple(self.line.n2p(z())))

    def _get_neuron(self) -> VGroup:
        theme = current_theme()
        name = get_text(f"act.{self.trajectory.name}", size=SMALL_SIZE, color=theme.text)

        def draw_body() -> Circle:
            # Redrawn every frame around the name, which moves with the stage.
            color = self.alive_color if self.is_alive() else theme.dead
            body = Circle(radius=NEURON_RADIUS, color=color, stroke_width=AXIS_WIDTH + 2)
            return body.set_fill(color, opacity=0.35).move_to(name.get_center())

        body = redraw_on_change(draw_body, depends_on=lambda: (self.is_alive(), *name.get_center()))
        self.neuron_body = body
        x_in = get_math("x", size=READOUT_SIZE).next_to(body, LEFT, buff=0.9)
        a_out = get_math("a", size=READOUT_SIZE).next_to(body, RIGHT, buff=0.9)
        arrows = VGroup(
            Arrow(x_in.get_right(), body.get_left(), buff=0.1, color=theme.muted, stroke_width=AXIS_WIDTH + 1),
            Arrow(body.get_right(), a_out.get_left(), buff=0.1, color=theme.muted, stroke_width=AXIS_WIDTH + 1),
        )
        return VGroup(body, name, x_in, a_out, arrows)

    def _get_readouts(self) -> VGroup:
        theme, trajectory = current_theme(), self.trajectory
        step_number = SteadyNumber(0, num_decimal_places=0, font_size=READOUT_SIZE, color=theme.text)
        step_label = get_text("neuron.step", size=LABEL_SIZE, color=theme.muted)
        step = VGroup(step_label, step_number)
        step.arrange(RIGHT, buff=0.2)
        step_number.add_updater(
            lambda number: number.set_value(max(self.row() - 1, 0)).next_to(step_label, RIGHT, buff=0.2))
        weights = [self._get_live_row(tex, series, 3, theme.text, interpolate=True)
                   for tex, series in (("w", trajectory.w), ("b", trajectory.b))]
        gradients = [self._get_live_row(tex, series, 4, theme.gradient, interpolate=False)
                     for tex, series in ((r"\partial L / \partial w", trajectory.grad_w),
                                         (r"\partial L / \partial b", trajectory.grad_b))]
        columns = VGroup(stack(step, *weights, buff=ITEM_BUFF * 0.7), stack(*gradients, buff=ITEM_BUFF * 0.7))
        return columns.arrange(RIGHT, buff=0.8, aligned_edge=UP)

    def _get_live_row(self, tex: str, series: np.ndarray, decimals: int, color: str, interpolate: bool) -> VGroup:
        label = get_math(tex, "=", size=READOUT_SIZE, color=color)
        number = SteadyNumber(float(series[0]), num_decimal_places=decimals, font_size=READOUT_SIZE, color=color)
        number.next_to(label, RIGHT, buff=0.15)

        def update(mob: SteadyNumber) -> None:
            # Weights move smoothly between steps; a gradient belongs to one step and is shown as is.
            value = float(self.value_at(series)) if interpolate else float(series[self.row()])
            mob.set_value(value).next_to(label, RIGHT, buff=0.15)

        number.add_updater(update)
        return VGroup(label, number)

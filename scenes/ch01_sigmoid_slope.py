"""Chapter 1: the sigmoid squashes its input, and its slope never exceeds 1/4."""
from __future__ import annotations

import math

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    ReplacementTransform,
    ValueTracker,
    VGroup,
    Write,
    linear,
    smooth,
    there_and_back,
)

from scenes.lib.components.card import TakeawayCard
from scenes.lib.components.panel import panel_width, place_in_panel
from scenes.lib.components.plots import ActivationPlot, get_readout
from scenes.lib.components.text import (
    fraction_tex,
    fraction_text,
    get_math,
    get_wrapped_text,
    number_tex,
    stack,
)
from scenes.lib.lecture_scene import LectureScene, beat
from scenes.lib.style import BEAT_PAUSE, BODY_SIZE, ITEM_BUFF, LABEL_SIZE, SHORT_PAUSE
from scenes.model import activation, sigmoid_slope_max

X_MAX = 6  # the storyboard's axes: x in [-6, 6]
TAIL_X = 4  # |x| beyond this counts as saturated
SWEEP_SECONDS = 6.0
PLOT_WIDTH = 6.8
READOUT_SIZE = LABEL_SIZE * 1.1  # formulas read a little smaller than text of the same size
GROUP_GAP = ITEM_BUFF * 1.6  # between groups in the right-hand panel


class SigmoidSlopeNeverExceedsAQuarter(LectureScene):
    """sigma(x), its derivative, a sweeping tangent, the 1/4 ceiling and the saturated tails."""

    chapter_key = "ch1"
    toc_index = 0

    def construct(self) -> None:
        self.sigmoid = activation("sigmoid")
        self.peak_x, self.peak = sigmoid_slope_max()
        self.show_sigmoid()
        self.derive_derivative()
        self.sweep_point()
        self.stop_at_peak()
        self.mark_saturated_tails()
        self.takeaway()

    # Beat 1 ---------------------------------------------------------------------------------
    @beat
    def show_sigmoid(self) -> None:
        self.open_beat()
        self.title = self.enter_chapter()
        self.plot = ActivationPlot(
            self.sigmoid,
            x_range=(-X_MAX, X_MAX, 2),
            f_range=(0, 1, 0.5),
            df_range=(0, 0.3, 0.1),
            width=PLOT_WIDTH,
            f_height=1.8,
            df_height=1.6,
            f_label_tex=r"\sigma(x)",
            df_label_tex=r"\sigma'(x)",
            df_decimals=1,
        )
        self.plot.place_under(self.title)
        self.definition = get_math(r"\sigma(x) = \frac{1}{1 + e^{-x}}", color=self.theme.sigmoid)
        self.squashes = self.get_panel_text("ch1.squashes")
        self.panel = stack(self.definition, self.squashes)
        place_in_panel(self.panel, self.plot)
        f_plot = self.plot.f_plot
        self.play(Write(self.title))
        self.play(Create(f_plot.axes), FadeIn(f_plot.y_label))
        self.play(Create(f_plot.graph), Write(self.definition), run_time=2)
        self.play(FadeIn(self.squashes, shift=UP * 0.2))
        self.wait(BEAT_PAUSE)

    # Beat 2 ---------------------------------------------------------------------------------
    @beat
    def derive_derivative(self) -> None:
        self.open_beat()
        steps = [
            get_math(r"\sigma'(x) = \frac{e^{-x}}{(1 + e^{-x})^2}"),
            get_math(r"= \frac{1}{1 + e^{-x}} \cdot \frac{e^{-x}}{1 + e^{-x}}"),
            get_math(r"= \sigma(x)\,\bigl(1 - \sigma(x)\bigr)", color=self.theme.sigmoid),
        ]
        derivation = stack(*steps)
        steps[1].shift(RIGHT * 0.55)
        steps[2].shift(RIGHT * 0.55)
        derivation.next_to(self.definition, DOWN, buff=GROUP_GAP, aligned_edge=LEFT)
        self.play(FadeOut(self.squashes))
        for step in steps:
            self.play(Write(step), run_time=1.2)
        self.wait(SHORT_PAUSE)
        # Keep the result, compact, and draw it.
        self.derivative = get_math(r"\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr)", color=self.theme.sigmoid)
        self.derivative.next_to(self.definition, DOWN, buff=GROUP_GAP, aligned_edge=LEFT)
        df_plot = self.plot.df_plot
        self.play(ReplacementTransform(derivation, self.derivative))
        self.play(Create(df_plot.axes), FadeIn(df_plot.y_label))
        self.play(Create(df_plot.graph), run_time=2)
        self.wait(BEAT_PAUSE)

    # Beat 3 ---------------------------------------------------------------------------------
    @beat
    def sweep_point(self) -> None:
        self.open_beat()
        sigmoid, theme = self.sigmoid, self.theme
        self.x = ValueTracker(-X_MAX)
        x = self.x
        dot = self.plot.f_plot.get_moving_dot(x)
        tangent = self.plot.f_plot.get_tangent_line(x, sigmoid.df)
        slope_dot = self.plot.df_plot.get_moving_dot(x)
        self.readouts = stack(
            get_readout("x", x.get_value, decimals=2, size=READOUT_SIZE),
            get_readout(r"\sigma(x)", lambda: float(sigmoid.f(x.get_value())), color=theme.sigmoid, size=READOUT_SIZE),
            get_readout(r"\sigma'(x)", lambda: float(sigmoid.df(x.get_value())), color=theme.gradient,
                        size=READOUT_SIZE),
            buff=ITEM_BUFF * 0.8,
        )
        self.readouts.next_to(self.derivative, DOWN, buff=GROUP_GAP, aligned_edge=LEFT)
        self.sweepers = VGroup(tangent, dot, slope_dot)
        self.play(FadeIn(self.sweepers), FadeIn(self.readouts))
        self.play(x.animate.set_value(X_MAX), run_time=SWEEP_SECONDS, rate_func=linear)
        self.wait(SHORT_PAUSE)
        # On a slide the point keeps sweeping (back to the left and here again) while the lecturer talks.
        self.idle(lambda: self.play(x.animate.set_value(-X_MAX), run_time=2 * SWEEP_SECONDS, rate_func=there_and_back))

    # Beat 4 ---------------------------------------------------------------------------------
    @beat
    def stop_at_peak(self) -> None:
        half = float(self.sigmoid.f(self.peak_x))  # sigma at the peak: the square below is zero there
        self.open_beat(peak_x=f"{self.peak_x:g}", peak=fraction_text(self.peak),
                       half=fraction_text(half))
        self.play(self.x.animate.set_value(self.peak_x), run_time=2.5, rate_func=smooth)
        df_plot, quarter = self.plot.df_plot, fraction_tex(self.peak)
        ceiling = df_plot.get_horizontal_line(self.peak)
        ceiling_label = get_math(rf"y = {quarter}", size=LABEL_SIZE * 1.2, color=self.theme.gradient)
        ceiling_label.next_to(df_plot.axes.c2p(X_MAX, self.peak), UP, buff=0.1).align_to(ceiling, RIGHT)
        band = df_plot.get_band(0, self.peak)
        # The one-line proof, in sigma itself: completing the square leaves 1/4 minus a square.
        reason = get_math(rf"\sigma(1 - \sigma) = {quarter} - \left(\sigma - {fraction_tex(half)}\right)^2"
                          rf"\le {quarter}", size=READOUT_SIZE)
        self.bound = get_math(rf"0 < \sigma'(x) \le {quarter}", size=BODY_SIZE * 1.2, color=self.theme.gradient)
        for_every_x = self.get_panel_text("ch1.for_every_x")
        self.reason = reason
        self.bound_row = self.beside_or_below(self.bound, for_every_x)
        stack(self.reason, self.bound_row).next_to(self.readouts, DOWN, buff=GROUP_GAP, aligned_edge=LEFT)
        self.play(Create(ceiling), FadeIn(ceiling_label))
        self.play(Write(reason))
        self.play(FadeIn(band), Write(self.bound_row))
        self.play(self.x.animate.set_value(-2.5), run_time=1.2)
        self.play(self.x.animate.set_value(self.peak_x), run_time=1.2)
        self.wait(BEAT_PAUSE)
        self.ceiling = VGroup(ceiling, ceiling_label, band)

    # Beat 5 ---------------------------------------------------------------------------------
    @beat
    def mark_saturated_tails(self) -> None:
        self.open_beat(tail_x=TAIL_X)
        theme, df = self.theme, self.sigmoid.df
        regions = VGroup(*(
            plot.get_x_region(low, high)
            for plot in (self.plot.f_plot, self.plot.df_plot)
            for low, high in ((-X_MAX, -TAIL_X), (TAIL_X, X_MAX))
        ))
        tail_slope = float(df(TAIL_X))
        tail_bound = math.ceil(tail_slope * 1000) / 1000
        label = self.get_panel_text("ch1.saturated", color=theme.dead)
        tail_math = get_math(rf"|x| > {TAIL_X}:\ \ \sigma'(x) < {tail_bound:.3f}", size=READOUT_SIZE)
        tail_group = stack(label, tail_math)
        tail_group.move_to(VGroup(self.reason, self.bound_row), aligned_edge=LEFT + UP)
        self.play(FadeOut(self.reason), FadeIn(regions))
        self.play(self.bound_row.animate.next_to(self.readouts, DOWN, buff=GROUP_GAP, aligned_edge=LEFT))
        tail_group.next_to(self.bound_row, DOWN, buff=GROUP_GAP, aligned_edge=LEFT)
        self.play(FadeIn(tail_group, shift=UP * 0.2))
        self.play(self.x.animate.set_value(X_MAX), run_time=2.5, rate_func=smooth)
        self.play(self.x.animate.set_value(-X_MAX), run_time=3.5, rate_func=smooth)
        self.wait(BEAT_PAUSE)
        self.tail_group = tail_group

    # Beat 6 ---------------------------------------------------------------------------------
    @beat
    def takeaway(self) -> None:
        # tanh: slope 1 at 0, so it need not shrink the gradient, yet it saturates too; the sigmoid has both
        # problems (at best 1/4, and almost nothing in its tails).
        tanh = activation("tanh")
        values = {"one": f"{float(tanh.df(0.0)):g}", "peak": fraction_text(self.peak)}
        self.open_beat(**values)
        self.play(self.x.animate.set_value(self.peak_x), run_time=1.5)
        card = TakeawayCard("ch1.takeaway", panel_width(self.plot))
        # The sweep is over: its readouts and the tails' note make room for the one line to remember.
        # The definition has done its work: the derivative takes its place, making room for tanh's note.
        derivative_place = self.derivative.copy().move_to(self.definition, aligned_edge=LEFT + UP)
        card.next_to(derivative_place, DOWN, buff=GROUP_GAP, aligned_edge=LEFT)
        # tanh's two slopes as a formula beside the card: the sentences about them are spoken.
        tanh_note = get_math(rf"\tanh'(0) = {number_tex(float(tanh.df(0.0)))},\quad "
                             rf"\tanh'({TAIL_X}) = {number_tex(float(tanh.df(TAIL_X)), digits=2)}",
                             size=READOUT_SIZE, color=self.theme.muted)
        self.play(FadeOut(self.tail_group), FadeOut(self.readouts), FadeOut(self.definition),
                  self.derivative.animate.move_to(derivative_place),
                  self.bound_row.animate.next_to(card, DOWN, buff=GROUP_GAP, aligned_edge=LEFT))
        tanh_note.next_to(self.bound_row, DOWN, buff=GROUP_GAP, aligned_edge=LEFT)
        self.play(FadeIn(card, shift=UP * 0.2))
        self.play(FadeIn(tanh_note))
        self.wait(BEAT_PAUSE * 3)

    # Layout helpers ---------------------------------------------------------------------------
    def get_panel_text(self, key: str, color: str | None = None):
        """A string wrapped to the right-hand panel's width."""
        return get_wrapped_text(key, panel_width(self.plot), size=LABEL_SIZE, color=color)

    def beside_or_below(self, first, second) -> VGroup:
        """``second`` to the right of ``first`` when the panel is wide enough, else under it."""
        row = VGroup(first, second).arrange(RIGHT, buff=0.3)
        if row.width > panel_width(self.plot):
            row = stack(first, second, buff=ITEM_BUFF * 0.6)
        return row

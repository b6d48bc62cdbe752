"""Chapter 3: ReLU's slope is 1 where it is active, so the gradient crosses every layer intact."""
from __future__ import annotations

import math
from functools import partial

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    DashedLine,
    FadeIn,
    FadeOut,
    LaggedStart,
    VGroup,
    Write,
)

from scenes.lib.components.card import TakeawayCard
from scenes.lib.components.chain import ChainNetwork, get_compounding_counter, play_together
from scenes.lib.components.legend import Legend, LegendRow, get_series_swatch, place_at_ends
from scenes.lib.components.log_bars import LogBarChart, get_layer_chart
from scenes.lib.components.log_curves import LogCurveChart
from scenes.lib.components.panel import fit_beside, panel_width, place_in_panel
from scenes.lib.components.plots import ActivationPlot, make_draw_animation_groups
from scenes.lib.components.text import (
    get_math,
    get_text,
    get_wrapped_text,
    number_text,
    stack,
)
from scenes.lib.experiment import BATCH, DEPTH, SEED, WIDTH
from scenes.lib.lecture_scene import LectureScene, beat
from scenes.lib.style import (
    BEAT_PAUSE,
    BODY_SIZE,
    EDGE_BUFF,
    ITEM_BUFF,
    LABEL_SIZE,
    SHORT_PAUSE,
    SMALL_SIZE,
)
from scenes.model import (
    HE_GAIN,
    SHALLOW_SIGMOID_DEPTHS,
    activation,
    backward_chain,
    chain_local_factors,
    layer_gradient_norms,
    layer_gradients,
    orders_of_magnitude_exceeded,
    sigmoid_depth_control,
    train_deep_network,
)

X_RANGE = 3
CHAIN_WIDTH = 11.0
CHART_WIDTH = 6.6
CHART_HEIGHT = 2.2
STEP_TIME = 0.6
CAVEAT_WIDTH = 10.5
LOSS_WIDTH = 5.4  # leaves room for the curves' end labels and the panel beside them
REAL_CHART_WIDTH = 6.4  # with its tick labels about half the frame, unless the legend beside it needs more
LOSS_HEIGHT = 3.4
NAMES = ("sigmoid", "relu")


class ReluPassesTheGradient(LectureScene):
    """ReLU and its step derivative, the same chain at full strength, side by side, real networks."""

    chapter_key = "ch3"
    toc_index = 2

    def construct(self) -> None:
        self.relu = activation("relu")
        self.gradients = {name: backward_chain(chain_local_factors(name, DEPTH)) for name in ("sigmoid", "relu")}
        self.norms = {name: layer_gradient_norms(name, depth=DEPTH, width=WIDTH, batch=BATCH, seed=SEED)
                      for name in NAMES}
        # The same networks, trained: the cost of vanishing (cached in the model, about a second of numpy).
        self.runs = {name: train_deep_network(name, depth=DEPTH, width=WIDTH, batch=BATCH, seed=SEED)
                     for name in NAMES}
        self.show_relu()
        self.relu_chain()
        self.side_by_side()
        self.real_networks()
        self.training_cost()
        self.layer_movement()
        self.caveat()

    @beat
    def show_relu(self) -> None:
        self.open_beat()
        self.title = self.enter_chapter()
        plot = ActivationPlot(self.relu, x_range=(-X_RANGE, X_RANGE, 1), f_range=(0, X_RANGE, 1),
                              df_range=(0, 1.5, 0.5), width=6.4, f_height=2.0, df_height=1.5,
                              f_label_tex=r"\mathrm{ReLU}(x)", df_label_tex=r"\mathrm{ReLU}'(x)",
                              df_decimals=1, f_decimals=0)
        plot.place_under(self.title)
        color = self.theme.relu
        definition = get_math(r"\mathrm{ReLU}(x) = \max(0, x)", color=color)
        derivative = get_math(r"\mathrm{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x < 0 \end{cases}", color=color)
        width = panel_width(plot)
        small_print = get_wrapped_text("ch3.at_zero", width, size=SMALL_SIZE, color=self.theme.muted)
        panel = place_in_panel(stack(definition, derivative, small_print, buff=ITEM_BUFF * 2), plot)
        for group in make_draw_animation_groups(plot, definition, derivative, title=self.title, then=small_print):
            self.play(*group)
        self.wait(BEAT_PAUSE)
        self.play(FadeOut(plot), FadeOut(panel))

    @beat
    def relu_chain(self) -> None:
        self.open_beat(depth=DEPTH, factor=f"{chain_local_factors('relu', 1)[0]:g}")
        chain = ChainNetwork(DEPTH, CHAIN_WIDTH, "relu").next_to(self.title, DOWN, buff=1.0)
        factors = chain_local_factors("relu", DEPTH)
        factor_labels = chain.get_factor_labels(factors)
        chart = self.get_chart(self.gradients["relu"][1:], "ch3.reaching_layer")
        counter = self.get_counter("relu", 0)
        place_in_panel(counter, chart)
        self.play(FadeIn(chain))
        self.play(chain.make_forward_pass_animation(run_time=2), FadeIn(factor_labels))
        self.play(FadeIn(chart), FadeIn(counter))
        pulse, steps = chain.make_backward_pulse(self.gradients["relu"], step_time=STEP_TIME, chart=chart,
                                                 counter=counter, get_counter=partial(self.get_counter, "relu"))
        self.play(FadeIn(pulse))
        for step in steps:
            self.play(step)
        self.wait(BEAT_PAUSE)
        self.play(FadeOut(VGroup(chain, factor_labels, pulse, chart.with_bars(), counter)))

    @beat
    def side_by_side(self) -> None:
        self.open_beat()
        names = ("sigmoid", "relu")
        chains = {name: ChainNetwork(DEPTH, CHAIN_WIDTH - 1.2, name) for name in names}
        counters = {name: self.get_counter(name, DEPTH) for name in names}
        labels = {name: get_text(f"ch3.{name}", size=LABEL_SIZE, color=self.theme.activation_color(name))
                  for name in names}
        rows = VGroup()
        for name in names:
            # Name on the left and the final gradient on the right, on one line above the chain.
            labels[name].next_to(chains[name], UP, buff=0.4).align_to(chains[name], LEFT)
            counters[name].next_to(chains[name], UP, buff=0.3).align_to(chains[name], RIGHT)
            rows.add(VGroup(labels[name], chains[name], counters[name]))
        rows.arrange(DOWN, buff=0.9).next_to(self.title, DOWN, buff=ITEM_BUFF * 3)
        # The same chain class, the same timeline: only the activation differs.
        pulses, step_lists = zip(*(chains[name].make_backward_pulse(self.gradients[name], step_time=STEP_TIME)
                                   for name in names))
        self.play(FadeIn(VGroup(*(VGroup(labels[name], chains[name]) for name in names))))
        self.play(*(chains[name].make_forward_pass_animation(run_time=2) for name in names))
        self.wait(SHORT_PAUSE)
        self.play(*(FadeIn(pulse) for pulse in pulses))
        self.play(play_together(*step_lists))
        self.play(*(FadeIn(counter) for counter in counters.values()))
        self.wait(BEAT_PAUSE)
        self.play(FadeOut(rows), *(FadeOut(pulse) for pulse in pulses))

    @beat
    def real_networks(self) -> None:
        sigmoid, relu = self.norms["sigmoid"], self.norms["relu"]
        relu_spread = float(relu.max() / relu.min())
        # "More than n orders", n measured and never rounded up.
        orders = orders_of_magnitude_exceeded(float(sigmoid.max() / sigmoid.min()))
        self.open_beat(depth=DEPTH, spread=number_text(relu_spread), orders=orders)
        self.legend = self.get_legend()
        chart = fit_beside(lambda chart_width: get_layer_chart(
            [*sigmoid, *relu], DEPTH, chart_width, CHART_HEIGHT + 1.8, "ch3.layer", "ch3.weight_gradient", series=2),
            REAL_CHART_WIDTH, self.legend.width)
        width = panel_width(chart)
        relu_note = get_wrapped_text("ch3.relu_spread", width, size=LABEL_SIZE, spread=number_text(relu_spread))
        sigmoid_note = get_wrapped_text("ch3.sigmoid_spread", width, size=LABEL_SIZE, orders=orders)
        summary = stack(relu_note, sigmoid_note, buff=ITEM_BUFF * 1.5)
        self.panel = stack(self.legend, summary, buff=ITEM_BUFF * 3)
        place_in_panel(self.panel, chart)
        self.play(FadeIn(chart), FadeIn(self.legend))
        for series, name in enumerate(NAMES):
            color = self.theme.activation_color(name)
            self.play(LaggedStart(*(chart.make_bar_animation(layer, norm, color, series_index=series)
                                    for layer, norm in enumerate(self.norms[name])), lag_ratio=0.15, run_time=2))
        self.play(FadeIn(relu_note))
        self.play(FadeIn(sigmoid_note))
        self.wait(BEAT_PAUSE * 2)
        self.chart, self.summary = chart, summary

    @beat
    def training_cost(self) -> None:
        """What vanishing costs: both networks trained alike, their losses side by side; and the control
        that tells depth from the sigmoid itself (said, not drawn)."""
        sigmoid, relu = self.runs["sigmoid"], self.runs["relu"]
        control = sigmoid_depth_control(relu.steps, relu.lr, depth=DEPTH, width=WIDTH, batch=BATCH, seed=SEED)
        (depth_a, depth_b), (shallow_a, shallow_b) = SHALLOW_SIGMOID_DEPTHS, control.shallow
        # "within" must hold: the distance is rounded up, to a tenth of a percent.
        gap = math.ceil(control.deep_distance * 1000) / 10
        self.open_beat(steps=relu.steps, relu_loss=number_text(relu.loss[-1]),
                       sigmoid_loss=number_text(sigmoid.loss[-1]), depth=DEPTH, depth_a=depth_a, depth_b=depth_b,
                       loss_a=number_text(shallow_a.loss[-1], 3), loss_b=number_text(shallow_b.loss[-1], 3),
                       gap=f"{gap:g}", long_steps=control.longer.steps, big_lr=f"{control.faster.lr:g}")
        chart = LogCurveChart(relu.steps, [*sigmoid.loss, *relu.loss], LOSS_WIDTH, LOSS_HEIGHT, "ch3.loss",
                              "ch3.training_step")
        chart.to_corner(DOWN + LEFT, buff=EDGE_BUFF + 0.1).shift(RIGHT * 0.3)
        baseline = chart.get_level(sigmoid.baseline_loss)
        baseline_row = LegendRow("ch3.mean_baseline", self.theme.muted, size=LABEL_SIZE,
                                 swatch=DashedLine(LEFT * 0.2, RIGHT * 0.2, color=self.theme.muted))
        curves = [chart.get_curve(self.runs[name].loss, self.theme.activation_color(name)) for name in NAMES]
        # Each curve named at its end, so the two read apart without their colours (the handout in greyscale).
        names = [chart.get_end_label(f"act.{name}", self.runs[name].loss[-1], self.theme.activation_color(name))
                 for name in NAMES]
        place_at_ends(names, [label.get_y() for label in names])
        labelled = VGroup(chart, *names)
        setup = get_wrapped_text("ch3.training_setup", panel_width(labelled), size=LABEL_SIZE,
                                 color=self.theme.muted, steps=relu.steps, lr=f"{relu.lr:g}")
        legend_place = self.legend.copy()
        place_in_panel(stack(legend_place, baseline_row, setup, buff=ITEM_BUFF * 2), labelled)
        baseline_row.align_to(legend_place, LEFT)
        self.play(FadeOut(self.summary), FadeOut(self.chart.with_bars()), self.legend.animate.move_to(legend_place))
        self.play(FadeIn(chart), FadeIn(setup))
        self.play(Create(baseline), FadeIn(baseline_row))
        for curve, name in zip(curves, names):
            self.play(Create(curve), FadeIn(name), run_time=2)
        self.bring_to_front(baseline)  # the sigmoid's loss lies on it: its dashes show through
        self.wait(BEAT_PAUSE * 2)
        self.loss_group = VGroup(chart, baseline, baseline_row, *curves, *names)
        self.setup = setup

    @beat
    def layer_movement(self) -> None:
        """How far each layer's weights moved in training: the sigmoid network's first layers hardly at all."""
        moves = {name: self.runs[name].weight_change for name in NAMES}
        values = {f"{name}_move": number_text(moves[name][0]) for name in NAMES}
        self.open_beat(**values)
        chart = fit_beside(lambda chart_width: get_layer_chart(
            [*moves["sigmoid"], *moves["relu"]], DEPTH, chart_width, CHART_HEIGHT + 1.8, "ch3.layer",
            "ch3.weight_change", series=2), REAL_CHART_WIDTH, self.legend.width)
        note = get_wrapped_text("ch3.first_layer_moved", panel_width(chart), size=LABEL_SIZE, **values)
        legend_place = self.legend.copy()
        place_in_panel(stack(legend_place, note, buff=ITEM_BUFF * 3), chart)
        self.play(FadeOut(self.loss_group), FadeOut(self.setup), self.legend.animate.move_to(legend_place))
        self.play(FadeIn(chart))
        for series, name in enumerate(NAMES):
            color = self.theme.activation_color(name)
            self.play(LaggedStart(*(chart.make_bar_animation(layer, move, color, series_index=series)
                                    for layer, move in enumerate(moves[name])), lag_ratio=0.15, run_time=2))
        self.play(FadeIn(note))
        self.wait(BEAT_PAUSE * 2)
        self.chart, self.panel = chart, VGroup(self.legend, note)

    @beat
    def caveat(self) -> None:
        relu = layer_gradients("relu", depth=DEPTH, width=WIDTH, batch=BATCH, seed=SEED)
        values = {"active": f"{relu.active_fraction * 100:.0f}", "gain": f"{HE_GAIN:g}"}
        self.open_beat(**values)
        # Formulas and one line; the sentences (on active units the activation no longer shrinks the
        # gradient, half the units off halve its squared norm, the activations turn sparse) are spoken.
        he_init = get_math(rf"\mathrm{{Var}}(w) = \frac{{{values['gain']}}}{{n_{{\mathrm{{in}}}}}}",
                           size=BODY_SIZE * 1.3, color=self.theme.relu)
        caveat = get_text("ch3.caveat", size=BODY_SIZE, **values)  # one line: a balanced wrap split "He init"
        passes_nothing = get_math(r"z < 0:\quad \mathrm{ReLU}'(z) = 0", size=BODY_SIZE * 1.3, color=self.theme.dead)
        seed = TakeawayCard("ch3.seed", CAVEAT_WIDTH)
        VGroup(he_init, caveat, passes_nothing, seed).arrange(DOWN, buff=ITEM_BUFF * 3).next_to(self.title, DOWN,
                                                                                                  buff=0.8)
        self.play(FadeOut(self.panel), FadeOut(self.chart.with_bars()))
        self.play(Write(he_init), FadeIn(caveat), run_time=1.5)
        self.play(Write(passes_nothing))
        self.wait(BEAT_PAUSE)
        self.play(FadeIn(seed, shift=UP * 0.2))
        self.wait(BEAT_PAUSE * 3)

    # Builders ----------------------------------------------------------------------------------
    def get_chart(self, values: np.ndarray, y_label_key: str) -> LogBarChart:
        """An axis wide enough for ``values`` and the sigmoid chain's gradients (chapter 2's scale)."""
        return get_layer_chart([*self.gradients["sigmoid"][1:], *values], DEPTH, CHART_WIDTH, CHART_HEIGHT,
                               "ch3.layer", y_label_key)

    def get_counter(self, name: str, crossed: int):
        factor = chain_local_factors(name, 1)[0]
        return get_compounding_counter(factor, crossed, self.gradients[name][crossed])

    def get_legend(self) -> Legend:
        """Both networks, named with their init, in their colours."""
        return Legend(*(LegendRow(f"ch3.{name}_init", self.theme.activation_color(name),
                                  swatch=get_series_swatch(self.theme.activation_color(name), series_index))
                        for series_index, name in enumerate(NAMES)))

"""Chapter 2: backprop multiplies one slope per layer, so sigmoid gradients vanish with depth."""
from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    VGroup,
    Write,
)

from scenes.lib.components.card import TakeawayCard
from scenes.lib.components.chain import ChainNetwork, get_compounding_counter
from scenes.lib.components.legend import Legend, LegendRow, get_series_swatch
from scenes.lib.components.log_bars import LogBarChart, get_layer_chart
from scenes.lib.components.panel import fit_beside, panel_width, place_in_panel
from scenes.lib.components.text import (
    fraction_tex,
    fraction_text,
    get_math,
    get_wrapped_text,
    number_tex,
    number_text,
    stack,
)
from scenes.lib.cues import make_highlight_animation, when_said
from scenes.lib.experiment import BATCH, DEPTH, SEED, WIDTH
from scenes.lib.lecture_scene import LectureScene, beat
from scenes.lib.style import (
    BEAT_PAUSE,
    ITEM_BUFF,
    LABEL_SIZE,
    MATH_SIZE,
    SHORT_PAUSE,
    SMALL_SIZE,
)
from scenes.model import (
    BEST_CASE_WEIGHT,
    HE_GAIN,
    activation,
    backward_chain,
    chain_local_factors,
    growth_weight_threshold,
    layer_gradients,
    sigmoid_slope_max,
)
from scenes.model.networks import XAVIER_GAIN

CHAIN_WIDTH = 12.2
CHART_WIDTH = 6.6
CHART_HEIGHT = 2.2
REAL_CHART_WIDTH = 6.4  # with its tick labels about half the frame, unless the legend beside it needs more
REAL_CHART_HEIGHT = 4.6  # the chain has left the stage: the real network's chart takes its height
EXPLODE_WIDTH = 11.0
STEP_TIME = 0.7  # seconds per layer as the gradient pulse travels back


class SmallSlopesCompound(LectureScene):
    """A deep sigmoid chain: the forward pass, the chain rule, the shrinking pulse, real numbers."""

    chapter_key = "ch2"
    toc_index = 1

    def construct(self) -> None:
        self.factors = chain_local_factors("sigmoid", DEPTH)
        self.node_gradients = backward_chain(self.factors)
        self.real = layer_gradients("sigmoid", depth=DEPTH, width=WIDTH, batch=BATCH, seed=SEED)
        self.draw_chain()
        self.forward_pass()
        self.write_chain_rule()
        self.send_gradient_backwards()
        self.real_network()
        self.first_layer_inputs()
        self.takeaway()

    @beat
    def draw_chain(self) -> None:
        self.open_beat(depth=DEPTH)
        self.title = self.enter_chapter()
        self.chain = ChainNetwork(DEPTH, CHAIN_WIDTH, "sigmoid")
        self.chain.next_to(self.title, DOWN, buff=1.55)
        self.play(Write(self.title))
        self.play(LaggedStart(*(Create(node) for node in self.chain.nodes), lag_ratio=0.15),
                  FadeIn(self.chain.labels), Create(self.chain.edges), run_time=2)
        self.wait(BEAT_PAUSE)

    @beat
    def forward_pass(self) -> None:
        self.open_beat()
        self.play(self.chain.make_forward_pass_animation(run_time=3))
        self.wait(SHORT_PAUSE)

    @beat
    def write_chain_rule(self) -> None:
        _, peak = sigmoid_slope_max()
        threshold = growth_weight_threshold()
        values = {"threshold": f"{threshold:g}", "one": f"{threshold * peak:g}"}  # the factor at |w| = threshold
        self.open_beat(peak=fraction_text(peak), **values)
        self.rule = get_math(
            rf"\frac{{\partial L}}{{\partial x}} = \frac{{\partial L}}{{\partial h_{{{DEPTH}}}}}"
            rf"\prod_{{k=1}}^{{{DEPTH}}} w_k\,\sigma'(z_k)",
            size=MATH_SIZE,
        )
        bound = get_math(rf"\sigma'(z_k) \le {fraction_tex(peak)}", size=MATH_SIZE, color=self.theme.gradient)
        self.rule_row = VGroup(self.rule, bound).arrange(RIGHT, buff=1.0)
        self.rule_row.next_to(self.title, DOWN, buff=ITEM_BUFF * 1.5)
        self.factor_labels = self.chain.get_factor_labels(self.factors)
        # The other side of the same product: the weights are not bounded.
        self.explode = get_wrapped_text("ch2.explode", EXPLODE_WIDTH, size=LABEL_SIZE, color=self.theme.muted,
                                        **values)
        self.explode.next_to(self.factor_labels, DOWN, buff=ITEM_BUFF * 4)
        self.play(Write(self.rule), run_time=2)
        self.play(LaggedStart(*(FadeIn(label, shift=UP * 0.1) for label in self.factor_labels), lag_ratio=0.1))
        self.play(Write(bound))
        self.play(FadeIn(self.explode))
        self.wait(BEAT_PAUSE)

    @beat
    def send_gradient_backwards(self) -> None:
        self.open_beat(depth=DEPTH, bound=number_text(self.node_gradients[-1]),
                       peak=fraction_text(self.factors[0]), w=f"{BEST_CASE_WEIGHT:g}")
        self.chart = self.get_chart()
        best_case = get_wrapped_text("ch2.best_case", panel_width(self.chart), size=LABEL_SIZE, color=self.theme.muted,
                                     peak=fraction_text(self.factors[0]), w=f"{BEST_CASE_WEIGHT:g}")
        counter = self.get_counter(0)
        self.panel = stack(best_case, counter, buff=ITEM_BUFF * 2)
        place_in_panel(self.panel, self.chart)
        self.play(FadeOut(self.explode), FadeIn(self.chart), FadeIn(best_case))
        pulse, steps = self.chain.make_backward_pulse(self.node_gradients, step_time=STEP_TIME, chart=self.chart,
                                                      counter=counter, get_counter=self.get_counter)
        self.play(FadeIn(pulse), FadeIn(counter))
        for step in steps:
            self.play(step)
        self.pulse, self.counter = pulse, counter
        self.wait(BEAT_PAUSE)

    @beat
    def real_network(self) -> None:
        """The real network's backpropagated signal ||dL/dz_k||, at initialisation."""
        signals = self.real.signal_norms
        steps = signals[1:] / signals[:-1]  # how much the signal shrinks crossing each layer backwards
        values = {"low": f"{steps.min():.1f}", "high": f"{steps.max():.1f}"}
        # Xavier assumes the activation's slope is 1 near 0 (tanh's); the sigmoid's is at most 1/4.
        assumed = {"one": f"{float(activation('tanh').df(0.0)):g}", "peak": fraction_text(sigmoid_slope_max()[1])}
        self.open_beat(depth=DEPTH, xavier_gain=f"{XAVIER_GAIN:g}", he_gain=f"{HE_GAIN:g}",
                       **assumed, **values)
        old_chart = self.chart.with_bars()
        self.signal_row = LegendRow("ch2.signal", self.theme.gradient, size=SMALL_SIZE)
        self.weight_row = LegendRow("ch2.weight_gradient", self.theme.sigmoid, size=SMALL_SIZE,
                                    swatch=get_series_swatch(self.theme.sigmoid, series_index=1))
        self.legend = Legend(self.signal_row, self.weight_row)
        self.chart = fit_beside(lambda chart_width: get_layer_chart(
            [*signals, *self.real.weight_norms], DEPTH, chart_width, REAL_CHART_HEIGHT, "ch2.layer",
            "ch2.gradient_norm", series=2), REAL_CHART_WIDTH, self.legend.width)
        width = panel_width(self.chart)
        description = get_wrapped_text("ch2.real_network", width, size=LABEL_SIZE, color=self.theme.muted,
                                       depth=DEPTH, width=WIDTH, batch=BATCH, **assumed)
        # How much the signal shrinks crossing each layer, as a formula (the sentence is spoken).
        shrink = get_math(rf"\frac{{\|\partial L / \partial z_{{k+1}}\|}}{{\|\partial L / \partial z_k\|}}"
                          rf"\in [{values['low']},\ {values['high']}]", size=MATH_SIZE, color=self.theme.gradient)
        self.real_panel = stack(self.legend, description, shrink, buff=ITEM_BUFF * 2)
        place_in_panel(self.real_panel, self.chart)
        # The panel says more than the chart is tall: it starts under the title instead.
        self.real_panel.align_to(self.title.get_bottom() + DOWN * ITEM_BUFF * 3, UP)
        self.play(FadeOut(VGroup(self.rule_row, self.chain, self.factor_labels, self.pulse, self.panel, old_chart)))
        self.play(FadeIn(self.chart), FadeIn(self.signal_row), FadeIn(description))
        self.play(LaggedStart(*(
            self.chart.make_bar_animation(layer, norm, self.theme.gradient, series_index=0)
            for layer, norm in enumerate(signals)
        ), lag_ratio=0.2, run_time=3))
        self.play(FadeIn(shrink))
        self.wait(BEAT_PAUSE * 2)
        self.description, self.shrink = description, shrink

    @beat
    def first_layer_inputs(self) -> None:
        """The weight gradients beside the signal: one bigger drop at layer 1, from its inputs."""
        weights, signals = self.real.weight_norms, self.real.signal_norms
        ratio = weights[0] / weights[-1]
        values = {"jump": f"{weights[1] / weights[0]:.0f}", "signal_jump": f"{signals[1] / signals[0]:.1f}",
                  "input_mean": f"{self.real.input_means[0]:.3f}",
                  "later_mean": f"{self.real.input_means[1:].mean():.2f}"}
        self.open_beat(ratio=number_text(ratio), **values)
        width = panel_width(self.chart)
        jump = get_wrapped_text("ch2.first_layer_jump", width, size=SMALL_SIZE, **values)
        # Why, as formulas (the sentences are spoken): the gradient sums input times signal over the batch,
        # which adds up on the sigmoid's positive outputs and cancels on the zero-centred inputs.
        why = stack(get_math(r"\frac{\partial L}{\partial W} = h^\top \frac{\partial L}{\partial z}", size=LABEL_SIZE),
                    get_math(rf"\bar h \approx {values['later_mean']},\quad \bar x = {values['input_mean']}",
                             size=LABEL_SIZE),
                    buff=ITEM_BUFF)
        ratio_math = get_math(rf"\frac{{\|\partial L / \partial W_1\|}}{{\|\partial L / \partial W_{{{DEPTH}}}\|}}"
                              rf"= {number_tex(ratio, digits=2)}", size=MATH_SIZE, color=self.theme.sigmoid)
        explanation = stack(jump, why, ratio_math, buff=ITEM_BUFF * 2).next_to(self.legend, DOWN, buff=ITEM_BUFF * 2)
        explanation.align_to(self.legend, LEFT)
        self.play(FadeIn(self.weight_row), FadeOut(self.description), FadeOut(self.shrink))
        self.play(LaggedStart(*(
            self.chart.make_bar_animation(layer, norm, self.theme.sigmoid, series_index=1)
            for layer, norm in enumerate(weights)
        ), lag_ratio=0.2, run_time=3))
        self.play(FadeIn(jump))
        self.play(Write(why))
        self.play(Write(ratio_math))
        self.wait(BEAT_PAUSE * 2)
        first_layer_bar = self.chart.grown_bars[-DEPTH]  # the weight bars grew last, layer 1 first
        when_said(self, "ch2.cue.layer_one", make_highlight_animation(first_layer_bar, ratio_math))
        self.explanation = explanation

    @beat
    def takeaway(self) -> None:
        self.open_beat()
        card = TakeawayCard("ch2.takeaway", panel_width(self.chart))
        card.next_to(self.legend, DOWN, buff=ITEM_BUFF * 3).align_to(self.legend, LEFT)
        self.play(FadeOut(self.explanation), FadeIn(card, shift=UP * 0.2))
        self.wait(BEAT_PAUSE * 3)

    # Builders ----------------------------------------------------------------------------------
    def get_chart(self) -> LogBarChart:
        """One axis for the pulse's gradients and the real network's norms, so both fit."""
        return get_layer_chart(self.node_gradients[1:], DEPTH, CHART_WIDTH, CHART_HEIGHT, "ch2.layer",
                               "ch2.reaching_layer")

    def get_counter(self, crossed: int):
        return get_compounding_counter(self.factors[0], crossed, self.node_gradients[crossed], size=MATH_SIZE * 1.15)

"""Chapter 5: a small negative-side slope (Leaky ReLU, PReLU's learned alpha) keeps every neuron
within reach of the gradient."""
from __future__ import annotations

import math

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Axes,
    Create,
    DashedLine,
    DashedVMobject,
    Dot,
    FadeIn,
    FadeOut,
    Succession,
    Text,
    ValueTracker,
    VGroup,
    Write,
    linear,
)

from scenes.lib.components.card import TakeawayCard
from scenes.lib.components.curves import FractionOverSteps
from scenes.lib.components.legend import Legend, LegendRow, place_at_ends
from scenes.lib.components.neuron import NeuronStage
from scenes.lib.components.panel import PANEL_GAP, panel_width, place_in_panel
from scenes.lib.components.plots import ActivationPlot, FunctionPlot, make_draw_animation_groups
from scenes.lib.components.redraw import redraw_on_change
from scenes.lib.components.text import (
    SteadyNumber,
    get_math,
    get_text,
    get_wrapped_text,
    number_tex,
    percent_text,
    stack,
)
from scenes.lib.cues import make_cue_animation, make_highlight_animation, when_said
from scenes.lib.lecture_scene import LectureScene, beat
from scenes.lib.strings import t
from scenes.lib.style import (
    AXIS_WIDTH,
    BEAT_PAUSE,
    BODY_SIZE,
    CURVE_WIDTH,
    EDGE_BUFF,
    ITEM_BUFF,
    LABEL_SIZE,
    SHORT_PAUSE,
    SMALL_SIZE,
    TRAINING_STEP_SECONDS,
)
from scenes.lib.text_roles import LABEL
from scenes.model import (
    DEAD_RUN_SEEDS,
    PRELU_ALPHA_LR_SCALE,
    VERY_LEAKY_DIVISOR,
    DeadFractionSpread,
    activation,
    dead_fraction_spread,
    dead_unit_curve,
    fit_prelu_alpha,
    neuron_trajectory,
    prelu_fit_data,
)

X_RANGE = 3
LINE_WIDTH = 11.0
TRUE_SLOPE = 0.1  # the negative-side slope hidden in PReLU's training data
ALPHA_STEP_SECONDS = 0.12
CURVE_WIDTH_UNITS = 7.6
CURVE_HEIGHT = 3.0
TAKEAWAY_WIDTH = 9.4  # the text wraps at 9 units
SMALL_SLOPE = activation("leaky_relu").params["slope"]  # Maas et al.'s 0.01
BIG_SLOPE = activation("prelu").params["alpha"]  # He et al.'s initial alpha, 0.25
# A fair comparison: each slope's size fixed, and PReLU learning from the larger one.
FAIR_RUNS = (  # (label key, activation, parameters)
    ("ch5.curve_relu", "relu", {}),
    ("ch5.curve_leaky", "leaky_relu", {"slope": SMALL_SLOPE}),
    ("ch5.curve_leaky", "leaky_relu", {"slope": BIG_SLOPE}),
    ("ch5.curve_prelu", "prelu", {"alpha": BIG_SLOPE}),
)
# The finding's table: each slope's size, fixed and learned, side by side (PReLU from the small slope too).
FINDING_ROWS = (
    FAIR_RUNS[0],
    FAIR_RUNS[1],
    ("ch5.curve_prelu", "prelu", {"alpha": SMALL_SLOPE}),
    FAIR_RUNS[2],
    FAIR_RUNS[3],
)
COINCIDE_OFFSET = 0.08  # scene units: a line that would lie on another is drawn this far above it
FINDING_WIDTH = 10.5
TABLE_SIZE = BODY_SIZE  # the finding's table is the beat's whole picture: body text, not small print


def coinciding_runs(fractions: list, height: float) -> list[tuple[int, int]]:
    """Pairs of runs (first, second) whose curves, drawn ``height`` tall for 100 %, never part by
    more than ``COINCIDE_OFFSET``: on screen one would hide the other."""
    return [(i, j) for i, first in enumerate(fractions) for j, second in enumerate(fractions) if i < j
            and max(abs(a - b) for a, b in zip(first, second, strict=True)) * height < COINCIDE_OFFSET]


class LeakySlopesRestoreTheFlow(LectureScene):
    """Leaky ReLU's small slope, the dead neuron revived, PReLU learning alpha, real runs and their seeds."""

    chapter_key = "ch5"
    toc_index = 3

    def construct(self) -> None:
        self.leaky = activation("leaky_relu")
        self.slope = self.leaky.params["slope"]
        self.show_leaky()
        self.revive_neuron()
        self.learn_alpha()
        self.compare_runs()
        self.fair_finding()
        self.takeaway()

    @beat
    def show_leaky(self) -> None:
        self.open_beat(slope=f"{self.slope:g}")
        self.title = self.enter_chapter()
        plot = ActivationPlot(self.leaky, x_range=(-X_RANGE, X_RANGE, 1), f_range=(-1, X_RANGE, 1),
                              df_range=(0, 1.5, 0.5), width=6.0, f_height=2.2, df_height=1.4,
                              f_label_tex=r"f(x)", df_label_tex=r"f'(x)", df_decimals=1, f_decimals=0)
        plot.place_under(self.title)
        color, slope = self.theme.leaky_relu, number_tex(self.slope)
        definition = get_math(rf"f(x) = \begin{{cases}} x & x > 0 \\ {slope}\,x & x \le 0 \end{{cases}}", color=color)
        derivative = get_math(rf"f'(x) = {slope} \quad (x < 0)", color=color)
        zoom_plot, zoom_label = self.get_zoom(plot)
        zoom = VGroup(zoom_plot, zoom_label)
        panel = place_in_panel(stack(definition, derivative, zoom, buff=ITEM_BUFF * 2), plot)
        for group in make_draw_animation_groups(plot, definition, derivative, title=self.title, then=zoom):
            self.play(*group)
        self.play(Create(zoom_plot.graph), run_time=1.5)
        self.wait(BEAT_PAUSE)
        self.play(FadeOut(plot), FadeOut(panel))

    @beat
    def revive_neuron(self) -> None:
        trajectory = neuron_trajectory("leaky_relu")
        self.open_beat(steps=trajectory.steps_to_full_recovery)
        stage = NeuronStage(trajectory, LINE_WIDTH, r"a = \mathrm{LeakyReLU}(w x + b)")
        stage.next_to(self.title, DOWN, buff=ITEM_BUFF * 2.5)
        stage.jump_to(1)  # chapter 4's dead state, right after the oversized update
        note = get_text("ch5.same_dead_state", size=LABEL_SIZE, color=self.theme.muted)
        note.next_to(stage.line, DOWN, buff=1.0)
        self.play(FadeIn(stage), FadeIn(note))
        self.wait(SHORT_PAUSE)
        self.play(stage.make_rows_animation(1 + trajectory.steps, run_time=trajectory.steps * TRAINING_STEP_SECONDS))
        alive = get_text("ch5.alive", size=LABEL_SIZE, color=self.theme.leaky_relu)
        alive.next_to(stage.neuron_body, UP, buff=0.15)
        self.play(FadeIn(alive))
        self.wait(BEAT_PAUSE)
        self.play(FadeOut(VGroup(stage, note, alive)))
        stage.clear_updaters()

    @beat
    def learn_alpha(self) -> None:
        alphas = fit_prelu_alpha(TRUE_SLOPE)
        self.open_beat(alpha0=f"{alphas[0]:g}", true_slope=f"{TRUE_SLOPE:g}",
                       final=f"{alphas[-1]:.3f}", steps=len(alphas) - 1)
        x, y = prelu_fit_data(TRUE_SLOPE)
        color = self.theme.prelu
        # Ranges from the data and from the steepest negative arm alpha takes on its way.
        x_low, x_high = math.floor(x.min()), math.ceil(x.max())
        y_low = min(y.min(), x_low * max(alphas.max(), TRUE_SLOPE)) - 0.1
        axes = Axes(x_range=(x_low, x_high, 1), y_range=(y_low, math.ceil(y.max()), 0.5), x_length=6.4,
                    y_length=4.2, tips=False,
                    axis_config={"color": self.theme.muted, "stroke_width": AXIS_WIDTH})
        axes.x_axis.add_numbers(font_size=SMALL_SIZE, color=self.theme.muted)
        axes.next_to(self.title, DOWN, buff=ITEM_BUFF * 3).to_edge(LEFT, buff=EDGE_BUFF + 0.5)
        points = VGroup(*(Dot(axes.c2p(xi, yi), radius=0.05, color=self.theme.muted) for xi, yi in zip(x, y)))
        step = ValueTracker(0)

        def alpha_now() -> float:
            return float(alphas[min(int(round(step.get_value())), len(alphas) - 1)])

        def draw_prelu():
            prelu = activation("prelu", alpha=alpha_now())  # the model's PReLU at this step's alpha
            return axes.plot(lambda v: float(prelu.f(v)), x_range=(x_low, x_high, 0.01), color=color,
                             stroke_width=CURVE_WIDTH, use_smoothing=False)

        curve = redraw_on_change(draw_prelu, depends_on=lambda: (alpha_now(), *axes.c2p(0, 0), *axes.c2p(1, 1)))
        true_arm = DashedLine(axes.c2p(x_low, x_low * TRUE_SLOPE), axes.c2p(0, 0), color=self.theme.text,
                              stroke_width=AXIS_WIDTH)
        alpha_label = get_math(r"\alpha =", size=BODY_SIZE * 1.2, color=color)
        alpha_value = SteadyNumber(alphas[0], num_decimal_places=3, font_size=BODY_SIZE * 1.2, color=color)
        alpha_value.add_updater(lambda mob: mob.set_value(alpha_now()))
        alpha_readout = VGroup(alpha_label, alpha_value).arrange(RIGHT, buff=0.2)
        alpha_value.add_updater(lambda mob: mob.next_to(alpha_label, RIGHT, buff=0.2))
        width = panel_width(axes)
        formula = get_math(r"\frac{\partial L}{\partial \alpha} = \sum_{z_i < 0} z_i\,\frac{\partial L}{\partial f_i}",
                           size=LABEL_SIZE * 1.2)
        true_note = get_wrapped_text("ch5.true_slope", width, size=LABEL_SIZE, color=self.theme.muted,
                                     true_slope=f"{TRUE_SLOPE:g}")
        learned = get_wrapped_text("ch5.alpha_learned", width, size=LABEL_SIZE, color=color)
        panel = stack(learned, formula, alpha_readout, true_note, buff=ITEM_BUFF * 2)
        place_in_panel(panel, axes)
        self.play(Create(axes), FadeIn(points), FadeIn(learned), Write(formula))
        self.play(Create(curve), FadeIn(alpha_readout))
        move_alpha = step.animate(rate_func=linear, run_time=(len(alphas) - 1) * ALPHA_STEP_SECONDS)
        # alpha lit as the speech names it, beside what plays then (so the cue adds no time to the beat)
        alpha_cue = make_cue_animation(self, "ch5.cue.alpha", make_highlight_animation(alpha_label))
        self.play(AnimationGroup(Succession(AnimationGroup(Create(true_arm), FadeIn(true_note)),
                                            move_alpha.set_value(len(alphas) - 1)), alpha_cue))
        self.wait(BEAT_PAUSE)
        self.play(FadeOut(VGroup(axes, points, curve, true_arm, panel)))
        alpha_value.clear_updaters()

    @beat
    def compare_runs(self) -> None:
        runs = [dead_unit_curve(name, **params) for _, name, params in FAIR_RUNS]
        relu, leaky_small, leaky_big, prelu = runs
        percent = [f"{run.dead_fraction[-1] * 100:.0f}" for run in runs]
        values = {"lr": f"{relu.lr:g}", "steps": relu.steps, "small": f"{SMALL_SLOPE:g}", "big": f"{BIG_SLOPE:g}"}
        self.open_beat(relu=percent[0], leaky=percent[1], leaky_big=percent[2], prelu=percent[3],
                       **values)
        plot = FractionOverSteps(relu.steps, CURVE_WIDTH_UNITS, CURVE_HEIGHT, "ch5.inactive_units",
                                 "ch5.training_step")
        setup = get_wrapped_text("ch5.fair_setup", FINDING_WIDTH + 1.5, size=LABEL_SIZE, color=self.theme.muted,
                                 lr=values["lr"], scale=f"{PRELU_ALPHA_LR_SCALE:g}")
        VGroup(setup, plot).arrange(DOWN, buff=ITEM_BUFF * 2).next_to(self.title, DOWN, buff=ITEM_BUFF * 2)
        rows = []
        for key, name, params in FAIR_RUNS:
            color = self.theme.activation_color(name)
            dashed = name == "leaky_relu" and params["slope"] == BIG_SLOPE
            swatch = DashedLine(LEFT * 0.2, RIGHT * 0.2, color=color, stroke_width=CURVE_WIDTH) if dashed else None
            values = {"slope": f"{params.get('slope', 0):g}", "alpha": f"{params.get('alpha', 0):g}"}
            rows.append(LegendRow(key, color, size=SMALL_SIZE, swatch=swatch, values=values))
        legend = Legend(*rows)
        plot.shift(LEFT * (legend.width + PANEL_GAP) / 2)
        legend.next_to(plot.axes, RIGHT, buff=PANEL_GAP)
        place_at_ends(rows, [plot.axes.c2p(relu.steps, run.dead_fraction[-1])[1] for run in runs])
        curves = []
        for (key, name, params), run in zip(FAIR_RUNS, runs):
            curve = plot.get_curve(run.dead_fraction, self.theme.activation_color(name))
            if name == "leaky_relu" and params["slope"] == BIG_SLOPE:
                curve = DashedVMobject(curve, num_dashes=60)
            curves.append(curve)
        # Runs whose lines would lie on one another (both at 0 % today: Leaky 0.25 and PReLU from
        # 0.25) are found from the model; the later is drawn just above, and a note says so.
        overlaps = coinciding_runs([run.dead_fraction for run in runs], CURVE_HEIGHT)
        notes = []
        for first, second in overlaps:
            curves[second].shift(UP * COINCIDE_OFFSET)
            names = {index: t(FAIR_RUNS[index][0], slope=f"{FAIR_RUNS[index][2].get('slope', 0):g}",
                              alpha=f"{FAIR_RUNS[index][2].get('alpha', 0):g}") for index in (first, second)}
            # A label beside the lines it names, though it runs past six words.
            note = get_text("ch5.lines_coincide", size=SMALL_SIZE, color=self.theme.muted, role=LABEL,
                            first=names[first], second=names[second])
            at = plot.axes.c2p(relu.steps / 2, max(runs[first].dead_fraction[relu.steps // 2:]))
            notes.append(note.next_to(at + UP * COINCIDE_OFFSET, UP, buff=ITEM_BUFF * 0.4))
        self.play(FadeIn(setup), FadeIn(plot))
        for index in range(len(curves)):
            self.play(Create(curves[index]), FadeIn(rows[index]), run_time=1.5)
        if notes:
            self.play(*(FadeIn(note) for note in notes))
        self.wait(BEAT_PAUSE * 2)
        if overlaps:  # as the speech says the lines overlap
            when_said(self, "ch5.cue.lines_overlap",
                      make_highlight_animation(*(curves[i] for pair in overlaps for i in pair), scale_factor=1),
                      make_highlight_animation(*notes))
        self.plot_group = VGroup(setup, plot, legend, *curves, *notes)

    @beat
    def fair_finding(self) -> None:
        """What the fair comparison shows over every seed: the slope's size matters more than learning
        it; PReLU learning from the small slope diverges on some seeds, and the table says on how many."""
        spreads = [dead_fraction_spread(name, seeds=DEAD_RUN_SEEDS, **params) for _, name, params in FINDING_ROWS]
        _, leaky_small, prelu_small, _, _ = spreads
        values = {"big": f"{BIG_SLOPE:g}", "small": f"{SMALL_SLOPE:g}", "seeds": DEAD_RUN_SEEDS,
                  "leaky_low": percent_text(leaky_small.final.min()),
                  "leaky_high": percent_text(leaky_small.final.max()),
                  "prelu_low": percent_text(prelu_small.final.min()),
                  "prelu_high": percent_text(prelu_small.final.max()),
                  "diverged": len(prelu_small.diverged),
                  "xu_divisor": f"{VERY_LEAKY_DIVISOR:g}", "xu_slope": f"{1 / VERY_LEAKY_DIVISOR:.2f}"}
        self.open_beat(**values)
        # The table alone, centred under the title: what it shows is spoken, and the takeaway card follows.
        table = self.get_finding_table(spreads)
        table.next_to(self.title, DOWN, buff=ITEM_BUFF * 4).set_x(0)
        self.play(FadeOut(self.plot_group))
        self.play(FadeIn(table), run_time=1.5)
        self.wait(BEAT_PAUSE * 2)
        self.finding = table

    @beat
    def takeaway(self) -> None:
        self.open_beat()
        # No picture: the table has made its point, and the card alone closes the chapter.
        card = TakeawayCard("ch5.takeaway", TAKEAWAY_WIDTH, size=BODY_SIZE * 1.2).move_to(DOWN * 0.3)
        self.play(FadeOut(self.finding), FadeIn(card, shift=UP * 0.2))
        self.wait(BEAT_PAUSE * 3)

    # Builders ----------------------------------------------------------------------------------
    def get_finding_table(self, spreads: list[DeadFractionSpread]) -> VGroup:
        """Each run's inactive share at the end: the chart's seed, and the range over every seed that
        stayed finite, with how many diverged where any did (never counted as 0 % inactive)."""
        runs = [dead_unit_curve(name, **params) for _, name, params in FINDING_ROWS]  # the chart's seed
        muted = self.theme.muted
        cells = [get_text("ch5.final_inactive", size=TABLE_SIZE, color=muted, steps=runs[0].steps),
                 get_text("ch5.column_seed", size=TABLE_SIZE, color=muted, seed=runs[0].seed),
                 get_text("ch5.column_seeds", size=TABLE_SIZE, color=muted, seeds=len(spreads[0].seeds))]
        for (key, name, params), run, spread in zip(FINDING_ROWS, runs, spreads):
            label = get_text(key, size=TABLE_SIZE, color=self.theme.activation_color(name),
                             slope=f"{params.get('slope', 0):g}", alpha=f"{params.get('alpha', 0):g}")
            seed_value = get_text("curves.percent", size=TABLE_SIZE, value=f"{run.dead_fraction[-1] * 100:.0f}")
            low, high = percent_text(spread.final.min()), percent_text(spread.final.max())
            spread_value = (get_text("curves.percent", size=TABLE_SIZE, value=low) if low == high else
                            get_text("ch5.percent_range", size=TABLE_SIZE, low=low, high=high))
            if spread.diverged:
                note = get_text("ch5.diverged", size=TABLE_SIZE, color=self.theme.text,
                                diverged=len(spread.diverged), seeds=len(spread.seeds))
                spread_value = VGroup(spread_value, note).arrange(DOWN, buff=ITEM_BUFF * 0.5, aligned_edge=LEFT)
            cells += [label, seed_value, spread_value]
        return VGroup(*cells).arrange_in_grid(rows=len(cells) // 3, cols=3, col_alignments="lrl",
                                              buff=(PANEL_GAP, ITEM_BUFF))

    def get_zoom(self, plot: ActivationPlot) -> tuple[FunctionPlot, Text]:
        """The negative arm magnified so its slope shows: y axis scaled by 1/slope."""
        low = -X_RANGE * self.slope
        main = plot.f_plot.axes
        # Same x scale as the main plot, y stretched by 1/slope: the arm looks as steep as x itself.
        zoom = FunctionPlot(self.leaky.f, (-X_RANGE, 0, 1), (low, 0, -low / 3), X_RANGE * main.x_axis.unit_size,
                            -low * main.y_axis.unit_size / self.slope, color=self.theme.leaky_relu, y_decimals=2)
        factor = zoom.axes.y_axis.unit_size / main.y_axis.unit_size
        label = get_text("ch5.zoom", size=SMALL_SIZE, color=self.theme.muted, factor=f"{factor:.0f}")
        label.next_to(zoom, UP, buff=0.15).align_to(zoom, LEFT)
        return zoom, label

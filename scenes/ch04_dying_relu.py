"""Chapter 4: a ReLU neuron pushed below zero gets exactly zero gradient and never learns again."""
from __future__ import annotations

import numpy as np
from manim import DOWN, UP, Create, FadeIn, FadeOut, VGroup, Write

from scenes.lib.components.card import TakeawayCard
from scenes.lib.components.curves import FractionOverSteps
from scenes.lib.components.neuron import NeuronStage
from scenes.lib.components.text import get_math, get_text, get_wrapped_text, percent_text, stack
from scenes.lib.lecture_scene import LectureScene, beat
from scenes.lib.style import BEAT_PAUSE, BODY_SIZE, ITEM_BUFF, LABEL_SIZE, SHORT_PAUSE, TRAINING_STEP_SECONDS
from scenes.model import DEAD_RUN_SEEDS, DEFAULT_DEAD_RUN, dead_fraction_spread, dead_unit_curve, neuron_trajectory

LINE_WIDTH = 11.0
CURVE_WIDTH = 9.0
CURVE_HEIGHT = 2.2
TAKEAWAY_WIDTH = 10.4  # the text wraps at 10 units
NEARLY_ALL = 0.9  # "nearly all of them within the first N steps": N is when this share of the final dead count is dead


class ANeuronDies(LectureScene):
    """One ReLU neuron, one oversized update, and training that no longer moves anything."""

    chapter_key = "ch4"
    toc_index = 3

    def construct(self) -> None:
        self.trajectory = neuron_trajectory("relu")
        self.run = dead_unit_curve("relu")
        self.show_neuron()
        self.big_update()
        self.frozen_training()
        self.real_run()
        self.takeaway()

    @beat
    def show_neuron(self) -> None:
        self.open_beat(inputs=len(self.trajectory.x))
        self.title = self.enter_chapter()
        self.stage = NeuronStage(self.trajectory, LINE_WIDTH, r"a = \mathrm{ReLU}(w x + b)")
        self.stage.next_to(self.title, DOWN, buff=ITEM_BUFF * 2.5)
        self.play(Write(self.title))
        self.play(FadeIn(self.stage.diagram_row))
        self.play(Create(self.stage.line), FadeIn(self.stage.active_region), FadeIn(self.stage.region_labels))
        self.play(FadeIn(self.stage.dots))
        self.wait(BEAT_PAUSE)

    @beat
    def big_update(self) -> None:
        self.open_beat(kick=f"{self.trajectory.kick / self.trajectory.lr:.0f}")
        label = get_text("ch4.kick", size=LABEL_SIZE, color=self.theme.gradient)
        label.next_to(self.stage.line, DOWN, buff=1.0)
        self.play(FadeIn(label))
        self.play(self.stage.make_rows_animation(1, run_time=2.5))
        self.wait(SHORT_PAUSE)
        self.play(FadeOut(label))

    @beat
    def frozen_training(self) -> None:
        self.open_beat(steps=self.trajectory.steps)
        zero_slope = VGroup(
            get_math(r"\mathrm{ReLU}'(z_i) = 0", size=LABEL_SIZE * 1.1, color=self.theme.dead),
            get_text("ch4.for_every_input", size=LABEL_SIZE, color=self.theme.dead),
        ).arrange(direction=(1, 0, 0), buff=0.25)
        zero_slope.next_to(self.stage.line, DOWN, buff=1.0)
        self.play(FadeIn(zero_slope))
        self.play(self.stage.make_rows_animation(1 + self.trajectory.steps,
                                                 run_time=self.trajectory.steps * TRAINING_STEP_SECONDS))
        dead = get_text("ch4.dead", size=LABEL_SIZE, color=self.theme.dead)
        dead.next_to(self.stage.neuron_body, UP, buff=0.15)
        downstream = get_wrapped_text("ch4.downstream", LINE_WIDTH, size=LABEL_SIZE, color=self.theme.muted)
        downstream.next_to(self.stage.line, DOWN, buff=1.0)  # below the z = wx + b label, however many lines
        self.play(FadeIn(dead))
        self.play(FadeOut(zero_slope), FadeIn(downstream))
        self.wait(BEAT_PAUSE)
        self.dead_label, self.downstream = dead, downstream

    @beat
    def real_run(self) -> None:
        final = self.run.dead_fraction[-1]
        spread = dead_fraction_spread("relu", seeds=DEAD_RUN_SEEDS)  # one run is one draw: show the others
        values = {"percent": f"{final * 100:.0f}", "seeds": len(spread.seeds),
                  "low": percent_text(spread.final.min()), "high": percent_text(spread.final.max())}
        # The units die early, in the oversized updates right after the loss spikes (chapter 4's kick, for real).
        early = int(np.argmax(self.run.dead_fraction >= NEARLY_ALL * final))
        self.open_beat(early=early, **values)
        self.play(FadeOut(VGroup(self.stage, self.dead_label, self.downstream)))
        self.stage.clear_updaters()
        plot = FractionOverSteps(self.run.steps, CURVE_WIDTH, CURVE_HEIGHT, "ch4.dead_units", "ch4.training_step")
        setup = get_text("ch4.run_setup", size=LABEL_SIZE, color=self.theme.muted,
                         width=DEFAULT_DEAD_RUN.width, lr=f"{self.run.lr:g}")
        result = get_text("ch4.run_result", size=LABEL_SIZE, seed=self.run.seed, percent=values["percent"])
        seeds_note = get_text("ch4.seed_spread", size=LABEL_SIZE, color=self.theme.muted, **values)
        notes = stack(result, seeds_note, buff=ITEM_BUFF, aligned_edge=(0, 0, 0))
        group = VGroup(setup, plot, notes).arrange(DOWN, buff=ITEM_BUFF * 2)
        group.next_to(self.title, DOWN, buff=ITEM_BUFF * 2)
        band = plot.get_band(spread.low, spread.high, self.theme.relu)
        curve = plot.get_curve(self.run.dead_fraction, self.theme.relu)
        end_label = plot.get_end_label("act.relu", self.run.dead_fraction, self.theme.relu)
        self.play(FadeIn(setup), FadeIn(plot))
        self.play(Create(curve), run_time=3)
        self.play(FadeIn(end_label), FadeIn(result))
        self.play(FadeIn(band), FadeIn(seeds_note))
        self.bring_to_front(curve)  # this run stays drawn over the band of all seeds
        self.wait(BEAT_PAUSE)
        self.run_group = VGroup(setup, plot, band, curve, end_label, notes)

    @beat
    def takeaway(self) -> None:
        self.open_beat()
        card = TakeawayCard("ch4.takeaway", TAKEAWAY_WIDTH, size=BODY_SIZE * 1.2)
        card.move_to(DOWN * 0.3)
        # The curve has made its point; the conclusion and its condition get the whole stage.
        self.play(FadeOut(self.run_group), FadeIn(card, shift=UP * 0.2))
        self.wait(BEAT_PAUSE * 3)

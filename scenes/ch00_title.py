"""Chapter 0: the symptom (a deep sigmoid network that does not learn), the title question and the
four ideas ahead."""
from __future__ import annotations

from manim import DOWN, RIGHT, UP, Create, FadeIn, FadeOut, LaggedStart, VGroup, Write, linear

from scenes.lib.components.course_card import place_course_card
from scenes.lib.components.legend import place_at_ends
from scenes.lib.components.log_curves import LogCurveChart
from scenes.lib.components.text import get_text
from scenes.lib.components.toc import get_table_of_contents
from scenes.lib.experiment import BATCH, DEPTH, SEED, WIDTH
from scenes.lib.lecture_scene import LectureScene, beat
from scenes.lib.style import BEAT_PAUSE, HEADING_SIZE, ITEM_BUFF, SMALL_SIZE, TITLE_SIZE
from scenes.model import train_deep_network

# The cold open's loss chart fills the frame above the caption band, less room for the tick labels
# on its left and the curves' names on its right.
SYMPTOM_WIDTH = 11.2
SYMPTOM_HEIGHT = 5.6
TRAINING_TIME = 4.0  # seconds to draw every training step of both curves
NAMES = ("sigmoid", "relu")


class TitleCard(LectureScene):
    """The symptom, the question of the lecture, then a small table of contents."""

    chapter_key = "ch0"

    def construct(self) -> None:
        # Chapter 3's two trained networks, same settings, so the two chapters show the same curves
        # (about a second of numpy for both).
        self.runs = {name: train_deep_network(name, depth=DEPTH, width=WIDTH, batch=BATCH, seed=SEED)
                     for name in NAMES}
        self.cold_open()
        self.show_title()
        self.preview_ideas()

    @beat
    def cold_open(self) -> None:
        """The symptom before the question: the deep sigmoid network's loss stays at the level of
        predicting the mean while the ReLU network's falls."""
        self.open_beat(depth=DEPTH)
        sigmoid, relu = self.runs["sigmoid"], self.runs["relu"]
        chart = LogCurveChart(relu.steps, [*sigmoid.loss, *relu.loss], SYMPTOM_WIDTH, SYMPTOM_HEIGHT, "ch0.loss",
                              "ch0.training_step")
        baseline = chart.get_level(sigmoid.baseline_loss)
        # Named on the line, at its right end: the sigmoid's name sits just beyond it, on the same level.
        baseline_name = get_text("ch0.mean_baseline", size=SMALL_SIZE, color=self.theme.muted)
        baseline_name.next_to(baseline, UP, buff=ITEM_BUFF * 0.5).align_to(baseline, RIGHT)
        curves = [chart.get_curve(self.runs[name].loss, self.theme.activation_color(name)) for name in NAMES]
        names = [chart.get_end_label(f"act.{name}", self.runs[name].loss[-1], self.theme.activation_color(name))
                 for name in NAMES]
        place_at_ends(names, [name.get_y() for name in names])
        self.symptom = VGroup(chart, baseline, baseline_name, *curves, *names).center()
        self.play(FadeIn(chart))
        self.play(Create(baseline), FadeIn(baseline_name))
        # Both networks train side by side, step for step.
        self.play(*(Create(curve, rate_func=linear) for curve in curves), run_time=TRAINING_TIME)
        self.bring_to_front(baseline)  # the sigmoid's loss lies on it: its dashes show through
        self.play(*(FadeIn(name) for name in names))
        self.wait(BEAT_PAUSE)

    @beat
    def show_title(self) -> None:
        self.open_beat()
        self.title = get_text("lecture.title", size=TITLE_SIZE)
        self.course = place_course_card(self.title)  # the lecturer's course (--config); empty without
        self.play(FadeOut(self.symptom))
        self.play(Write(self.title), FadeIn(self.course), run_time=1.5)
        self.wait(BEAT_PAUSE)

    @beat
    def preview_ideas(self) -> None:
        self.open_beat()
        heading = get_text("ch0.ahead", size=HEADING_SIZE, color=self.theme.muted)
        toc = get_table_of_contents()
        self.play(self.title.animate.to_edge(UP, buff=1.0), FadeOut(self.course))
        heading.next_to(self.title, DOWN, buff=ITEM_BUFF * 3)
        toc.next_to(heading, DOWN, buff=ITEM_BUFF * 2)
        self.play(FadeIn(heading, shift=DOWN * 0.2))
        self.play(LaggedStart(*(FadeIn(row, shift=UP * 0.2) for row in toc), lag_ratio=0.35), run_time=2.5)
        self.wait(BEAT_PAUSE * 3)

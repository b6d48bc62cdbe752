"""A beat held longer must not invalidate the animations after it: numbers updated every frame
(SteadyNumber) must be the same points for the same value however many frames came before, or Manim's
cache misses every later animation that shows them."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
from conftest import ROOT
from manim import RIGHT, Dot, MathTex, ValueTracker

from scenes.lib.components.redraw import redraw_on_change
from scenes.lib.components.text import SteadyNumber

SCENE = '''
import os
from manim import LEFT, RIGHT, UP, Dot, MathTex, ValueTracker, linear
from scenes.lib.components.redraw import redraw_on_change
from scenes.lib.components.text import SteadyNumber
from scenes.lib.lecture_scene import LectureScene

class Readout(LectureScene):  # the lecture's scene: its camera, and what play() does after each animation
    def construct(self):
        tracker = ValueTracker(0.0)
        label = MathTex("w =").shift(RIGHT * 0.37)
        number = SteadyNumber(0.0, num_decimal_places=3).next_to(label, RIGHT, buff=0.15)
        number.add_updater(lambda mob: mob.set_value(tracker.get_value()).next_to(label, RIGHT, buff=0.15))
        dot = redraw_on_change(lambda: Dot([tracker.get_value() - 2, -1, 0]), depends_on=tracker.get_value)
        self.add(label, number, dot)
        # the label moves too: a number placed beside it every frame starts the next frame from there
        self.play(tracker.animate(rate_func=linear).set_value(4.0437), label.animate.shift(UP * 0.731 + LEFT * 0.2173),
                  run_time=1)
        self.wait(float(os.environ["HOLD"]))  # the beat whose caption grows
        self.play(tracker.animate(rate_func=linear).set_value(-0.4173), run_time=1)
'''


def _points(number: SteadyNumber) -> np.ndarray:
    return np.concatenate([mob.points.ravel() for mob in number.family_members_with_points()])


def test_a_steady_number_is_the_same_points_whatever_it_showed_before():
    """Updated beside a moving label on every frame (a render) or once (an animation Manim skipped)."""
    values = np.random.default_rng(0).normal(size=300)
    shown = []
    for updates in (2, 300):
        label = MathTex("w =")
        number = SteadyNumber(0.0, num_decimal_places=4, font_size=30)
        for step, value in enumerate(values[:updates]):
            label.move_to([step / updates * 1.37, step / updates * -0.71, 0])
            number.set_value(value).next_to(label, RIGHT, buff=0.15)
        label.move_to([1.37, -0.71, 0])
        shown.append(_points(number.set_value(4.0404).next_to(label, RIGHT, buff=0.15)))
    assert np.array_equal(*shown)


def test_a_text_shown_before_gets_the_points_and_style_a_fresh_layout_gives():
    """Laying digits out is most of a readout's cost, so a text seen before reuses its layout: in the
    glyphs on screen when they show that text, else in new ones."""
    def look(number: SteadyNumber) -> tuple[np.ndarray, list[tuple[str, float, float]]]:
        glyphs = number.family_members_with_points()
        return _points(number), [(g.get_fill_color().to_hex(), g.get_fill_opacity(), g.get_stroke_width())
                                 for g in glyphs]

    number = SteadyNumber(0.0, num_decimal_places=3, font_size=30, color="#FFD166")
    fresh_points, fresh_style = look(number.set_value(1.234))  # laid out afresh
    glyphs = number.family_members_with_points()
    number.shift(RIGHT * 0.37)  # as placing it beside its label does
    points, style = look(number.set_value(1.234))
    assert np.array_equal(points, fresh_points) and style == fresh_style
    assert number.family_members_with_points() == glyphs, "the glyphs showing the same text were rebuilt"
    number.set_value(-5.678)  # other characters: other glyphs
    points, style = look(number.set_value(1.234))
    assert np.array_equal(points, fresh_points) and style == fresh_style
    assert number.get_value() == 1.234 and abs(number.font_size - 30) < 1e-9


def test_a_digit_drawn_in_the_glyph_of_another_keeps_its_size():
    """2 and 6 have outlines of as many points but not the same height: the size Manim reads from
    the height must stay the number's (or the next layout would be made at a drifted size)."""
    number = SteadyNumber(0, num_decimal_places=0, font_size=30)
    two = _points(number.set_value(2))
    number.set_value(6)
    glyphs = number.family_members_with_points()
    assert np.array_equal(_points(number.set_value(2)), two)
    assert number.family_members_with_points() == glyphs, "2 is drawn in the glyph that showed 6"
    assert abs(number.font_size - 30) < 1e-9


def test_a_steady_number_keeps_the_size_the_scene_gives_it():
    number = SteadyNumber(1.5, num_decimal_places=2, font_size=30)
    height = number.height
    number.scale(2)
    assert abs(number.set_value(1.5).height - 2 * height) < 1e-9


def test_holding_a_beat_longer_re_renders_only_that_wait(tmp_path):
    """Cold render, then the same scene with the middle wait longer: the animation after it must come
    from Manim's cache (its hash covers the number's points at its start)."""
    (tmp_path / "readout.py").write_text(SCENE)
    logs = []
    for hold in ("1", "1.5"):
        result = subprocess.run(
            [sys.executable, "-m", "manim", "render", "--media_dir", str(tmp_path / "media"),
             "--resolution", "160,90", "--frame_rate", "10", "-v", "INFO", "readout.py", "Readout"],
            cwd=tmp_path, capture_output=True, text=True, timeout=300,
            env={**os.environ, "HOLD": hold, "PYTHONPATH": str(ROOT), "COLUMNS": "400"})
        assert result.returncode == 0, result.stderr[-3000:]
        logs.append(result.stdout + result.stderr)
    warm = logs[1]
    assert "Animation 0 : Using cached data" in warm, warm
    assert "Animation 1 : Using cached data" not in warm, warm
    assert "Animation 2 : Using cached data" in warm, warm


def test_a_redrawn_mobject_is_drawn_again_only_when_what_it_reads_changes():
    tracker, calls = ValueTracker(0.0), []

    def draw() -> Dot:
        calls.append(tracker.get_value())
        return Dot([tracker.get_value(), 0, 0])

    dot = redraw_on_change(draw, depends_on=tracker.get_value)
    for _ in range(5):  # frames of an animation of something else
        dot.update()
    assert calls == [0.0]
    tracker.set_value(1.25)
    dot.update()
    dot.update()
    assert calls == [0.0, 1.25]
    assert np.array_equal(dot.points, Dot([1.25, 0, 0]).points), "it shows what draw() shows now"


def test_a_share_on_screen_rounds_its_halves_up_and_a_power_of_ten_has_no_mantissa_of_one():
    from scenes.lib.components.text import number_text, percent_text

    assert [percent_text(share) for share in (2 / 32, 10 / 32, 4 / 32, 0.75, 19 / 32)] == \
        ["6.3", "31.3", "12.5", "75", "59.4"]
    assert number_text(0.01 ** 10) == "10\u207b\u00b2\u2070"
    assert number_text(2.7e-7) == "2.7 \u00d7 10\u207b\u2077"
    assert percent_text(np.float64(2 / 32)) == "6.3"  # numpy's scalars, as the model returns them

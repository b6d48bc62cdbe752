"""Every series of a chart can be seen (issue 27): where two runs' curves would lie on one another
(chapter 5's fair comparison: Leaky 0.25 and PReLU from 0.25 both stay at 0 %), the chapter finds
it from the model and draws the second just above the first, with a note."""
from __future__ import annotations

from conftest import chapter_group

from pipeline.registry import find_chapters
from scenes.ch05_leaky_prelu import COINCIDE_OFFSET, CURVE_HEIGHT, FAIR_RUNS, coinciding_runs
from scenes.model import dead_unit_curve

(LEAKY_PRELU,) = find_chapters(["leaky-prelu"])


def test_the_model_says_which_runs_of_the_fair_comparison_coincide():
    fractions = [dead_unit_curve(name, **params).dead_fraction for _, name, params in FAIR_RUNS]
    pairs = coinciding_runs(fractions, CURVE_HEIGHT)
    assert pairs, "today two runs end on the same line (if none do, the note and offset go unused)"
    for first, second in pairs:
        gap = max(abs(a - b) for a, b in zip(fractions[first], fractions[second])) * CURVE_HEIGHT
        assert gap < COINCIDE_OFFSET
    assert (0, 1) not in pairs, "ReLU and Leaky 0.01 part visibly"


@chapter_group("en", "dark", LEAKY_PRELU)
def test_coinciding_curves_are_drawn_apart_so_both_show(chapter_run):
    scene = chapter_run(LEAKY_PRELU, "en", "dark").scene
    fractions = [dead_unit_curve(name, **params).dead_fraction for _, name, params in FAIR_RUNS]
    curves = scene.plot_group[3:3 + len(FAIR_RUNS)]
    for first, second in coinciding_runs(fractions, CURVE_HEIGHT):
        apart = curves[second].get_bottom()[1] - curves[first].get_bottom()[1]
        assert apart >= COINCIDE_OFFSET - 1e-6, f"curve {second} lies on curve {first}"
    notes = scene.plot_group[3 + len(FAIR_RUNS):]
    assert len(notes) == len(coinciding_runs(fractions, CURVE_HEIGHT)), "a note for each pair drawn apart"

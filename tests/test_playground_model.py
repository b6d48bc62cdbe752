"""The playground's model: with the lecture's own choices it gives the lecture's own numbers, a
run that overflows is marked diverged and shows no count, and chapter 4's neuron dies only when
the learning rate is too large."""
from __future__ import annotations

import numpy as np
import pytest

from scenes.model import activation, layer_gradients, train_deep_network
from scenes.model.networks import init_weights, mlp_backward
from scenes.model.playground import (
    _prelu_backward,
    neuron_death,
    playground_gradients,
    playground_training,
    stuck_unit_fraction,
)


@pytest.mark.parametrize(("name", "init"), [("sigmoid", "xavier"), ("relu", "he"), ("tanh", "xavier")])
def test_with_the_lectures_choices_the_gradients_are_the_lectures(name, init):
    lecture = layer_gradients(name, depth=10, init=init)
    mine = playground_gradients(name, depth=10, init=init)
    np.testing.assert_array_equal(mine.weight_norms, lecture.weight_norms)
    np.testing.assert_array_equal(mine.signal_norms, lecture.signal_norms)


def test_the_scale_factor_multiplies_the_initial_weights():
    # Doubling a sigmoid network's weights lets more gradient through (|w| sigma' grows).
    small = playground_gradients("sigmoid", depth=8, init="xavier", scale=1.0)
    large = playground_gradients("sigmoid", depth=8, init="xavier", scale=2.0)
    assert large.weight_norms[0] / large.weight_norms[-1] > small.weight_norms[0] / small.weight_norms[-1]


def test_with_the_lectures_choices_training_is_the_lectures():
    lecture = train_deep_network("relu")
    mine = playground_training("relu", depth=10, init="he")
    np.testing.assert_array_equal(mine.loss, lecture.loss)
    assert mine.baseline_loss == lecture.baseline_loss and not mine.diverged


def test_prelus_pass_with_alpha_held_is_leaky_relus_with_that_slope():
    rng = np.random.default_rng(3)
    x, targets = rng.normal(size=(16, 8)), rng.normal(size=(16, 1))
    weights = init_weights([8, 8, 8, 1], "he", rng)
    loss, grads, _, _ = mlp_backward(weights, x, targets, activation("leaky_relu", slope=0.25))
    mine, my_grads, alpha_grads, _ = _prelu_backward(weights, [np.full(8, 0.25)] * 2, x, targets)
    assert mine == pytest.approx(loss)
    for g, h in zip(my_grads, grads):
        np.testing.assert_allclose(g, h)
    # dL/dalpha by finite differences on one unit of the first hidden layer.
    step = 1e-6
    nudged = [np.full(8, 0.25), np.full(8, 0.25)]
    nudged[0] = nudged[0].copy()
    nudged[0][2] += step
    assert (_prelu_backward(weights, nudged, x, targets)[0] - mine) / step == pytest.approx(alpha_grads[0][2],
                                                                                          rel=1e-3, abs=1e-9)


def test_a_run_whose_loss_overflows_is_diverged_and_has_no_unit_count():
    run = playground_training("relu", depth=2, init="he", scale=2.0)
    assert run.diverged and run.stuck_end is None
    assert np.all(np.isfinite(run.loss)) and len(run.loss) < 301, "the curve stops before the first non-finite loss"


def test_stuck_units_are_dead_for_relu_and_saturated_for_sigmoid():
    z = np.array([[-1.0, 1.0, -9.0], [-2.0, -1.0, 9.0]])
    assert stuck_unit_fraction(activation("relu"), [z]) == pytest.approx(1 / 3)
    # sigmoid: only the third unit is saturated (|z| = 9) on every input.
    assert stuck_unit_fraction(activation("sigmoid"), [z]) == pytest.approx(1 / 3)
    assert stuck_unit_fraction(activation("sigmoid"), [z[:, :2]]) == 0.0


def test_chapter_4s_neuron_lives_at_the_lectures_rate_and_dies_at_six():
    assert neuron_death(1.0).died_at is None
    dead = neuron_death(6.0)
    assert dead.died_at == 1 and dead.active[-1] == 0

"""The sentences issue 24 corrected, held to the model: what the lecture says about why gradients
shrink, why the first layer's weight gradient drops further, when units die and why PReLU's slope
does not stick at zero. Each test fails if the model stops backing the sentence."""
from __future__ import annotations

import math

import numpy as np
import pytest

from scenes.lib.experiment import BATCH, DEPTH, SEED, WIDTH
from scenes.model import activation, dead_unit_curve, layer_gradients, neuron_trajectory
from scenes.model.networks import XAVIER_GAIN, init_weights, mlp_backward

TAIL_X = 4  # chapter 1's saturated tails: |x| > 4


def initial_pass(name: str):
    """Chapter 2's network at initialisation, drawn as layer_gradients draws it, with every intermediate."""
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(BATCH, WIDTH))
    targets = rng.normal(size=(BATCH, 1))
    weights = init_weights([WIDTH] * DEPTH + [1], "xavier", rng)
    _, grads, signals, pre_activations = mlp_backward(weights, x, targets, activation(name))
    inputs = [x, *(activation(name).f(z) for z in pre_activations)]
    return grads, signals, pre_activations, inputs


def test_the_sigmoid_network_is_not_saturated_at_initialisation_yet_its_signal_shrinks_about_fourfold():
    """Chapter 1 and 2: the 1/4 ceiling, not saturation, is what shrinks this network's gradient."""
    _, _, pre_activations, _ = initial_pass("sigmoid")
    sigmoid = activation("sigmoid")
    assert all(np.abs(z).max() < TAIL_X for z in pre_activations), "no unit in the saturated tails"
    mean_slopes = np.array([sigmoid.df(z).mean() for z in pre_activations])
    assert np.all((mean_slopes > 0.2) & (mean_slopes <= 0.25))
    signals = layer_gradients("sigmoid", depth=DEPTH, width=WIDTH, batch=BATCH, seed=SEED).signal_norms
    steps = signals[1:] / signals[:-1]
    assert np.all((steps > 3.0) & (steps < 6.0)), steps
    assert 1 / steps.mean() == pytest.approx(mean_slopes.mean(), rel=0.2), "each layer keeps about a quarter"


def test_a_xavier_tanh_layer_need_not_shrink_the_gradient():
    """tanh's slope is 1 at 0, the slope Xavier init assumes: its signal keeps its size, layer after layer."""
    assert float(activation("tanh").df(0.0)) == 1.0
    signals = layer_gradients("tanh", depth=DEPTH, width=WIDTH, batch=BATCH, seed=SEED).signal_norms
    steps = signals[1:] / signals[:-1]
    assert steps.max() < 1.6 and steps.mean() < 1.3, steps


def test_xavier_init_draws_weights_of_variance_gain_over_fan_in_plus_fan_out():
    fan_in, fan_out = 300, 500
    weights = init_weights([fan_in, fan_out], "xavier", np.random.default_rng(1))[0]
    assert weights.var() == pytest.approx(XAVIER_GAIN / (fan_in + fan_out), rel=0.02)


def test_each_units_signal_keeps_nearly_one_sign_so_the_weight_gradient_adds_up_on_sigmoid_outputs():
    """Chapter 2: dL/dW = h^T dL/dz sums over the batch; each unit's dL/dz has nearly one sign, so the sum
    adds up where h is about 1/2 and cancels where h is centred on zero (layer 1's inputs)."""
    grads, signals, _, inputs = initial_pass("sigmoid")
    for signal in signals[:-1]:
        one_sign = np.abs(signal.sum(axis=0)) / np.abs(signal).sum(axis=0)
        assert one_sign.min() > 0.9
    for layer in range(1, DEPTH - 1):  # sigmoid outputs: the part from their mean is almost all of it
        h, signal = inputs[layer], signals[layer]
        from_mean = np.linalg.norm(np.outer(h.mean(axis=0), signal.sum(axis=0)))
        assert from_mean == pytest.approx(np.linalg.norm(grads[layer]), rel=0.01)
    per_signal = [np.linalg.norm(grads[k]) / np.linalg.norm(signals[k]) for k in range(DEPTH - 1)]
    assert per_signal[0] < per_signal[1] / 5, "layer 1's zero-mean inputs make its weight gradient drop further"


def test_every_output_starts_above_its_target_so_the_oversized_update_lowers_b():
    """Chapter 4: why one oversized update throws b below zero."""
    neuron = neuron_trajectory("relu")
    outputs = np.maximum(neuron.w[0] * neuron.x + neuron.b[0], 0.0)
    assert np.all(outputs > neuron.y) and neuron.grad_b[0] > 0
    assert neuron.b[1] < 0 and np.all(neuron.z[1] <= 0)


def test_nearly_all_units_die_in_the_first_steps_right_after_the_loss_spikes():
    """Chapter 4: nine in ten of the units that die are dead within a few steps, after a loss spike."""
    run = dead_unit_curve("relu")
    final = run.dead_fraction[-1]
    early = int(np.argmax(run.dead_fraction >= 0.9 * final))  # as the scene computes it
    spike = int(np.argmax(run.loss))
    assert early <= 20 < run.steps
    assert run.loss[spike] > 10 * run.loss[0] and spike < early
    assert run.dead_fraction[spike] < run.dead_fraction[early]


def test_prelus_slope_gets_a_gradient_even_at_zero_so_it_does_not_stick_there():
    """Chapter 6: dL/dalpha = sum over z < 0 of z dL/df, not zero in general: alpha moves off 0."""
    neuron = neuron_trajectory("prelu", alpha=0.0)
    assert neuron.alpha[1] == 0.0 and np.all(neuron.z[1] <= 0), "after the kick: every input inactive, alpha 0"
    assert neuron.grad_alpha[1] != 0.0 and neuron.alpha[2] != 0.0


def test_a_leaky_path_through_depth_inactive_units_keeps_almost_nothing():
    """Chapter 6: the small slope lets a unit recover; it does not carry a gradient through many inactive layers."""
    slope = activation("leaky_relu").params["slope"]
    assert math.isclose(slope**DEPTH, 1e-20, rel_tol=1e-9)

"""Facts the numpy model must hold, the ones the chapters show (README: "The model").

Expected values come from maths (closed forms, exact fractions, finite differences),
never from the code under test.
"""

from __future__ import annotations

import ast
import dataclasses
import math
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenes.lib.settings import ROOT
from scenes.model import (
    ACTIVATION_NAMES,
    CONTROL_FACTOR,
    DEAD_RUN_SEEDS,
    DEFAULT_DEAD_RUN,
    DEFAULT_DEEP_RUN,
    PRELU_ALPHA_LR_SCALE,
    SHALLOW_SIGMOID_DEPTHS,
    VERY_LEAKY_DIVISOR,
    activation,
    backward_chain,
    best_case_chain,
    chain_local_factors,
    dead_fraction_spread,
    dead_unit_curve,
    fit_prelu_alpha,
    growth_weight_threshold,
    layer_gradient_norms,
    layer_gradients,
    mlp_loss_and_gradients,
    neuron_trajectory,
    orders_of_magnitude_exceeded,
    prelu_fit_data,
    sigmoid_depth_control,
    sigmoid_slope_max,
    train_deep_network,
)
from scenes.model.networks import init_weights

MODEL_DIR = ROOT / "scenes" / "model"
RELU_FAMILY = ("relu", "leaky_relu", "prelu")

finite_x = st.floats(min_value=-100.0, max_value=100.0, allow_nan=False)
property_test = settings(deadline=None)


def exact_sigmoid_slope(x: float) -> float:
    """sigma'(x) = e^-x / (1 + e^-x)^2, straight from the definition."""
    e = math.exp(-x)
    return e / (1.0 + e) ** 2


# --- Chapter 1: the sigmoid's slope never exceeds 1/4 ------------------------------


@property_test
@given(st.floats(allow_nan=False))
def test_sigmoid_slope_never_exceeds_a_quarter(x: float) -> None:
    # No clamp in sigmoid_prime: the bound holds because of how the value is computed.
    assert activation("sigmoid").df(x) <= 0.25


def test_sigmoid_slope_stays_at_or_below_a_quarter_where_rounding_is_closest() -> None:
    near_zero = np.concatenate([np.linspace(-2.0, 2.0, 400_001), np.geomspace(1e-300, 1e-3, 2_000)])
    slopes = activation("sigmoid").df(np.concatenate([near_zero, -near_zero]))
    assert slopes.max() <= 0.25


@property_test
@given(finite_x)
def test_sigmoid_slope_is_positive_everywhere(x: float) -> None:
    assert activation("sigmoid").df(x) > 0.0


@property_test
@given(st.floats(min_value=1e-3, max_value=100.0), st.sampled_from([-1.0, 1.0]))
def test_sigmoid_slope_is_below_a_quarter_away_from_zero(magnitude: float, sign: float) -> None:
    assert activation("sigmoid").df(sign * magnitude) < 0.25


def test_sigmoid_slope_peaks_at_a_quarter_only_at_zero() -> None:
    grid = np.arange(-60_000, 60_001) / 10_000  # step 1e-4 over [-6, 6], contains 0 exactly
    slopes = activation("sigmoid").df(grid)
    assert slopes.max() == 0.25
    assert grid[np.argmax(slopes)] == 0.0
    assert np.all(slopes[np.abs(grid) >= 1e-3] < 0.25)
    assert sigmoid_slope_max() == (0.0, 0.25)


@property_test
@given(st.floats(min_value=-8.0, max_value=8.0))
def test_sigmoid_slope_equals_s_times_one_minus_s(x: float) -> None:
    # Beyond |x| ~ 8 the naive 1 - s loses digits, so compare there with the closed form.
    s = 1.0 / (1.0 + math.exp(-x))
    assert activation("sigmoid").df(x) == pytest.approx(s * (1.0 - s), rel=1e-9)


@property_test
@given(st.floats(min_value=-30.0, max_value=30.0))
def test_sigmoid_slope_matches_its_closed_form(x: float) -> None:
    assert activation("sigmoid").df(x) == pytest.approx(exact_sigmoid_slope(x), rel=1e-12)


def test_sigmoid_saturates_beyond_four() -> None:
    sig = activation("sigmoid")
    assert float(sig.df(4.0)) == pytest.approx(exact_sigmoid_slope(4.0), rel=1e-12)
    assert float(sig.df(6.0)) == pytest.approx(exact_sigmoid_slope(6.0), rel=1e-12)
    assert 0.01766 < float(sig.df(4.0)) < 0.01767
    assert 0.00246 < float(sig.df(6.0)) < 0.00247
    tails = np.concatenate([np.linspace(-12.0, -4.0001, 500), np.linspace(4.0001, 12.0, 500)])
    assert np.all(sig.df(tails) < 0.018)


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
@settings(deadline=None, max_examples=40)
@given(x=st.floats(min_value=-8.0, max_value=8.0).filter(lambda v: abs(v) > 1e-3))
def test_derivative_matches_finite_differences(name: str, x: float) -> None:
    act = activation(name)
    h = 1e-6
    numeric = (float(act.f(x + h)) - float(act.f(x - h))) / (2 * h)
    assert float(act.df(x)) == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def test_activation_values_match_their_definitions() -> None:
    xs = [-3.0, -0.5, 0.0, 0.7, 2.0]
    for x in xs:
        assert float(activation("sigmoid").f(x)) == pytest.approx(1.0 / (1.0 + math.exp(-x)))
        assert float(activation("tanh").f(x)) == pytest.approx(math.tanh(x))
        assert float(activation("relu").f(x)) == max(0.0, x)
        assert float(activation("leaky_relu").f(x)) == pytest.approx(x if x > 0 else 0.01 * x)
        assert float(activation("prelu", alpha=0.3).f(x)) == pytest.approx(x if x > 0 else 0.3 * x)


# --- Chapters 3 and 5: the ReLU family's derivatives --------------------------------


@property_test
@given(st.floats(min_value=1e-300, max_value=1e300))
def test_relu_slope_is_one_for_positive_inputs(x: float) -> None:
    assert activation("relu").df(x) == 1.0


@property_test
@given(st.floats(min_value=-1e300, max_value=0.0))
def test_relu_slope_is_zero_for_non_positive_inputs(x: float) -> None:
    assert activation("relu").df(x) == 0.0


def test_relu_slope_at_zero_is_zero_by_convention() -> None:
    assert activation("relu").df(0.0) == 0.0
    assert activation("leaky_relu").df(0.0) == 0.01


@property_test
@given(st.floats(min_value=-1e300, max_value=-1e-300))
def test_leaky_relu_slope_is_one_hundredth_for_negative_inputs(x: float) -> None:
    assert activation("leaky_relu").df(x) == 0.01
    assert activation("leaky_relu").df(-x) == 1.0


@property_test
@given(
    st.floats(min_value=-1e6, max_value=-1e-6),
    st.floats(min_value=-2.0, max_value=2.0, allow_nan=False),
)
def test_prelu_slope_is_alpha_for_negative_inputs(x: float, alpha: float) -> None:
    act = activation("prelu", alpha=alpha)
    assert act.df(x) == alpha
    assert act.df(-x) == 1.0


def test_activation_defaults_follow_the_papers() -> None:
    assert activation("leaky_relu").params == {"slope": 0.01}  # Maas et al. 2013
    assert activation("prelu").params == {"alpha": 0.25}  # He et al. 2015
    assert ACTIVATION_NAMES == ("sigmoid", "tanh", "relu", "leaky_relu", "prelu")


def test_xus_very_leaky_slope_lies_between_maas_slope_and_hes_initial_alpha() -> None:
    # Xu et al. (2015) write the negative side as x / a; their "very leaky" a is 5.5: a slope near 0.18.
    slope = Fraction(2, 11)  # 1 / 5.5, exactly
    assert 1 / VERY_LEAKY_DIVISOR == pytest.approx(float(slope), rel=1e-15)
    assert f"{1 / VERY_LEAKY_DIVISOR:.2f}" == "0.18"
    assert activation("leaky_relu").params["slope"] < 1 / VERY_LEAKY_DIVISOR < activation("prelu").params["alpha"]


def test_activation_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        activation("relu").name = "sigmoid"  # type: ignore[misc]


# --- Chapter 2: compounding, layer by layer ------------------------------------------


def test_a_quarter_to_the_tenth_is_under_one_in_a_million() -> None:
    chain = best_case_chain("sigmoid", depth=10)
    assert chain[-1] == 9.5367431640625e-07
    expected = [float(Fraction(1, 4) ** k) for k in range(1, 11)]
    assert chain.tolist() == expected


def test_best_case_chain_is_the_running_product_of_local_factors() -> None:
    for name in ACTIVATION_NAMES:
        factors = chain_local_factors(name, depth=7)
        assert best_case_chain(name, depth=7) == pytest.approx(np.abs(np.cumprod(factors)))


@pytest.mark.parametrize("name", RELU_FAMILY)
def test_relu_family_chain_passes_the_gradient_at_full_strength(name: str) -> None:
    assert best_case_chain(name, depth=10).tolist() == [1.0] * 10


def test_chain_local_factor_is_weight_times_slope() -> None:
    # sigma(ln 3) = 3/4, so sigma'(ln 3) = 3/16; with w = 2 the factor is 3/8.
    factors = chain_local_factors("sigmoid", depth=2, w=[1.0, 2.0], z=[0.0, math.log(3.0)])
    assert factors == pytest.approx([0.25, 0.375])
    relu_factors = chain_local_factors("relu", depth=3, w=[0.5, -2.0, 3.0], z=[1.0, 2.0, -1.0])
    assert relu_factors.tolist() == [0.5, -2.0, 0.0]


def test_sigmoid_network_gradient_vanishes_towards_the_input() -> None:
    norms = layer_gradient_norms("sigmoid", depth=10, width=32, batch=256, seed=0)
    assert norms.shape == (10,)
    ratio = norms[0] / norms[-1]
    assert 1e-8 < ratio < 1e-5  # storyboard: about 1e-6 .. 1e-7


def test_relu_network_with_he_init_keeps_layers_within_an_order_of_magnitude() -> None:
    norms = layer_gradient_norms("relu", depth=10, width=32, batch=256, seed=0)
    assert norms.max() / norms.min() < 10.0


def rebuild_staircase_network(name: str, depth: int = 10, width: int = 32, batch: int = 256, seed: int = 0):
    """The MLP behind layer_gradients, drawn again in its documented order (inputs, targets, weights)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, width))
    targets = rng.normal(size=(batch, 1))
    weights = init_weights([width] * depth + [1], "he" if name == "relu" else "xavier", rng)
    return x, targets, weights


def test_backpropagated_signal_shrinks_at_every_sigmoid_layer_within_the_quarter_bound() -> None:
    # ||dL/dz_k|| <= ||W_{k+1}||_2 * max sigma' * ||dL/dz_{k+1}||: the slope's 1/4 and the weights' size.
    signals = layer_gradients("sigmoid").signal_norms
    _, _, weights = rebuild_staircase_network("sigmoid")
    assert np.all(np.diff(signals) > 0)  # smaller at every step towards the input
    for k in range(len(signals) - 1):
        bound = np.linalg.norm(weights[k + 1], ord=2) * 0.25 * signals[k + 1]
        assert signals[k] <= bound * (1 + 1e-12)


def test_signal_norms_match_a_finite_difference_of_the_loss() -> None:
    # dL/dz_1 by nudging the first layer's pre-activations through a bias-like shift of x's projection.
    x, targets, weights = rebuild_staircase_network("sigmoid", depth=4, width=6, batch=5, seed=2)
    act = activation("sigmoid")
    _, grads = mlp_loss_and_gradients(weights, x, targets, act)
    norms = layer_gradients("sigmoid", depth=4, width=6, batch=5, seed=2)
    # dL/dW_1 = x^T dL/dz_1 and x has full column rank here, so dL/dz_1 is recoverable from dL/dW_1.
    signal_1 = np.linalg.lstsq(x.T, grads[0], rcond=None)[0]
    assert norms.signal_norms[0] == pytest.approx(np.linalg.norm(signal_1), rel=1e-8)
    assert norms.weight_norms == pytest.approx([np.linalg.norm(g) for g in grads], rel=1e-12)


def test_first_layer_jump_in_weight_gradients_comes_from_its_inputs_not_from_backprop() -> None:
    grads = layer_gradients("sigmoid")
    weight_step = grads.weight_norms[1] / grads.weight_norms[0]
    signal_step = grads.signal_norms[1] / grads.signal_norms[0]
    assert weight_step > 3 * signal_step  # the weight-gradient jump is not in the signal
    # dL/dW_k = h_{k-1}^T dL/dz_k: zero-mean inputs x cancel, sigmoid outputs near 1/2 add up.
    per_signal = grads.weight_norms / grads.signal_norms
    assert np.all(per_signal[1:] > 5 * per_signal[0])
    assert abs(grads.input_means[0]) < 0.05
    assert np.all((grads.input_means[1:] > 0.4) & (grads.input_means[1:] < 0.6))


def test_half_the_relu_units_are_active_at_initialisation() -> None:
    assert 0.4 < layer_gradients("relu").active_fraction < 0.6


@pytest.mark.parametrize(
    ("ratio", "orders"),
    [(3.7e6, 6), (1e6, 5), (1e6 * (1 + 1e-12), 6), (9.99e6, 6), (10.0, 0), (1.5, 0), (0.5, -1)],
)
def test_orders_of_magnitude_exceeded_never_rounds_up(ratio: float, orders: int) -> None:
    assert orders_of_magnitude_exceeded(ratio) == orders


def test_sigmoid_staircase_spread_is_stated_without_rounding_up() -> None:
    norms = layer_gradients("sigmoid").weight_norms
    spread = norms.max() / norms.min()
    n = orders_of_magnitude_exceeded(spread)
    assert 10.0**n < spread <= 10.0 ** (n + 1)


def test_sigmoid_factor_can_exceed_one_only_when_the_weight_exceeds_four() -> None:
    threshold = growth_weight_threshold()
    assert threshold == 4.0
    z = np.linspace(-8.0, 8.0, 16_001)
    for w in (1.0, 3.9, threshold):
        assert np.abs(chain_local_factors("sigmoid", depth=z.size, w=w, z=z)).max() <= 1.0
    assert chain_local_factors("sigmoid", depth=1, w=4.4, z=0.0)[0] > 1.0
    assert chain_local_factors("sigmoid", depth=1, w=-4.4, z=0.0)[0] < -1.0


def test_init_scales_follow_he_and_glorot() -> None:
    rng = np.random.default_rng(0)
    he, _ = init_weights([400, 300, 1], "he", rng)
    xavier, _ = init_weights([400, 300, 1], "xavier", rng)
    assert he.std() == pytest.approx(math.sqrt(2 / 400), rel=0.02)
    assert xavier.std() == pytest.approx(math.sqrt(2 / (400 + 300)), rel=0.02)
    assert np.array_equal(layer_gradient_norms("relu"), layer_gradient_norms("relu", init="he"))
    assert np.array_equal(
        layer_gradient_norms("sigmoid"), layer_gradient_norms("sigmoid", init="xavier")
    )


def test_layer_gradient_norms_are_deterministic_per_seed() -> None:
    first = layer_gradient_norms("tanh", depth=6, width=8, batch=16, seed=3)
    again = layer_gradient_norms("tanh", depth=6, width=8, batch=16, seed=3)
    other = layer_gradient_norms("tanh", depth=6, width=8, batch=16, seed=4)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_backprop_matches_central_finite_differences(name: str) -> None:
    rng = np.random.default_rng(7)
    sizes = [3, 4, 5, 2]
    weights = [rng.normal(size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    x = rng.normal(size=(6, sizes[0]))
    targets = rng.normal(size=(6, sizes[-1]))
    act = activation(name)
    _, grads = mlp_loss_and_gradients(weights, x, targets, act)
    h = 1e-6
    for k, w in enumerate(weights):
        numeric = np.zeros_like(w)
        for idx in np.ndindex(w.shape):
            plus = [v.copy() for v in weights]
            minus = [v.copy() for v in weights]
            plus[k][idx] += h
            minus[k][idx] -= h
            loss_plus, _ = mlp_loss_and_gradients(plus, x, targets, act)
            loss_minus, _ = mlp_loss_and_gradients(minus, x, targets, act)
            numeric[idx] = (loss_plus - loss_minus) / (2 * h)
        np.testing.assert_allclose(grads[k], numeric, rtol=1e-5, atol=1e-9)


# --- Chapter 4: a neuron dies ----------------------------------------------------------


def test_kick_pushes_every_input_into_the_dead_zone() -> None:
    run = neuron_trajectory("relu")
    assert np.all(run.z[0] > 0)  # healthy before the kick
    assert np.all(run.z[1] <= 0)  # dead right after it
    assert run.b[1] < 0


def test_dead_relu_unit_gets_exactly_zero_weight_and_bias_gradient() -> None:
    run = neuron_trajectory("relu")
    assert np.all(run.z[1:] <= 0)
    assert np.all(run.grad_w[1:] == 0.0)
    assert np.all(run.grad_b[1:] == 0.0)


def test_dead_relu_unit_never_moves_again() -> None:
    run = neuron_trajectory("relu")
    assert np.all(run.w[1:] == run.w[1])
    assert np.all(run.b[1:] == run.b[1])
    assert np.all(run.z[1:] == run.z[1])
    assert np.all(run.loss[1:] == run.loss[1])


@pytest.mark.parametrize("seed", range(DEAD_RUN_SEEDS))
def test_relu_dead_fraction_never_comes_back_down(seed: int) -> None:
    # First-layer units, fixed inputs, full-batch descent: a dead unit stays dead.
    dead = dead_unit_curve("relu", seed=seed).dead_fraction
    assert dead.shape == (DEFAULT_DEAD_RUN.steps + 1,)
    assert dead[0] == 0.0
    assert np.all(np.diff(dead) >= 0.0)


def test_dead_fraction_of_one_run_is_not_the_whole_story() -> None:
    spread = dead_fraction_spread("relu")
    seed_0 = dead_unit_curve("relu").dead_fraction
    assert spread.seeds == tuple(range(DEAD_RUN_SEEDS))
    assert np.all(spread.low <= seed_0) and np.all(seed_0 <= spread.high)
    assert spread.final.max() - spread.final.min() >= 0.25  # seeds disagree by a lot
    assert spread.final.min() > 0.0  # yet every seed loses units
    each = np.array([dead_unit_curve("relu", seed=seed).dead_fraction for seed in spread.seeds])
    assert np.array_equal(spread.low, each.min(axis=0)) and np.array_equal(spread.high, each.max(axis=0))
    assert np.array_equal(spread.final, each[:, -1])


def test_cached_runs_cannot_be_changed_by_a_caller() -> None:
    run = dead_unit_curve("relu")
    with pytest.raises(ValueError):
        run.dead_fraction[0] = 1.0
    with pytest.raises(ValueError):
        train_deep_network("relu").loss[0] = 0.0
    assert dead_unit_curve("relu").dead_fraction[0] == 0.0


# --- Chapter 5: Leaky ReLU and PReLU restore the flow ----------------------------------


@pytest.mark.parametrize("name", ["leaky_relu", "prelu"])
def test_leaky_and_prelu_start_from_the_same_dead_state(name: str) -> None:
    relu, other = neuron_trajectory("relu"), neuron_trajectory(name)
    assert np.array_equal(other.x, relu.x)
    assert (other.w[1], other.b[1]) == (relu.w[1], relu.b[1])
    assert np.all(other.z[1] <= 0)


def test_leaky_relu_unit_in_the_dead_state_gets_a_small_nonzero_gradient() -> None:
    run = neuron_trajectory("leaky_relu")
    # By hand: a_i = 0.01 z_i on every input, so dL/db = mean(0.01 (0.01 z_i - y_i)).
    z, y = run.z[1], run.y
    expected_b = float(np.mean(0.01 * (0.01 * z - y)))
    expected_w = float(np.mean(0.01 * (0.01 * z - y) * run.x))
    assert run.grad_b[1] == pytest.approx(expected_b, rel=1e-12)
    assert run.grad_w[1] == pytest.approx(expected_w, rel=1e-12)
    assert run.grad_b[1] != 0.0 and run.grad_w[1] != 0.0


@pytest.mark.parametrize("name", ["leaky_relu", "prelu"])
def test_leaky_and_prelu_units_return_to_the_active_region(name: str) -> None:
    run = neuron_trajectory(name)
    assert run.grad_b[1] != 0.0
    assert run.revival_step is not None and run.revival_step <= run.steps + 1
    assert run.b[run.revival_step] > run.b[1]  # b climbed back
    assert run.active_counts[-1] > run.z.shape[1] // 2  # most inputs active again
    assert run.loss[-1] < run.loss[1]


def test_leaky_relu_revival_is_slow_enough_to_watch() -> None:
    run = neuron_trajectory("leaky_relu")
    assert 10 <= run.revival_step <= 40


@pytest.fixture(scope="module")
def dead_runs() -> dict[str, object]:
    return {name: dead_unit_curve(name) for name in RELU_FAMILY}


def test_leaky_and_prelu_end_with_fewer_dead_units(dead_runs: dict) -> None:
    relu_end = dead_runs["relu"].dead_fraction[-1]
    for name in ("leaky_relu", "prelu"):
        run = dead_runs[name]
        assert run.dead_fraction[-1] <= relu_end - 0.15
        assert np.isfinite(run.loss[-1])
    leaky = dead_runs["leaky_relu"].dead_fraction
    assert leaky.max() > leaky[-1]  # units died, then came back
    assert np.argmax(leaky) < leaky.size - 1


def test_dead_unit_runs_share_data_and_initial_weights(dead_runs: dict) -> None:
    # Same seed, same init: before any step, ReLU and Leaky ReLU differ only on the
    # negative side, so their initial losses are close but not identical.
    assert dead_runs["relu"].loss[0] == pytest.approx(dead_runs["leaky_relu"].loss[0], rel=0.05)
    assert {run.lr for run in dead_runs.values()} == {DEFAULT_DEAD_RUN.lr}


@pytest.mark.parametrize("true_slope", [0.1, 0.3])
def test_prelu_alpha_approaches_the_true_negative_slope(true_slope: float) -> None:
    alphas = fit_prelu_alpha(true_slope)
    assert alphas[0] == 0.25
    assert len(alphas) <= 61
    assert abs(alphas[-1] - true_slope) < 0.02


@settings(deadline=None, max_examples=25)
@given(st.floats(min_value=0.0, max_value=0.5))
def test_prelu_alpha_settles_near_any_true_slope(true_slope: float) -> None:
    assert abs(fit_prelu_alpha(true_slope, seed=1)[-1] - true_slope) < 0.02


def test_prelu_alpha_step_follows_the_loss_gradient() -> None:
    x, y = prelu_fit_data(0.1)

    def loss(alpha: float) -> float:
        return 0.5 * float(np.mean((np.where(x > 0, x, alpha * x) - y) ** 2))

    lr, h = 0.15, 1e-6
    numeric = (loss(0.25 + h) - loss(0.25 - h)) / (2 * h)
    alphas = fit_prelu_alpha(0.1, alpha0=0.25, steps=1, lr=lr)
    assert (alphas[0] - alphas[1]) / lr == pytest.approx(numeric, rel=1e-6)


# --- Bad input and layering -------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: activation("swish"),
        lambda: activation("relu", slope=0.1),
        lambda: activation("leaky_relu", alpha=0.1),
        lambda: activation("leaky_relu", slope=1.5),
        lambda: activation("leaky_relu", slope=float("nan")),
        lambda: activation("prelu", alpha="big"),
        lambda: best_case_chain("softplus"),
        lambda: best_case_chain("relu", depth=0),
        lambda: chain_local_factors("relu", depth=3, w=[1.0, 2.0]),
        lambda: layer_gradient_norms("gelu"),
        lambda: layer_gradient_norms("relu", init="orthogonal"),
        lambda: dead_unit_curve("sigmoid"),
        lambda: dead_unit_curve("relu", steps=0),
        lambda: neuron_trajectory("tanh"),
        lambda: neuron_trajectory("relu", lr=-1.0),
        lambda: fit_prelu_alpha(float("inf")),
        lambda: fit_prelu_alpha(0.1, steps=0),
        lambda: fit_prelu_alpha(0.1, lr=100.0),
    ],
)
def test_bad_arguments_raise_value_error(call) -> None:
    with pytest.raises(ValueError):
        call()


def test_unknown_activation_error_names_the_allowed_values() -> None:
    with pytest.raises(ValueError) as info:
        activation("swish")
    for name in ACTIVATION_NAMES:
        assert name in str(info.value)


def test_model_package_imports_no_manim() -> None:
    code = (
        "import sys, scenes.model; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'manim', 'scipy', 'torch'}); "
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_model_sources_import_only_numpy_and_the_standard_library() -> None:
    allowed = {"__future__", "math", "dataclasses", "functools", "typing", "numpy"}
    for path in MODEL_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert roots <= allowed, f"{path.name} imports {roots - allowed}"


@given(st.lists(st.floats(min_value=-2.0, max_value=2.0, allow_nan=False), min_size=1, max_size=12))
def test_gradient_reaching_the_input_is_the_product_of_every_local_factor(factors: list[float]) -> None:
    gradients = backward_chain(np.array(factors))
    assert gradients[0] == 1.0  # dL/dh_depth itself
    assert len(gradients) == len(factors) + 1
    assert gradients[-1] == pytest.approx(abs(math.prod(factors)), rel=1e-12, abs=1e-300)
    # Crossing the last layer first: after one step only the last factor has been applied.
    assert gradients[1] == pytest.approx(abs(factors[-1]), rel=1e-12)


def test_sigmoid_chain_leaves_a_quarter_to_the_tenth_at_the_input() -> None:
    assert backward_chain(chain_local_factors("sigmoid", depth=10))[-1] == 0.25**10


def test_leaky_neuron_has_every_input_active_again_within_the_replayed_steps() -> None:
    leaky = neuron_trajectory("leaky_relu")
    assert leaky.steps_to_full_recovery is not None
    assert leaky.revival_step - 1 <= leaky.steps_to_full_recovery <= leaky.steps
    assert np.all(leaky.z[1 + leaky.steps_to_full_recovery] > 0)
    assert neuron_trajectory("relu").steps_to_full_recovery is None


# --- Chapter 5's fair comparison: the slope's size matters more than learning it -----------


def test_a_fixed_slope_of_a_quarter_keeps_units_as_well_as_prelu_from_a_quarter() -> None:
    leaky_quarter = dead_unit_curve("leaky_relu", slope=0.25)
    prelu = dead_unit_curve("prelu", alpha=0.25)
    leaky_small = dead_unit_curve("leaky_relu", slope=0.01)
    assert leaky_quarter.dead_fraction.max() == 0.0
    assert prelu.dead_fraction.max() == 0.0
    assert leaky_small.dead_fraction[-1] > 0.1  # the small fixed slope leaves many units inactive


def test_prelu_started_at_the_leaky_slope_loses_units() -> None:
    # what ch5 says: it ends the run with units lost, not only that it lost some on the way
    assert dead_unit_curve("prelu", alpha=0.01).dead_fraction[-1] > 0.1


def test_prelu_alpha_stays_near_its_start_in_the_layer_run() -> None:
    slopes = dead_unit_curve("prelu", alpha=0.25).final_slopes
    assert slopes.shape == (DEFAULT_DEAD_RUN.width,)
    assert np.abs(slopes - 0.25).max() < 0.1
    assert np.abs(slopes - 0.25).max() > 0.0  # it does learn


def test_prelu_alpha_steps_at_a_tenth_of_the_weights_rate() -> None:
    run = neuron_trajectory("prelu")
    row = 1  # the dead state right after the kick; the next step is an ordinary one
    assert run.w[row + 1] - run.w[row] == pytest.approx(-run.lr * run.grad_w[row], rel=1e-12)
    assert run.alpha[row + 1] - run.alpha[row] == pytest.approx(
        -run.lr * PRELU_ALPHA_LR_SCALE * run.grad_alpha[row], rel=1e-12)
    assert PRELU_ALPHA_LR_SCALE == 0.1

    def loss(alpha: float) -> float:
        z = run.z[row]
        return 0.5 * float(np.mean((np.where(z > 0, z, alpha * z) - run.y) ** 2))

    h = 1e-6
    numeric = (loss(run.alpha[row] + h) - loss(run.alpha[row] - h)) / (2 * h)
    assert run.grad_alpha[row] == pytest.approx(numeric, rel=1e-6)


def test_prelu_alpha_can_cross_zero_in_one_step() -> None:
    # PReLU's alpha is unconstrained: "never exactly 0" needs a condition.
    run = neuron_trajectory("prelu")
    assert run.alpha[1] == 0.25
    assert run.first_negative_alpha_row == 2  # one ordinary step after the kick
    assert neuron_trajectory("leaky_relu").first_negative_alpha_row is None


# --- Chapter 3: what vanishing costs in training -------------------------------------------


@pytest.fixture(scope="module")
def deep_runs() -> dict[str, object]:
    return {name: train_deep_network(name) for name in ("sigmoid", "relu")}


def test_deep_runs_share_depth_width_data_steps_and_learning_rate(deep_runs: dict) -> None:
    sigmoid, relu = deep_runs["sigmoid"], deep_runs["relu"]
    assert (sigmoid.init, relu.init) == ("xavier", "he")
    assert sigmoid.steps == relu.steps == DEFAULT_DEEP_RUN.steps
    assert sigmoid.lr == relu.lr == DEFAULT_DEEP_RUN.lr
    assert sigmoid.weight_change.shape == relu.weight_change.shape == (10,)
    assert sigmoid.baseline_loss == relu.baseline_loss  # same targets


def test_relu_network_learns_while_the_sigmoid_network_stalls(deep_runs: dict) -> None:
    sigmoid, relu = deep_runs["sigmoid"], deep_runs["relu"]
    baseline = sigmoid.baseline_loss
    assert relu.loss[-1] < 0.2 * baseline
    # The sigmoid network ends no better than predicting the mean of the targets.
    assert sigmoid.loss[-1] > 0.99 * baseline


def test_sigmoid_first_layer_hardly_moves(deep_runs: dict) -> None:
    sigmoid, relu = deep_runs["sigmoid"], deep_runs["relu"]
    assert sigmoid.weight_change[0] < 1e-4
    assert relu.weight_change[0] > 1e-2
    assert np.all(np.diff(sigmoid.weight_change) > 0)  # the earlier the layer, the less it moved


def test_deep_training_starts_from_the_staircase_network() -> None:
    x, _, weights = rebuild_staircase_network("sigmoid")
    u = np.full(32, 1 / math.sqrt(32))
    targets = np.sin(DEFAULT_DEEP_RUN.frequency * x @ u)[:, None]
    loss, _ = mlp_loss_and_gradients(weights, x, targets, activation("sigmoid"))
    assert train_deep_network("sigmoid").loss[0] == pytest.approx(loss, rel=1e-12)


# --- Docstrings ---------------------------------------------------------------------------


def test_model_docstring_examples_hold() -> None:
    import doctest

    import scenes.model.activations
    import scenes.model.networks
    import scenes.model.training

    attempted = 0
    for module in (scenes.model.activations, scenes.model.networks, scenes.model.training):
        result = doctest.testmod(module, extraglobs={"np": np})
        assert result.failed == 0, module.__name__
        attempted += result.attempted
    assert attempted >= 10  # the examples exist and ran


def test_every_public_name_of_the_model_has_a_docstring() -> None:
    import scenes.model
    import scenes.model.activations
    import scenes.model.networks
    import scenes.model.training

    for module in (scenes.model, scenes.model.activations, scenes.model.networks, scenes.model.training):
        assert module.__all__, module.__name__  # held to what each defines by test_code_style
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj):
                assert obj.__doc__, f"{module.__name__}.{name} has no docstring"


# --- A diverged run is never reported as healthy -----------------------------------------------


def test_a_run_whose_loss_is_not_finite_reports_no_dead_fraction() -> None:
    # PReLU started at 0.01 on chapter 4's layer: seed 13's loss becomes NaN early in training, and a
    # NaN pre-activation is never <= 0, so counting it would call every unit healthy.
    run = dead_unit_curve("prelu", alpha=0.01, seed=13)
    broken = ~np.isfinite(run.loss)
    assert broken.any()
    assert np.all(np.isnan(run.dead_fraction[broken]))


def test_a_run_reports_the_step_it_diverged_at_and_nothing_after() -> None:
    run = dead_unit_curve("prelu", alpha=0.01, seed=11)
    assert run.diverged and run.diverged_at is not None
    assert np.all(np.isfinite(run.loss[: run.diverged_at])) and np.all(np.isnan(run.loss[run.diverged_at:]))
    assert np.all(np.isnan(run.dead_fraction[run.diverged_at:]))
    assert np.all(np.isnan(run.final_slopes))  # no slope to report either


def test_a_run_that_stays_finite_has_not_diverged() -> None:
    run = dead_unit_curve("prelu", alpha=0.01, seed=12)
    assert not run.diverged and run.diverged_at is None
    assert np.all(np.isfinite(run.loss)) and np.all(np.isfinite(run.dead_fraction))


def test_a_spread_over_seeds_leaves_out_diverged_runs_and_counts_them() -> None:
    spread = dead_fraction_spread("prelu", seeds=5, first_seed=10, alpha=0.01)
    runs = {seed: dead_unit_curve("prelu", alpha=0.01, seed=seed) for seed in range(10, 15)}
    broken = tuple(seed for seed, run in runs.items() if not np.all(np.isfinite(run.loss)))
    assert spread.seeds == tuple(range(10, 15))
    assert spread.diverged == broken and 0 < len(broken) < 5
    assert spread.kept == tuple(seed for seed in spread.seeds if seed not in broken)
    kept = np.array([runs[seed].dead_fraction for seed in spread.kept])
    assert np.array_equal(spread.low, kept.min(axis=0)) and np.array_equal(spread.high, kept.max(axis=0))
    assert np.array_equal(spread.final, kept[:, -1])
    assert np.all(np.isfinite(spread.low)) and np.all(np.isfinite(spread.high))


def test_a_spread_where_every_run_diverged_has_no_band() -> None:
    spread = dead_fraction_spread("prelu", seeds=2, first_seed=10, alpha=0.01)  # seeds 10 and 11 both diverge
    assert spread.diverged == (10, 11) and spread.kept == ()
    assert spread.final.size == 0
    assert np.all(np.isnan(spread.low)) and np.all(np.isnan(spread.high))


def test_prelu_from_the_leaky_slope_diverges_on_about_half_of_chapter_5s_seeds() -> None:
    # What chapter 5 says on screen: "diverged in k of 10 seeds", with k counted, not assumed.
    spread = dead_fraction_spread("prelu", alpha=0.01)
    assert spread.seeds == tuple(range(DEAD_RUN_SEEDS))
    assert 3 <= len(spread.diverged) <= 7
    assert spread.final.min() > 0.05  # the runs that stay finite all lose units
    for name, params in (("relu", {}), ("leaky_relu", {"slope": 0.01}), ("leaky_relu", {"slope": 0.25}),
                         ("prelu", {"alpha": 0.25})):
        assert dead_fraction_spread(name, **params).diverged == (), name


def test_the_fair_comparisons_finding_holds_over_ten_seeds() -> None:
    # A slope of 0.25, fixed or learned, keeps every unit in every seed; 0.01, fixed or learned, does not.
    for name, params in (("leaky_relu", {"slope": 0.25}), ("prelu", {"alpha": 0.25})):
        assert dead_fraction_spread(name, **params).high.max() == 0.0, name
    for name, params in (("leaky_relu", {"slope": 0.01}), ("prelu", {"alpha": 0.01})):
        assert dead_fraction_spread(name, **params).final.min() > 0.0, name


def test_a_deep_run_that_overflows_reports_where_and_no_loss_after() -> None:
    run = train_deep_network("relu", lr=0.5, seed=3)
    assert run.diverged and 0 < run.diverged_at < run.steps
    assert np.all(np.isfinite(run.loss[: run.diverged_at])) and np.all(np.isnan(run.loss[run.diverged_at:]))
    assert np.all(np.isnan(run.weight_change))


# --- Chapter 3's control: how much of the sigmoid network's stall is depth ----------------------


@pytest.fixture(scope="module")
def depth_control():
    return sigmoid_depth_control()


def test_shallow_sigmoid_networks_trained_alike_also_end_well_above_relu(depth_control, deep_runs: dict) -> None:
    relu = deep_runs["relu"]
    assert [run.weight_change.size for run in depth_control.shallow] == list(SHALLOW_SIGMOID_DEPTHS)
    for run in depth_control.shallow:
        assert (run.steps, run.lr, run.baseline_loss) == (relu.steps, relu.lr, relu.baseline_loss)
        assert run.loss[-1] > 5 * relu.loss[-1]  # the sigmoid itself costs, not only depth
        assert run.loss[-1] < 0.95 * run.baseline_loss  # yet a shallow one does learn


def test_the_deep_sigmoid_network_stays_at_the_mean_trained_longer_or_faster(depth_control, deep_runs) -> None:
    sigmoid = deep_runs["sigmoid"]
    longer, faster = depth_control.longer, depth_control.faster
    assert (longer.steps, longer.lr) == (sigmoid.steps * CONTROL_FACTOR, sigmoid.lr)
    assert (faster.steps, faster.lr) == (sigmoid.steps, pytest.approx(sigmoid.lr * CONTROL_FACTOR))
    assert not longer.diverged and not faster.diverged
    for run in (longer, faster):
        assert abs(run.loss[-1] - run.baseline_loss) / run.baseline_loss == run.distance_from_baseline
    assert depth_control.deep_distance < 0.01

"""Small training runs for chapters 3, 4 and 5: what vanishing costs, dying units, PReLU's alpha.

All runs are plain full-batch gradient descent with hand-written gradients, seeded
with ``numpy.random.default_rng(seed)`` so a scene shows the same numbers every render.
The runs a chapter shows are cached (``functools.lru_cache``) and return read-only
arrays, so chapters and tests can share them without recomputing.

* :func:`train_deep_network` - the deep sigmoid and ReLU networks of chapters 2 and 3
  trained on the same data: loss per step and how far each layer's weights moved.
* :func:`dead_unit_curve` - fraction of hidden units inactive on every input while a
  one-hidden-layer MLP trains with a too-large learning rate.
* :func:`dead_fraction_spread` - the same run over several seeds, diverged runs counted apart.
* :func:`neuron_trajectory` - one neuron ``a = f(w x + b)`` knocked into the dead
  zone by one oversized update, then trained on.
* :func:`fit_prelu_alpha` - PReLU's negative slope learned from data.
* :func:`sigmoid_depth_control` - chapter 3's control: shallow sigmoid networks trained alike, and
  the deep one trained longer or faster.

A run whose loss or parameters stop being finite numbers has *diverged*: it records the step
(``diverged_at``) and reports nothing after it (NaN), so no diverged run is counted as healthy.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .activations import (
    DEFAULT_PRELU_ALPHA,
    RELU_FAMILY,
    Activation,
    activation,
    check_activation_name,
    rectifier_parts,
)
from .networks import default_init, init_weights, mlp_backward

__all__ = [
    "CONTROL_FACTOR",
    "DEAD_RUN_SEEDS",
    "DEFAULT_DEAD_RUN",
    "DEFAULT_DEEP_RUN",
    "PRELU_ALPHA_LR_SCALE",
    "SHALLOW_SIGMOID_DEPTHS",
    "DeadFractionSpread",
    "DeadRunSettings",
    "DeadUnitRun",
    "DeepRunSettings",
    "DeepTrainingRun",
    "NeuronTrajectory",
    "SigmoidDepthControl",
    "dead_fraction_spread",
    "dead_unit_curve",
    "fit_prelu_alpha",
    "neuron_trajectory",
    "prelu_fit_data",
    "sigmoid_depth_control",
    "spread_inputs",
    "train_deep_network",
]

#: PReLU's alpha steps at ``lr * PRELU_ALPHA_LR_SCALE``, a tenth of the weights' rate.
#: Its gradient sums ``z * dL/da`` over every input, so with |z| large (a unit deep in
#: the negative region) a full-size step flings alpha far past any sensible slope and
#: chapter 5's layer diverges; scenes that show PReLU say so on screen.
PRELU_ALPHA_LR_SCALE = 0.1

#: Seeds (0 .. DEAD_RUN_SEEDS - 1) over which chapter 4 shows the spread of the dead fraction.
DEAD_RUN_SEEDS = 10


def _read_only(values: np.ndarray | list[float]) -> np.ndarray:
    # Cached results are shared between callers: nobody may change them in place.
    arr = np.array(values, dtype=float)
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True)
class DeadRunSettings:
    """Fixed setup of :func:`dead_unit_curve`, for scenes to cite.

    Attributes
    ----------
    steps
        Default number of gradient-descent steps.
    lr
        Default (too-large) learning rate.
    n_points
        Training inputs.
    input_dim
        Input dimension.
    width
        Hidden units.
    """

    steps: int = 1000
    lr: float = 0.4
    n_points: int = 128
    input_dim: int = 32
    width: int = 32


#: The setup every chapter-4/5 dead-unit plot uses.
DEFAULT_DEAD_RUN = DeadRunSettings()


@dataclass(frozen=True)
class DeadUnitRun:
    """Result of :func:`dead_unit_curve`.

    Attributes
    ----------
    name
        Hidden activation.
    params
        Its parameters (initial ``alpha`` for PReLU).
    steps
        Gradient-descent steps taken.
    lr
        Learning rate.
    seed
        Seed of data and initial weights.
    dead_fraction
        Shape ``(steps + 1,)``; entry ``t`` is the fraction of hidden units whose
        pre-activation is ``<= 0`` on every training input after ``t`` steps
        (entry 0 = at initialisation). For ReLU such a unit is dead (no gradient
        reaches its weights); for Leaky ReLU and PReLU it is only inactive, since
        its negative-side slope still passes a gradient. NaN from ``diverged_at`` on.
    loss
        Shape ``(steps + 1,)``; MSE loss at the same moments (NaN from ``diverged_at`` on).
    final_slopes
        Shape ``(width,)``: each hidden unit's negative-side slope after the last
        step (constant except for PReLU, which learns one alpha per unit); NaN if
        the run diverged.
    diverged_at
        The first step whose loss, pre-activations or slopes are not finite numbers,
        or ``None``: a diverged run says nothing about its units from then on (a NaN
        pre-activation is never ``<= 0``, so counting it would call the unit healthy).
    """

    name: str
    params: dict[str, float]
    steps: int
    lr: float
    seed: int
    dead_fraction: np.ndarray
    loss: np.ndarray
    final_slopes: np.ndarray
    diverged_at: int | None = None

    @property
    def diverged(self) -> bool:
        """Whether the loss or the parameters stopped being finite numbers during the run."""
        return self.diverged_at is not None


@dataclass(frozen=True)
class NeuronTrajectory:
    """Result of :func:`neuron_trajectory`; every per-step array has ``steps + 2`` rows.

    Row 0 is the healthy initial state, row 1 the state right after the kick, rows
    ``2 ..`` the states after each ordinary step. Gradients in row ``t`` are the ones
    computed *at* state ``t`` (row 0 holds the gradient the kick multiplies).

    Attributes
    ----------
    name, params
        Activation and its parameters (initial ``alpha`` for PReLU).
    steps, lr, kick, seed
        Ordinary steps, their learning rate, the kick's learning rate, the seed.
    x, y
        Inputs and teacher targets, shape ``(n_inputs,)``.
    w, b, alpha
        Weight, bias and negative-side slope per row (alpha is constant unless PReLU).
    z
        Pre-activations ``w x_i + b``, shape ``(steps + 2, n_inputs)``.
    grad_w, grad_b, grad_alpha
        ``dL/dw``, ``dL/db``, ``dL/dalpha`` per row (``grad_alpha`` is reported for
        every member of the ReLU family but only applied for PReLU).
    loss
        MSE loss per row.
    """

    name: str
    params: dict[str, float]
    steps: int
    lr: float
    kick: float
    seed: int
    x: np.ndarray
    y: np.ndarray
    w: np.ndarray
    b: np.ndarray
    alpha: np.ndarray
    z: np.ndarray
    grad_w: np.ndarray
    grad_b: np.ndarray
    grad_alpha: np.ndarray
    loss: np.ndarray

    @property
    def active_counts(self) -> np.ndarray:
        """Number of inputs with ``z_i > 0`` per row."""
        return np.count_nonzero(self.z > 0, axis=1)

    @property
    def steps_to_full_recovery(self) -> int | None:
        """Ordinary steps after the kick until every input is active again, or ``None``."""
        full = np.flatnonzero(self.active_counts[2:] == self.z.shape[1])
        return int(full[0]) + 1 if full.size else None

    @property
    def first_negative_alpha_row(self) -> int | None:
        """First row whose ``alpha`` is below 0 (PReLU's slope is not constrained), or ``None``."""
        negative = np.flatnonzero(self.alpha < 0)
        return int(negative[0]) if negative.size else None

    @property
    def revival_step(self) -> int | None:
        """First row after the kick with at least one ``z_i > 0``, or ``None``."""
        active = np.flatnonzero(self.active_counts[2:] > 0)
        return int(active[0]) + 2 if active.size else None


# --- single-neuron setup (chapters 4 and 5) ---------------------------------------
#: Inputs of the single neuron.
NEURON_INPUTS = 12
#: Teacher ``y = relu(TEACHER_W x + TEACHER_B)``: positive on every input in [-1, 1],
#: so the neuron ought to be active everywhere.
TEACHER_W = 2.0
TEACHER_B = 2.0
#: Healthy start: a little above the teacher, every input active.
NEURON_W0 = 2.5
NEURON_B0 = 2.75
NEURON_STEPS = 40
NEURON_LR = 1.0
#: Learning rate of the one oversized update (6x the ordinary one).
NEURON_KICK = 6.0

# --- PReLU alpha fit (chapter 5) ----------------------------------------------------
ALPHA_FIT_POINTS = 64
ALPHA_FIT_RANGE = 2.0
ALPHA_FIT_NOISE = 0.02
ALPHA_FIT_STEPS = 60
ALPHA_FIT_LR = 0.15


def _check_positive_int(value: int, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{label} must be a positive integer, got {value!r}")
    return int(value)


def _check_positive_float(value: float, label: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{label} must be a positive number, got {value!r}")
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{label} must be a positive finite number, got {value!r}")
    return value


def _check_finite_float(value: float, label: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{label} must be a finite number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{label} must be a finite number, got {value!r}")
    return value


def _relu_family_activation(name: str, params: dict[str, float]) -> Activation:
    if check_activation_name(name) not in RELU_FAMILY:
        raise ValueError(
            f"{name!r} has no dead region; allowed: {', '.join(RELU_FAMILY)}"
        )
    return activation(name, **params)


def spread_inputs(rng: np.random.Generator, n: int, low: float, high: float) -> np.ndarray:
    """``n`` sorted random inputs, one per equal-width bin of ``[low, high]``.

    One point per bin keeps the cloud evenly spread for every seed, so each seed tells
    the same story and only the jitter changes.

    Parameters
    ----------
    rng
        Source of the jitter.
    n
        Number of points.
    low, high
        Interval.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``, increasing.
    """
    edges = np.linspace(low, high, n + 1)
    return edges[:-1] + rng.uniform(0.0, 1.0, size=n) * (edges[1] - edges[0])


@functools.lru_cache(maxsize=64)
def dead_unit_curve(
    name: str,
    steps: int = DEFAULT_DEAD_RUN.steps,
    lr: float = DEFAULT_DEAD_RUN.lr,
    seed: int = 0,
    **params: float,
) -> DeadUnitRun:
    """Inactive-unit fraction and loss while a one-hidden-layer MLP trains with a large lr (cached).

    Setup (:data:`DEFAULT_DEAD_RUN`): 128 inputs ``x ~ N(0, I_32)``, targets
    ``y = sin(2 u.x)`` for the fixed unit direction ``u = (1, ..., 1) / sqrt(32)``;
    net ``32 -> 32 hidden (activation) -> 1`` with He-initialised hidden weights
    (std ``sqrt(2 / 32)``), readout std ``sqrt(1 / 32)``, zero biases; full-batch
    gradient descent on ``mean((y_hat - y)**2) / 2``. ``rng = default_rng(seed)``
    draws inputs, hidden weights, readout weights in that order, so every activation
    starts from the same data and weights. PReLU learns one alpha per hidden unit
    (step ``lr * PRELU_ALPHA_LR_SCALE``, a tenth of the weights' rate).

    With ReLU a dead unit's incoming weights and bias get exactly zero gradient, and
    these are first-layer units fed the fixed inputs, so under full-batch descent the
    dead fraction can never go down; with seed 0 more than half the units die in the
    first steps. The catapult that kills units is chaotic: other seeds give very
    different shares (:func:`dead_fraction_spread`). With a negative-side slope units
    can be inactive on every input yet still learn and come back; how many stay
    inactive depends on the slope's size (0.01 vs 0.25) far more than on learning it.
    PReLU started at 0.01 diverges (its loss overflows to NaN in the first steps) on
    about half the seeds: such a run records ``diverged_at`` and reports NaN from there.

    Parameters
    ----------
    name
        ``"relu"``, ``"leaky_relu"`` or ``"prelu"``.
    steps
        Gradient-descent steps.
    lr
        Learning rate (the default is deliberately too large).
    seed
        Seed of data and initial weights.
    **params
        Activation parameters (``slope`` or initial ``alpha``).

    Returns
    -------
    DeadUnitRun
        Per-step dead fraction and loss, ``steps + 1`` entries each, and the step at
        which the run diverged, if it did.

    Raises
    ------
    ValueError
        For a name outside the ReLU family, bad parameters, or non-positive
        ``steps`` / ``lr``.
    """
    act = _relu_family_activation(name, params)
    steps = _check_positive_int(steps, "steps")
    lr = _check_positive_float(lr, "lr")
    setup = DEFAULT_DEAD_RUN
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(setup.n_points, setup.input_dim))
    direction = np.full(setup.input_dim, 1.0 / math.sqrt(setup.input_dim))
    y = np.sin(2.0 * x @ direction)[:, None]
    w_hidden = rng.normal(
        0.0, math.sqrt(2.0 / setup.input_dim), size=(setup.input_dim, setup.width)
    )
    b_hidden = np.zeros(setup.width)
    w_out = rng.normal(0.0, math.sqrt(1.0 / setup.width), size=(setup.width, 1))
    b_out = 0.0
    slope = np.full(setup.width, act.negative_slope)

    dead_fraction = np.full(steps + 1, np.nan)
    loss = np.full(steps + 1, np.nan)
    diverged_at = None
    n = setup.n_points
    # Overflow is expected where a run diverges; it is detected and reported, not warned about.
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps + 1):
            z = x @ w_hidden + b_hidden
            h, dh = rectifier_parts(z, slope)
            err = h @ w_out + b_out - y
            loss_t = 0.5 * float(np.mean(err**2))
            if not (math.isfinite(loss_t) and np.all(np.isfinite(z)) and np.all(np.isfinite(slope))):
                diverged_at = t
                break
            dead_fraction[t] = np.mean(np.all(z <= 0, axis=0))
            loss[t] = loss_t
            if t == steps:
                break
            d_out = err / n
            d_h = d_out @ w_out.T
            d_z = d_h * dh
            grad_w_out = h.T @ d_out
            grad_b_out = float(d_out.sum())
            grad_w_hidden = x.T @ d_z
            grad_b_hidden = d_z.sum(axis=0)
            if name == "prelu":
                slope = slope - lr * PRELU_ALPHA_LR_SCALE * (d_h * np.minimum(z, 0.0)).sum(axis=0)
            w_hidden -= lr * grad_w_hidden
            b_hidden -= lr * grad_b_hidden
            w_out -= lr * grad_w_out
            b_out -= lr * grad_b_out
    if diverged_at is not None:
        slope = np.full(setup.width, np.nan)
    return DeadUnitRun(
        name=name,
        params=dict(act.params),
        steps=steps,
        lr=lr,
        seed=seed,
        dead_fraction=_read_only(dead_fraction),
        loss=_read_only(loss),
        final_slopes=_read_only(slope),
        diverged_at=diverged_at,
    )


@dataclass(frozen=True)
class DeadFractionSpread:
    """Result of :func:`dead_fraction_spread`.

    Attributes
    ----------
    name, params
        Activation and its parameters.
    seeds
        Every seed run, in order.
    diverged
        The seeds whose run diverged (:attr:`DeadUnitRun.diverged_at`), in order: they
        are left out of the band and of ``final``, and a scene says how many there were.
    low, high
        Shape ``(steps + 1,)``: smallest and largest fraction at each step over the
        runs that did not diverge (NaN if every run diverged).
    final
        Shape ``(len(kept),)``: each kept seed's fraction after the last step.
    """

    name: str
    params: dict[str, float]
    seeds: tuple[int, ...]
    diverged: tuple[int, ...]
    low: np.ndarray
    high: np.ndarray
    final: np.ndarray

    @property
    def kept(self) -> tuple[int, ...]:
        """The seeds whose run stayed finite, the ones the band and ``final`` summarise."""
        return tuple(seed for seed in self.seeds if seed not in self.diverged)


@functools.lru_cache(maxsize=16)
def dead_fraction_spread(
    name: str = "relu",
    seeds: int = DEAD_RUN_SEEDS,
    steps: int = DEFAULT_DEAD_RUN.steps,
    lr: float = DEFAULT_DEAD_RUN.lr,
    first_seed: int = 0,
    **params: float,
) -> DeadFractionSpread:
    """:func:`dead_unit_curve` over ``seeds`` seeds from ``first_seed``: how much one run says (cached).

    A run that diverged has no dead fraction to report, so it is counted in ``diverged``
    and left out of the band and the final fractions rather than read as 0 % inactive.

    Parameters
    ----------
    name
        ``"relu"``, ``"leaky_relu"`` or ``"prelu"``.
    seeds
        Number of seeds.
    steps, lr
        As for :func:`dead_unit_curve`.
    first_seed
        The first seed (chapters use 0 .. seeds - 1).
    **params
        Activation parameters (``slope`` or initial ``alpha``), as for :func:`dead_unit_curve`.

    Returns
    -------
    DeadFractionSpread
        Per-step band (min and max over the runs that stayed finite), each such run's
        final fraction, and the seeds that diverged.
    """
    seeds = _check_positive_int(seeds, "seeds")
    seed_range = tuple(range(first_seed, first_seed + seeds))
    runs = [dead_unit_curve(name, steps=steps, lr=lr, seed=seed, **params) for seed in seed_range]
    kept = [run.dead_fraction for run in runs if not run.diverged]
    curves = np.array(kept) if kept else np.full((1, steps + 1), np.nan)
    return DeadFractionSpread(
        name=name,
        params=dict(runs[0].params),
        seeds=seed_range,
        diverged=tuple(run.seed for run in runs if run.diverged),
        low=_read_only(curves.min(axis=0)),
        high=_read_only(curves.max(axis=0)),
        final=_read_only(np.array([curve[-1] for curve in kept])),
    )


def neuron_trajectory(
    name: str,
    steps: int = NEURON_STEPS,
    lr: float = NEURON_LR,
    seed: int = 0,
    kick: float = NEURON_KICK,
    **params: float,
) -> NeuronTrajectory:
    """One neuron ``a = f(w x + b)`` knocked dead by one oversized update, then trained on.

    Inputs: :data:`NEURON_INPUTS` points spread over ``[-1, 1]`` (:func:`spread_inputs`,
    seeded). Targets from the ReLU teacher ``relu(2 x + 2)``. Loss
    ``mean((a - y)**2) / 2``. The neuron starts healthy at ``(w, b) = (2.5, 2.75)``
    with every input active; the *kick* is one gradient step with learning rate
    ``kick`` instead of ``lr``, which throws ``b`` far negative so every
    ``z_i = w x_i + b <= 0``. Because every input is active before the kick, the kick
    is identical for ReLU, Leaky ReLU and PReLU: all three continue from the same
    dead state. Then ``steps`` ordinary steps at ``lr``.

    With ReLU every later gradient is exactly 0 and nothing moves. With Leaky ReLU the
    gradient is about 1/100 of normal, ``b`` climbs back and the inputs re-enter the
    active region (row 23 with the defaults). PReLU also learns ``alpha`` (start 0.25,
    step ``lr * PRELU_ALPHA_LR_SCALE``) and comes back within a couple of steps.

    Parameters
    ----------
    name
        ``"relu"``, ``"leaky_relu"`` or ``"prelu"``.
    steps
        Ordinary steps after the kick.
    lr
        Learning rate of the ordinary steps.
    seed
        Seed of the input jitter.
    kick
        Learning rate of the single oversized update.
    **params
        Activation parameters (``slope`` or initial ``alpha``).

    Returns
    -------
    NeuronTrajectory
        ``steps + 2`` rows: initial state, after the kick, after each step.

    Raises
    ------
    ValueError
        For a name outside the ReLU family, bad parameters, or non-positive
        ``steps`` / ``lr`` / ``kick``.
    """
    act = _relu_family_activation(name, params)
    steps = _check_positive_int(steps, "steps")
    lr = _check_positive_float(lr, "lr")
    kick = _check_positive_float(kick, "kick")
    rng = np.random.default_rng(seed)
    x = spread_inputs(rng, NEURON_INPUTS, -1.0, 1.0)
    y = np.maximum(TEACHER_W * x + TEACHER_B, 0.0)

    rows = steps + 2
    w = np.empty(rows)
    b = np.empty(rows)
    alpha = np.empty(rows)
    z = np.empty((rows, x.size))
    grad_w = np.empty(rows)
    grad_b = np.empty(rows)
    grad_alpha = np.empty(rows)
    loss = np.empty(rows)
    w_t, b_t, alpha_t = NEURON_W0, NEURON_B0, float(act.negative_slope)
    for t in range(rows):
        z_t = w_t * x + b_t
        a_t, da_t = rectifier_parts(z_t, alpha_t)
        d_a = (a_t - y) / x.size
        w[t], b[t], alpha[t], z[t] = w_t, b_t, alpha_t, z_t
        loss[t] = 0.5 * float(np.mean((a_t - y) ** 2))
        grad_w[t] = float(np.sum(d_a * da_t * x))
        grad_b[t] = float(np.sum(d_a * da_t))
        grad_alpha[t] = float(np.sum(d_a * np.minimum(z_t, 0.0)))
        step = kick if t == 0 else lr
        w_t -= step * grad_w[t]
        b_t -= step * grad_b[t]
        if name == "prelu":
            alpha_t -= step * PRELU_ALPHA_LR_SCALE * grad_alpha[t]
    return NeuronTrajectory(
        name=name,
        params=dict(act.params),
        steps=steps,
        lr=lr,
        kick=kick,
        seed=seed,
        x=x,
        y=y,
        w=w,
        b=b,
        alpha=alpha,
        z=z,
        grad_w=grad_w,
        grad_b=grad_b,
        grad_alpha=grad_alpha,
        loss=loss,
    )


def prelu_fit_data(true_slope: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and noisy targets with a known negative-side slope, for :func:`fit_prelu_alpha`.

    ``x``: :data:`ALPHA_FIT_POINTS` points spread over ``[-2, 2]``;
    ``y = x`` for ``x > 0`` and ``true_slope * x`` otherwise, plus ``N(0, 0.02**2)`` noise.

    Parameters
    ----------
    true_slope
        Negative-side slope of the data.
    seed
        Seed of inputs and noise.

    Returns
    -------
    x, y : numpy.ndarray
        Shape ``(ALPHA_FIT_POINTS,)`` each, ``x`` increasing.

    Raises
    ------
    ValueError
        If ``true_slope`` is not a finite number.
    """
    true_slope = _check_finite_float(true_slope, "true_slope")
    rng = np.random.default_rng(seed)
    x = spread_inputs(rng, ALPHA_FIT_POINTS, -ALPHA_FIT_RANGE, ALPHA_FIT_RANGE)
    y = np.where(x > 0, x, true_slope * x) + rng.normal(0.0, ALPHA_FIT_NOISE, size=x.size)
    return x, y


def fit_prelu_alpha(
    true_slope: float,
    alpha0: float = DEFAULT_PRELU_ALPHA,
    steps: int = ALPHA_FIT_STEPS,
    lr: float = ALPHA_FIT_LR,
    seed: int = 0,
) -> np.ndarray:
    """Learn PReLU's alpha by gradient descent on data with a known negative slope.

    The model is ``f(z) = z`` for ``z > 0`` and ``alpha z`` otherwise, fed the inputs
    of :func:`prelu_fit_data` directly (``z = x``); loss ``mean((f - y)**2) / 2``;
    ``dL/dalpha = sum over z_i < 0 of z_i * dL/df_i``. Only alpha is learned.

    Parameters
    ----------
    true_slope
        Negative-side slope that generated the data.
    alpha0
        Starting alpha (0.25, He et al. 2015).
    steps
        Gradient-descent steps.
    lr
        Learning rate; the defaults settle within 0.02 of ``true_slope`` in about
        30 steps for slopes within 0.25 of ``alpha0``.
    seed
        Seed of the data.

    Returns
    -------
    numpy.ndarray
        Shape ``(steps + 1,)``; entry 0 is ``alpha0``.

    Raises
    ------
    ValueError
        For non-finite slopes, non-positive ``steps`` / ``lr``, or an ``lr`` so large
        that descent would diverge on this data.
    """
    alpha0 = _check_finite_float(alpha0, "alpha0")
    steps = _check_positive_int(steps, "steps")
    lr = _check_positive_float(lr, "lr")
    x, y = prelu_fit_data(true_slope, seed)
    negative = np.minimum(x, 0.0)
    # The loss is quadratic in alpha with curvature mean(z**2 over z < 0): beyond
    # 2 / curvature every step overshoots further.
    curvature = float(np.mean(negative**2))
    if lr >= 2.0 / curvature:
        raise ValueError(f"lr must be below {2.0 / curvature:.3g} for this data, got {lr!r}")
    alphas = np.empty(steps + 1)
    alphas[0] = alpha0
    for t in range(steps):
        f = np.where(x > 0, x, alphas[t] * x)
        d_f = (f - y) / x.size
        alphas[t + 1] = alphas[t] - lr * float(np.sum(negative * d_f))
    return alphas


# --- What vanishing costs (chapter 3) ----------------------------------------------------


@dataclass(frozen=True)
class DeepRunSettings:
    """Fixed setup of :func:`train_deep_network`, for scenes to cite.

    Attributes
    ----------
    steps
        Full-batch gradient-descent steps.
    lr
        Learning rate, the same for every activation.
    frequency
        Targets are ``sin(frequency * u.x)`` for the unit direction ``u = (1, ..., 1) / sqrt(width)``.
    """

    steps: int = 300
    lr: float = 0.1
    frequency: float = 2.0


#: The setup chapter 3's "what vanishing costs" beat uses.
DEFAULT_DEEP_RUN = DeepRunSettings()


@dataclass(frozen=True)
class DeepTrainingRun:
    """Result of :func:`train_deep_network`.

    Attributes
    ----------
    name, init
        Hidden activation and its initialisation.
    steps, lr, seed
        Steps taken, learning rate, seed of data and initial weights.
    loss
        Shape ``(steps + 1,)``: MSE loss before each step (entry 0 = at initialisation)
        and after the last.
    weight_change
        Shape ``(depth,)``: ``||W_k(end) - W_k(0)|| / ||W_k(0)||`` for each weight
        matrix, first layer first: how far training moved each layer, relative to its size.
    baseline_loss
        The loss of the best constant prediction (half the targets' variance): a network
        at this level has learned nothing about the inputs.
    diverged_at
        The first step whose loss or gradients are not finite numbers, or ``None``; the
        loss is NaN from then on, and so is ``weight_change``.
    """

    name: str
    init: str
    steps: int
    lr: float
    seed: int
    loss: np.ndarray
    weight_change: np.ndarray
    baseline_loss: float
    diverged_at: int | None = None

    @property
    def diverged(self) -> bool:
        """Whether the loss or the gradients stopped being finite numbers during the run."""
        return self.diverged_at is not None

    @property
    def distance_from_baseline(self) -> float:
        """``|final loss - baseline| / baseline``: how far training got from predicting the mean
        (NaN if the run diverged)."""
        return abs(float(self.loss[-1]) - self.baseline_loss) / self.baseline_loss


@functools.lru_cache(maxsize=16)
def train_deep_network(
    name: str,
    steps: int = DEFAULT_DEEP_RUN.steps,
    lr: float = DEFAULT_DEEP_RUN.lr,
    seed: int = 0,
    depth: int = 10,
    width: int = 32,
    batch: int = 256,
) -> DeepTrainingRun:
    """Train the deep MLP of :func:`~scenes.model.networks.layer_gradients` and record the cost (cached).

    The network, inputs and initial weights are exactly those of the gradient staircase:
    ``rng = default_rng(seed)`` draws inputs ``x ~ N(0, 1)``, then the staircase's
    noise targets (drawn only to keep the same weights, then discarded), then the
    weights with the activation's usual init (Xavier for sigmoid, He for ReLU). The
    network learns ``y = sin(2 u.x)`` with ``u = (1, ..., 1) / sqrt(width)`` by
    full-batch gradient descent with the same learning rate for every activation.

    With the defaults the ReLU network's loss falls well below the constant-prediction
    baseline while the sigmoid network's stalls at it, and the sigmoid network's first
    layer moves by a few millionths of its size (:func:`sigmoid_depth_control` asks how
    much of that is depth). A run whose loss or gradients overflow (the ReLU network
    from a learning rate of about 0.3) records ``diverged_at`` and reports NaN from there.

    Parameters
    ----------
    name
        Hidden activation (default parameters).
    steps
        Gradient-descent steps.
    lr
        Learning rate.
    seed
        Seed of data and initial weights.
    depth, width, batch
        As for :func:`~scenes.model.networks.layer_gradients`.

    Returns
    -------
    DeepTrainingRun
        Loss per step and per-layer relative weight change (read-only arrays), and the
        step at which the run diverged, if it did.

    Raises
    ------
    ValueError
        For an unknown activation or non-positive ``steps`` / ``lr``.
    """
    act = activation(name)
    steps = _check_positive_int(steps, "steps")
    lr = _check_positive_float(lr, "lr")
    init = default_init(name)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, width))
    rng.normal(size=(batch, 1))  # the staircase's targets: drawn so the weights match it
    weights = init_weights([width] * depth + [1], init, rng)
    direction = np.full(width, 1.0 / math.sqrt(width))
    targets = np.sin(DEFAULT_DEEP_RUN.frequency * x @ direction)[:, None]
    start = [w.copy() for w in weights]
    loss = np.full(steps + 1, np.nan)
    diverged_at = None
    # Overflow is expected where a run diverges; it is detected and reported, not warned about.
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps + 1):
            loss_t, grads, _, _ = mlp_backward(weights, x, targets, act)
            if not (math.isfinite(loss_t) and all(np.all(np.isfinite(g)) for g in grads)):
                diverged_at = t
                break
            loss[t] = loss_t
            if t == steps:
                break
            for w, g in zip(weights, grads):
                w -= lr * g
    if diverged_at is None:
        change = [np.linalg.norm(w - w0) / np.linalg.norm(w0) for w, w0 in zip(weights, start)]
    else:
        change = [math.nan] * len(weights)
    return DeepTrainingRun(
        name=name,
        init=init,
        steps=steps,
        lr=lr,
        seed=seed,
        loss=_read_only(loss),
        weight_change=_read_only(change),
        baseline_loss=0.5 * float(np.var(targets)),
        diverged_at=diverged_at,
    )


#: Chapter 3's control: sigmoid networks this deep (weight matrices), trained as the deep one is.
SHALLOW_SIGMOID_DEPTHS = (2, 3)
#: ... and the deep sigmoid network trained this many times as long, or with this many times the rate.
CONTROL_FACTOR = 10


@dataclass(frozen=True)
class SigmoidDepthControl:
    """Result of :func:`sigmoid_depth_control`: what in the deep sigmoid network's stall is depth.

    Attributes
    ----------
    shallow
        Sigmoid networks of :data:`SHALLOW_SIGMOID_DEPTHS` layers, trained with the deep
        run's steps and learning rate (same data).
    longer
        The deep sigmoid network trained ``CONTROL_FACTOR`` times as many steps.
    faster
        The deep sigmoid network trained with ``CONTROL_FACTOR`` times the learning rate.
    """

    shallow: tuple[DeepTrainingRun, ...]
    longer: DeepTrainingRun
    faster: DeepTrainingRun

    @property
    def deep_distance(self) -> float:
        """The larger of ``longer``'s and ``faster``'s distance from the baseline (relative):
        how close to predicting the mean the deep network stays however it is pushed."""
        return max(self.longer.distance_from_baseline, self.faster.distance_from_baseline)


def sigmoid_depth_control(
    steps: int = DEFAULT_DEEP_RUN.steps,
    lr: float = DEFAULT_DEEP_RUN.lr,
    seed: int = 0,
    depth: int = 10,
    width: int = 32,
    batch: int = 256,
) -> SigmoidDepthControl:
    """Chapter 3's control for "what vanishing costs": is the gap to ReLU depth, or the sigmoid?

    Shallow sigmoid networks (:data:`SHALLOW_SIGMOID_DEPTHS`), trained like the deep one,
    also end well above the ReLU network's loss (near 0.20 against ReLU's 0.02): part of
    the gap is the sigmoid itself. What is specific to depth: the ``depth``-layer sigmoid
    network stays within about 1 % of predicting the mean even trained ``CONTROL_FACTOR``
    times as long or with ``CONTROL_FACTOR`` times the learning rate. Every run is
    :func:`train_deep_network` (cached) on the same data.

    Parameters
    ----------
    steps, lr, seed, depth, width, batch
        The deep run's settings, as for :func:`train_deep_network`.

    Returns
    -------
    SigmoidDepthControl
        The shallow runs, and the deep run trained longer and faster.
    """
    shallow = tuple(train_deep_network("sigmoid", steps, lr, seed, shallow_depth, width, batch)
                    for shallow_depth in SHALLOW_SIGMOID_DEPTHS)
    return SigmoidDepthControl(
        shallow=shallow,
        longer=train_deep_network("sigmoid", steps * CONTROL_FACTOR, lr, seed, depth, width, batch),
        faster=train_deep_network("sigmoid", steps, lr * CONTROL_FACTOR, seed, depth, width, batch),
    )

"""The classroom playground's numbers: any activation, depth and initialisation, at init and trained.

The lecture's deep MLP (:func:`~scenes.model.networks.layer_gradients`,
:func:`~scenes.model.training.train_deep_network`) with every choice a student may change: the
activation's parameters (Leaky ReLU's slope, PReLU's starting alpha), the depth, Xavier or He
initialisation and a factor on the weights' scale. Built from the same pieces (the same seeded
draws, :func:`~scenes.model.networks.init_weights`, :func:`~scenes.model.networks.mlp_backward`),
so with the lecture's own choices it gives the lecture's own numbers (a test holds them equal).

A run whose loss stops being a finite number has *diverged*: it is marked, its loss curve ends
there and it has no unit counts, so nothing downstream can show a number for it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .activations import RELU_FAMILY, Activation, activation, rectifier_parts
from .networks import init_weights, mlp_backward
from .training import DEFAULT_DEEP_RUN, NEURON_INPUTS, PRELU_ALPHA_LR_SCALE, neuron_trajectory

__all__ = [
    "SATURATED_SLOPE",
    "NeuronDeath",
    "PlaygroundGradients",
    "PlaygroundRun",
    "neuron_death",
    "playground_gradients",
    "playground_training",
    "stuck_unit_fraction",
]

#: A sigmoid or tanh unit counts as saturated on an input where its slope is below this share of
#: the activation's steepest slope (sigmoid: |z| > 3.6; tanh: |z| > 1.8): it passes back less
#: than a tenth of what it could.
SATURATED_SLOPE = 0.1


def _scaled_weights(depth: int, width: int, batch: int, seed: int, init: str, scale: float,
                    ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    # The draws of layer_gradients and train_deep_network, in their order: inputs, the noise
    # targets, the weights (layer 1 first).
    if depth < 2:
        raise ValueError(f"depth must be at least 2 (hidden layers + readout), got {depth}")
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive finite number, got {scale!r}")
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, width))
    noise_targets = rng.normal(size=(batch, 1))
    weights = [scale * w for w in init_weights([width] * depth + [1], init, rng)]
    return x, noise_targets, weights


def stuck_unit_fraction(act: Activation, pre_activations: list[np.ndarray]) -> float:
    """Share of hidden units that pass back (almost) nothing on every input.

    For the ReLU family: units whose pre-activation is ``<= 0`` on every input (dead for ReLU,
    inactive for Leaky ReLU and PReLU). For sigmoid and tanh: units saturated on every input
    (slope below :data:`SATURATED_SLOPE` of the steepest).

    Parameters
    ----------
    act
        The hidden activation.
    pre_activations
        ``z_k`` of each hidden layer, shape ``(batch, width)``.

    Returns
    -------
    float
        Stuck units over all hidden units, in ``[0, 1]``.
    """
    if act.name in RELU_FAMILY:
        stuck = [np.all(z <= 0, axis=0) for z in pre_activations]
    else:
        peak = float(act.df(0.0))
        stuck = [np.all(act.df(z) < SATURATED_SLOPE * peak, axis=0) for z in pre_activations]
    return float(np.mean(np.concatenate(stuck)))


@dataclass(frozen=True)
class PlaygroundGradients:
    """Result of :func:`playground_gradients`: one pass at initialisation.

    Attributes
    ----------
    signal_norms, weight_norms
        Shape ``(depth,)``, first layer first: norms of ``dL/dz_k`` and of ``dL/dW_k``
        (non-finite where the forward pass overflowed).
    stuck_fraction
        :func:`stuck_unit_fraction` at initialisation.
    """

    signal_norms: np.ndarray
    weight_norms: np.ndarray
    stuck_fraction: float


def playground_gradients(name: str, depth: int = 10, init: str = "xavier", scale: float = 1.0, seed: int = 0,
                         width: int = 32, batch: int = 256, **params: float) -> PlaygroundGradients:
    """Per-layer gradient norms at initialisation, as :func:`~scenes.model.networks.layer_gradients`.

    Parameters
    ----------
    name, depth, seed, width, batch
        As for :func:`~scenes.model.networks.layer_gradients`.
    init
        ``"xavier"`` or ``"he"``.
    scale
        Factor on every initial weight (1: the init's own scale).
    **params
        The activation's parameters (``slope``, ``alpha``).

    Returns
    -------
    PlaygroundGradients
        The signal's and the weight gradients' norms, first layer first.

    Examples
    --------
    >>> grads = playground_gradients("sigmoid", depth=10, init="xavier")
    >>> bool(grads.weight_norms[0] < grads.weight_norms[-1] / 1e5)
    True
    """
    act = activation(name, **params)
    x, targets, weights = _scaled_weights(depth, width, batch, seed, init, scale)
    with np.errstate(all="ignore"):  # an oversized init may overflow: reported as non-finite
        _, grads, signals, zs = mlp_backward(weights, x, targets, act)
        return PlaygroundGradients(
            signal_norms=np.array([np.linalg.norm(d) for d in signals]),
            weight_norms=np.array([np.linalg.norm(g) for g in grads]),
            stuck_fraction=stuck_unit_fraction(act, zs),
        )


@dataclass(frozen=True)
class PlaygroundRun:
    """Result of :func:`playground_training`.

    Attributes
    ----------
    loss
        MSE loss before each step and after the last, up to the first non-finite value
        (``steps + 1`` entries unless diverged).
    baseline_loss
        The loss of predicting the targets' mean (half their variance).
    diverged
        The loss stopped being a finite number.
    stuck_start, stuck_end
        :func:`stuck_unit_fraction` at initialisation and after training (``None`` if diverged).
    """

    loss: np.ndarray
    baseline_loss: float
    diverged: bool
    stuck_start: float
    stuck_end: float | None


def _prelu_backward(weights: list[np.ndarray], alphas: list[np.ndarray], x: np.ndarray, targets: np.ndarray,
                    ) -> tuple[float, list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    # mlp_backward's pass with one learned slope per hidden unit, plus dL/dalpha.
    hs, zs, slopes = [x], [], []
    for w, alpha in zip(weights[:-1], alphas):
        zs.append(hs[-1] @ w)
        h, slope = rectifier_parts(zs[-1], alpha)
        hs.append(h)
        slopes.append(slope)
    err = hs[-1] @ weights[-1] - targets
    loss = 0.5 * float(np.mean(err**2))
    grads: list[np.ndarray] = [np.empty(0)] * len(weights)
    alpha_grads: list[np.ndarray] = [np.empty(0)] * len(alphas)
    delta = err / err.size
    grads[-1] = hs[-1].T @ delta
    upstream = delta @ weights[-1].T  # dL/dh_k
    for k in range(len(weights) - 2, -1, -1):
        alpha_grads[k] = (upstream * np.minimum(zs[k], 0.0)).sum(axis=0)
        delta = upstream * slopes[k]
        grads[k] = hs[k].T @ delta
        upstream = delta @ weights[k].T
    return loss, grads, alpha_grads, zs


def playground_training(name: str, depth: int = 10, init: str = "xavier", scale: float = 1.0,
                        steps: int = DEFAULT_DEEP_RUN.steps, lr: float = DEFAULT_DEEP_RUN.lr, seed: int = 0,
                        width: int = 32, batch: int = 256, **params: float) -> PlaygroundRun:
    """Train the playground's network as :func:`~scenes.model.training.train_deep_network` does.

    Same data (``sin(2 u.x)``), the same full-batch descent at one learning rate; PReLU learns
    one alpha per hidden unit at ``lr * PRELU_ALPHA_LR_SCALE``, as in chapter 5.

    Parameters
    ----------
    name, depth, init, scale, seed, width, batch, **params
        As for :func:`playground_gradients`.
    steps, lr
        As for :func:`~scenes.model.training.train_deep_network`.

    Returns
    -------
    PlaygroundRun
        The loss curve, the predict-the-mean baseline, whether it diverged, and the stuck units.
    """
    act = activation(name, **params)
    x, _, weights = _scaled_weights(depth, width, batch, seed, init, scale)
    direction = np.full(width, 1.0 / math.sqrt(width))
    targets = np.sin(DEFAULT_DEEP_RUN.frequency * x @ direction)[:, None]
    alphas = [np.full(width, act.negative_slope) for _ in weights[:-1]] if name == "prelu" else None
    loss: list[float] = []
    stuck: list[float] = []
    with np.errstate(all="ignore"):  # overflow is the divergence this run reports
        for t in range(steps + 1):
            if alphas is None:
                value, grads, _, zs = mlp_backward(weights, x, targets, act)
            else:
                value, grads, alpha_grads, zs = _prelu_backward(weights, alphas, x, targets)
            if not np.isfinite(value):
                break
            loss.append(value)
            if t == 0 or t == steps:
                stuck.append(stuck_unit_fraction(act, zs))
            if t == steps:
                break
            for w, g in zip(weights, grads):
                w -= lr * g
            if alphas is not None:
                alphas = [a - lr * PRELU_ALPHA_LR_SCALE * g for a, g in zip(alphas, alpha_grads)]
    diverged = len(loss) < steps + 1
    return PlaygroundRun(
        loss=np.array(loss),
        baseline_loss=0.5 * float(np.var(targets)),
        diverged=diverged,
        stuck_start=stuck[0] if stuck else float("nan"),
        stuck_end=None if diverged else stuck[-1],
    )


@dataclass(frozen=True)
class NeuronDeath:
    """Result of :func:`neuron_death`: chapter 4's neuron trained at one learning rate.

    Attributes
    ----------
    lr
        The learning rate of every step.
    active
        Inputs (of ``inputs``) with ``z > 0`` after each step, entry 0 at the start.
    loss
        The loss at the same moments.
    inputs
        How many inputs the neuron sees.
    died_at
        The first step after which no input is active and none ever is again, or ``None``.
    """

    lr: float
    active: np.ndarray
    loss: np.ndarray
    inputs: int
    died_at: int | None


def neuron_death(lr: float, steps: int = 40, name: str = "relu", seed: int = 0) -> NeuronDeath:
    """Chapter 4's single neuron trained by plain gradient descent at ``lr`` from its healthy start.

    :func:`~scenes.model.training.neuron_trajectory` with the kick at the ordinary rate: no
    oversized step but the ones ``lr`` itself makes, so a student can find the rate that kills it.

    Parameters
    ----------
    lr
        Learning rate of every step.
    steps
        Steps after the first.
    name
        A member of the ReLU family.
    seed
        Seed of the inputs.

    Returns
    -------
    NeuronDeath
        Active inputs and loss per step, and the step it died at (if it did).
    """
    run = neuron_trajectory(name, steps=steps, lr=lr, kick=lr, seed=seed)
    active = run.active_counts
    alive = np.flatnonzero(active > 0)
    died_at = None if not alive.size or alive[-1] == active.size - 1 else int(alive[-1]) + 1
    if not alive.size:
        died_at = 0
    return NeuronDeath(lr=float(lr), active=np.array(active), loss=np.array(run.loss), inputs=NEURON_INPUTS,
                       died_at=died_at)

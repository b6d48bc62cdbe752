"""Gradients through deep networks: the idealised chain and a real MLP.

Chapter 2 and 3 numbers: the per-layer local factors ``w_k * f'(z_k)`` of a
one-neuron-per-layer chain, their running product, and, for a seeded deep MLP at
initialisation, the per-layer norms of the backpropagated signal ``dL/dz_k`` and of
the weight gradients ``dL/dW_k`` after one hand-written forward/backward pass.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .activations import RELU_FAMILY, Activation, activation, check_activation_name, sigmoid_slope_max

__all__ = [
    "BEST_CASE_WEIGHT",
    "HE_GAIN",
    "INIT_NAMES",
    "XAVIER_GAIN",
    "LayerGradients",
    "backward_chain",
    "best_case_chain",
    "chain_local_factors",
    "default_init",
    "growth_weight_threshold",
    "init_weights",
    "layer_gradient_norms",
    "layer_gradients",
    "mlp_backward",
    "mlp_loss_and_gradients",
    "orders_of_magnitude_exceeded",
    "steepest_input",
]

#: |w| of the normalised chain: with |w| = 1 the weights neither shrink nor grow the
#: gradient, so the chain isolates what the activation's slope does. A choice, not a bound.
BEST_CASE_WEIGHT = 1.0

#: Initialisations :func:`layer_gradient_norms` accepts.
INIT_NAMES: tuple[str, ...] = ("xavier", "he")

#: He et al. (2015): weight variance ``HE_GAIN / fan_in``. About half of a ReLU layer's
#: units are off for any input, which halves the signal's squared norm; the 2 restores it.
HE_GAIN = 2.0

#: Glorot & Bengio (2010): weight variance ``XAVIER_GAIN / (fan_in + fan_out)``, chosen so a
#: layer whose activation has slope 1 near 0 keeps the signal's size both ways.
XAVIER_GAIN = 2.0


def steepest_input(name: str) -> float:
    """Pre-activation where the activation passes back the most gradient.

    ``0`` for sigmoid and tanh (their derivative peaks there); ``1`` for the ReLU
    family (any ``z > 0`` gives slope 1; 1 is a readable representative).

    Parameters
    ----------
    name
        One of :data:`~scenes.model.activations.ACTIVATION_NAMES`.

    Returns
    -------
    float
        The best-case pre-activation.
    """
    return 1.0 if check_activation_name(name) in RELU_FAMILY else 0.0


def _check_depth(depth: int) -> int:
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 1:
        raise ValueError(f"depth must be a positive integer, got {depth!r}")
    return int(depth)


def _per_layer(
    values: float | np.ndarray | None, default: float, depth: int, label: str
) -> np.ndarray:
    if values is None:
        return np.full(depth, default)
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 0:
        return np.full(depth, float(arr))
    if arr.shape != (depth,):
        raise ValueError(
            f"{label} must be a scalar or have length depth={depth}, got shape {arr.shape}"
        )
    return arr.copy()


def chain_local_factors(
    name: str,
    depth: int = 10,
    w: float | np.ndarray | None = None,
    z: float | np.ndarray | None = None,
) -> np.ndarray:
    """Local backprop factors ``w_k * f'(z_k)`` of a one-neuron-per-layer chain.

    The chain is ``x -> h1 -> ... -> h_depth -> loss`` with ``h_k = f(z_k)`` and
    ``z_k = w_k h_{k-1}``; the gradient reaching ``h0`` is ``dL/dh_depth`` times the
    product of these factors.

    Parameters
    ----------
    name
        Activation name (default parameters are used).
    depth
        Number of layers.
    w
        Weights, scalar or one per layer; default 1 (``|w| = 1``, the best case).
    z
        Pre-activations, scalar or one per layer; default the activation's steepest
        point (:func:`steepest_input`).

    Returns
    -------
    numpy.ndarray
        Shape ``(depth,)``, layer 1 first.

    Examples
    --------
    >>> chain_local_factors("sigmoid", depth=3).tolist()
    [0.25, 0.25, 0.25]
    """
    act = activation(name)
    depth = _check_depth(depth)
    w_arr = _per_layer(w, BEST_CASE_WEIGHT, depth, "w")
    z_arr = _per_layer(z, steepest_input(name), depth, "z")
    return w_arr * act.df(z_arr)


def best_case_chain(name: str, depth: int = 10) -> np.ndarray:
    """Gradient magnitude left after passing back through ``k = 1..depth`` layers, best case.

    Best case: ``|w| = 1`` and every pre-activation at the steepest point, so a sigmoid
    chain keeps ``(1/4)**k`` and a ReLU-family chain keeps ``1``.

    Parameters
    ----------
    name
        Activation name.
    depth
        Number of layers.

    Returns
    -------
    numpy.ndarray
        Shape ``(depth,)``; entry ``k - 1`` is the magnitude after ``k`` layers.

    Examples
    --------
    >>> float(best_case_chain("sigmoid")[-1])
    9.5367431640625e-07
    """
    return np.abs(np.cumprod(chain_local_factors(name, depth)))


def default_init(name: str) -> str:
    """Initialisation the lecture pairs with an activation.

    Parameters
    ----------
    name
        Activation name.

    Returns
    -------
    str
        ``"he"`` for the ReLU family, ``"xavier"`` for sigmoid and tanh.
    """
    return "he" if check_activation_name(name) in RELU_FAMILY else "xavier"


def init_weights(
    layer_sizes: list[int] | tuple[int, ...], init: str, rng: np.random.Generator
) -> list[np.ndarray]:
    """Gaussian weight matrices for consecutive layer sizes.

    Parameters
    ----------
    layer_sizes
        ``[n_in, n_1, ..., n_out]``; matrix ``k`` has shape ``(sizes[k], sizes[k + 1])``.
    init
        ``"xavier"`` (Glorot normal, std ``sqrt(2 / (fan_in + fan_out))``) or
        ``"he"`` (std ``sqrt(2 / fan_in)``).
    rng
        Source of randomness, consumed in layer order.

    Returns
    -------
    list of numpy.ndarray
        One matrix per consecutive pair of sizes.

    Raises
    ------
    ValueError
        For an unknown ``init``.
    """
    if init not in INIT_NAMES:
        raise ValueError(f"unknown init {init!r}; allowed: {', '.join(INIT_NAMES)}")
    weights = []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        if init == "xavier":
            std = math.sqrt(XAVIER_GAIN / (fan_in + fan_out))
        else:
            std = math.sqrt(HE_GAIN / fan_in)
        weights.append(rng.normal(0.0, std, size=(fan_in, fan_out)))
    return weights


def mlp_backward(
    weights: list[np.ndarray], x: np.ndarray, targets: np.ndarray, act: Activation
) -> tuple[float, list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """One forward and backward pass of a bias-free MLP, keeping every intermediate.

    The network is ``h_0 = x``, ``z_k = h_{k-1} W_k``, ``h_k = f(z_k)`` for every layer
    but the last, and a linear readout ``z_L = y = h_{L-1} W_L``. Loss
    ``L = mean((y - t)**2) / 2`` over all outputs.

    Parameters
    ----------
    weights
        ``W_1 .. W_L``, shapes ``(n_{k-1}, n_k)``.
    x
        Inputs, shape ``(batch, n_0)``.
    targets
        Shape ``(batch, n_L)``.
    act
        Hidden activation.

    Returns
    -------
    loss : float
        The MSE loss.
    grads : list of numpy.ndarray
        ``dL/dW_k = h_{k-1}^T dL/dz_k``, same shapes as ``weights``.
    signals : list of numpy.ndarray
        The backpropagated signal ``dL/dz_k`` for ``k = 1 .. L``, shapes ``(batch, n_k)``.
    pre_activations : list of numpy.ndarray
        ``z_1 .. z_{L-1}`` of the hidden layers.
    """
    hs = [np.asarray(x, dtype=float)]
    zs = []
    for w in weights[:-1]:
        zs.append(hs[-1] @ w)
        hs.append(act.f(zs[-1]))
    y = hs[-1] @ weights[-1]
    err = y - targets
    loss = 0.5 * float(np.mean(err**2))

    grads: list[np.ndarray] = [np.empty(0)] * len(weights)
    signals: list[np.ndarray] = [np.empty(0)] * len(weights)
    delta = err / err.size  # dL/dy = dL/dz_L
    signals[-1] = delta
    grads[-1] = hs[-1].T @ delta
    upstream = delta @ weights[-1].T  # dL/dh_{L-1}
    for k in range(len(weights) - 2, -1, -1):
        delta = upstream * act.df(zs[k])  # dL/dz_k
        signals[k] = delta
        grads[k] = hs[k].T @ delta
        upstream = delta @ weights[k].T
    return loss, grads, signals, zs


def mlp_loss_and_gradients(
    weights: list[np.ndarray], x: np.ndarray, targets: np.ndarray, act: Activation
) -> tuple[float, list[np.ndarray]]:
    """The loss and the weight gradients of :func:`mlp_backward` (same parameters), without the
    intermediates: what training and the finite-difference tests need."""
    loss, grads, _, _ = mlp_backward(weights, x, targets, act)
    return loss, grads


@dataclass(frozen=True)
class LayerGradients:
    """Result of :func:`layer_gradients`: one seeded deep MLP, at initialisation.

    Attributes
    ----------
    name, init
        Hidden activation and weight initialisation.
    weight_norms
        Shape ``(depth,)``: Frobenius norm of ``dL/dW_k``, first layer first.
    signal_norms
        Shape ``(depth,)``: Frobenius norm of the backpropagated signal ``dL/dz_k``
        (the last entry is ``dL/dy`` at the linear readout). Unlike ``dL/dW_k =
        h_{k-1}^T dL/dz_k`` it does not depend on the layer's own inputs.
    input_means
        Shape ``(depth,)``: mean of each layer's input ``h_{k-1}`` over the batch and
        units (layer 1's input is ``x``, centred on 0; later layers' inputs are the
        previous activations, about 1/2 for a sigmoid).
    active_fraction
        Share of hidden pre-activations ``z > 0`` over all hidden layers and inputs.
    """

    name: str
    init: str
    weight_norms: np.ndarray
    signal_norms: np.ndarray
    input_means: np.ndarray
    active_fraction: float


def _read_only(arr: np.ndarray) -> np.ndarray:
    # Cached results are shared between callers: nobody may change them in place.
    arr = np.array(arr, dtype=float)
    arr.flags.writeable = False
    return arr


@functools.lru_cache(maxsize=32)
def layer_gradients(
    name: str,
    depth: int = 10,
    width: int = 32,
    batch: int = 256,
    seed: int = 0,
    init: str | None = None,
) -> LayerGradients:
    """Per-layer gradient norms of a seeded deep MLP at initialisation (one pass, cached).

    The net has ``depth`` weight matrices: ``depth - 1`` hidden layers of ``width``
    units (input dimension ``width``), each followed by the activation, and the last
    matrix is a linear readout to one output. No biases (they would start at zero and
    leave this pass unchanged). One forward/backward pass on a seeded batch:
    ``rng = default_rng(seed)`` draws inputs ``~ N(0, 1)``, then targets ``~ N(0, 1)``,
    then the weights (layer 1 first); loss is MSE.

    Parameters
    ----------
    name
        Hidden activation (default parameters).
    depth
        Number of weight matrices, i.e. bars in the chart (at least 2).
    width
        Input and hidden width.
    batch
        Batch size.
    seed
        Seed for weights, inputs and targets.
    init
        ``"xavier"`` or ``"he"``; ``None`` picks :func:`default_init`.

    Returns
    -------
    LayerGradients
        Weight-gradient and signal norms, first layer first (read-only arrays).

    Examples
    --------
    >>> grads = layer_gradients("sigmoid")
    >>> bool(grads.signal_norms[0] < grads.signal_norms[-1] / 1e5)
    True
    """
    act = activation(name)
    depth = _check_depth(depth)
    if depth < 2:
        raise ValueError(f"depth must be at least 2 (hidden layers + readout), got {depth}")
    for label, value in (("width", width), ("batch", batch)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{label} must be a positive integer, got {value!r}")
    init = default_init(name) if init is None else init
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, width))
    targets = rng.normal(size=(batch, 1))
    weights = init_weights([width] * depth + [1], init, rng)
    _, grads, signals, zs = mlp_backward(weights, x, targets, act)
    inputs = [x, *(act.f(z) for z in zs)]
    return LayerGradients(
        name=name,
        init=init,
        weight_norms=_read_only([np.linalg.norm(g) for g in grads]),
        signal_norms=_read_only([np.linalg.norm(d) for d in signals]),
        input_means=_read_only([np.mean(h) for h in inputs]),
        active_fraction=float(np.mean([np.mean(z > 0) for z in zs])),
    )


def layer_gradient_norms(
    name: str,
    depth: int = 10,
    width: int = 32,
    batch: int = 256,
    seed: int = 0,
    init: str | None = None,
) -> np.ndarray:
    """Frobenius norm of ``dL/dW_k`` for each weight matrix of :func:`layer_gradients`' MLP.

    Parameters
    ----------
    name, depth, width, batch, seed, init
        As for :func:`layer_gradients`.

    Returns
    -------
    numpy.ndarray
        Shape ``(depth,)``, first layer first (a fresh, writeable copy).

    Examples
    --------
    >>> norms = layer_gradient_norms("sigmoid")
    >>> bool(norms[0] / norms[-1] < 1e-5)
    True
    """
    return np.array(layer_gradients(name, depth, width, batch, seed, init).weight_norms)


def orders_of_magnitude_exceeded(ratio: float) -> int:
    """The largest whole ``n`` with ``ratio > 10**n``: "more than n orders of magnitude".

    Rounding ``log10`` to the nearest integer would round 6.6 orders up to a claim of 7;
    this never claims more than was measured.

    Parameters
    ----------
    ratio
        A positive ratio (largest over smallest).

    Returns
    -------
    int
        ``ceil(log10(ratio)) - 1``, corrected for floating-point rounding.

    Raises
    ------
    ValueError
        If ``ratio`` is not a positive finite number.

    Examples
    --------
    >>> orders_of_magnitude_exceeded(3.7e6), orders_of_magnitude_exceeded(1e6)
    (6, 5)
    """
    ratio = float(ratio)
    if not (math.isfinite(ratio) and ratio > 0):
        raise ValueError(f"ratio must be a positive finite number, got {ratio!r}")
    n = math.ceil(math.log10(ratio)) - 1
    # log10 can land a hair off an exact power of ten; settle it with the ratio itself.
    while ratio > 10.0 ** (n + 1):
        n += 1
    while n > -400 and not ratio > 10.0**n:
        n -= 1
    return n


def growth_weight_threshold() -> float:
    """The ``|w|`` above which a sigmoid layer's factor ``|w sigma'(w a + b)|`` can exceed 1.

    ``sigma'`` never exceeds 1/4, so ``|w sigma'(.)| <= |w| / 4``, with equality when the
    pre-activation is 0: the factor can exceed 1 (and gradients grow instead of
    shrinking) only when ``|w| > 4``.

    Returns
    -------
    float
        ``1 / max sigma'``, i.e. ``4.0``.
    """
    _, peak = sigmoid_slope_max()
    return 1.0 / peak


def backward_chain(factors: np.ndarray) -> np.ndarray:
    """|dL/dh_k| along a chain, from the last layer back to the input, with dL/dh_depth = 1.

    Parameters
    ----------
    factors
        Local factors ``w_k * f'(z_k)`` for k = 1..depth (as from :func:`chain_local_factors`).

    Returns
    -------
    numpy.ndarray
        Shape ``(depth + 1,)``: entry j is the magnitude after crossing j layers backwards,
        i.e. |dL/dh_{depth-j}|; entry 0 is 1 and the last entry is |dL/dx|.

    Examples
    --------
    >>> backward_chain(np.array([0.5, 0.25])).tolist()
    [1.0, 0.25, 0.125]
    """
    factors = np.asarray(factors, dtype=float)
    return np.abs(np.concatenate(([1.0], np.cumprod(factors[::-1]))))

"""Activation functions of the lecture and their derivatives.

Pure numpy, no Manim: every number a scene shows about an activation comes from here.

Examples
--------
>>> act = activation("leaky_relu", slope=0.01)
>>> float(act.df(-3.0))
0.01
>>> sigmoid_slope_max()
(0.0, 0.25)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "ACTIVATION_NAMES",
    "DEFAULT_LEAKY_SLOPE",
    "DEFAULT_PRELU_ALPHA",
    "RELU_FAMILY",
    "VERY_LEAKY_DIVISOR",
    "Activation",
    "activation",
    "check_activation_name",
    "rectifier_parts",
    "sigmoid",
    "sigmoid_prime",
    "sigmoid_slope_max",
]

#: Activations in the order the lecture introduces them.
ACTIVATION_NAMES: tuple[str, ...] = ("sigmoid", "tanh", "relu", "leaky_relu", "prelu")

#: Names whose negative side is a straight line through 0 (slope 0, fixed or learned).
RELU_FAMILY: tuple[str, ...] = ("relu", "leaky_relu", "prelu")

#: Maas, Hannun & Ng (2013) slope and He et al. (2015) initial alpha.
DEFAULT_LEAKY_SLOPE = 0.01
DEFAULT_PRELU_ALPHA = 0.25
#: Xu, Wang, Chen & Li (2015) write Leaky ReLU as ``x / a`` for ``x < 0``; their "very leaky" one
#: has ``a = 5.5``, a slope of 1/5.5 (about 0.18), against ``a = 100`` (Maas's 0.01).
VERY_LEAKY_DIVISOR = 5.5

_DEFAULT_PARAMS: dict[str, dict[str, float]] = {
    "sigmoid": {},
    "tanh": {},
    "relu": {},
    "leaky_relu": {"slope": DEFAULT_LEAKY_SLOPE},
    "prelu": {"alpha": DEFAULT_PRELU_ALPHA},
}


def check_activation_name(name: str) -> str:
    """Return ``name`` if it is a known activation, else raise.

    Parameters
    ----------
    name
        Candidate activation name.

    Returns
    -------
    str
        The same name.

    Raises
    ------
    ValueError
        If ``name`` is not one of :data:`ACTIVATION_NAMES`.
    """
    if not isinstance(name, str) or name not in ACTIVATION_NAMES:
        raise ValueError(
            f"unknown activation {name!r}; allowed: {', '.join(ACTIVATION_NAMES)}"
        )
    return name


def sigmoid(x: np.ndarray | float) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-x))``, overflow-free for any float.

    Parameters
    ----------
    x
        Input, any shape.

    Returns
    -------
    numpy.ndarray
        Values in ``[0, 1]`` (strictly inside for ``|x| < ~36``).
    """
    x = np.asarray(x, dtype=float)
    # exp of -|x| never overflows; mirror for the negative side.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(x: np.ndarray | float) -> np.ndarray:
    """Derivative ``sigmoid(x) * (1 - sigmoid(x))``, never above 1/4 in floating point too.

    Two exact forms of the same function, each used where it rounds well:

    * ``|x| <= 2``: ``1/4 - tanh(x/2)**2 / 4`` (because ``sigmoid(x) - 1/2 = tanh(x/2) / 2``).
      A non-negative number subtracted from the exact 1/4 rounds to at most 1/4, so
      the bound holds by construction, without a clamp.
    * ``|x| > 2``: ``e / (1 + e)**2`` with ``e = exp(-|x|)``, which stays strictly
      positive far into the tails instead of rounding ``1 - s`` to 0; there the
      value is below ``sigmoid'(2) ~ 0.105``, far from 1/4.

    Parameters
    ----------
    x
        Input, any shape.

    Returns
    -------
    numpy.ndarray
        Values in ``(0, 1/4]``; exactly ``0.25`` at ``x = 0``.
    """
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    tails = e / (1.0 + e) ** 2
    centre = 0.25 - 0.25 * np.tanh(0.5 * x) ** 2
    return np.where(np.abs(x) <= 2.0, centre, tails)


def rectifier_parts(
    x: np.ndarray | float, negative_slope: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    """Value and derivative of the ReLU family with the given negative-side slope.

    ``f(x) = x`` for ``x > 0`` and ``slope * x`` otherwise; ``f'(x) = 1`` for
    ``x > 0`` and ``slope`` otherwise (so at exactly 0 the derivative is the
    negative-side slope: ``ReLU'(0) = 0``). The one implementation behind
    :meth:`Activation.f`, :meth:`Activation.df` and the training loops, where the
    slope can be one learned value per unit (PReLU).

    Parameters
    ----------
    x
        Pre-activation, any shape.
    negative_slope
        Scalar, or an array broadcasting against ``x`` (one slope per unit).

    Returns
    -------
    value, derivative : numpy.ndarray
        Both broadcast to the shape of ``x``.

    Examples
    --------
    >>> value, slope = rectifier_parts(np.array([-2.0, 3.0]), 0.25)
    >>> value.tolist(), slope.tolist()
    ([-0.5, 3.0], [0.25, 1.0])
    """
    x = np.asarray(x, dtype=float)
    positive = x > 0
    slope = np.broadcast_to(np.asarray(negative_slope, dtype=float), np.broadcast(x, negative_slope).shape)
    return np.where(positive, x, slope * x), np.where(positive, 1.0, slope)


def sigmoid_slope_max() -> tuple[float, float]:
    """Where the sigmoid is steepest, and how steep, derived from ``s(1 - s)``.

    ``s(1 - s) = 1/4 - (s - 1/2)**2`` is largest at ``s = 1/2``; the input with
    ``sigmoid(x) = 1/2`` is ``logit(1/2) = 0``.

    Returns
    -------
    tuple of float
        ``(argmax x, max slope)``, i.e. ``(0.0, 0.25)``.
    """
    s_star = 0.5  # vertex of the parabola s - s**2
    x_star = math.log(s_star / (1.0 - s_star))
    return (x_star, s_star * (1.0 - s_star))


@dataclass(frozen=True)
class Activation:
    """An activation function with its derivative, both vectorised.

    Build one with :func:`activation` rather than directly, so names and
    parameters are validated.

    Attributes
    ----------
    name
        One of :data:`ACTIVATION_NAMES`.
    params
        Full parameter set, defaults filled in (``slope`` for ``leaky_relu``,
        ``alpha`` for ``prelu``, nothing otherwise).
    """

    name: str
    params: dict[str, float] = field(default_factory=dict)

    @property
    def negative_slope(self) -> float | None:
        """Slope on the negative side for the ReLU family, ``None`` otherwise."""
        if self.name == "relu":
            return 0.0
        if self.name == "leaky_relu":
            return self.params["slope"]
        if self.name == "prelu":
            return self.params["alpha"]
        return None

    def f(self, x: np.ndarray | float) -> np.ndarray:
        """Apply the activation elementwise.

        Parameters
        ----------
        x
            Pre-activation, any shape.

        Returns
        -------
        numpy.ndarray
            ``f(x)``, same shape as ``x``.
        """
        x = np.asarray(x, dtype=float)
        if self.name == "sigmoid":
            return sigmoid(x)
        if self.name == "tanh":
            return np.tanh(x)
        return rectifier_parts(x, self.negative_slope)[0]

    def df(self, x: np.ndarray | float) -> np.ndarray:
        """Derivative of the activation with respect to its input, elementwise.

        At exactly ``x = 0`` the ReLU family takes its negative-side slope, so
        ``ReLU'(0) = 0`` (the convention the lecture states in small print).

        Parameters
        ----------
        x
            Pre-activation, any shape.

        Returns
        -------
        numpy.ndarray
            ``f'(x)``, same shape as ``x``.
        """
        x = np.asarray(x, dtype=float)
        if self.name == "sigmoid":
            return sigmoid_prime(x)
        if self.name == "tanh":
            return 1.0 - np.tanh(x) ** 2
        return rectifier_parts(x, self.negative_slope)[1]


def activation(name: str, **params: Any) -> Activation:
    """Build a validated :class:`Activation`.

    Parameters
    ----------
    name
        One of ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``, ``"prelu"``.
    **params
        ``slope`` for ``"leaky_relu"`` (default 0.01, must be in ``(0, 1)``);
        ``alpha`` for ``"prelu"`` (default 0.25, any finite number since it is learned).
        The other activations take none.

    Returns
    -------
    Activation
        The activation with every parameter filled in.

    Raises
    ------
    ValueError
        For an unknown name, an unknown parameter or an invalid value.

    Examples
    --------
    >>> activation("prelu").params
    {'alpha': 0.25}
    """
    check_activation_name(name)
    allowed = _DEFAULT_PARAMS[name]
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        allowed_text = ", ".join(allowed) if allowed else "none"
        raise ValueError(
            f"unknown parameter(s) {', '.join(unknown)} for {name!r}; allowed: {allowed_text}"
        )
    full: dict[str, float] = dict(allowed)
    for key, value in params.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
            raise ValueError(f"{name} parameter {key!r} must be a real number, got {value!r}")
        full[key] = float(value)
        if not math.isfinite(full[key]):
            raise ValueError(f"{name} parameter {key!r} must be finite, got {value!r}")
    if name == "leaky_relu" and not 0.0 < full["slope"] < 1.0:
        raise ValueError(f"leaky_relu slope must be in (0, 1), got {full['slope']!r}")
    return Activation(name=name, params=full)

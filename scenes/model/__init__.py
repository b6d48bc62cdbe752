"""Pure-numpy model of the lecture: activations, gradient flow and small training runs.

No Manim here: scenes import these functions and show what they compute.
"""

from __future__ import annotations

from .activations import (
    ACTIVATION_NAMES,
    RELU_FAMILY,
    Activation,
    activation,
    sigmoid_slope_max,
)
from .networks import (
    BEST_CASE_WEIGHT,
    backward_chain,
    best_case_chain,
    chain_local_factors,
    layer_gradient_norms,
    mlp_loss_and_gradients,
)
from .training import (
    DEFAULT_DEAD_RUN,
    PRELU_ALPHA_LR_SCALE,
    DeadRunSettings,
    DeadUnitRun,
    NeuronTrajectory,
    dead_unit_curve,
    fit_prelu_alpha,
    neuron_trajectory,
    prelu_fit_data,
)

__all__ = [
    "BEST_CASE_WEIGHT",
    "ACTIVATION_NAMES",
    "DEFAULT_DEAD_RUN",
    "PRELU_ALPHA_LR_SCALE",
    "RELU_FAMILY",
    "Activation",
    "DeadRunSettings",
    "DeadUnitRun",
    "NeuronTrajectory",
    "activation",
    "backward_chain",
    "best_case_chain",
    "chain_local_factors",
    "dead_unit_curve",
    "fit_prelu_alpha",
    "layer_gradient_norms",
    "mlp_loss_and_gradients",
    "neuron_trajectory",
    "prelu_fit_data",
    "sigmoid_slope_max",
]

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
    HE_GAIN,
    LayerGradients,
    backward_chain,
    best_case_chain,
    chain_local_factors,
    growth_weight_threshold,
    layer_gradient_norms,
    layer_gradients,
    mlp_loss_and_gradients,
    orders_of_magnitude_exceeded,
)
from .training import (
    DEAD_RUN_SEEDS,
    DEFAULT_DEAD_RUN,
    DEFAULT_DEEP_RUN,
    PRELU_ALPHA_LR_SCALE,
    DeadFractionSpread,
    DeadRunSettings,
    DeadUnitRun,
    DeepRunSettings,
    DeepTrainingRun,
    NeuronTrajectory,
    dead_fraction_spread,
    dead_unit_curve,
    fit_prelu_alpha,
    neuron_trajectory,
    prelu_fit_data,
    train_deep_network,
)

__all__ = [
    "ACTIVATION_NAMES",
    "BEST_CASE_WEIGHT",
    "DEAD_RUN_SEEDS",
    "DEFAULT_DEAD_RUN",
    "DEFAULT_DEEP_RUN",
    "HE_GAIN",
    "PRELU_ALPHA_LR_SCALE",
    "RELU_FAMILY",
    "Activation",
    "DeadFractionSpread",
    "DeadRunSettings",
    "DeadUnitRun",
    "DeepRunSettings",
    "DeepTrainingRun",
    "LayerGradients",
    "NeuronTrajectory",
    "activation",
    "backward_chain",
    "best_case_chain",
    "chain_local_factors",
    "dead_fraction_spread",
    "dead_unit_curve",
    "fit_prelu_alpha",
    "growth_weight_threshold",
    "layer_gradient_norms",
    "layer_gradients",
    "mlp_loss_and_gradients",
    "neuron_trajectory",
    "orders_of_magnitude_exceeded",
    "prelu_fit_data",
    "sigmoid_slope_max",
    "train_deep_network",
]

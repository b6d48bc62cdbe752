"""A one-neuron-per-layer chain x -> h1 -> ... -> hN -> L, with the animations chapters 2 to 5
share: a forward glow and a backward gradient pulse whose size follows the computed gradient."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from manim import (
    DOWN,
    LEFT,
    UP,
    Animation,
    AnimationGroup,
    Circle,
    Dot,
    LaggedStart,
    Line,
    MathTex,
    Mobject,
    Succession,
    Transform,
    VGroup,
)

from ..style import AXIS_WIDTH, LABEL_SIZE, MATH_SIZE, SMALL_SIZE, current_theme, gradient_strength
from .log_bars import LogBarChart
from .text import fraction_tex, get_math, number_tex

__all__ = ["ChainNetwork", "play_together", "get_compounding_counter"]

NODE_RADIUS = 0.24
PULSE_MIN_RADIUS = 0.04
PULSE_MAX_RADIUS = 0.26


class ChainNetwork(VGroup):
    """Nodes x, h_1..h_depth, L left to right, joined by edges; labels above the nodes.

    Parameters
    ----------
    depth
        The number of hidden layers (one neuron each).
    width
        The distance from the centre of x to the centre of L.
    activation_name
        The activation whose colour the forward pass lights the neurons in.
    node_radius
        The radius of each neuron.
    label_size
        The font size of the node labels.
    kwargs
        Passed on to :class:`~manim.VGroup`.

    Attributes
    ----------
    nodes, edges, labels : VGroup
        The neurons (x first, L last), the edges between them and the labels above them.
    """

    def __init__(self, depth: int, width: float, activation_name: str = "sigmoid",
                 node_radius: float = NODE_RADIUS, label_size: float = LABEL_SIZE, **kwargs: Any) -> None:
        theme = current_theme()
        self.layer_count = depth
        self.activation_name = activation_name
        names = ["x"] + [f"h_{{{k}}}" for k in range(1, depth + 1)] + ["L"]
        spacing = width / (len(names) - 1)
        self.nodes = VGroup(*(
            Circle(radius=node_radius, color=theme.muted, stroke_width=AXIS_WIDTH + 1)
            .set_fill(theme.background, opacity=1)
            .move_to((i * spacing - width / 2, 0, 0))
            for i in range(len(names))
        ))
        self.edges = VGroup(*(
            Line(a.get_right(), b.get_left(), color=theme.muted, stroke_width=AXIS_WIDTH + 1)
            for a, b in zip(self.nodes[:-1], self.nodes[1:])
        ))
        self.labels = VGroup(*(
            get_math(name, size=label_size, color=theme.text).next_to(node, UP, buff=0.12)
            for name, node in zip(names, self.nodes)
        ))
        self.labels.set_z_index(1)  # a full-strength pulse's glow reaches up to them: keep them readable
        super().__init__(self.edges, self.nodes, self.labels, **kwargs)

    def get_factor_labels(self, factors: Sequence[float], decimals: int = 2, size: float = SMALL_SIZE) -> VGroup:
        """Each layer's local factor w_k f'(z_k), written under the edge into h_k."""
        theme = current_theme()
        return VGroup(*(
            get_math(f"{factor:.{decimals}f}", size=size, color=theme.gradient).next_to(edge, DOWN, buff=0.3)
            for factor, edge in zip(factors, self.edges[: self.layer_count])
        ))

    def make_forward_pass_animation(self, run_time: float = 2.5) -> Animation:
        """The neurons light up left to right in the activation's colour."""
        color = current_theme().activation_color(self.activation_name)
        return LaggedStart(*(
            node.animate.set_fill(color, opacity=0.85).set_stroke(color)
            for node in self.nodes
        ), lag_ratio=0.6, run_time=run_time)

    def get_pulse(self, magnitude: float, node_index: int) -> VGroup:
        """The gradient signal at a node: a glowing dot sized and lit by log10|g|."""
        strength = gradient_strength(magnitude)
        radius = PULSE_MIN_RADIUS + (PULSE_MAX_RADIUS - PULSE_MIN_RADIUS) * strength
        color = current_theme().gradient
        center = self.nodes[node_index].get_center()
        glow = Dot(center, radius=radius * 1.9, color=color, fill_opacity=0.25 * (0.3 + 0.7 * strength))
        core = Dot(center, radius=radius, color=color, fill_opacity=0.35 + 0.65 * strength)
        return VGroup(glow, core)

    def make_backward_pulse(self, node_gradients: Sequence[float], step_time: float = 0.6,
                            chart: LogBarChart | None = None, counter: Mobject | None = None,
                            get_counter: Callable[[int], Mobject] | None = None
                            ) -> tuple[VGroup, list[Animation]]:
        """The pulse and one animation per step back, from L to h_depth and then across each layer to x.

        ``node_gradients[k]`` is |dL/dh_k| for k = depth..0 in that order (the model computes them);
        the pulse starts at L at full size. With a ``chart``, each layer crossed also grows that
        layer's bar to the gradient that reached it; with a ``counter``, each layer crossed turns it
        into ``get_counter(k)`` (k layers crossed), left edge in place. Returning the steps lets a
        scene play them one by one, or zip several chains onto one timeline (``play_together``).
        """
        pulse = self.get_pulse(1.0, len(self.nodes) - 1)
        targets = [self.get_pulse(g, self.layer_count - k) for k, g in enumerate(node_gradients)]
        steps: list[Animation] = [Transform(pulse, target, run_time=step_time) for target in targets]
        if chart is None and counter is None:
            return pulse, steps
        color = current_theme().gradient
        for crossed in range(1, len(steps)):
            alongside = []
            if chart is not None:
                layer = self.layer_count - crossed  # 0-based index of the layer just crossed
                alongside.append(chart.make_bar_animation(layer, node_gradients[crossed], color, run_time=step_time))
            if counter is not None and get_counter is not None:
                alongside.append(Transform(counter, get_counter(crossed).move_to(counter, aligned_edge=LEFT),
                                           run_time=step_time))
            steps[crossed] = AnimationGroup(steps[crossed], *alongside)
        return pulse, steps


def play_together(*step_lists: Sequence[Animation]) -> Succession:
    """Per-layer steps of several chains (or charts) zipped onto one timeline.

    Parameters
    ----------
    step_lists
        One list of steps per chain, as ``make_backward_pulse`` returns them, all of one length.

    Returns
    -------
    Succession
        The i-th steps of every list played together, then the next ones.
    """
    return Succession(*(AnimationGroup(*steps) for steps in zip(*step_lists)))


def get_compounding_counter(factor: float, crossed: int, value: float, size: float = MATH_SIZE * 1.1) -> MathTex:
    """``(factor)^k = value`` after the pulse has crossed k layers: (1/4)^3 = 0.0156, 1^3 = 1.

    Parameters
    ----------
    factor
        Each layer's factor (a simple fraction, or 1).
    crossed
        How many layers the pulse has crossed, the exponent.
    value
        The gradient after them, as the model computes it.
    size
        The formula's font size.
    """
    base = "1" if factor == 1 else rf"\left({fraction_tex(factor)}\right)"
    return get_math(rf"{base}^{{{crossed}}} = {number_tex(value)}", size=size, color=current_theme().gradient)

"""A one-neuron-per-layer chain x -> h1 -> ... -> hN -> L, with the animations chapters 2 to 5
share: a forward glow and a backward gradient pulse whose size follows the computed gradient."""
from __future__ import annotations

from collections.abc import Sequence

from manim import (
    DOWN,
    UP,
    Animation,
    AnimationGroup,
    Circle,
    Dot,
    LaggedStart,
    Line,
    MathTex,
    Succession,
    Transform,
    VGroup,
)

from ..style import AXIS_WIDTH, LABEL_SIZE, MATH_SIZE, SMALL_SIZE, current_theme, gradient_strength
from .text import fraction_tex, get_math, number_tex

NODE_RADIUS = 0.24
PULSE_MIN_RADIUS = 0.04
PULSE_MAX_RADIUS = 0.26


class ChainNetwork(VGroup):
    """Nodes x, h_1..h_depth, L left to right, joined by edges; labels above the nodes."""

    def __init__(self, depth: int, width: float, activation_name: str = "sigmoid",
                 node_radius: float = NODE_RADIUS, label_size: float = LABEL_SIZE) -> None:
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
        super().__init__(self.edges, self.nodes, self.labels)

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

    def make_backward_pulse(self, node_gradients: Sequence[float], step_time: float = 0.6
                            ) -> tuple[VGroup, list[Animation]]:
        """The pulse and one animation per layer crossed, from L back to x.

        ``node_gradients[k]`` is |dL/dh_k| for k = depth..0 in that order (the model computes them);
        the pulse starts at L at full size. Returning the steps lets a scene play other per-layer
        animations (bars, counters, a second chain) on the same timeline.
        """
        pulse = self.get_pulse(1.0, len(self.nodes) - 1)
        targets = [self.get_pulse(g, self.layer_count - k) for k, g in enumerate(node_gradients)]
        steps = [Transform(pulse, target, run_time=step_time) for target in targets]
        return pulse, steps


def play_together(*step_lists: Sequence[Animation]) -> Succession:
    """Per-layer steps of several chains (or charts) zipped onto one timeline."""
    return Succession(*(AnimationGroup(*steps) for steps in zip(*step_lists)))


def get_compounding_counter(factor: float, crossed: int, value: float, size: float = MATH_SIZE * 1.1) -> MathTex:
    """``(factor)^k = value`` after the pulse has crossed k layers: (1/4)^3 = 0.0156, 1^3 = 1."""
    base = "1" if factor == 1 else rf"\left({fraction_tex(factor)}\right)"
    return get_math(rf"{base}^{{{crossed}}} = {number_tex(value)}", size=size, color=current_theme().gradient)

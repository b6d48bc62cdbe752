"""Automatic layout checks: text and formulas stay inside the safe area and never overlap.

Pure geometry on the mobjects a scene shows; the tests run it at the end of every beat of every
chapter, in every language.
"""
from __future__ import annotations

from collections.abc import Iterable

from manim import DecimalNumber, MathTex, Mobject, SingleStringMathTex, Tex, Text, config

from .style import SAFE_MARGIN

__all__ = ["find_layout_problems", "text_units", "describe"]

TEXT_TYPES = (Text, MathTex, SingleStringMathTex, Tex, DecimalNumber)
OVERLAP_TOLERANCE = 0.04  # Manim units: glyph boxes may touch, not overlap


def text_units(mobjects: Iterable[Mobject]) -> list[Mobject]:
    """The visible text-like mobjects (a Text counts as one unit, not one per glyph)."""
    found: list[Mobject] = []

    def visit(mob: Mobject) -> None:
        if isinstance(mob, TEXT_TYPES):
            if mob.has_points() or mob.submobjects:
                if any(max(part.get_fill_opacity(), part.get_stroke_opacity()) > 0.05
                       for part in mob.family_members_with_points()):
                    found.append(mob)
            return
        for sub in mob.submobjects:
            visit(sub)

    for mob in mobjects:
        visit(mob)
    return found


def describe(mob: Mobject) -> str:
    text = getattr(mob, "original_text", None) or getattr(mob, "tex_string", None) or getattr(mob, "number", None)
    return f"{type(mob).__name__}({str(text)[:40]!r})"


def find_layout_problems(mobjects: Iterable[Mobject], allowed_overlaps: Iterable[tuple[Mobject, Mobject]] = ()
                         ) -> list[str]:
    """Text outside the safe area, and pairs of texts whose boxes overlap (unless allowed)."""
    units = text_units(mobjects)
    allowed = {frozenset((id(a), id(b))) for a, b in allowed_overlaps}
    x_limit = config.frame_width / 2 - SAFE_MARGIN
    y_limit = config.frame_height / 2 - SAFE_MARGIN
    problems = []
    for mob in units:
        left, bottom = mob.get_corner((-1, -1, 0))[:2]
        right, top = mob.get_corner((1, 1, 0))[:2]
        if left < -x_limit or right > x_limit or bottom < -y_limit or top > y_limit:
            problems.append(f"{describe(mob)} leaves the safe area")
    for i, first in enumerate(units):
        for second in units[i + 1:]:
            if frozenset((id(first), id(second))) in allowed:
                continue
            dx = min(first.get_right()[0], second.get_right()[0]) - max(first.get_left()[0], second.get_left()[0])
            dy = min(first.get_top()[1], second.get_top()[1]) - max(first.get_bottom()[1], second.get_bottom()[1])
            if dx > OVERLAP_TOLERANCE and dy > OVERLAP_TOLERANCE:
                problems.append(f"{describe(first)} overlaps {describe(second)}")
    return problems

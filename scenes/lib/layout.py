"""Automatic layout checks: text and formulas stay inside the safe area and never overlap, and
nothing drawn leaves the scene's frame (a video shows that frame above its caption band, so this
keeps the band free for subtitles).

Pure geometry on the mobjects a scene shows; the tests run it after every animation of every
chapter, in every language.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from manim import DecimalNumber, ImageMobject, MathTex, Mobject, SingleStringMathTex, Tex, Text, VMobject, config

from .style import SAFE_MARGIN

__all__ = ["find_layout_problems", "text_units", "describe", "frame_problems", "is_visible", "visible_parts"]

TEXT_TYPES = (Text, MathTex, SingleStringMathTex, Tex, DecimalNumber)
OVERLAP_TOLERANCE = 0.04  # Manim units: glyph boxes may touch, not overlap
VISIBLE_OPACITY = 0.05
FRAME_TOLERANCE = 0.02  # Manim units (3 px at 1080p) a drawing's points may pass the frame's edge


def is_visible(mob: Mobject) -> bool:
    return max(mob.get_fill_opacity(), mob.get_stroke_opacity()) > VISIBLE_OPACITY


def visible_parts(mobject: Mobject) -> list[Mobject]:
    """The drawings in ``mobject`` that show: shapes not transparent, and images (value trackers
    have points too, but draw nothing)."""
    return [part for part in mobject.family_members_with_points()
            if isinstance(part, ImageMobject) or (isinstance(part, VMobject) and is_visible(part))]


def text_units(mobjects: Iterable[Mobject]) -> list[Mobject]:
    """The visible text-like mobjects (a Text counts as one unit, not one per glyph)."""
    found: list[Mobject] = []

    def visit(mob: Mobject) -> None:
        if isinstance(mob, TEXT_TYPES):
            if mob.has_points() or mob.submobjects:
                if any(is_visible(part) for part in mob.family_members_with_points()):
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
    """Text outside the safe area, anything visible outside the frame, and pairs of texts whose boxes
    overlap (unless allowed)."""
    mobjects = list(mobjects)
    units = text_units(mobjects)
    allowed = {frozenset((id(a), id(b))) for a, b in allowed_overlaps}
    # Each text's box once (left, bottom, right, top), as Manim's get_corner measures it: the
    # checks run after every animation, and measuring per pair made them most of a test's time.
    boxes = [np.concatenate([points.min(axis=0)[:2], points.max(axis=0)[:2]])
             for points in (mob.get_all_points() for mob in units)]
    x_limit = config.frame_width / 2 - SAFE_MARGIN
    y_limit = config.frame_height / 2 - SAFE_MARGIN
    problems = []
    for mob, (left, bottom, right, top) in zip(units, boxes):
        if left < -x_limit or right > x_limit or bottom < -y_limit or top > y_limit:
            problems.append(f"{describe(mob)} leaves the safe area")
    problems += frame_problems(mobjects)
    for i, (first, first_box) in enumerate(zip(units, boxes)):
        for second, second_box in zip(units[i + 1:], boxes[i + 1:]):
            dx = min(first_box[2], second_box[2]) - max(first_box[0], second_box[0])
            dy = min(first_box[3], second_box[3]) - max(first_box[1], second_box[1])
            if dx > OVERLAP_TOLERANCE and dy > OVERLAP_TOLERANCE \
                    and frozenset((id(first), id(second))) not in allowed:
                problems.append(f"{describe(first)} overlaps {describe(second)}")
    return problems


def frame_problems(mobjects: list[Mobject]) -> list[str]:
    """Visible drawings reaching outside the scene's frame (in a video: into the caption band)."""
    x_limit = config.frame_width / 2 + FRAME_TOLERANCE
    y_limit = config.frame_height / 2 + FRAME_TOLERANCE
    problems = []
    for mob in mobjects:
        for part in visible_parts(mob):
            points = part.points
            if (np.abs(points[:, 0]) > x_limit).any() or (np.abs(points[:, 1]) > y_limit).any():
                problems.append(f"{describe(mob)} leaves the frame (a video's caption band is below it)")
                break
    return problems

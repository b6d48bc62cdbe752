"""The right-hand panel: text and formulas beside a plot or chart, up to the frame's safe edge.

Chapters 1, 2, 3 and 5 put their explanations there; one gap and one width rule serve them all.
"""
from __future__ import annotations

from collections.abc import Callable

from manim import RIGHT, UP, Mobject, config

from scenes.lib.style import EDGE_BUFF

__all__ = ["PANEL_GAP", "fit_beside", "panel_width", "place_in_panel"]

PANEL_GAP = 0.7  # between the plot (or chart) and the panel beside it


def panel_width(beside: Mobject) -> float:
    """Width of the panel right of ``beside``, up to the safe edge of the frame.

    Parameters
    ----------
    beside
        The plot or chart the panel stands beside, already in place.
    """
    return config.frame_width / 2 - EDGE_BUFF - (beside.get_right()[0] + PANEL_GAP)


def place_in_panel(group: Mobject, beside: Mobject) -> Mobject:
    """Put ``group`` in the panel right of ``beside``, top-aligned with it.

    Parameters
    ----------
    group
        What the panel holds; moved, and returned.
    beside
        The plot or chart it stands beside.
    """
    return group.next_to(beside, RIGHT, buff=PANEL_GAP).align_to(beside, UP)


def fit_beside(build: Callable[[float], Mobject], width: float, needs: float) -> Mobject:
    """``build(width)``, a chart drawn as wide as it may be: narrowed, if need be, so the panel right
    of it is ``needs`` wide (a legend's row does not wrap, and its width differs by language).

    Parameters
    ----------
    build
        Makes the chart, in place, given the width of its plotting area.
    width
        The widest plotting area wanted.
    needs
        The width the panel beside it must keep.
    """
    chart = build(width)
    shortfall = needs - panel_width(chart)
    return build(width - shortfall) if shortfall > 0 else chart

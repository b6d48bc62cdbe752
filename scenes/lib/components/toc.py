"""The lecture's table of contents: the four ideas ahead, one of which a chapter can light up."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, Text, VGroup

from ..style import BODY_SIZE, ITEM_BUFF, current_theme
from ..text_roles import LABEL
from .text import get_plain_text, get_text

__all__ = ["get_table_of_contents", "TOC_KEYS"]

TOC_KEYS = ("toc.sigmoid_slope", "toc.compounding", "toc.relu", "toc.dying")


def get_table_of_contents(active: int | None = None, size: float = BODY_SIZE) -> VGroup:
    """The four ideas, numbered, one under the other.

    Parameters
    ----------
    active
        The index of the idea to light (the others are dimmed); all lit when None.
    size
        The font size.
    """
    theme = current_theme()
    rows = VGroup()
    for index, key in enumerate(TOC_KEYS):
        lit = active is None or active == index
        color = theme.text if lit else theme.muted
        number: Text = get_plain_text(f"{index + 1}.", size=size, color=theme.gradient if lit else theme.muted)
        row = VGroup(number, get_text(key, size=size, color=color, role=LABEL)).arrange(RIGHT, buff=0.25)
        rows.add(row)
    return rows.arrange(DOWN, buff=ITEM_BUFF * 1.4, aligned_edge=LEFT)

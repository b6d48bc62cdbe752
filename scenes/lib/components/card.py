"""The takeaway card: one string from the table, wrapped, in a rounded box of the gradient's colour.

Chapters end on it (and chapter 3 marks the seed of the next chapter with it), so every card has
the same padding and corners.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from manim import SurroundingRectangle, VGroup

from ..style import BODY_SIZE, CARD_CORNER_RADIUS, CARD_PADDING, current_theme
from ..text_roles import TAKEAWAY, mark_role
from .text import get_wrapped_text

__all__ = ["TakeawayCard"]


class TakeawayCard(VGroup):
    """A string of the table, wrapped, in a rounded box ``CARD_PADDING`` away from it.

    Parameters
    ----------
    key
        The string's key in the table.
    width
        The widest the card may be, box included: the text wraps at ``width - 2 * CARD_PADDING``.
    size
        The text's font size.
    color
        The text's and the box's colour; the theme's gradient colour when None.
    values
        Values for the string's ``{placeholders}``.
    kwargs
        Passed on to :class:`~manim.VGroup`.

    Attributes
    ----------
    text : VGroup
        The wrapped lines.
    box : SurroundingRectangle
        Their frame.
    """

    def __init__(self, key: str, width: float, size: float = BODY_SIZE, color: str | None = None,
                 values: Mapping[str, object] | None = None, **kwargs: Any) -> None:
        color = color or current_theme().gradient
        self.text = get_wrapped_text(key, width - 2 * CARD_PADDING, size=size, color=color, role=TAKEAWAY,
                                     **(values or {}))
        self.box = SurroundingRectangle(self.text, color=color, buff=CARD_PADDING, corner_radius=CARD_CORNER_RADIUS)
        super().__init__(self.box, self.text, **kwargs)
        mark_role(self, TAKEAWAY, self.text.screen_text)  # the box is the card's, not part of the picture

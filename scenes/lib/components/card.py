"""The takeaway card: one string from the table, wrapped, in a rounded box of the gradient's colour.

Chapters end on it (and chapter 3 marks the seed of the next chapter with it), so every card has
the same padding and corners.
"""
from __future__ import annotations

from manim import SurroundingRectangle, VGroup

from ..style import BODY_SIZE, CARD_CORNER_RADIUS, CARD_PADDING, current_theme
from .text import get_wrapped_text


class TakeawayCard(VGroup):
    """The string ``key`` wrapped to fit ``width`` (box included), framed by ``box``.

    ``text`` is the wrapped text and ``box`` its frame; ``values`` fill the string's placeholders.
    """

    def __init__(self, key: str, width: float, size: float = BODY_SIZE, color: str | None = None,
                 **values: object) -> None:
        color = color or current_theme().gradient
        self.text = get_wrapped_text(key, width - 2 * CARD_PADDING, size=size, color=color, **values)
        self.box = SurroundingRectangle(self.text, color=color, buff=CARD_PADDING, corner_radius=CARD_CORNER_RADIUS)
        super().__init__(self.box, self.text)

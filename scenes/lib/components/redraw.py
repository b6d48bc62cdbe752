"""Manim's ``always_redraw``, without the redraws that change nothing."""
from __future__ import annotations

from collections.abc import Callable, Hashable

from manim import Mobject

__all__ = ["redraw_on_change"]


def redraw_on_change(draw: Callable[[], Mobject], depends_on: Callable[[], Hashable]) -> Mobject:
    """What ``always_redraw(draw)`` shows, redrawn only when ``depends_on()`` (everything ``draw``
    reads: a tracker's value, the position it is drawn at) differs from the last drawing's.

    ``always_redraw`` builds and copies a new mobject on every frame of every animation while it is
    on screen, also while what it draws stands still: a frozen neuron's dots for ten seconds, a dot
    on a curve while a caption fades in. What is shown is still ``draw()`` of the current values,
    so a render that takes animations from Manim's cache (updating once, not every frame) shows
    the same points.
    """
    drawn = [depends_on()]
    mobject = draw()

    def redraw(mob: Mobject) -> None:
        now = depends_on()
        if now != drawn[0]:
            drawn[0] = now
            mob.become(draw())

    mobject.add_updater(redraw)
    return mobject

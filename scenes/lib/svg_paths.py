"""SVG-made shapes (every glyph of a ``Text``, ``MathTex`` or ``Brace``) without their parse trees.

Manim keeps, in each ``VMobjectFromSVGPath``, the svgelements ``Path`` it was made from: a Python
object per segment and per point, about 85,000 of them on chapter 3's busiest screen. It reads the
path once, to make the shape's points, and never again (the Cairo renderer draws the points), but
it keeps paying for it: Manim's cache hash walks every object of every mobject on screen at each
``play``, and every animation deep-copies the mobjects it animates. Measured on chapter 3 at
preview (cold, 63 animations): the hash took 24.8 s with the paths and 13.1 s without, and the
whole render 115 s and 91 s. The points, which Manim hashes and copies as before, hold everything
the path decided, so the frames do not change. It wraps Manim 0.21.0's ``VMobjectFromSVGPath``, so it
is applied only behind the gate for Manim's internals (scenes/lib/manim_gate.py).
"""
from __future__ import annotations

import functools

from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

from .manim_gate import speedup

__all__ = ["forget_svg_paths"]


@speedup
def forget_svg_paths() -> None:
    """Make every ``VMobjectFromSVGPath`` drop its svgelements path once its points are made (with
    the supported Manim: the call returns whether it did).

    Idempotent. A later read of ``path_obj`` fails loudly (AttributeError) rather than reading
    something stale; nothing in Manim's Cairo renderer reads it after construction.
    """
    init = VMobjectFromSVGPath.__init__
    if getattr(init, "forgets_its_path", False):
        return

    @functools.wraps(init)
    def init_then_forget(self, *args, **kwargs) -> None:
        init(self, *args, **kwargs)
        del self.path_obj

    init_then_forget.forgets_its_path = True
    VMobjectFromSVGPath.__init__ = init_then_forget

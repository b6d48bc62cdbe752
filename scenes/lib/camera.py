"""Manim's Cairo camera, without two costs it pays again on every frame for what has not changed.

Manim redraws every mobject from the first one that moves to the last on each frame, also the ones
that stand still (a number line under moving dots, the labels after an animated one). Measured in
chapter 4's frozen training at 1080p60 (669 frames, 25 s of drawing):

- Tracing a shape's outline (one Python call per Bézier curve, after splitting it into subpaths)
  took 12 s. A shape whose points are what they were last time gets the outline Cairo kept from
  then, in one call; what is filled and stroked is the same.
- Listing what to draw took 6 s: Manim hands the camera every family member of what moves, and the
  camera lists each one's family again, recursively, about 300 times a frame. Here each family is
  listed once per frame; the list, and so the drawing order, is the one Manim makes.

It overrides two methods of Manim's camera, written against Manim 0.21.0's, so chapters draw with it
only behind the gate for Manim's internals (``lecture_camera_class``, scenes/lib/manim_gate.py).
"""
from __future__ import annotations

import itertools as it
import weakref
from collections.abc import Iterable

import cairo
import numpy as np
from manim import Camera, Mobject, VMobject
from manim.utils.iterables import remove_list_redundancies

from .manim_gate import speedups_on

__all__ = ["OutlineCachingCamera", "lecture_camera_class"]

# Shapes remembered at most; past it the memory starts afresh (mobjects made per frame come and go).
MAX_OUTLINES = 20_000
# Each camera's outlines: id of a shape -> its points when traced, and the path Cairo made of them
# (in scene units, so it does not depend on the pixel size). Kept outside the camera, whose
# attributes Manim hashes into every animation's cache key: ids differ from run to run, so an
# outline kept on the camera made every animation miss Manim's cache.
_OUTLINES: weakref.WeakKeyDictionary[Camera, dict[int, tuple[np.ndarray, cairo.Path]]] = weakref.WeakKeyDictionary()


class OutlineCachingCamera(Camera):
    """A Cairo ``Camera`` that traces a shape's outline again only when its points changed."""

    @property
    def outlines(self) -> dict[int, tuple[np.ndarray, cairo.Path]]:
        """The outlines this camera traced, by id of their shape (see ``_OUTLINES``)."""
        return _OUTLINES.setdefault(self, {})

    def get_mobjects_to_display(self, mobjects: Iterable[Mobject], include_submobjects: bool = True,
                                excluded_mobjects: list | None = None) -> list[Mobject]:
        """Manim's list (``extract_mobject_family_members`` with the points-only filter), with each
        family computed once: ``Mobject.get_family`` recomputes its members' families recursively."""
        if not include_submobjects or excluded_mobjects:
            return super().get_mobjects_to_display(mobjects, include_submobjects, excluded_mobjects)
        families: dict[int, list[Mobject]] = {}

        def family(mob: Mobject) -> list[Mobject]:  # Mobject.get_family, remembered
            members = families.get(id(mob))
            if members is None:
                members = remove_list_redundancies([mob, *it.chain.from_iterable(map(family, mob.submobjects))])
                families[id(mob)] = members
            return members

        shown = remove_list_redundancies([member for mob in mobjects for member in family(mob)
                                          if member.get_num_points() > 0])
        return sorted(shown, key=lambda m: m.z_index) if self.use_z_index else shown

    def set_cairo_context_path(self, ctx: cairo.Context, vmobject: VMobject) -> OutlineCachingCamera:
        points = vmobject.points
        if len(points) == 0 or not np.all(np.isfinite(points)):
            return super().set_cairo_context_path(ctx, vmobject)  # Manim's own handling of these
        outlines = self.outlines
        known = outlines.get(id(vmobject))
        if known is not None and known[0].shape == points.shape and np.array_equal(known[0], points):
            ctx.new_path()
            ctx.append_path(known[1])
            return self
        super().set_cairo_context_path(ctx, vmobject)
        if len(outlines) >= MAX_OUTLINES:
            outlines.clear()
        outlines[id(vmobject)] = (points.copy(), ctx.copy_path())
        return self


def lecture_camera_class() -> type[Camera]:
    """The camera chapters draw with: ``OutlineCachingCamera`` with the Manim it was written for,
    Manim's own ``Camera`` with any other (scenes/lib/manim_gate.py)."""
    return OutlineCachingCamera if speedups_on() else Camera

"""The lecture's camera draws what Manim's draws: the same list of shapes in the same order, and the
same pixels when it reuses the outlines it traced before."""
from __future__ import annotations

import numpy as np
import pytest
from manim import Camera, Circle, Dot, MathTex, Square, Text, VGroup, tempconfig

from scenes.lib.camera import OutlineCachingCamera


@pytest.fixture(autouse=True)
def own_media_dir(manim_media_dir):
    """LaTeX's files go to this xdist worker's media folder: in the shared ./media, the two tests
    run side by side wrote, and one deleted, the same file of the same formula."""
    with tempconfig({"media_dir": str(manim_media_dir)}):
        yield


def scene_like() -> list:
    """Top-level mobjects as a scene holds them: nested groups, text, z-indices, and a group made
    for an animation that shares members with others (as ``FadeOut(VGroup(a, b))`` adds)."""
    label = MathTex(r"\partial L / \partial w =", "0.25")
    square, circle, dot = Square().shift([2, 0.5, 0]), Circle(fill_opacity=0.4), Dot([-1, -1, 0]).set_z_index(3)
    row = VGroup(VGroup(square, label), Text("ReLU").next_to(circle, [0, -1, 0]))
    return [circle, row, dot, VGroup(label, dot), square.copy().shift([-4, 0, 0])]


def test_the_shapes_to_draw_are_manim_s_in_manim_s_order():
    mobjects = scene_like()
    for use_z_index in (True, False):
        manim, ours = Camera(use_z_index=use_z_index), OutlineCachingCamera(use_z_index=use_z_index)
        assert ours.get_mobjects_to_display(mobjects) == manim.get_mobjects_to_display(mobjects)
        assert ours.get_mobjects_to_display(mobjects[1:2]) == manim.get_mobjects_to_display(mobjects[1:2])


def test_a_frame_drawn_from_remembered_outlines_is_manim_s_frame():
    mobjects = scene_like()
    config = {"pixel_width": 480, "pixel_height": 270}
    manim, ours = Camera(**config), OutlineCachingCamera(**config)
    manim.capture_mobjects(mobjects)
    ours.capture_mobjects(mobjects)  # traces every outline
    assert np.array_equal(ours.pixel_array, manim.pixel_array)
    traced = dict(ours.outlines)
    ours.reset()
    ours.capture_mobjects(mobjects)  # every outline remembered
    retraced = [key for key, outline in traced.items() if ours.outlines[key] is not outline]
    assert not retraced, "a shape that did not change was traced again"
    assert np.array_equal(ours.pixel_array, manim.pixel_array)

    mobjects[0].shift([0.3, 0, 0])  # a shape that moved is traced afresh
    manim.reset()
    ours.reset()
    manim.capture_mobjects(mobjects)
    ours.capture_mobjects(mobjects)
    assert np.array_equal(ours.pixel_array, manim.pixel_array)

"""pipeline/play_hash.py gives Manim's play-call hash, the same string, for every beat of every
chapter and for the awkward objects Manim's encoder treats specially; and the worker uses it, with
every other speed-up, only with the Manim they were written against (scenes/lib/manim_gate.py)."""
from __future__ import annotations

import functools
import os
from collections import OrderedDict, defaultdict, namedtuple

import numpy as np
import pytest
from conftest import KEY_FRAME_SIZE
from manim import Camera, Circle, FadeOut, Indicate, Square, VGroup, Wait
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
from manim.renderer import cairo_renderer
from manim.scene import scene_file_writer
from manim.utils import hashing, tex_file_writing

from pipeline import manim_worker, play_hash
from pipeline.key_frames import render_key_frames
from pipeline.registry import CHAPTERS
from scenes.lib import manim_gate
from scenes.lib.camera import OutlineCachingCamera
from scenes.lib.lecture_scene import LectureScene


def both_jsons(obj, include_pixel_array: bool = False) -> tuple[str, str]:
    """``obj`` as Manim's encoder writes it, and as play_hash's does, each with a fresh memoizer."""
    manims = hashing._get_json(obj, hashing._Memoizer(), include_pixel_array=include_pixel_array)
    ours = play_hash._get_json(obj, play_hash._Memoizer(), include_pixel_array=include_pixel_array)
    return manims, ours


Point = namedtuple("Point", "x y")


class Plain:
    """An object Manim's encoder writes as its ``__dict__``."""

    def __init__(self, **fields) -> None:
        self.__dict__.update(fields)


def closure(offset):
    def shifted(x):
        return np.sin(x) + offset  # a module and a nonlocal: Manim drops the module, keeps the value

    return shifted


@functools.wraps(closure)
def wrapped(offset):
    return closure(offset)


def awkward_objects() -> dict[str, object]:
    array = np.linspace(0, 1, 12).reshape(4, 3)
    shared = [1, 2]
    circular = Plain(name="loop")
    circular.me = circular
    return {
        # None and the placeholder string are memoized like objects: only their first use is written
        "repeated None and the placeholder": {"a": None, "b": None, "c": "AP", "d": ["AP", None, "AP"]},
        "numbers of every kind": [1, 1.5, True, 2j, np.float64(0.25), np.int64(3), np.uint8(7), np.bool_(True),
                                  float("nan"), float("inf"), "text", "text"],
        "tuples, hashable and not": (("a", 1), ("a", 1), (shared, 3), (shared, 3), [shared, shared],
                                     type("Items", (list,), {})([array, array]), Point(array, array)),
        "the same array twice, and an equal one": {"x": array, "y": array, "z": array.copy()},
        "arrays of other layouts and types": [np.asfortranarray(array), array[:, 1], array.T,
                                              array.astype(">f8"), array.astype(np.int32), np.float32(1.5),
                                              np.array(2.5), np.zeros((0, 3)), np.array([True, False]),
                                              np.array(["a", "bc"]), np.ones(2, dtype="<f8")],
        "arrays Manim writes with repr": [np.array([1, None], dtype=object), np.ma.masked_array([1.0, 2.0]),
                                          np.zeros((2, 2), dtype=[("p", "<f4"), ("q", ">i2")]),
                                          np.zeros(3, dtype=("<f8", (2,))), np.arange(2000.0).view(np.recarray)],
        "functions": [closure(1.0), closure(2.0), lambda t: t * 2, Plain.__init__, Plain().__init__,
                      wrapped, len, np.sin],
        "keys that are not strings": {1: "int", 2.5: "float", None: "none", (1, 2): "tuple", False: "bool",
                                      frozenset({3}): "set"},
        # a value left out is still marked: where it comes again, only the placeholder is written
        "keys left out": {"background": array, "pixel_array": array + 1, "original_id": shared, "kept": 1,
                          "again": [array, shared]},
        "mappings and sequences of other classes": {"ordered": OrderedDict(b=array, a=[array, (1, 2)]),
                                                    "default": defaultdict(list, k=[shared, shared]),
                                                    "items": type("Items", (list,), {})([array, array])},
        "objects, one holding itself": [Plain(a=1, b=Plain(c=array)), circular],
        "mobjects": VGroup(Circle().set_fill(opacity=0.5), Square().shift(np.array([1.0, 0, 0]))),
    }


@pytest.mark.parametrize("include_pixel_array", [False, True])
@pytest.mark.parametrize("name", list(awkward_objects()))
def test_awkward_objects_are_written_as_manim_writes_them(name, include_pixel_array):
    manims, ours = both_jsons(awkward_objects()[name], include_pixel_array)
    assert ours == manims


def test_equal_code_from_two_files_is_hashed_by_each_file_s_source(tmp_path, monkeypatch):
    """Code objects compare equal across files (bytecode, names, lines; not defaults): each
    function's own source is what Manim hashes, so two such functions must not share one."""
    monkeypatch.syspath_prepend(str(tmp_path))
    for name, power in (("curve_a", 2), ("curve_b", 3)):
        (tmp_path / f"{name}.py").write_text(f"f = lambda t, p={power}: t ** p\n")
    import curve_a
    import curve_b

    assert curve_a.f.__code__ == curve_b.f.__code__  # the trap
    for functions in ([curve_a.f, curve_b.f], [curve_b.f], [curve_a.f]):
        manims, ours = both_jsons(functions)
        assert ours == manims
    assert both_jsons([curve_a.f])[1] != both_jsons([curve_b.f])[1]


def test_all_the_awkward_objects_together_hash_as_manim_hashes_them():
    """One memoizer across everything, as in a play call: marks made early decide what is written later."""
    objects = list(awkward_objects().values())
    scene = Plain(mobjects=objects)
    camera = Plain(frame_rate=15, background=np.zeros((2, 2, 4)))
    animations = [Indicate(Circle()), Wait(1)]
    assert (play_hash.get_hash_from_play_call(scene, camera, animations, objects)
            == hashing.get_hash_from_play_call(scene, camera, animations, objects))


CHAPTER_CASES = [pytest.param(chapter, id=chapter.slug) for chapter in CHAPTERS]


@pytest.mark.parametrize("chapter", CHAPTER_CASES)
def test_each_beat_of_each_chapter_hashes_as_manim_hashes_it(chapter, manim_media_dir, lecture_env):
    """The objects the lecture really puts on screen (glyphs, formulas, charts, trackers, updaters),
    hashed both ways after the first animation of every beat, in a run with animations skipped."""
    lecture_env(lang="en", theme="dark")
    compared: list[str] = []

    def compare(scene) -> None:
        beat = scene.beats[-1].name if scene.beats else "(before the first beat)"
        if beat in compared or not scene.mobjects:
            return  # an empty scene (the title card between its cold open and its title) waits for the next play
        compared.append(beat)
        animations = [FadeOut(mobject) for mobject in scene.mobjects[:3]] + [Indicate(scene.mobjects[-1])]
        call = (scene, scene.renderer.camera, animations, scene.mobjects)
        assert play_hash.get_hash_from_play_call(*call) == hashing.get_hash_from_play_call(*call), beat

    scene_beats = render_key_frames(chapter, "en", "dark", manim_media_dir, *KEY_FRAME_SIZE, after_play=compare)
    assert set(scene_beats) <= set(compared), "every beat was compared"


# What each speed-up replaces in Manim: its owner and the attribute (the camera is chosen, not patched).
PATCHED = {
    "the play-call hash": (cairo_renderer, "get_hash_from_play_call"),
    "LaTeX from a preloaded preamble": (tex_file_writing, "compile_tex"),
    "the frame hand-off": (scene_file_writer._PartialMovieEncodeJob, "_encode_and_write_frame"),
    "the fast AAC coder": (scene_file_writer, "convert_audio"),
    "glyphs without their SVG paths": (VMobjectFromSVGPath, "__init__"),
}


def manims_own(owner, name):
    """``owner.name`` as Manim has it: an earlier scene of this session may have left the glyphs'
    ``__init__`` wrapped (forget_svg_paths lasts for the process)."""
    value = getattr(owner, name)
    return value.__wrapped__ if getattr(value, "forgets_its_path", False) else value


@pytest.mark.parametrize("installed", [manim_gate.SUPPORTED_MANIM, "0.99.0"])
def test_every_speed_up_is_applied_with_the_supported_manim_and_none_with_another(installed, monkeypatch, capsys,
                                                                                   lecture_env):
    lecture_env()
    monkeypatch.setattr(manim_gate, "installed_manim", lambda: installed)
    monkeypatch.setattr(manim_gate, "_told", False)
    for owner, name in PATCHED.values():
        monkeypatch.setattr(owner, name, manims_own(owner, name))  # and back after the test
    before = {speedup: getattr(owner, name) for speedup, (owner, name) in PATCHED.items()}
    on = installed == manim_gate.SUPPORTED_MANIM

    assert manim_worker.apply_speedups() is on  # what the worker does before Manim runs
    scene = LectureScene()  # what every chapter does as it starts: the camera, the glyphs
    changed = {speedup for speedup, (owner, name) in PATCHED.items() if getattr(owner, name) is not before[speedup]}
    assert changed == (set(PATCHED) if on else set())
    assert type(scene.camera) is (OutlineCachingCamera if on else Camera)
    assert (cairo_renderer.get_hash_from_play_call is play_hash.get_hash_from_play_call) is on
    manim_gate.speedups_on()  # asked again: said once a process
    said = [line for line in capsys.readouterr().err.splitlines() if "speed-ups" in line.lower()]
    assert said == ([] if on else [manim_gate.off_notice(installed)])


def test_the_pinned_manim_is_the_one_the_gate_supports():
    """requirements.txt's pin and the gate's version move together, and the installed Manim is that
    one: a new pin fails here until every speed-up is checked against the new version's code (its
    own test) and SUPPORTED_MANIM moves with it."""
    requirements = (os.path.dirname(os.path.dirname(__file__)) + "/requirements.txt")
    with open(requirements, encoding="utf-8") as handle:
        assert f"manim=={manim_gate.SUPPORTED_MANIM}\n" in handle.read()
    assert manim_gate.installed_manim() == manim_gate.SUPPORTED_MANIM
    assert manim_gate.speedups_on()

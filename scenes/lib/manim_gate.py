"""One gate for the speed-ups that lean on Manim's internals.

Each speed-up replaces a piece of Manim with code that does the same work in less time and gives
the same output, checked by a test that compares the two. They were written against one version's
internals (private classes, functions Manim looks up at call time, the exact JSON its cache hash
writes), which the next version may change without a word; a copy that drifted from Manim's code
could change the video or, worse, name a partial movie after a hash that misses a change. So they
all ask this gate: with the Manim named by ``SUPPORTED_MANIM`` (requirements.txt pins the same;
tests/test_play_hash.py holds the two together) every one is applied; with any other none is, one
line says so, and Manim renders with its own code. Upgrading Manim means checking each speed-up
against the new version (its test), then moving the constant and the pin together.

Behind the gate (the same output, faster), each a function that asks the gate:

- the play-call hash, ``manim_worker.hash_play_calls_quickly`` (pipeline/play_hash.py): replaces
  ``manim.renderer.cairo_renderer.get_hash_from_play_call``;
- LaTeX from a preloaded preamble, ``manim_worker.typeset_from_preloaded_preamble``
  (pipeline/latex_format.py): wraps ``manim.utils.tex_file_writing.compile_tex``;
- the frame hand-off, ``manim_worker.hand_frames_over_cheaply``: replaces the private
  ``_PartialMovieEncodeJob._encode_and_write_frame``;
- the fast AAC coder for the track Manim muxes into its own video, ``manim_worker.encode_sound_quickly``:
  replaces ``scene_file_writer.convert_audio`` (that track is never published: render.sh masters
  the sound from the WAV beside it);
- glyphs without their SVG parse trees, ``svg_paths.forget_svg_paths``: wraps
  ``VMobjectFromSVGPath.__init__``;
- the outline-caching camera, ``camera.lecture_camera_class``: overrides the Cairo camera's
  ``get_mobjects_to_display`` and ``set_cairo_context_path``.

Not behind it, on with any Manim, because each changes the output on purpose, and a gate must
never decide what the video is:

- the beat clock (``LectureScene.play``): beats, subtitles and narration are timed by it, so a warm
  re-render makes the cold render's video;
- removing ``Wait``'s placeholder mobject and setting back sheen directions after each play
  (``LectureScene.play``): they change the scene Manim hashes (and a sheen direction can change
  a colour gradient), so that a caption edit re-renders one beat, not the rest of its chapter;
- the quality's x264 settings (``manim_worker.use_x264_options``): a choice of encoding;
- narration put on the file writer at the beat clock (``LectureScene.on_beat_open``);
- ``SteadyNumber`` (components/text.py), a component of the lecture's own whose digits are laid
  out differently from Manim's ``DecimalNumber``, and the Pillow fix of components/course_card.py,
  without which an image logo does not draw at all.
"""
from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from importlib import metadata

__all__ = ["SUPPORTED_MANIM", "installed_manim", "off_notice", "speedup", "speedups_on"]

SUPPORTED_MANIM = "0.21.0"  # the Manim every speed-up was written for and checked against

_told = False  # whether this process has said that the speed-ups are off


def installed_manim() -> str:
    """The installed Manim's version, as its package metadata says (what ``manim.__version__`` reads,
    without importing Manim); "none" when there is none."""
    try:
        return metadata.version("manim")
    except metadata.PackageNotFoundError:
        return "none"


def off_notice(installed: str) -> str:
    """The one line that says the speed-ups are off with Manim ``installed``."""
    return (f"Speed-ups are off: they were written for Manim {SUPPORTED_MANIM} and this is Manim {installed}; "
            "Manim's own code renders, more slowly (scenes/lib/manim_gate.py)")


def speedups_on() -> bool:
    """Whether the speed-ups apply: the installed Manim is ``SUPPORTED_MANIM``. The first call of a
    process that finds another Manim says so, in one line on standard error."""
    global _told
    installed = installed_manim()
    if installed == SUPPORTED_MANIM:
        return True
    if not _told:
        _told = True
        print(off_notice(installed), file=sys.stderr, flush=True)
    return False


def speedup(patch: Callable[[], object]) -> Callable[[], bool]:
    """Put ``patch`` (which replaces a piece of Manim with a faster one) behind the gate: calling it
    applies the patch only when ``speedups_on()``, and returns whether it did."""

    @functools.wraps(patch)
    def behind_the_gate() -> bool:
        if not speedups_on():
            return False
        patch()
        return True

    return behind_the_gate

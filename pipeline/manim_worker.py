"""One ``manim render`` as render.py runs it: ``python -m pipeline.manim_worker MANIM-ARGS``.

What plain ``python -m manim`` cannot do: die with the render that started it (Manim runs in its
own process group so a failed chapter can stop the others' LaTeX too, which also puts it out of
reach of a kill aimed at render.sh) and encode partial movies with the quality's x264 settings
(Manim fixes crf 23 and the default preset; see ``QUALITIES`` in options.py for the choice). Those
two are on with any Manim. Behind the gate for Manim's internals (scenes/lib/manim_gate.py), so
only with the Manim they were written for, and all together (``apply_speedups``): hand frames to
the encoder without the work Manim repeats per frame (``hand_frames_over_cheaply``), encode a
narrated chapter's sound for Manim's own video quickly (``encode_sound_quickly``), hash each play
call as Manim does, to the same string, in less time (``hash_play_calls_quickly``), and typeset
formulas from a preloaded preamble (``typeset_from_preloaded_preamble``). Everything else is
Manim's own command line, unchanged.
"""
from __future__ import annotations

import ctypes
import os
import runpy
import signal
import sys
from os import PathLike
from typing import IO

import av
import numpy as np

from pipeline.audio import AAC_CODER
from pipeline.settings import PARENT_PID_ENV, X264_ENV
from scenes.lib.manim_gate import speedup

_PR_SET_PDEATHSIG = 1
StrPath = str | PathLike[str]


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when render.py dies, however it dies."""
    parent = os.environ.get(PARENT_PID_ENV)
    if not parent:
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return  # not Linux: render.py still stops us on every exit it gets to run
    if os.getppid() != int(parent):  # it died before the request was in place
        os._exit(1)


def x264_options(spec: str) -> dict[str, str]:
    """``"preset=ultrafast,crf=23"`` as encoder options."""
    return dict(item.split("=", 1) for item in spec.split(",") if "=" in item)


def use_x264_options(options: dict[str, str]) -> None:
    """Apply ``options`` to every H.264 partial movie Manim opens (transparent .mov and WebM keep
    their codecs' settings). The codec opens at the first frame, so options set here apply.

    Not behind the gate (scenes/lib/manim_gate.py): the settings choose the video's encoding, so
    they hold with any Manim; one whose writer keeps its stream elsewhere fails here, loudly."""
    from manim.scene.scene_file_writer import SceneFileWriter

    open_stream = SceneFileWriter.open_partial_movie_stream

    def open_with_options(self, file_path=None) -> None:
        open_stream(self, file_path)
        codec = self._current_encode_job.stream.codec_context
        if codec.name == "libx264":
            codec.options = {**codec.options, **options}

    SceneFileWriter.open_partial_movie_stream = open_with_options


def encode_and_write_frame(job, frame: np.ndarray, num_frames: int) -> None:
    """Manim's ``_PartialMovieEncodeJob._encode_and_write_frame`` for ``job``, without its copy per
    frame, its conversion per repeat, and threads in its conversion (see ``hand_frames_over_cheaply``)."""
    picture = av.VideoFrame.from_numpy_buffer(frame, format="rgba")
    picture = picture.reformat(format=job.stream.pix_fmt, threads=1)
    for _ in range(num_frames):
        picture.pts = None  # the encoder numbers each frame it is given, a reused one too
        for packet in job.stream.encode(picture):
            job.container.mux(packet)


@speedup
def hand_frames_over_cheaply() -> None:
    """Give Manim's encoder thread each frame without copying it, and convert a held frame once.

    Manim wraps every frame in a PyAV frame with ``from_ndarray``, which copies it (9 ms for a
    1080p frame on the project's machine), and converts it from RGBA to the codec's YUV inside
    ``encode`` (5 ms), once per frame written: a wait of 10 s at 60 fps converts the same picture
    600 times. ``from_numpy_buffer`` wraps the array Manim hands over (its own copy of the frame,
    which nothing writes to again) in 0.02 ms, and a held frame is converted once and given to the
    encoder as often as it is shown.

    The conversion runs on one thread. Inside ``encode`` PyAV converts with the codec's thread count
    (0 for x264: one thread per core); on 2 cores that took 8.1 ms of CPU per 1080p frame against
    7.0 ms on one thread (medians of ten runs over 60 frames of chapter 3, taken in turn), with the
    same bytes out. Chapters already render side by side, one per core, so the threads only cost.

    The encoder receives the same pictures, so the video is the same bit for bit (test_manim_worker
    encodes frames both ways and compares the packets).
    """
    from manim.scene.scene_file_writer import _PartialMovieEncodeJob

    _PartialMovieEncodeJob._encode_and_write_frame = encode_and_write_frame


def convert_audio_quickly(input_path: StrPath, output_path: StrPath | IO[bytes], codec_name: str) -> None:
    """Manim's ``convert_audio``, with the published AAC coder for AAC (see ``encode_sound_quickly``)."""
    with av.open(input_path) as source, av.open(output_path, "w") as target:
        stream = target.add_stream(codec_name)
        if codec_name == "aac":
            stream.codec_context.options = {"aac_coder": AAC_CODER}
        for frame in source.decode(source.streams.audio[0]):
            for packet in stream.encode(frame):
                target.mux(packet)
        for packet in stream.encode():
            target.mux(packet)


@speedup
def encode_sound_quickly() -> None:
    """Encode the sound track Manim muxes into a narrated chapter's video with ffmpeg's fast AAC
    coder instead of its default (two-loop) one.

    That track is never published: Manim also writes the track as a WAV beside the video, and
    render.sh masters the chapter's sound from the WAV (pipeline/audio.py), keeping only the
    picture of Manim's video. Its encoding is still on the way of every narrated chapter: for
    chapter 3's 113 s track, 9.6 s with the default coder, 3.2 s with the fast one.
    """
    import manim.scene.scene_file_writer as writer

    writer.convert_audio = convert_audio_quickly


@speedup
def hash_play_calls_quickly() -> None:
    """Name partial movies with ``pipeline.play_hash``, Manim's hash computed faster, to the same
    string. Behind the gate above all: a hash that differed from Manim's would only miss the cache,
    but one that missed a change would reuse a stale partial movie."""
    import manim.renderer.cairo_renderer as cairo_renderer

    from pipeline import play_hash

    cairo_renderer.get_hash_from_play_call = play_hash.get_hash_from_play_call


@speedup
def typeset_from_preloaded_preamble() -> None:
    """Typeset formulas with ``latex`` started from a format holding the template's preamble, the
    same DVI in about two thirds of the time (pipeline/latex_format.py)."""
    import manim.utils.tex_file_writing as tex_file_writing

    from pipeline.latex_format import with_preloaded_format

    tex_file_writing.compile_tex = with_preloaded_format(tex_file_writing.compile_tex)


def apply_speedups() -> bool:
    """The worker's speed-ups, all applied with the Manim they were written for and none with
    another (scenes/lib/manim_gate.py); return whether they are on. The scenes' own (the camera,
    glyphs without their SVG paths) ask the same gate as each chapter starts."""
    return all([hand_frames_over_cheaply(), encode_sound_quickly(), hash_play_calls_quickly(),
                typeset_from_preloaded_preamble()])


def main(argv: list[str]) -> None:
    die_with_parent()
    apply_speedups()
    options = x264_options(os.environ.get(X264_ENV, ""))
    if options:
        use_x264_options(options)
    sys.argv = ["manim", *argv]
    runpy.run_module("manim", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Each beat's key frame: the picture the beat holds last, as a still for slide tools, the handout
and the PowerPoint posters, and as what the graphical tests compare with reviewed references.

A chapter is rendered in-process with its animations skipped (like ``manim -s``: every animation
jumps to its end state and no video is encoded). A beat's key frame is the frame at its last
``wait`` (the picture it holds), or its end if it never holds still: several beats clear the stage
as they end, so they are seen before they do. Each key frame carries the beat's caption.

As a command (render.py runs it with the lecture in its environment, like Manim)::

    python -m pipeline.key_frames SLUG WIDTH HEIGHT MEDIA_DIR OUT_DIR

writes ``OUT_DIR/<NN-slug>-<MM>-<beat>.png`` for every beat and ``OUT_DIR/key-frames.json`` (the
beats in order: ``beat``, ``image``, ``caption``).
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from unittest import mock

import numpy as np
from PIL import Image

from pipeline.registry import Chapter, find_chapters
from scenes.lib.lecture import current_lecture, lecture_context

if TYPE_CHECKING:
    from scenes.lib.beat import Beat
    from scenes.lib.lecture_scene import LectureScene

KEY_FRAMES_JSON = "key-frames.json"
# Animations are skipped, so the frame rate only decides how beats are timed, not what they show.
_FRAME_CONFIG = {"frame_rate": 15, "dry_run": True, "progress_bar": "none", "verbosity": "WARNING"}


@dataclass(frozen=True)
class KeyFrame:
    """One beat's key frame (RGBA, height x width x 4), its caption in the render's language and what
    is said in it (its narration, computed values in words)."""

    beat: str
    image: np.ndarray
    caption: str
    spoken: str = ""


def still_name(chapter: Chapter, number: int, beat: str) -> str:
    """A still's file name, sorting in lecture order: ``01-sigmoid-slope-03-sweep_point.png``."""
    return f"{chapter.stem}-{number:02d}-{beat}.png"


def render_key_frames(chapter: Chapter, lang: str, theme: str, media_dir: Path, width: int, height: int,
                      before_capture: Callable[[LectureScene, str], None] | None = None,
                      after_play: Callable[[LectureScene], None] | None = None) -> dict[str, KeyFrame]:
    """Render ``chapter`` with its animations skipped; return each beat's key frame, in the order
    played. ``before_capture(scene, beat)`` may change the scene just before a frame is taken;
    ``after_play(scene)`` looks at it after every animation and wait (the tests check its layout)."""
    # Manim is imported here, not above, so render.py can read this module's names without it.
    from manim import tempconfig
    from manim.scene.scene_file_writer import SceneFileWriter


    frames: dict[str, KeyFrame] = {}

    class KeyFrames(chapter.scene_class()):
        """The chapter, taking each beat's key frame: after each wait while the beat plays, or as it
        ends when it never waits; the hold that ends a beat (a wait too) is not a key frame."""

        # Stills, the handout and the posters have no subtitles, and a poster must be its slide.
        keeps_caption_band = False

        def after_animation(self, beat: Beat | None, held: bool) -> None:
            super().after_animation(beat, held)
            if after_play is not None:
                after_play(self)
            if held and beat is not None and beat.animated is None:
                self.capture(beat)

        def on_beat_close(self, beat: Beat) -> None:
            super().on_beat_close(beat)
            if beat.name not in frames:
                self.capture(beat)

        def capture(self, beat: Beat) -> None:
            if before_capture is not None:
                before_capture(self, beat.name)
            # Draw every mobject afresh, as Manim's own last-frame image does (scene_finished).
            self.renderer.static_image = None
            self.renderer.update_frame(self)
            frames[beat.name] = KeyFrame(beat.name, self.renderer.get_frame(), beat.caption, beat.speech)

    KeyFrames.__name__ = KeyFrames.__qualname__ = chapter.scene  # Manim names its files after the class
    with lecture_context(current_lecture().but(language=lang, theme=theme)), \
            mock.patch.object(SceneFileWriter, "write_subcaption_file", lambda writer: None), \
            tempconfig({**_FRAME_CONFIG, "pixel_width": width, "pixel_height": height,
                        "media_dir": str(media_dir)}):
        # Nothing is written, so there is no movie file to put the captions beside (above).
        KeyFrames(skip_animations=True).render()
    return frames


def write_key_frames(chapter: Chapter, frames: dict[str, KeyFrame], out_dir: Path) -> list[dict]:
    """Save the key frames as PNG (RGB: a still is opaque) in ``out_dir``; return their list."""
    out_dir.mkdir(parents=True, exist_ok=True)
    listed = []
    for number, frame in enumerate(frames.values(), start=1):
        name = still_name(chapter, number, frame.beat)
        Image.fromarray(frame.image).convert("RGB").save(out_dir / name, optimize=True)
        listed.append({"beat": frame.beat, "image": name, "caption": frame.caption})
    (out_dir / KEY_FRAMES_JSON).write_text(json.dumps(listed, ensure_ascii=False, indent=2), encoding="utf-8")
    return listed


def main(argv: list[str]) -> int:
    slug, width, height, media_dir, out_dir = argv
    (chapter,) = find_chapters([slug])
    lecture = current_lecture()  # as render.py wrote it into this process's environment
    frames = render_key_frames(chapter, lecture.language, lecture.theme, Path(media_dir), int(width), int(height))
    write_key_frames(chapter, frames, Path(out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

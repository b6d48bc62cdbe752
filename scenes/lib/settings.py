"""Settings shared by the scenes, the build tool and the tests: the project folder and the names of
the environment variables that carry a render's choices into a Manim process.

Standard library only: ``render.sh`` reads it before anything is installed.
"""
from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "CACHE_DIR_ENV",
    "CONFIG_ENV",
    "LANG_ENV",
    "PARENT_PID_ENV",
    "PLAYGROUND_GRID_ENV",
    "RECORDER_ENV",
    "ASSETS",
    "ROOT",
    "SLIDES_DIR_ENV",
    "SPLIT_CORES_ENV",
    "THEME_ENV",
    "UPDATE_REFERENCES_ENV",
    "VOICE_ENV",
    "X264_ENV",
    "cache_root",
    "scene_env",
]

ROOT = Path(__file__).resolve().parents[2]  # the project: every path below is found from here
ASSETS = ROOT / "assets"  # the string tables, fonts, narration scripts and the zh-CN overrides

LANG_ENV = "LECTURE_LANG"  # the language a chapter is drawn in
THEME_ENV = "LECTURE_THEME"  # its colour theme
SLIDES_DIR_ENV = "LECTURE_SLIDES_DIR"  # set for slides: where manim-slides writes the deck
SPLIT_CORES_ENV = "LECTURE_SPLIT_CORES"  # cut chapters as if for this many cores (the benchmark)
CACHE_DIR_ENV = "LECTURE_CACHE_DIR"  # moves .cache/ (the tests and the benchmark use their own)
VOICE_ENV = "LECTURE_VOICE"  # the narration voice (see scenes/lib/narration.py); unset: none
CONFIG_ENV = "LECTURE_CONFIG"  # the lecturer's course file (--config), read by the cards
UPDATE_REFERENCES_ENV = "LECTURE_UPDATE_REFERENCES"  # "1": the graphics tests rewrite their references
PARENT_PID_ENV = "LECTURE_RENDER_PID"  # a Manim worker dies with this process (pipeline/manim_worker.py)
RECORDER_ENV = "LECTURE_RECORDER"  # render.sh record: a program taking arecord's arguments
PLAYGROUND_GRID_ENV = "LECTURE_PLAYGROUND_GRID"  # "small": the tests' quick playground grid (default full)
X264_ENV = "LECTURE_X264"  # a worker's x264 options, "preset=ultrafast,crf=23"; empty: Manim's own


def cache_root() -> Path:
    """The folder of every cache (Manim's media, logs, decks, npm tarballs), read at call time."""
    return Path(os.environ.get(CACHE_DIR_ENV) or ROOT / ".cache").resolve()


def scene_env(lang: str, theme: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """An environment for a Manim process that draws in ``lang`` and ``theme``."""
    return {**(os.environ if base is None else base), LANG_ENV: lang, THEME_ENV: theme}

"""Settings shared by the scenes, the build tool and the tests: the project folder and the cache.

What a chapter is drawn in (language, theme, voice, course) is the lecture context's
(``lecture.py``); the variables only the build tool reads are in ``pipeline/settings.py``.
Standard library only: ``render.sh`` reads it before anything is installed.
"""
from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "ASSETS",
    "CACHE_DIR_ENV",
    "ROOT",
    "cache_root",
]

ROOT = Path(__file__).resolve().parents[2]  # the project: every path below is found from here
ASSETS = ROOT / "assets"  # the string tables, fonts, narration scripts and the zh-CN overrides

CACHE_DIR_ENV = "LECTURE_CACHE_DIR"  # moves .cache/ (the tests and the benchmark use their own)


def cache_root() -> Path:
    """The folder of every cache (Manim's media, logs, decks, npm tarballs), read at call time."""
    return Path(os.environ.get(CACHE_DIR_ENV) or ROOT / ".cache").resolve()

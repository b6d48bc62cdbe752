"""Manim's entry file for ``render.sh slides``: ``manim render pipeline/decks.py <Scene>``.

It defines every chapter of the registry as a deck (``scenes/lib/slides.py``), under the chapter's
own class name, writing into the folder ``LECTURE_SLIDES_DIR`` names (the worker's environment
carries it, as it carries the language and theme).
"""
from __future__ import annotations

import importlib
import os
from pathlib import Path

from pipeline.registry import CHAPTERS
from pipeline.settings import SLIDES_DIR_ENV
from scenes.lib.slides import slides_of

_folder = Path(os.environ[SLIDES_DIR_ENV])
for _chapter in CHAPTERS:
    _scene = getattr(importlib.import_module(f"scenes.{_chapter.module}"), _chapter.scene)
    globals()[_chapter.scene] = slides_of(_scene, _folder, module=__name__)

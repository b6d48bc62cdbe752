"""Fingerprints: a hash of everything that decides a published file, so a re-run with nothing
changed can keep what is already there instead of launching Manim or ffmpeg again.

A chapter's fingerprint covers the files it is made from (the shared code and assets, its own
chapter file, manim.cfg, requirements.txt, the pipeline itself) and the options that change its
files. Other chapters' files are left out: editing chapter 3 does not re-render chapter 1. The
lecture's fingerprint covers its chapters' fingerprints, in order, and the options of the join.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from scenes.pipeline.options import ROOT, RenderOptions
from scenes.registry import CHAPTERS, Chapter

# Bump when the way files are made changes in a way the sources below do not show.
FINGERPRINT_VERSION = "1"
SOURCE_FOLDERS = ("scenes", "assets")
SOURCE_FILES = ("manim.cfg", "requirements.txt")
_SKIPPED_PARTS = {"__pycache__"}


def source_files(root: Path = ROOT) -> list[Path]:
    """Every file that can change a chapter's video, relative to ``root``, in a stable order."""
    found = [root / name for name in SOURCE_FILES if (root / name).is_file()]
    for folder in SOURCE_FOLDERS:
        found += [path for path in (root / folder).rglob("*")
                  if path.is_file() and not _SKIPPED_PARTS.intersection(path.parts) and path.suffix != ".pyc"]
    return sorted(path.relative_to(root) for path in found)


def _chapter_sources(chapter: Chapter, root: Path) -> list[Path]:
    others = {Path("scenes") / f"{other.module}.py" for other in CHAPTERS if other != chapter}
    return [path for path in source_files(root) if path not in others]


def _digest(parts: list[str], files: list[Path], root: Path) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode() + b"\0")
    for path in files:
        hasher.update(str(path).encode() + b"\0")
        hasher.update(hashlib.sha256((root / path).read_bytes()).digest())
    return hasher.hexdigest()[:32]


def chapter_fingerprint(chapter: Chapter, options: RenderOptions, root: Path = ROOT) -> str:
    """The hash of everything that decides this chapter's published files."""
    parts = [FINGERPRINT_VERSION, chapter.slug, options.lang, options.theme, options.quality.name,
             f"transparent={options.transparent}", f"gif={'gif' in options.formats}"]
    return _digest(parts, _chapter_sources(chapter, root), root)


def lecture_fingerprint(chapters: list[dict], options: RenderOptions) -> str:
    """The hash of everything that decides lecture.mp4, its subtitles, chapters.txt, the thumbnail
    and the WebM: which chapters, in which order, with which fingerprints, and the options."""
    joined = [(entry["name"], entry.get("fingerprint")) for entry in chapters]
    parts = [FINGERPRINT_VERSION, json.dumps(joined), options.lang, options.theme, options.quality.name,
             f"webm={'webm' in options.formats}"]
    return _digest(parts, [], ROOT)

"""Chapter timings kept between runs, per variant: each chapter's render time (to start the longest
first) and when each of its animations was done (to cut a long chapter into parts)."""
from __future__ import annotations

import json
import threading
from pathlib import Path

from pipeline.jobs import Timings
from pipeline.manim_run import log_dir
from pipeline.staging import write_json_atomically

_record_lock = threading.Lock()


CHAPTER_SECONDS_NAME = "chapter-seconds.json"


ANIMATION_ENDS_NAME = "animation-ends.json"


def chapter_seconds_file(variant: str) -> Path:
    """Each chapter's render time in ``variant``'s last run that drew all of it (slug -> seconds)."""
    return log_dir() / variant / CHAPTER_SECONDS_NAME


def animation_ends_file(variant: str) -> Path:
    """When each animation of that run was done (slug -> seconds from its start), to cut it by."""
    return log_dir() / variant / ANIMATION_ENDS_NAME


def _read_json_dict(path: Path) -> dict:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def read_chapter_seconds(path: Path) -> dict[str, float]:
    return {slug: float(seconds) for slug, seconds in _read_json_dict(path).items()
            if isinstance(seconds, (int, float))}


def read_animation_ends(path: Path) -> dict[str, list[float]]:
    return {slug: [float(end) for end in ends] for slug, ends in _read_json_dict(path).items()
            if isinstance(ends, list) and all(isinstance(end, (int, float)) for end in ends)}


def record_chapter_seconds(variant: str, seconds: dict[str, float],
                           ends: dict[str, list[float]] | None = None) -> None:
    """Add chapter times (and their animations' ends) to ``variant``'s record (other chapters keep
    theirs); chapters finish in several threads at once."""
    with _record_lock:
        path = chapter_seconds_file(variant)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomically(path, {**read_chapter_seconds(path), **seconds})
        if ends:
            path = animation_ends_file(variant)
            write_json_atomically(path, {**read_animation_ends(path), **ends})


def record_if_whole(variant: str, slug: str, seconds: float, timings: Timings) -> None:
    """Record a chapter's time, and when each animation was done, if its run drew every animation:
    a run that took some from the cache tells neither what the chapter costs nor where to cut it."""
    if timings.ends and not timings.cached:
        record_chapter_seconds(variant, {slug: round(seconds, 1)}, {slug: timings.ends})


def known_chapter_seconds(variant: str, slugs: list[str]) -> dict[str, float]:
    """The chapter times to order ``slugs`` by: this variant's, when it has them all; else those of
    the variant rendered last that has them all (another language, theme or quality takes longer or
    shorter, but its chapters rank alike); else this variant's, however few."""
    own = read_chapter_seconds(chapter_seconds_file(variant))
    if all(slug in own for slug in slugs):
        return own
    others = sorted(log_dir().glob(f"*/{CHAPTER_SECONDS_NAME}"), key=lambda path: path.stat().st_mtime, reverse=True)
    for path in others:
        times = read_chapter_seconds(path)
        if all(slug in times for slug in slugs):
            return times
    return own

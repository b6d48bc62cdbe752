"""Chapters cut into ranges of animations, so that a render on more cores than the longest chapter
can keep busy is not bounded by that chapter.

A part is one Manim run of the chapter with ``-n FIRST,LAST``: it runs the whole construct up to
LAST but draws and encodes only its own range (animations before it are skipped, as Manim skips a
cached one). Each part has a media folder of its own (Manim's LaTeX and text folders are not safe
to share between processes), and when it is done its partial movies move into the chapter's cache
and its typeset formulas and text beside the chapter's. The chapter's own run then finds every
animation in the cache and only joins them, and adds what only a whole run has: sections, subtitles
and narration. A partial movie is found only under its hash, so an animation a part drew from a
state the whole run does not reach again is drawn again by the whole run: never a stale picture.

The cut comes from the chapter's last whole run (its time, and when each animation was done): a
chapter is cut only when it alone would take longer than a fair share of the render's work on the
cores at hand, into ranges of about equal drawing time, each long enough to repay the cut. The whole
lecture on 2 cores is never cut (at 1080p60 its longest chapter is about a fifth of the work), nor
is anything at preview (no chapter is long enough); a long chapter rendered alone at 1080p60 is,
and so is the lecture on 4 cores or more.
"""
from __future__ import annotations

import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

MIN_PART_ANIMATIONS = 4  # a part re-runs its chapter's construct up to its range: not worth it for less
# Cutting costs about 40 s whatever the quality: chapter 3 at preview (60.5 s whole, cut in two on 2
# cores), the second part drew in 49 s what the whole run drew in 29.4 (the construct up to its range
# again, and the formulas of it), and the joining run took 18 s (the construct, a hash per animation,
# the subtitles). A part shorter than this does not repay its share of that.
MIN_PART_SECONDS = 45.0


@dataclass(frozen=True)
class Part:
    """Animations ``first`` to ``last`` (inclusive; None: to the end) of a chapter, part ``number``
    of ``count``."""

    first: int
    last: int | None
    number: int
    count: int

    @property
    def manim_range(self) -> str:
        """Manim's ``-n`` value for this range."""
        return f"{self.first},{self.last}" if self.last is not None else str(self.first)


def parts_of(ends: list[float], count: int) -> list[Part]:
    """``count`` ranges of about equal drawing time, given when each animation of a whole run of the
    chapter was done (seconds from its start); fewer when the chapter has too few animations."""
    starts = [0]
    for number in range(1, count):
        target = ends[-1] * number / count
        start = next(index for index, end in enumerate(ends) if end >= target) + 1
        start = max(start, starts[-1] + MIN_PART_ANIMATIONS)
        if start > len(ends) - MIN_PART_ANIMATIONS:
            break
        starts.append(start)
    lasts = [start - 1 for start in starts[1:]] + [None]
    return [Part(first, last, number, len(starts))
            for number, (first, last) in enumerate(zip(starts, lasts), start=1)]


def plan_parts(seconds: dict[str, float], ends: dict[str, list[float]], cores: int) -> dict[str, list[Part]]:
    """How to cut the chapters ``seconds`` names (each one's last whole run, in seconds) on
    ``cores``: a chapter longer than the fair share (all the work over the cores) into as many
    parts as it has shares, as long as each part is at least MIN_PART_SECONDS and
    MIN_PART_ANIMATIONS long; the others are not cut (left out)."""
    if cores < 2 or not seconds:
        return {}
    share = sum(seconds.values()) / cores
    plan = {}
    for slug, chapter_seconds in seconds.items():
        timed = ends.get(slug, [])
        count = min(math.ceil(chapter_seconds / share), cores, math.floor(chapter_seconds / MIN_PART_SECONDS))
        if count < 2 or len(timed) < 2 * MIN_PART_ANIMATIONS:
            continue
        parts = parts_of(timed, count)
        if len(parts) > 1:
            plan[slug] = parts
    return plan


def gather_part(part_media: Path, chapter_media: Path, video_folder: str) -> int:
    """Move a finished part's partial movies into the chapter's cache (``video_folder`` is the part
    of the path below ``videos/``, the same in both) and copy its typeset formulas and text where
    the chapter's run looks for them; return how many partial movies moved."""
    moved = 0
    for movie in (part_media / "videos" / video_folder / "partial_movie_files").glob("*/*.mp4"):
        target = chapter_media / "videos" / video_folder / "partial_movie_files" / movie.parent.name / movie.name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(movie, target)
        moved += 1
    for folder in ("Tex", "texts"):
        for drawn in (part_media / folder).glob("*.svg"):
            target = chapter_media / folder / drawn.name
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                # A name of its own: parts finish in threads of one process, often with the same drawings.
                handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{drawn.name}.")
                os.close(handle)
                shutil.copyfile(drawn, temporary)
                os.replace(temporary, target)  # a whole file or none, for a run that reads it
    return moved

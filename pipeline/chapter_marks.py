"""The lecture's chapter marks, twice: as YouTube takes them from a description, and inside
``lecture.mp4`` itself, where VLC, mpv, QuickTime and browsers' players read them.

YouTube builds chapters from the description's timestamps only when the first is 00:00, there are
at least three, and every chapter lasts at least ten seconds; if one is shorter the video gets no
chapters at all. Chapter lengths depend on the voice, the language and the reading speed, so the
rules are applied here, to every render, on the whole-second timestamps as written. A chapter too
short for YouTube is merged into the one before it (the closing card's few seconds go under the
recap): holding a card longer would change the video for one site's rule, and the MP4 keeps every
chapter. Where merging leaves fewer than three, the description carries no chapters.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

YOUTUBE_MIN_SECONDS = 10  # YouTube's shortest chapter
YOUTUBE_MIN_CHAPTERS = 3


@dataclass(frozen=True)
class ChapterMark:
    """A chapter's start in the lecture (seconds) and its title in the render's language."""

    start: float
    title: str


def whole_seconds(seconds: float) -> int:
    """A time as a description's timestamp writes it: whole seconds, rounded down."""
    return int(math.floor(seconds + 1e-6))


def timestamp(seconds: float) -> str:
    """YouTube's chapter time: M:SS style with two-digit minutes, hours only when needed."""
    hours, rest = divmod(whole_seconds(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def written_lengths(marks: list[ChapterMark], end: float) -> list[int]:
    """Each chapter's length as YouTube sees it: from its written timestamp to the next one, the last
    to the video's end (in whole seconds, so a chapter is never counted longer than it plays)."""
    starts = [whole_seconds(mark.start) for mark in marks]
    return [stop - start for start, stop in zip(starts, [*starts[1:], whole_seconds(end)])]


def youtube_chapters(marks: list[ChapterMark], end: float) -> list[ChapterMark] | None:
    """The chapters YouTube will show for a video ending at ``end``: ``marks`` with every chapter
    shorter than YOUTUBE_MIN_SECONDS merged into the one before it (the first into the one after,
    keeping its own title and 00:00), or None when fewer than YOUTUBE_MIN_CHAPTERS remain."""
    kept = list(marks)
    while len(kept) > 1:
        lengths = written_lengths(kept, end)
        short = next((index for index, length in enumerate(lengths) if length < YOUTUBE_MIN_SECONDS), None)
        if short is None:
            break
        del kept[short if short > 0 else 1]
    if len(kept) < YOUTUBE_MIN_CHAPTERS or whole_seconds(kept[0].start) != 0:
        return None
    if min(written_lengths(kept, end)) < YOUTUBE_MIN_SECONDS:
        return None
    return kept


def chapter_lines(marks: list[ChapterMark]) -> str:
    """Lines to paste into a video description, one a chapter."""
    return "".join(f"{timestamp(mark.start)} {mark.title}\n" for mark in marks)


def _escaped(value: str) -> str:
    """A value in ffmpeg's metadata file: '=', ';', '#', '\\' and line breaks escaped."""
    for special in ("\\", "=", ";", "#", "\n"):
        value = value.replace(special, "\\" + special)
    return value


def ffmetadata(marks: list[ChapterMark], end: float) -> str:
    """Every chapter as an FFMETADATA1 file (milliseconds), for ffmpeg to write into an MP4."""
    stops = [mark.start for mark in marks[1:]] + [end]
    blocks = [f"[CHAPTER]\nTIMEBASE=1/1000\nSTART={round(mark.start * 1000)}\nEND={round(stop * 1000)}\n"
              f"title={_escaped(mark.title)}\n" for mark, stop in zip(marks, stops)]
    return ";FFMETADATA1\n" + "".join(blocks)

"""What a render killed outright (SIGKILL, power loss) can leave in Manim's cache, found and removed.

Manim writes each partial movie at its final name and takes any file of that name as a cache hit
on the next run; LaTeX and text SVGs are the same. A process killed mid-write leaves a truncated
file that would be spliced into every later video. So each render drops a marker in its media
folder while Manim runs and removes it when all Manim processes have ended on their own; a marker
whose process is gone means files written since it was made may be cut short, and those are
checked (a video must open, declare its length and decode every frame; an SVG must parse) and
deleted when broken, so Manim makes them again.
"""
from __future__ import annotations

import os
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import av

MARKER_PREFIX = ".rendering-"
VIDEO_SUFFIXES = (".mp4", ".mov", ".webm")
SLACK_SECONDS = 2.0  # file times are coarser than the marker's on some file systems


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def video_is_whole(path: Path) -> bool:
    """The file opens, has a video stream with a known length, and every frame decodes."""
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            if not (container.duration or stream.duration):
                return False
            decoded = sum(1 for _ in container.decode(stream))
            return decoded > 0 and (not stream.frames or decoded == stream.frames)
    except (av.FFmpegError, IndexError, OSError, ValueError):
        return False


def svg_is_whole(path: Path) -> bool:
    try:
        ElementTree.parse(path)
    except (ElementTree.ParseError, OSError):
        return False
    return True


def broken_files_since(media: Path, since: float) -> Iterator[Path]:
    """Files under ``media`` written at or after ``since`` that a cut-short write could have broken:
    partial movies and SVGs that do not read back whole, and LaTeX by-products (Manim reuses a
    .dvi it finds, and deletes them itself after a run that ends normally)."""
    for path in media.rglob("*"):
        if not path.is_file() or path.name.startswith(MARKER_PREFIX):
            continue
        try:
            if path.stat().st_mtime < since - SLACK_SECONDS:
                continue
        except FileNotFoundError:
            continue
        if path.suffix in VIDEO_SUFFIXES and "partial_movie_files" in path.parts:
            if not video_is_whole(path):
                yield path
        elif path.suffix == ".svg":
            if not svg_is_whole(path):
                yield path
        elif path.parent.name == "Tex" and path.suffix not in (".tex", ".svg"):
            yield path


def recover_from_killed_runs(media: Path) -> list[Path]:
    """Delete files that renders killed mid-write may have left broken; return them."""
    removed: list[Path] = []
    for marker in sorted(media.glob(f"{MARKER_PREFIX}*")):
        pid = marker.name[len(MARKER_PREFIX):]
        if pid.isdigit() and pid_alive(int(pid)) and int(pid) != os.getpid():
            continue  # a render that is still going (it would hold the lock; be safe anyway)
        removed += remove_broken_files(media, marker.stat().st_mtime)
        marker.unlink(missing_ok=True)
    return removed


def remove_broken_files(media: Path, since: float) -> list[Path]:
    removed = list(broken_files_since(media, since))
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


@contextmanager
def rendering_marker(media: Path) -> Iterator[Path]:
    """Mark ``media`` as being written for the duration of the block. The marker stays behind only
    if this process dies without running its cleanup; callers that stop Manim processes themselves
    call :func:`remove_broken_files` before leaving."""
    media.mkdir(parents=True, exist_ok=True)
    removed = recover_from_killed_runs(media)
    if removed:
        print(f"Removed {len(removed)} file(s) a killed render left half-written in {media}", flush=True)
    marker = media / f"{MARKER_PREFIX}{os.getpid()}"
    marker.write_text(f"{os.getpid()}\n")
    try:
        yield marker
    finally:
        marker.unlink(missing_ok=True)

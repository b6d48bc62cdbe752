"""Running Manim for the builders (render.py, slides.py): the worker's command and environment,
where each chapter's media and logs live, the x264 stamp beside cached partial movies, key frames,
and the session that holds a language and theme's lock while Manim writes.

Each Manim process has its own media folder, so Manim's partial-movie cache serves re-runs and no
two processes write one LaTeX or text cache (Manim's are not safe for that: a run deletes LaTeX
by-products other runs still need).
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

from pipeline.jobs import ProgressRunner, Timings
from pipeline.key_frames import KEY_FRAMES_JSON
from pipeline.options import RenderOptions
from pipeline.recovery import remove_broken_files, rendering_marker
from pipeline.registry import Chapter
from pipeline.settings import PARENT_PID_ENV, X264_ENV
from pipeline.split import Part
from scenes.lib.lecture import THEME_ENV, Lecture
from scenes.lib.settings import ROOT, cache_root

ENCODER_STAMP = "x264-settings.txt"  # beside a video folder's partial movies: the settings they were made with


def manim_cache() -> Path:
    """Manim's media folders, one per language and theme, then one per chapter."""
    return cache_root() / "manim"


def log_dir() -> Path:
    """Manim's output, one log file per chapter and variant."""
    return cache_root() / "logs"


def media_root(options: RenderOptions) -> Path:
    """Manim's media folders for one language and theme (one subfolder per chapter)."""
    return manim_cache() / f"{options.lang}-{options.theme}"


def manim_command(chapter: Chapter, options: RenderOptions, media_dir: Path, transparent: bool = False,
                  scene_file: Path | None = None, part: Part | None = None) -> list[str]:
    """The worker's command that renders ``chapter``'s scene from ``scene_file`` (default its own
    file), or only ``part`` of its animations."""
    return [
        sys.executable, "-m", "pipeline.manim_worker", "render",
        f"-q{options.quality.manim_flag}",
        "--progress_bar", "none",  # the log gets one line per animation, which the display reads
        *(["--transparent"] if transparent else []),
        *(["-n", part.manim_range] if part else []),
        "--media_dir", str(media_dir),
        str(scene_file or chapter.path), chapter.scene,
    ]


def manim_env(options: RenderOptions) -> dict[str, str]:
    """The environment of a Manim process for this render: the lecture written in once (the cards
    show --config's course, never one left in the shell), and the build tool's own settings."""
    env = Lecture(options.lang, options.theme, options.voice.spec, options.course.source).environment()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env[PARENT_PID_ENV] = str(os.getpid())
    env[X264_ENV] = options.quality.x264
    env["COLUMNS"] = "200"  # Manim's log wraps at the terminal width; its log file has none
    return env


def chapter_log(chapter: Chapter, options: RenderOptions, transparent: bool = False) -> Path:
    return log_dir() / options.variant / f"{chapter.stem}{'-transparent' if transparent else ''}.log"


def match_encoder_settings(video_dir: Path, x264: str) -> None:
    """Manim joins partial movies by stream copy, so all of a video's partial movies must come from
    one encoder setting (H.264 keeps its parameter sets once per file): when the quality's x264
    settings differ from those the cached partial movies were made with, drop them."""
    if encoded_with(video_dir, x264):
        return
    shutil.rmtree(video_dir / "partial_movie_files", ignore_errors=True)
    video_dir.mkdir(parents=True, exist_ok=True)
    (video_dir / ENCODER_STAMP).write_text(x264, encoding="utf-8")


def encoded_with(video_dir: Path, x264: str) -> bool:
    """Whether the partial movies cached in ``video_dir`` were encoded with ``x264``."""
    stamp = video_dir / ENCODER_STAMP
    return stamp.is_file() and stamp.read_text(encoding="utf-8") == x264


def chapter_media(chapter: Chapter, options: RenderOptions) -> Path:
    return media_root(options) / chapter.module


def video_folder(chapter: Chapter, options: RenderOptions) -> str:
    """Where Manim puts a chapter's videos, below its media folder's ``videos/``."""
    return f"{chapter.module}/{options.quality.manim_folder}"


def chapter_video_dir(chapter: Chapter, options: RenderOptions) -> Path:
    return chapter_media(chapter, options) / "videos" / video_folder(chapter, options)


def run_manim(chapter: Chapter, options: RenderOptions, runner: ProgressRunner, label: str,
              transparent: bool = False) -> tuple[Path, Timings]:
    """Render one chapter with Manim (its cache makes unchanged animations free); return the video
    and the run's timings."""
    media_dir = chapter_media(chapter, options)
    video_dir = chapter_video_dir(chapter, options)
    match_encoder_settings(video_dir, options.quality.x264)
    timings = runner.run(label, manim_command(chapter, options, media_dir, transparent), manim_env(options), ROOT,
                         chapter_log(chapter, options, transparent), phase="transparent " if transparent else "")
    produced = video_dir / f"{chapter.scene}{'.mov' if transparent else '.mp4'}"
    if not produced.is_file():
        raise RuntimeError(f"Manim reported success but wrote no video at {produced}")
    return produced, timings


def key_frames_command(chapter: Chapter, width: int, height: int, media_dir: Path, out_dir: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline.key_frames", chapter.slug, str(width), str(height), str(media_dir),
            str(out_dir)]


def make_key_frames(chapter: Chapter, options: RenderOptions, out_dir: Path, runner: ProgressRunner, label: str,
                    theme: str | None = None, media_dir: Path | None = None, log: Path | None = None,
                    size: tuple[int, int] | None = None) -> list[dict]:
    """Every beat's key frame of ``chapter`` at ``size`` (default the render's), drawn in ``theme``
    (default the render's), as PNGs in ``out_dir``; return their list (``beat``, ``image``,
    ``caption``) in order."""
    theme = theme or options.theme
    width, height = size or (options.quality.width, options.quality.height)
    media_dir = media_dir or media_root(options) / chapter.module  # LaTeX and text drawn for the video serve again
    log = log or log_dir() / options.variant / f"{chapter.stem}-key-frames-{theme}.log"
    env = {**manim_env(options), THEME_ENV: theme}
    runner.run(label, key_frames_command(chapter, width, height, media_dir, out_dir), env, ROOT, log,
               phase="key frames ")
    return json.loads((out_dir / KEY_FRAMES_JSON).read_text(encoding="utf-8"))


@contextmanager
def exclusive(lock_path: Path):
    """Hold an exclusive lock: two renders of one language and theme share Manim's media folders
    and the output folder's manifest, so the second waits for the first."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"Waiting for another render ({lock_path.stem}) to finish...", flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@contextmanager
def manim_session(options: RenderOptions, runner: ProgressRunner, *media: Path):
    """Hold the language and theme's lock and mark the ``media`` folders as being written; at the
    end stop any Manim still running and, if one had to be killed mid-write, delete the files it
    may have left cut short."""
    with exclusive(manim_cache() / f"{options.lang}-{options.theme}.lock"), ExitStack() as markers:
        started = [(folder, markers.enter_context(rendering_marker(folder))) for folder in media]
        try:
            yield
        finally:
            runner.stop()  # nothing to do unless a chapter failed or the run was interrupted
            if runner.stopped_any:
                for folder, marker in started:
                    remove_broken_files(folder, marker.stat().st_mtime)

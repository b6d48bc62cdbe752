"""Render chapters with Manim and publish them, with a manifest, all or nothing.

Chapters render side by side (``--jobs``), each in its own Manim process with its own media folder
in the cache, so Manim's partial-movie cache serves re-runs and no two processes write one LaTeX or
text cache (Manim's are not safe for that: a run deletes LaTeX by-products other runs still need).
A chapter whose fingerprint (fingerprint.py) matches the published one is kept without starting
Manim. The finished files are staged next to the output folder and only moved into place, together
with the manifest, once every chapter has succeeded.
"""
from __future__ import annotations

import fcntl
import json
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import TypeVar

import av

from pipeline.audio import loudness, master_chapter
from pipeline.environment import missing_requirement, voice_problem
from pipeline.fingerprint import chapter_fingerprint, lecture_fingerprint
from pipeline.handout import FRAME_SIZE, FRAME_THEME, HANDOUT_NAME, ChapterFrames, write_handout
from pipeline.jobs import ManimFailed, ProgressRunner, Timings, run_in_parallel
from pipeline.key_frames import KEY_FRAMES_JSON
from pipeline.metadata import summary, write_metadata
from pipeline.options import RenderOptions, fail
from pipeline.playground import GRIDS, write_playground
from pipeline.playground import PAGE_NAME as PLAYGROUND_PAGE
from pipeline.publish import (
    GIF_MAX_SECONDS,
    ChapterFiles,
    make_gif,
    publish_lecture,
    read_cues,
    remux_faststart,
    write_srt,
    write_vtt,
)
from pipeline.recovery import pid_alive, remove_broken_files, rendering_marker
from pipeline.registry import CHAPTERS, Chapter, find_chapters
from pipeline.screen_measure import measure_in_render
from pipeline.split import Part, gather_part, plan_parts
from scenes.lib.manim_gate import speedups_on
from scenes.lib.settings import (
    CONFIG_ENV,
    PARENT_PID_ENV,
    ROOT,
    SPLIT_CORES_ENV,
    THEME_ENV,
    VOICE_ENV,
    X264_ENV,
    cache_root,
    scene_env,
)
from scenes.lib.strings import t

MANIFEST_NAME = "manifest.json"
ENCODER_STAMP = "x264-settings.txt"  # beside a video folder's partial movies: the settings they were made with
_record_lock = threading.Lock()
T = TypeVar("T")


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
    env = scene_env(options.lang, options.theme)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env[PARENT_PID_ENV] = str(os.getpid())
    env[X264_ENV] = options.quality.x264
    env[VOICE_ENV] = options.voice.spec
    env.pop(CONFIG_ENV, None)  # the cards show --config's course, never one left in the shell
    if options.course.source:
        env[CONFIG_ENV] = str(options.course.source)
    env["COLUMNS"] = "200"  # Manim's log wraps at the terminal width; its log file has none
    return env


def probe_video(path: Path) -> dict[str, float | int]:
    """Duration, resolution and frame rate of a video file, read with PyAV."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        # The picture's own length: a sound track may end a fraction of a frame later.
        if stream.duration:
            duration = float(stream.duration * stream.time_base)
        else:
            duration = float(container.duration / av.time_base)
        return {
            "duration": round(duration, 3),
            "width": stream.codec_context.width,
            "height": stream.codec_context.height,
            "fps": float(stream.base_rate),
        }


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


class PartsLeft:
    """The parts of one chapter not yet done; the thread that finishes the last one joins them."""

    def __init__(self, count: int) -> None:
        self._left = count
        self._lock = threading.Lock()

    def done(self) -> bool:
        """Count one part done; return whether it was the last."""
        with self._lock:
            self._left -= 1
            return self._left == 0


def render_part(chapter: Chapter, part: Part, options: RenderOptions, runner: ProgressRunner, label: str,
                left: PartsLeft, join: Callable[[], dict]) -> dict | None:
    """Render ``part`` of ``chapter`` in a media folder of its own and move what it made into the
    chapter's; the last part to finish then runs the chapter (``join``), which finds every animation
    cached, and returns its entry (the other parts return None)."""
    parts_dir = chapter_media(chapter, options) / "parts"
    media_dir = parts_dir / str(part.number)
    shutil.rmtree(media_dir, ignore_errors=True)  # what a stopped run left
    match_encoder_settings(media_dir / "videos" / video_folder(chapter, options), options.quality.x264)
    part_label = f"{label} part {part.number}/{part.count}"
    runner.say(f"{part_label}: rendering animations {part.manim_range.replace(',', ' to ')}"
               f"{'' if part.last is not None else ' to the end'}")
    started = time.monotonic()
    log = log_dir() / options.variant / f"{chapter.stem}-part{part.number}.log"
    runner.run(part_label, manim_command(chapter, options, media_dir, part=part), manim_env(options), ROOT, log)
    moved = gather_part(media_dir, chapter_media(chapter, options), video_folder(chapter, options))
    runner.say(f"{part_label}: done in {time.monotonic() - started:.0f} s ({moved} animations)")
    if not left.done():
        return None
    shutil.rmtree(parts_dir, ignore_errors=True)
    return join()


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


def stage_stills(chapter: Chapter, options: RenderOptions, stage: Path, runner: ProgressRunner,
                 label: str) -> list[dict]:
    """The chapter's stills (each beat's key frame in the render's theme) staged beside its video."""
    runner.say(f"{label}: stills")
    folder = stage / f".key-frames-{chapter.stem}"
    stills = make_key_frames(chapter, options, folder, runner, label)
    for still in stills:
        os.replace(folder / still["image"], stage / still["image"])
    shutil.rmtree(folder)
    return stills


def render_chapter(chapter: Chapter, options: RenderOptions, stage: Path, label: str, fingerprint: str,
                   runner: ProgressRunner, joining: bool = False) -> dict:
    """Render one chapter (``joining``: its parts are in the cache) and stage its video (index at
    the front), captions and extra formats."""
    runner.say(f"{label}: {'joining its parts' if joining else 'rendering'}")
    started = time.monotonic()
    produced, timings = run_manim(chapter, options, runner, label)
    entry = {
        "name": chapter.slug,
        "number": chapter.number,
        "title": t(f"{chapter.key}.title", lang=options.lang),
        "video": f"{chapter.stem}.mp4",
        "language": options.lang,
        "theme": options.theme,
        "quality": options.quality.name,
    }
    narration = produced.with_suffix(".wav")  # Manim writes the sound track beside a video that has one
    if options.voice.speaks and narration.is_file():
        duration = probe_video(produced)["duration"]
        master_chapter(produced, narration, duration, stage / entry["video"])
        entry["voice"] = options.voice.describe(options.lang)
        entry["loudness"] = loudness(stage / entry["video"])
    else:
        remux_faststart(produced, stage / entry["video"])
    entry.update(probe_video(stage / entry["video"]))
    cues = read_cues(produced.with_suffix(".srt"))
    entry["captions"] = {"srt": f"{chapter.stem}.srt", "vtt": f"{chapter.stem}.vtt"}
    write_srt(cues, stage / entry["captions"]["srt"])
    write_vtt(cues, stage / entry["captions"]["vtt"])
    if "gif" in options.formats and entry["duration"] <= GIF_MAX_SECONDS:
        entry["gif"] = f"{chapter.stem}.gif"
        make_gif(stage / entry["video"], stage / entry["gif"])
    if "stills" in options.formats:
        entry["stills"] = stage_stills(chapter, options, stage, runner, label)
    runner.say(f"{label}: words and frame share on screen")  # per beat (pipeline/screen_measure.py)
    entry["screen"] = measure_in_render(chapter, manim_env(options), (options.quality.width, options.quality.height),
                                        chapter_media(chapter, options), stage,
                                        log_dir() / options.variant / f"{chapter.stem}-screen.log", runner, label)
    if options.transparent:
        runner.say(f"{label}: rendering with a transparent background")
        entry["transparent"] = f"{chapter.stem}.mov"
        shutil.copyfile(run_manim(chapter, options, runner, label, transparent=True)[0], stage / entry["transparent"])
    entry["fingerprint"] = fingerprint
    seconds = time.monotonic() - started
    record_if_whole(options.variant, chapter.slug, seconds, timings)
    runner.say(f"{label}: done in {seconds:.0f} s ({entry['duration']:.1f} s of video)")
    return entry


def chapter_entry_files(entry: dict) -> list[str]:
    """The files a manifest's chapter entry names, relative to the manifest."""
    extras = [entry[key] for key in ("gif", "transparent") if key in entry]
    stills = [still["image"] for still in entry.get("stills", [])]
    return [entry["video"], *entry["captions"].values(), *extras, *stills]


def lecture_entry_files(lecture: dict) -> list[str]:
    """The files the manifest's lecture entry names."""
    return [lecture["video"], *lecture["captions"].values(), lecture["chapters"], lecture["thumbnail"],
            lecture["description"], lecture["youtube"],
            *([lecture["webm"]["video"]] if "webm" in lecture else []),
            *([lecture["handout"]] if "handout" in lecture else []),
            *([lecture["playground"]["html"]] if "playground" in lecture else [])]


def is_kept(entry: dict | None, fingerprint: str, files, variant_dir: Path) -> bool:
    """Whether a published entry was made from exactly these inputs and all its files are there."""
    if not entry or entry.get("fingerprint") != fingerprint:
        return False
    # A matching fingerprint means this code's layout: a new layout bumps FINGERPRINT_VERSION.
    return all((variant_dir / name).is_file() for name in files(entry))


def render_chapters(options: RenderOptions, previous: dict, stage: Path, runner: ProgressRunner) -> list[dict]:
    """Render the chosen chapters that changed, ``options.jobs`` at a time; return their entries in
    lecture order. Unchanged chapters are reported and left to the previous manifest."""
    published = {entry.get("name"): entry for entry in previous.get("chapters", [])}
    total = len(options.chapters)
    todo = []
    for index, chapter in enumerate(options.chapters, start=1):
        label = f"[{index}/{total}] {chapter.slug}"
        fingerprint = chapter_fingerprint(chapter, options)
        if is_kept(published.get(chapter.slug), fingerprint, chapter_entry_files, options.variant_dir):
            runner.say(f"{label}: unchanged, kept")
        else:
            todo.append((chapter, label, fingerprint))
    if not todo:
        return []
    calls = [partial(render_chapter, chapter, options, stage, label, fingerprint, runner)
             for chapter, label, fingerprint in todo]
    if options.jobs > 1:  # one at a time, the order changes nothing and nothing is cut
        calls = planned_calls(todo, options, stage, runner, options.jobs)
    jobs = min(options.jobs, len(calls))
    runner.say(f"Rendering {len(todo)} chapter(s), {jobs} at a time ({options.lang}, {options.theme}, "
               f"{options.quality.name}); Manim's output: {log_dir() / options.variant}/")
    runner.plan({label: chapter_log(chapter, options) for chapter, label, _ in todo})
    return [entry for entry in run_in_parallel(runner, calls, jobs) if entry is not None]


def planned_calls(todo: list[tuple[Chapter, str, str]], options: RenderOptions, stage: Path, runner: ProgressRunner,
                  jobs: int) -> list[Callable[[], dict | None]]:
    """The chapters' renders in the order to start them, longest first by their last times, with
    any chapter too long for the cores at hand cut into parts (``cut_plan``); a chapter's parts are
    ranked by their share of its time, and the last one to finish joins them."""
    seconds = known_chapter_seconds(options.variant, [chapter.slug for chapter, _, _ in todo])
    cores = int(os.environ.get(SPLIT_CORES_ENV) or jobs)
    plan = cut_plan([chapter for chapter, _, _ in todo], options, cores)
    calls: list[tuple[float, Callable[[], dict | None]]] = []
    for chapter, label, fingerprint in todo:
        whole = partial(render_chapter, chapter, options, stage, label, fingerprint, runner)
        parts = plan.get(chapter.slug)
        if not parts:
            calls.append((seconds.get(chapter.slug, math.inf), whole))
            continue
        runner.say(f"{label}: cut into {len(parts)} parts for {cores} cores")
        # Stamped once, before the parts gather into the chapter's cache from their threads.
        match_encoder_settings(chapter_video_dir(chapter, options), options.quality.x264)
        left = PartsLeft(len(parts))
        join = partial(whole, joining=True)
        share = seconds.get(chapter.slug, math.inf) / len(parts)
        calls += [(share, partial(render_part, chapter, part, options, runner, label, left, join)) for part in parts]
    # Never-timed chapters first (math.inf: they may be long), then longest first, so that on a few
    # cores the last to finish is a short one, not a long one started late (measured: leaky-prelu,
    # 177 s at 1080p60, started last but one in lecture order and ran alone for its last 36 s).
    # sorted keeps ties in lecture order.
    return [call for _, call in sorted(calls, key=lambda item: -item[0])]


def has_cached_animations(chapter: Chapter, options: RenderOptions) -> bool:
    """Whether Manim's cache holds partial movies of ``chapter`` in this quality's encoding."""
    video_dir = chapter_video_dir(chapter, options)
    return encoded_with(video_dir, options.quality.x264) and any((video_dir / "partial_movie_files").glob("*/*.mp4"))


def cut_plan(chapters: list[Chapter], options: RenderOptions, cores: int) -> dict[str, list[Part]]:
    """Which chapters to cut, and where (pipeline/split.py), by the drawing times of this variant's
    last whole runs (the time to its last animation: not the sound, stills or exports a part cannot
    share, nor another quality's times). Only chapters with nothing in Manim's cache are cut: a part
    draws its range in a folder of its own, so a chapter mostly cached (a caption edited) is cheaper
    whole."""
    ends = read_animation_ends(animation_ends_file(options.variant))
    if not all(ends.get(chapter.slug) for chapter in chapters):
        return {}
    plan = plan_parts({chapter.slug: ends[chapter.slug][-1] for chapter in chapters}, ends, cores)
    return {chapter.slug: plan[chapter.slug] for chapter in chapters
            if chapter.slug in plan and not has_cached_animations(chapter, options)}


def chapter_files(entries: list[dict], stage: Path, variant_dir: Path) -> list[ChapterFiles]:
    """Each chapter's video and captions (fresh from the stage, or kept from an earlier run) and its
    start time in the joined lecture."""
    files, offset = [], 0.0
    for entry in entries:
        folder = stage if (stage / entry["video"]).is_file() else variant_dir
        captions = entry.get("captions")
        if isinstance(captions, dict):
            captions = captions.get("srt")  # manifests before subtitles had one .srt path here
        files.append(ChapterFiles(entry, folder / entry["video"], folder / captions if captions else None, offset))
        offset += entry["duration"]
    return files


def read_manifest(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def merged_chapters(previous: dict, fresh: list[dict], variant_dir: Path) -> list[dict]:
    """This run's chapters plus earlier ones still on disk, in lecture order."""
    by_name = {entry["name"]: entry for entry in previous.get("chapters", [])
               if (variant_dir / entry.get("video", "")).is_file()}
    by_name.update({entry["name"]: entry for entry in fresh})
    order = {chapter.slug: position for position, chapter in enumerate(CHAPTERS)}
    return sorted((entry for name, entry in by_name.items() if name in order), key=lambda e: order[e["name"]])


def write_json_atomically(path: Path, data: dict) -> None:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.",
                                     delete=False) as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    os.chmod(fh.name, 0o644)  # a temporary file is private; the manifest is for everyone
    os.replace(fh.name, path)


def move_into_place(stage: Path, variant_dir: Path) -> None:
    """Move every staged file into the variant folder; if any move fails (or the run is stopped
    half-way) put back exactly what was there before."""
    variant_dir.mkdir(parents=True, exist_ok=True)
    backup = Path(tempfile.mkdtemp(prefix=".previous-", dir=stage))
    moved: list[str] = []
    try:
        # The manifest goes last, so a reader never sees it describe files not yet in place.
        for staged in sorted((p for p in stage.iterdir() if p != backup), key=lambda p: p.name == MANIFEST_NAME):
            target = variant_dir / staged.name
            if target.exists():
                os.replace(target, backup / staged.name)
            moved.append(staged.name)
            os.replace(staged, target)
    except BaseException:
        for name in reversed(moved):
            (variant_dir / name).unlink(missing_ok=True)
            if (backup / name).exists():
                os.replace(backup / name, variant_dir / name)
        raise


def manifest_header(options: RenderOptions) -> dict:
    """What a variant folder's manifest says first, whether render or slides writes it: the
    lecture's title in the render's language, the language, theme, quality and frame size."""
    return {
        "title": t("lecture.title", lang=options.lang),
        "language": options.lang,
        "theme": options.theme,
        "quality": options.quality.name,
        "width": options.quality.width,
        "height": options.quality.height,
        "fps": options.quality.fps,
    }


def stage_handout(chapters: list[dict], options: RenderOptions, stage: Path, runner: ProgressRunner) -> str:
    """The handout of every published chapter: their key frames drawn again on the light theme (for
    print), side by side, then laid out as a PDF in ``stage``; return its name."""
    folder = stage / ".handout-frames"
    chosen = find_chapters([entry["name"] for entry in chapters])
    total = len(chosen)
    runner.say(f"Handout: the key frames of {total} chapter(s) on the {FRAME_THEME} theme")
    calls = [partial(make_key_frames, chapter, options, folder / chapter.stem, runner,
                     f"[handout {index}/{total}] {chapter.slug}", theme=FRAME_THEME, size=FRAME_SIZE,
                     log=log_dir() / options.variant / f"{chapter.stem}-handout.log")
             for index, chapter in enumerate(chosen, start=1)]
    beats = run_in_parallel(runner, calls, options.jobs)
    frames = [ChapterFrames(chapter, entry["title"],
                            [{**beat, "image": str(folder / chapter.stem / beat["image"])} for beat in chapter_beats])
              for chapter, entry, chapter_beats in zip(chosen, chapters, beats)]
    write_handout(options.lang, frames, options.course, summary(options.lang), stage / HANDOUT_NAME)
    shutil.rmtree(folder)
    return HANDOUT_NAME


def stage_playground(options: RenderOptions, stage: Path) -> dict:
    """``--format playground``: the classroom page beside the lecture, in its language and theme."""
    print(f"Writing {PLAYGROUND_PAGE} (the classroom playground, offline)", flush=True)
    return write_playground(stage, options.lang, options.theme, GRIDS[options.playground_grid])


def publish(stage: Path, entries: list[dict], options: RenderOptions, previous: dict,
            runner: ProgressRunner | None = None) -> bool:
    """Build the lecture files and the manifest in the stage, then move them all into the variant
    folder. When no chapter was rendered and the lecture's inputs are those it was made from, keep
    everything as it is; return whether anything was published."""
    variant_dir = options.variant_dir
    chapters = merged_chapters(previous, entries, variant_dir)
    fingerprint = lecture_fingerprint(chapters, options)
    if not entries and is_kept(previous.get("lecture"), fingerprint, lecture_entry_files, variant_dir):
        print("lecture.mp4, subtitles, chapters.txt, thumbnail: unchanged, kept", flush=True)
        return False
    print(f"Joining {len(chapters)} chapter(s) into lecture.mp4, with subtitles, chapters.txt and thumbnail",
          flush=True)
    metadata = partial(write_metadata, stage, variant_dir, options.lang, options.theme, options.quality.name,
                       course=options.course)
    lecture = publish_lecture(chapter_files(chapters, stage, variant_dir), stage, options.lang, options.formats,
                              options.course, metadata=lambda lines: metadata(chapter_lines=lines))
    voices = {entry.get("voice", {}).get("engine") for entry in chapters}
    if len(voices) > 1:
        print(f"Note: the lecture joins chapters narrated differently ({', '.join(sorted(map(str, voices)))}); "
              "render all chapters with one --voice to make them match", flush=True)
    if "handout" in options.formats:
        lecture["handout"] = stage_handout(chapters, options, stage, runner or ProgressRunner())
    if "playground" in options.formats:
        lecture["playground"] = stage_playground(options, stage)
    lecture["fingerprint"] = fingerprint
    manifest = {
        **manifest_header(options),
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "lecture": lecture,
        "chapters": chapters,
        "narration": options.voice.describe(options.lang),
    }
    if "slides" in previous:  # the decks of render.sh slides live in the same variant folder
        manifest["slides"] = previous["slides"]
    write_json_atomically(stage / MANIFEST_NAME, manifest)
    move_into_place(stage, variant_dir)
    return True


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


def remove_abandoned_stages(out: Path) -> None:
    """Staging folders left by runs that were killed outright (SIGKILL, power loss)."""
    for stage in out.glob(".staging-*"):
        pid = stage.name.split("-")[1]
        if not pid.isdigit() or not pid_alive(int(pid)):
            shutil.rmtree(stage, ignore_errors=True)


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


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


def render_and_publish(options: RenderOptions, stage: Path, runner: ProgressRunner) -> bool:
    """Everything that touches Manim's cache and the output folder, under the lock; return whether
    anything was published."""
    with manim_session(options, runner, media_root(options)):
        previous = read_manifest(options.variant_dir / MANIFEST_NAME)
        entries = render_chapters(options, previous, stage, runner)
        return publish(stage, entries, options, previous, runner)


def run_staged(options: RenderOptions, work: Callable[[Path, ProgressRunner], T]) -> T:
    """Run ``work(stage, runner)`` with a fresh staging folder inside the output folder; on any
    failure or interruption remove the stage and exit with one line, leaving the output as it was."""
    signal.signal(signal.SIGTERM, _raise_interrupt)  # a polite kill cleans up like Ctrl-C
    missing = missing_requirement(options.lang) or voice_problem(options)
    if missing:
        fail(missing, status=1)
    for note in options.voice.notes(options.lang):
        print(f"Narration: {note}", flush=True)
    speedups_on()  # with another Manim than the speed-ups were written for, says so once
    out_existed = options.out.exists()
    try:
        options.out.mkdir(parents=True, exist_ok=True)
        remove_abandoned_stages(options.out)
        stage = Path(tempfile.mkdtemp(prefix=f".staging-{os.getpid()}-", dir=options.out))
    except OSError as error:
        fail(f"cannot write to output folder {options.out}: {error.strerror}")
    try:
        return work(stage, ProgressRunner())
    except (Exception, KeyboardInterrupt) as error:
        shutil.rmtree(stage, ignore_errors=True)
        if not out_existed and not any(options.out.iterdir()):
            options.out.rmdir()
        if isinstance(error, ManimFailed):
            print(f"Last lines of {error.log}:\n{error.tail()}", file=sys.stderr)
        interrupted = isinstance(error, KeyboardInterrupt)
        reason = "interrupted" if interrupted else f"{error}" or type(error).__name__
        fail(f"{reason}; nothing was written to {options.out}", status=130 if interrupted else 1)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def render(options: RenderOptions) -> int:
    """Render the chosen chapters; on any failure leave the output folder as it was."""
    started = time.monotonic()
    published = run_staged(options, lambda stage, runner: render_and_publish(options, stage, runner))
    manifest = read_manifest(options.variant_dir / MANIFEST_NAME)
    verb = "Rendered" if published else "Nothing changed; kept"
    print(f"\n{verb} {options.variant_dir} in {time.monotonic() - started:.1f} s:")
    for entry in manifest.get("chapters", []):
        print(f"  {options.variant_dir / entry['video']}  ({entry['duration']:.1f} s)")
    print(f"  {options.variant_dir / 'lecture.mp4'}  (the whole lecture)")
    narration = manifest.get("narration", {})
    if narration.get("engine"):
        level = manifest.get("lecture", {}).get("loudness", {})
        measured = (f"; {level['integrated_lufs']:.1f} LUFS, true peak {level['true_peak_dbtp']:.1f} dBTP"
                    if level else "")
        print(f"Narration: {narration['engine']}{measured}; licence: {narration['licence']}")
    print(f"Manifest: {options.variant_dir / MANIFEST_NAME}")
    return 0

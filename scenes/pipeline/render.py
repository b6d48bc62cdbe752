"""Render chapters with Manim and publish them, with a manifest, all or nothing.

Each chapter renders in its own Manim process into a per-variant cache (so Manim's partial-movie
cache serves re-runs); the finished files are staged next to the output folder and only moved
into place, together with the manifest, once every chapter has succeeded.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import av

from scenes.lib.strings import t
from scenes.pipeline.options import ROOT, RenderOptions, fail
from scenes.pipeline.publish import (
    GIF_MAX_SECONDS,
    ChapterFiles,
    make_gif,
    publish_lecture,
    read_cues,
    remux_faststart,
    write_srt,
    write_vtt,
)
from scenes.registry import CHAPTERS, Chapter

CACHE_DIR = ROOT / ".cache" / "manim"
MANIFEST_NAME = "manifest.json"


def manim_command(chapter: Chapter, options: RenderOptions, media_dir: Path, transparent: bool = False) -> list[str]:
    return [
        sys.executable, "-m", "manim", "render",
        f"-q{options.quality.manim_flag}",
        *(["--transparent"] if transparent else []),
        "--media_dir", str(media_dir),
        str(chapter.path), chapter.scene,
    ]


def manim_env(options: RenderOptions) -> dict[str, str]:
    env = dict(os.environ, LECTURE_LANG=options.lang, LECTURE_THEME=options.theme)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def probe_video(path: Path) -> dict[str, float | int]:
    """Duration, resolution and frame rate of a video file, read with PyAV."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if container.duration:
            duration = float(container.duration / av.time_base)
        else:
            duration = float(stream.duration * stream.time_base)
        return {
            "duration": round(duration, 3),
            "width": stream.codec_context.width,
            "height": stream.codec_context.height,
            "fps": float(stream.base_rate),
        }


def run_manim(chapter: Chapter, options: RenderOptions, transparent: bool = False) -> Path:
    """Render one chapter with Manim (its cache makes unchanged animations free); return the video."""
    media_dir = CACHE_DIR / f"{options.lang}-{options.theme}"
    result = subprocess.run(manim_command(chapter, options, media_dir, transparent), cwd=ROOT,
                            env=manim_env(options))
    if result.returncode != 0:
        raise RuntimeError(f"chapter {chapter.slug!r} failed in Manim (exit {result.returncode})")
    suffix = ".mov" if transparent else ".mp4"
    produced = media_dir / "videos" / chapter.module / options.quality.manim_folder / f"{chapter.scene}{suffix}"
    if not produced.is_file():
        raise RuntimeError(f"Manim reported success but wrote no video at {produced}")
    return produced


def render_chapter(chapter: Chapter, options: RenderOptions, stage: Path, index: int, total: int) -> dict:
    """Render one chapter and stage its video (index at the front), captions and extra formats."""
    print(f"[{index}/{total}] {chapter.slug}: rendering ({options.lang}, {options.theme}, {options.quality.name})",
          flush=True)
    started = time.monotonic()
    produced = run_manim(chapter, options)
    entry = {
        "name": chapter.slug,
        "number": chapter.number,
        "title": t(f"{chapter.key}.title", lang=options.lang),
        "video": f"{chapter.stem}.mp4",
        "language": options.lang,
        "theme": options.theme,
        "quality": options.quality.name,
    }
    remux_faststart(produced, stage / entry["video"])
    entry.update(probe_video(stage / entry["video"]))
    cues = read_cues(produced.with_suffix(".srt"))
    entry["captions"] = {"srt": f"{chapter.stem}.srt", "vtt": f"{chapter.stem}.vtt"}
    write_srt(cues, stage / entry["captions"]["srt"])
    write_vtt(cues, stage / entry["captions"]["vtt"])
    if "gif" in options.formats and entry["duration"] <= GIF_MAX_SECONDS:
        entry["gif"] = f"{chapter.stem}.gif"
        make_gif(stage / entry["video"], stage / entry["gif"])
    if options.transparent:
        print(f"[{index}/{total}] {chapter.slug}: rendering with a transparent background", flush=True)
        entry["transparent"] = f"{chapter.stem}.mov"
        shutil.copyfile(run_manim(chapter, options, transparent=True), stage / entry["transparent"])
    print(f"[{index}/{total}] {chapter.slug}: {entry['duration']:.1f} s of video in "
          f"{time.monotonic() - started:.1f} s", flush=True)
    return entry


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


def publish(stage: Path, entries: list[dict], options: RenderOptions) -> Path:
    """Build the lecture files and the manifest in the stage, then move them all into the variant
    folder; return the manifest path."""
    variant_dir = options.variant_dir
    manifest_path = variant_dir / MANIFEST_NAME
    previous = read_manifest(manifest_path)
    chapters = merged_chapters(previous, entries, variant_dir)
    print(f"Joining {len(chapters)} chapter(s) into lecture.mp4, with subtitles, chapters.txt and thumbnail",
          flush=True)
    lecture = publish_lecture(chapter_files(chapters, stage, variant_dir), stage, options.lang, options.formats)
    manifest = {
        "title": t("lecture.title", lang=options.lang),
        "language": options.lang,
        "theme": options.theme,
        "quality": options.quality.name,
        "width": options.quality.width,
        "height": options.quality.height,
        "fps": options.quality.fps,
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "lecture": lecture,
        "chapters": chapters,
    }
    if "slides" in previous:  # the decks of render.sh slides live in the same variant folder
        manifest["slides"] = previous["slides"]
    write_json_atomically(stage / MANIFEST_NAME, manifest)
    move_into_place(stage, variant_dir)
    return manifest_path


@contextmanager
def exclusive(lock_path: Path):
    """Hold an exclusive lock: two renders of one language and theme share Manim's media folder
    and the output folder's manifest, so the second waits for the first."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"Waiting for another render ({lock_path.stem}) to finish...", flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_abandoned_stages(out: Path) -> None:
    """Staging folders left by runs that were killed outright (SIGKILL, power loss)."""
    for stage in out.glob(".staging-*"):
        pid = stage.name.split("-")[1]
        if not pid.isdigit() or not _pid_alive(int(pid)):
            shutil.rmtree(stage, ignore_errors=True)


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def render(options: RenderOptions) -> int:
    """Render the chosen chapters; on any failure leave the output folder as it was."""
    signal.signal(signal.SIGTERM, _raise_interrupt)  # a polite kill cleans up like Ctrl-C
    out_existed = options.out.exists()
    try:
        options.out.mkdir(parents=True, exist_ok=True)
        remove_abandoned_stages(options.out)
        stage = Path(tempfile.mkdtemp(prefix=f".staging-{os.getpid()}-", dir=options.out))
    except OSError as error:
        fail(f"cannot write to output folder {options.out}: {error.strerror}")
    started = time.monotonic()
    try:
        with exclusive(CACHE_DIR / f"{options.lang}-{options.theme}.lock"):
            entries = [render_chapter(chapter, options, stage, index, len(options.chapters))
                       for index, chapter in enumerate(options.chapters, start=1)]
            manifest_path = publish(stage, entries, options)
    except (Exception, KeyboardInterrupt) as error:
        shutil.rmtree(stage, ignore_errors=True)
        if not out_existed and not any(options.out.iterdir()):
            options.out.rmdir()
        interrupted = isinstance(error, KeyboardInterrupt)
        reason = "interrupted" if interrupted else f"{error}" or type(error).__name__
        fail(f"{reason}; nothing was written to {options.out}", status=130 if interrupted else 1)
    shutil.rmtree(stage, ignore_errors=True)
    print(f"\nRendered {len(entries)} chapter(s) in {time.monotonic() - started:.0f} s:")
    for entry in entries:
        print(f"  {options.variant_dir / entry['video']}  ({entry['duration']:.1f} s)")
    print(f"  {options.variant_dir / 'lecture.mp4'}  (the whole lecture)")
    print(f"Manifest: {manifest_path}")
    return 0

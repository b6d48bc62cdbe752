"""The video builder: render chapters with Manim and publish them, with a manifest, all or nothing.

Chapters render side by side (``--jobs``), each in its own Manim process with its own media folder
in the cache (manim_run.py). A chapter whose fingerprint (fingerprint.py) matches the published one
is kept without starting Manim. The finished files are staged next to the output folder and only
moved into place, together with the manifest, once every chapter has succeeded (staging.py).
slides.py is this module's sibling over the same layers.
"""
from __future__ import annotations

import math
import os
import shutil
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import TypeVar

from pipeline.audio import loudness, master_chapter
from pipeline.farm import executor
from pipeline.ffmpeg import probe_video, remux_faststart
from pipeline.fingerprint import chapter_fingerprint, lecture_fingerprint
from pipeline.handout import FRAME_SIZE, FRAME_THEME, HANDOUT_NAME, ChapterFrames, write_handout
from pipeline.jobs import ProgressRunner, run_in_parallel
from pipeline.manim_run import (
    chapter_log,
    chapter_media,
    chapter_video_dir,
    encoded_with,
    log_dir,
    make_key_frames,
    manim_command,
    manim_env,
    manim_session,
    match_encoder_settings,
    media_root,
    run_manim,
    video_folder,
)
from pipeline.metadata import summary, write_metadata
from pipeline.options import RenderOptions
from pipeline.playground import GRIDS, write_playground
from pipeline.playground import PAGE_NAME as PLAYGROUND_PAGE
from pipeline.publish import GIF_MAX_SECONDS, ChapterFiles, make_gif, publish_lecture, read_cues, write_srt, write_vtt
from pipeline.registry import CHAPTERS, Chapter, find_chapters
from pipeline.screen_measure import measure_in_render
from pipeline.settings import SPLIT_CORES_ENV
from pipeline.split import Part, gather_part, plan_parts
from pipeline.staging import (
    MANIFEST_NAME,
    is_kept,
    manifest_header,
    move_into_place,
    read_manifest,
    run_staged_variants,
    write_json_atomically,
)
from pipeline.timings import animation_ends_file, known_chapter_seconds, read_animation_ends, record_if_whole
from scenes.lib.settings import ROOT
from scenes.lib.strings import t

T = TypeVar("T")


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




def changed_chapters(options: RenderOptions, previous: dict, runner: ProgressRunner,
                     label: Callable[[int, Chapter], str]) -> list[tuple[Chapter, str, str]]:
    """The chosen chapters that changed since ``previous`` (a manifest), each with its label and
    fingerprint; unchanged chapters are reported and left to the previous manifest."""
    published = {entry.get("name"): entry for entry in previous.get("chapters", [])}
    todo = []
    for index, chapter in enumerate(options.chapters, start=1):
        fingerprint = chapter_fingerprint(chapter, options)
        if is_kept(published.get(chapter.slug), fingerprint, chapter_entry_files, options.variant_dir):
            runner.say(f"{label(index, chapter)}: unchanged, kept")
        else:
            todo.append((chapter, label(index, chapter), fingerprint))
    return todo


def render_chapters(options: RenderOptions, previous: dict, stage: Path, runner: ProgressRunner) -> list[dict]:
    """Render the chosen chapters that changed, ``options.jobs`` at a time; return their entries in
    lecture order. Unchanged chapters are reported and left to the previous manifest."""
    return render_variant_chapters([(options, previous, stage)], runner)[0]


def render_variant_chapters(variants: list[tuple[RenderOptions, dict, Path]],
                            runner: ProgressRunner) -> list[list[dict]]:
    """Render the changed chapters of every variant (its options, previous manifest and stage) in one
    schedule, longest first across them all, ``jobs`` at a time; return each variant's entries in
    lecture order."""
    several = len(variants) > 1
    total = sum(len(options.chapters) for options, _, _ in variants)
    numbers = iter(range(1, total + 1))
    todos = []
    for options, previous, _ in variants:
        def label(index: int, chapter: Chapter, options: RenderOptions = options) -> str:
            # One variant keeps its labels short; several name theirs ("[3/16] en-dark-preview/relu").
            if several:
                return f"[{next(numbers)}/{total}] {options.variant}/{chapter.slug}"
            return f"[{index}/{total}] {chapter.slug}"

        todos.append(changed_chapters(options, previous, runner, label))
    jobs_asked = runner.slots or variants[0][0].jobs
    calls: list[tuple[float, Callable[[], tuple[int, dict | None]]]] = []
    for number, ((options, _, stage), todo) in enumerate(zip(variants, todos)):
        if jobs_asked > 1:  # one at a time, the order changes nothing and nothing is cut
            own = planned_calls(todo, options, stage, runner, jobs_asked)
        else:
            own = [(0.0, partial(render_chapter, chapter, options, stage, label, fingerprint, runner))
                   for chapter, label, fingerprint in todo]
        calls += [(seconds, partial(tagged, number, call)) for seconds, call in own]
    if not calls:
        return [[] for _ in variants]
    # Never-timed chapters first (math.inf: they may be long), then longest first, so that on a few
    # cores the last to finish is a short one, not a long one started late (measured: leaky-prelu,
    # 177 s at 1080p60, started last but one in lecture order and ran alone for its last 36 s).
    # sorted keeps ties in lecture order (and in the variants' order).
    ordered = [call for _, call in sorted(calls, key=lambda item: -item[0])]
    jobs = min(jobs_asked, len(ordered))
    chapters = sum(len(todo) for todo in todos)
    if several:
        runner.say(f"Rendering {chapters} chapter(s) of {len(variants)} variants "
                   f"({', '.join(options.variant for options, _, _ in variants)}), {jobs} at a time; "
                   f"Manim's output: {log_dir()}/<variant>/")
    else:
        options = variants[0][0]
        runner.say(f"Rendering {chapters} chapter(s), {jobs} at a time ({options.lang}, {options.theme}, "
                   f"{options.quality.name}); Manim's output: {log_dir() / options.variant}/")
    runner.plan({label: chapter_log(chapter, options) for (options, _, _), todo in zip(variants, todos)
                 for chapter, label, _ in todo})
    done = run_in_parallel(runner, ordered, jobs)
    return [[entry for owner, entry in done if owner == number and entry is not None]
            for number in range(len(variants))]


def tagged(number: int, call: Callable[[], T]) -> tuple[int, T]:
    """``call``'s result with the number of the variant it belongs to."""
    return number, call()


def planned_calls(todo: list[tuple[Chapter, str, str]], options: RenderOptions, stage: Path, runner: ProgressRunner,
                  jobs: int) -> list[tuple[float, Callable[[], dict | None]]]:
    """The chapters' renders, each with the seconds to rank it by (longest first, by their last
    times), with any chapter too long for the cores at hand cut into parts (``cut_plan``); a
    chapter's parts are ranked by their share of its time, and the last one to finish joins them."""
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
    return calls


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




def merged_chapters(previous: dict, fresh: list[dict], variant_dir: Path) -> list[dict]:
    """This run's chapters plus earlier ones still on disk, in lecture order."""
    by_name = {entry["name"]: entry for entry in previous.get("chapters", [])
               if (variant_dir / entry.get("video", "")).is_file()}
    by_name.update({entry["name"]: entry for entry in fresh})
    order = {chapter.slug: position for position, chapter in enumerate(CHAPTERS)}
    return sorted((entry for name, entry in by_name.items() if name in order), key=lambda e: order[e["name"]])








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










def render_and_publish(variants: list[RenderOptions], stages: list[Path], runner: ProgressRunner) -> list[bool]:
    """Everything that touches Manim's cache and the output folders, under the locks of every
    language and theme asked for; each variant is published on its own, all or nothing. Return
    whether each published anything."""
    with ExitStack() as sessions:
        for lang_theme in dict.fromkeys((options.lang, options.theme) for options in variants):
            options = next(options for options in variants if (options.lang, options.theme) == lang_theme)
            sessions.enter_context(manim_session(options, runner, media_root(options)))
        previous = [read_manifest(options.variant_dir / MANIFEST_NAME) for options in variants]
        entries = render_variant_chapters(list(zip(variants, previous, stages)), runner)
        return [publish(stage, own, options, old, runner)
                for options, stage, own, old in zip(variants, stages, entries, previous)]


def render(options: RenderOptions) -> int:
    """Render the chosen chapters; on any failure leave the output folder as it was."""
    return render_variants([options])


def render_variants(variants: list[RenderOptions]) -> int:
    """Render the chosen chapters of every variant in one schedule; on any failure leave the
    output folder as it was (a variant already published stays)."""
    started = time.monotonic()
    with executor(variants[0]) as runner:
        published = run_staged_variants(variants, partial(render_and_publish, variants), runner)
    for options, fresh in zip(variants, published):
        report(options, fresh, time.monotonic() - started)
    return 0


def report(options: RenderOptions, published: bool, seconds: float) -> None:
    """What a variant's folder holds now."""
    manifest = read_manifest(options.variant_dir / MANIFEST_NAME)
    verb = "Rendered" if published else "Nothing changed; kept"
    print(f"\n{verb} {options.variant_dir} in {seconds:.1f} s:")
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

"""Each beat's words of prose on screen and the share of the frame its picture fills
(scenes/lib/screen_text.py), for the manifest and for a report of the lecture's totals.

A chapter is run as its key frames are made (pipeline/key_frames.py: animations skipped), with
the measure's hooks after every animation and at every key frame. It draws at the render's size:
Manim lays text out on a canvas of the frame's pixels and keeps the result in the media folder
by content, so a run at another size in the same folder would leave texts cut for the next render.

As a command::

    python -m pipeline.screen_measure SLUG WIDTH HEIGHT MEDIA_DIR OUT_DIR    # as render.py runs it
    python -m pipeline.screen_measure --report [--lang L] [--theme T] [--scenes a,b]

The report prints, per beat, the most words of prose and of the takeaway on screen at once and the
share of the frame (and of its width) the visuals cover, then the lecture's totals; beats over the
limits are marked.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.key_frames import render_key_frames
from pipeline.registry import Chapter, find_chapters
from scenes.lib.lecture import current_lecture
from scenes.lib.settings import ROOT, cache_root

if TYPE_CHECKING:
    from pipeline.jobs import ProgressRunner
    from scenes.lib.screen_text import BeatScreen

SCREEN_JSON = "screen.json"  # in the folder a run is given
REPORT_SIZE = (854, 480)  # pixels of the report's runs (a preview's), in a media folder of their own


def measure_chapter(chapter: Chapter, lang: str, theme: str, media_dir: Path,
                    size: tuple[int, int] = REPORT_SIZE) -> list[BeatScreen]:
    """Run ``chapter`` (animations skipped) and return each beat's measure, in the order played."""
    from scenes.lib.screen_text import ScreenMeasure  # Manim, only when measuring

    measure = ScreenMeasure()
    render_key_frames(chapter, lang, theme, media_dir, *size,
                      before_capture=measure.before_capture, after_play=measure.after_play)
    return measure.beats()


def measure_in_render(chapter: Chapter, env: dict[str, str], size: tuple[int, int], media_dir: Path, out_dir: Path,
                      log: Path, runner: ProgressRunner, label: str) -> list[dict]:
    """The chapter's measure as the manifest records it (a list of beats), run by ``runner`` in the
    render's environment (``env``: language, theme) and size, like the key frames."""
    # A folder of its own, written by the run and read here: on a render farm it comes back from the
    # worker as the key frames' folder does (pipeline/farm.py).
    out = out_dir / f".screen-{chapter.stem}"
    out.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "pipeline.screen_measure", chapter.slug, *map(str, size), str(media_dir), str(out)]
    runner.run(label, command, env, ROOT, log, phase="screen measure ")
    beats = json.loads((out / SCREEN_JSON).read_text(encoding="utf-8"))
    shutil.rmtree(out)
    return beats


def report(chapters: list[Chapter], lang: str, theme: str, detail: bool = False) -> str:
    """The lecture's totals, beat by beat, as text (``detail``: with the prose counted)."""
    from scenes.lib.screen_text import PROSE_MAX_WORDS, TAKEAWAY_MAX_WORDS

    media_dir = cache_root() / "screen-measure" / f"{lang}-{theme}-{REPORT_SIZE[1]}p"
    lines = [f"Words on screen (Chinese: a character is half a word) and frame share, {lang} {theme}",
             f"{'beat':<34}{'prose':>7}{'card':>7}{'frame':>8}{'width':>8}"]
    beats: list[BeatScreen] = []
    for chapter in chapters:
        for beat in measure_chapter(chapter, lang, theme, media_dir / chapter.module):
            beats.append(beat)
            over = " <- prose" if beat.prose_words > PROSE_MAX_WORDS else ""
            over += " <- card" if beat.takeaway_words > TAKEAWAY_MAX_WORDS else ""
            lines.append(f"{chapter.key + '.' + beat.beat:<34}{beat.prose_words:>7.1f}{beat.takeaway_words:>7.1f}"
                         f"{beat.frame_share:>8.0%}{beat.width_share:>8.0%}{over}")
            if detail:
                lines += [f"    prose: {text!r}" for text in beat.prose]
    count = max(1, len(beats))
    lines += [
        f"beats: {len(beats)}",
        f"words of prose on screen (each beat's most at once), total: {sum(b.prose_words for b in beats):.1f}",
        f"words on takeaway cards, total: {sum(b.takeaway_words for b in beats):.1f}",
        f"beats with more than {PROSE_MAX_WORDS} words of prose: {sum(b.prose_words > PROSE_MAX_WORDS for b in beats)}",
        f"cards of more than {TAKEAWAY_MAX_WORDS} words: {sum(b.takeaway_words > TAKEAWAY_MAX_WORDS for b in beats)}",
        f"frame share, mean over beats: {sum(b.frame_share for b in beats) / count:.0%}; "
        f"width share, mean: {sum(b.width_share for b in beats) / count:.0%}",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--report":
        parser = argparse.ArgumentParser(prog="python -m pipeline.screen_measure --report")
        parser.add_argument("--lang", default="en")
        parser.add_argument("--theme", default="dark")
        parser.add_argument("--scenes", default="", help="comma-separated chapter slugs (default: all)")
        parser.add_argument("--detail", action="store_true", help="list the prose counted in each beat")
        args = parser.parse_args(argv[1:])
        chapters = find_chapters([s for s in args.scenes.split(",") if s] or None)
        print(report(chapters, args.lang, args.theme, args.detail))
        return 0
    slug, width, height, media_dir, out = argv
    (chapter,) = find_chapters([slug])
    lecture = current_lecture()  # as render.py wrote it into this process's environment
    beats = measure_chapter(chapter, lecture.language, lecture.theme, Path(media_dir),
                            (int(width), int(height)))
    (Path(out) / SCREEN_JSON).write_text(json.dumps([beat.as_dict() for beat in beats], ensure_ascii=False,
                                                     indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""``./render.sh bench``: how long render.sh takes against rendering by hand with plain Manim.

For each quality, from an empty cache of its own (``.cache/bench/``, never the real one): the
chapters one after another with ``manim render -q<flag>`` (what a user would type), then render.sh's
pipeline cold (default ``--jobs``), then the pipeline again with nothing changed. The table (wall
time, seconds of rendering per second of video, ratio to plain Manim) is printed with the machine it
ran on and written to ``OUT/bench.md``. A benchmark, not a test: run it on an otherwise idle machine.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.options import (
    DEFAULT_JOBS,
    DEFAULT_OUT,
    QUALITIES,
    OptionParser,
    Quality,
    UsageError,
    choice,
    scene_list,
    voice_option,
    writable_out,
)
from pipeline.registry import Chapter, find_chapters
from scenes.lib.narration import DEFAULT_VOICE, Voice
from scenes.lib.settings import CACHE_DIR_ENV, ROOT, VOICE_ENV, cache_root, scene_env

BENCH_QUALITIES = ("preview", "1080p")


@dataclass(frozen=True)
class BenchOptions:
    qualities: tuple[Quality, ...]
    chapters: tuple[Chapter, ...]
    out: Path
    voice: Voice = Voice(DEFAULT_VOICE)


def parse_bench_options(argv: list[str]) -> BenchOptions:
    """``bench`` options; raise UsageError with one line on anything bad."""
    parser = OptionParser(prog="render.sh bench", add_help=False)
    parser.add_argument("--quality", type=choice("quality", tuple(QUALITIES)), default=None)
    parser.add_argument("--scenes", type=scene_list, default=None)
    parser.add_argument("--out", type=writable_out, default=ROOT / DEFAULT_OUT)
    parser.add_argument("--voice", default=DEFAULT_VOICE)
    args, extra = parser.parse_known_args(argv)
    if extra:
        raise UsageError(f"unknown argument {extra[0]!r} for bench; it takes --quality, --scenes, --out and --voice")
    qualities = (args.quality,) if args.quality else BENCH_QUALITIES
    return BenchOptions(tuple(QUALITIES[name] for name in qualities), tuple(find_chapters(args.scenes)),
                        args.out.resolve(), voice_option(args.voice))


def machine() -> str:
    """Cores, CPU model and memory, as the benchmark's heading."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:"))
        memory = f"{kib / 1024 ** 2:.0f} GiB RAM"
    except (OSError, StopIteration):
        memory = "unknown RAM"
    return f"{os.cpu_count()} cores, {model}, {memory}"


def timed(command: list[str], env: dict[str, str], log: Path) -> float:
    """Run ``command`` (its output to ``log``); return its wall time in seconds."""
    started = time.monotonic()
    with open(log, "a", encoding="utf-8") as output:
        result = subprocess.run(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:6])}... failed (exit {result.returncode}); see {log}")
    return time.monotonic() - started


def video_seconds(paths: list[Path]) -> float:
    import av

    total = 0.0
    for path in paths:
        with av.open(str(path)) as container:
            total += float(container.duration / av.time_base)
    return total


def bench_quality(quality: Quality, chapters: tuple[Chapter, ...], folder: Path,
                  voice: Voice = Voice(DEFAULT_VOICE)) -> list[tuple[str, float, float]]:
    """The three runs for one quality: (run, wall seconds, seconds of video)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    log = folder / "bench.log"
    env = scene_env("en", "dark")
    env[VOICE_ENV] = voice.spec  # plain Manim narrates too (clips land in the bench's own cache)
    env[CACHE_DIR_ENV] = str(folder / "plain-cache")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    plain_media = folder / "plain"
    print(f"{quality.name}: plain Manim, {len(chapters)} chapter(s) one after another...", flush=True)
    plain = sum(timed([sys.executable, "-m", "manim", "render", f"-q{quality.manim_flag}", "--media_dir",
                       str(plain_media), str(chapter.path), chapter.scene], env, log) for chapter in chapters)
    plain_video = video_seconds([plain_media / "videos" / c.module / quality.manim_folder / f"{c.scene}.mp4"
                                 for c in chapters])
    rows = [("plain manim, one by one", plain, plain_video)]
    # Through render.sh itself, so its checks of the installed packages count too.
    pipeline = [str(ROOT / "render.sh"), "render", "--quality", quality.name,
                "--scenes", ",".join(c.slug for c in chapters), "--out", str(folder / "out"), "--voice", voice.spec]
    pipeline_env = {**env, CACHE_DIR_ENV: str(folder / "cache")}
    for run in (f"render.sh, cold ({DEFAULT_JOBS} jobs)", "render.sh, nothing changed"):
        print(f"{quality.name}: {run}...", flush=True)
        seconds = timed(pipeline, pipeline_env, log)
        manifest = json.loads((folder / "out" / f"en-dark-{quality.name}" / "manifest.json").read_text())
        rows.append((run, seconds, sum(entry["duration"] for entry in manifest["chapters"])))
    return rows


def table(results: dict[str, list[tuple[str, float, float]]]) -> str:
    lines = ["| quality | run | wall time | s per s of video | vs plain Manim |", "|---|---|---|---|---|"]
    for quality, rows in results.items():
        plain = rows[0][1]
        for run, seconds, video in rows:
            lines.append(f"| {quality} | {run} | {seconds:.1f} s | {seconds / video:.2f} | {seconds / plain:.2f} |")
    return "\n".join(lines) + "\n"


def bench(options: BenchOptions) -> int:
    heading = (f"Machine: {machine()}\nChapters: {', '.join(c.slug for c in options.chapters)} (en, dark), "
               f"voice {options.voice.spec}\n")
    print(heading, flush=True)
    results = {}
    try:
        for quality in options.qualities:
            results[quality.name] = bench_quality(quality, options.chapters, cache_root() / "bench" / quality.name,
                                                  options.voice)
    except RuntimeError as error:
        print(f"render.sh: bench failed: {error}", file=sys.stderr)
        return 1
    report = f"# render.sh benchmark\n\n{heading}\n{table(results)}"
    print("\n" + table(results), end="")
    options.out.mkdir(parents=True, exist_ok=True)
    (options.out / "bench.md").write_text(report, encoding="utf-8")
    print(f"Written to {options.out / 'bench.md'}")
    return 0

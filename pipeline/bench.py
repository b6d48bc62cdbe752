"""``./render.sh bench``: how long render.sh takes against rendering by hand with plain Manim.

For each quality, from an empty cache of its own (``.cache/bench/``, never the real one): the
chapters one after another with ``manim render -q<flag>`` (what a user would type), then render.sh's
pipeline cold (default ``--jobs``), then, in a copy of the project, with one word added to one
chapter's caption (what a lecturer does most), then again with nothing changed. The table (wall
time, seconds of rendering per second of video, ratio to plain Manim and to the cold run) is printed
with the machine it ran on and written to ``OUT/bench.md``, with the wall time the cold run would
take on 4, 8 and 16 cores, simulated from the units of work it measured: the chapters of the cold
run, and the parts and joins of one more cold run that cuts chapters as the scheduler would for 8
cores (pipeline/split.py). With a voice, a last cold run without it says what narration costs: in
wall time, and per second of video (a narrated lecture runs longer than a silent one, whose beats
last as long as their captions take to read). ``--narration`` makes only those two cold runs.
A benchmark, not a test: run it on an otherwise idle machine.
"""
from __future__ import annotations

import heapq
import json
import os
import platform
import re
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
    parse_command_options,
    scene_list,
    voice_option,
    writable_out,
)
from pipeline.registry import Chapter, find_chapters
from pipeline.settings import SPLIT_CORES_ENV
from scenes.lib.lecture import VOICE_ENV, scene_env
from scenes.lib.settings import CACHE_DIR_ENV, ROOT, cache_root
from scenes.lib.voice import DEFAULT_VOICE, Voice

BENCH_QUALITIES = ("preview", "1080p")
SIMULATED_CORES = (2, 4, 8, 16)
CUT_FOR_CORES = 8  # the last cold run cuts chapters as the scheduler would for this many cores
CHAPTER_DONE = re.compile(r"\] (\S+): done in (\d+) s")  # render.py's line when a chapter is staged
PART_DONE = re.compile(r"\] (\S+) part \d+/\d+: done in (\d+) s")  # ... and when a part of one is done
JOINED = re.compile(r"\] (\S+): joining its parts")
EDITED_WORD = " (bench)"
CUT_RUN = f"render.sh, cold, chapters cut as for {CUT_FOR_CORES} cores"
SILENT_RUN = "render.sh, cold, --voice none"  # with a voice, the cold run once more without one
COLD_RUN = "render.sh, cold"


@dataclass(frozen=True)
class BenchOptions:
    qualities: tuple[Quality, ...]
    chapters: tuple[Chapter, ...]
    out: Path
    voice: Voice = Voice(DEFAULT_VOICE)
    variants_only: bool = False  # --variants: only the variant runs (separate, one command, farm)
    narration_only: bool = False  # --narration: only the narrated and the silent cold runs


def parse_bench_options(argv: list[str]) -> BenchOptions:
    """``bench`` options; raise UsageError with one line on anything bad."""
    parser = OptionParser(prog="render.sh bench", add_help=False)
    parser.add_argument("--quality", type=choice("quality", tuple(QUALITIES)), default=None)
    parser.add_argument("--scenes", type=scene_list, default=None)
    parser.add_argument("--out", type=writable_out, default=ROOT / DEFAULT_OUT)
    parser.add_argument("--voice", default=DEFAULT_VOICE)
    parser.add_argument("--variants", action="store_true")
    parser.add_argument("--narration", action="store_true")
    args = parse_command_options(parser, argv, "bench",
                                 "--quality, --scenes, --out, --voice, --variants and --narration")
    if args.variants and args.narration:
        raise UsageError("--variants and --narration each pick one set of runs: give one of them")
    qualities = (args.quality,) if args.quality else BENCH_QUALITIES
    voice = voice_option(args.voice)
    if args.narration and not voice.speaks:
        raise UsageError(f"--narration compares a narrated run with a silent one: --voice {args.voice} is silent")
    return BenchOptions(tuple(QUALITIES[name] for name in qualities), tuple(find_chapters(args.scenes)),
                        args.out.resolve(), voice, args.variants, args.narration)


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


def copy_project(target: Path) -> Path:
    """The project's files (git's tracked and untracked-but-not-ignored ones, without the reference
    frames) in ``target``, sharing this venv: a project the benchmark (and the tests) may edit."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    for name in listed:
        if (ROOT / name).is_file() and not name.startswith("tests/reference_frames/"):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    (target / ".venv").symlink_to(ROOT / ".venv")
    return target


def edit_one_caption(project: Path, chapter: Chapter) -> str:
    """Add a word to the English caption of ``chapter``'s first beat in ``project``'s beats table;
    return the beat's key."""
    path = project / "assets" / "beats" / "en.json"
    beats = json.loads(path.read_text(encoding="utf-8"))
    key = next(k for k in beats if k.startswith(f"{chapter.key}."))
    beats[key]["caption"] += EDITED_WORD
    path.write_text(json.dumps(beats, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return key


def chapter_seconds(log_text: str) -> dict[str, float]:
    """Each chapter's render time (Manim, sound, stills), from render.sh's output."""
    return {slug: float(seconds) for slug, seconds in CHAPTER_DONE.findall(log_text)}


@dataclass(frozen=True)
class Work:
    """A cold run's units of work: whole chapters, and the parts of cut ones with the run that
    joins each cut chapter's parts (it follows the last of them, on its core)."""

    wholes: dict[str, float]
    parts: dict[str, list[float]]
    joins: dict[str, float]

    @property
    def units(self) -> list[float]:
        return [*self.wholes.values(), *(seconds for parts in self.parts.values() for seconds in parts)]


def work_of(log_text: str) -> Work:
    """The units of work of one render.sh run, from its output."""
    joined = set(JOINED.findall(log_text))
    done = chapter_seconds(log_text)
    parts: dict[str, list[float]] = {}
    for slug, seconds in PART_DONE.findall(log_text):
        parts.setdefault(slug, []).append(float(seconds))
    return Work({slug: seconds for slug, seconds in done.items() if slug not in joined}, parts,
                {slug: seconds for slug, seconds in done.items() if slug in joined})


def schedule_work(work: Work, cores: int) -> float:
    """The wall time of ``work`` on ``cores`` workers as render.py runs it: units longest first,
    each on the worker that frees up first, and a cut chapter's joining run after its last part to
    finish, on that part's worker."""
    workers = [(0.0, core) for core in range(cores)]  # (free at, worker)
    parts_left = {slug: len(parts) for slug, parts in work.parts.items()}
    last_end: dict[str, tuple[float, int]] = {}
    units = [(seconds, slug) for slug, seconds in work.wholes.items()]
    units += [(seconds, slug) for slug, parts in work.parts.items() for seconds in parts]
    for seconds, slug in sorted(units, key=lambda unit: -unit[0]):
        start, core = heapq.heappop(workers)
        heapq.heappush(workers, (start + seconds, core))
        if slug in parts_left:
            parts_left[slug] -= 1
            last_end[slug] = max(last_end.get(slug, (0.0, core)), (start + seconds, core))
            if parts_left[slug] == 0:  # the join follows the last part to finish, on its worker
                end, joiner = last_end[slug]
                workers = [(free + work.joins.get(slug, 0.0) if worker == joiner else free, worker)
                           for free, worker in workers]
                heapq.heapify(workers)
    return max(free for free, _ in workers)


def simulated_walls(work: Work, cold_wall: float, jobs: int) -> dict[int, float]:
    """The cold run's wall time on more cores, simulated: the measured serial part (setup,
    joining, publishing: the wall time the schedule on ``jobs`` workers does not explain) plus the
    schedule of the measured units of work on that many workers."""
    serial = max(cold_wall - schedule_work(work, jobs), 0.0)
    return {cores: serial + schedule_work(work, cores) for cores in SIMULATED_CORES}


def bench_quality(quality: Quality, chapters: tuple[Chapter, ...], folder: Path,
                  voice: Voice = Voice(DEFAULT_VOICE), narration_only: bool = False,
                  ) -> tuple[list[tuple[str, float, float]], dict[str, Work]]:
    """The runs for one quality, as (run, wall seconds, seconds of video), and the units of work of
    the two cold runs (chapters whole, and cut as for CUT_FOR_CORES cores). ``narration_only``: the
    narrated cold run and the silent one, nothing else."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    log = folder / "bench.log"
    log.touch()
    env = scene_env("en", "dark")
    env[VOICE_ENV] = voice.spec  # plain Manim narrates too (clips land in the bench's own cache)
    env[CACHE_DIR_ENV] = str(folder / "plain-cache")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    rows = [] if narration_only else [plain_manim(quality, chapters, folder, env, log)]
    # Through render.sh itself, so its checks of the installed packages count too.
    pipeline = [str(ROOT / "render.sh"), "render", "--quality", quality.name,
                "--scenes", ",".join(c.slug for c in chapters), "--out", str(folder / "out"), "--voice", voice.spec]
    pipeline_env = {**env, CACHE_DIR_ENV: str(folder / "cache")}
    # The edit goes into a copy, never into the lecturer's own string table.
    project = copy_project(folder / "project")
    edited = chapters[len(chapters) // 2]
    runs = [(f"{COLD_RUN} ({DEFAULT_JOBS} jobs)", ROOT),
            (f"render.sh, one caption of {edited.slug} changed", project),
            ("render.sh, nothing changed", project)][:1 if narration_only else None]
    works: dict[str, Work] = {}
    for number, (run, root) in enumerate(runs):
        if number == 1:
            edit_one_caption(project, edited)
        print(f"{quality.name}: {run}...", flush=True)
        before = log.stat().st_size
        seconds = timed([str(root / "render.sh"), *pipeline[1:]], pipeline_env, log)
        if number == 0:  # the chapter times of the cold run
            works["whole"] = work_of(read_from(log, before))
        manifest = json.loads((folder / "out" / f"en-dark-{quality.name}" / "manifest.json").read_text())
        rows.append((run, seconds, sum(entry["duration"] for entry in manifest["chapters"])))
    out = pipeline.index("--out") + 1
    if not narration_only:
        # Cold again, in a cache of its own but with the first cold run's chapter times, cutting
        # chapters as the scheduler would for CUT_FOR_CORES cores: what its parts and joins cost.
        run = f"{CUT_RUN} ({DEFAULT_JOBS} jobs)"
        print(f"{quality.name}: {run}...", flush=True)
        cut_cache = folder / "cache-cut"
        shutil.copytree(folder / "cache" / "logs", cut_cache / "logs")
        before = log.stat().st_size
        seconds = timed([*pipeline[:out], str(folder / "out-cut"), *pipeline[out + 1:]],
                        {**pipeline_env, CACHE_DIR_ENV: str(cut_cache), SPLIT_CORES_ENV: str(CUT_FOR_CORES)}, log)
        works["cut"] = work_of(read_from(log, before))
        manifest = json.loads((folder / "out-cut" / f"en-dark-{quality.name}" / "manifest.json").read_text())
        rows.append((run, seconds, sum(entry["duration"] for entry in manifest["chapters"])))
    if voice.speaks:  # what narration costs: the same cold run, silent, in a cache of its own
        run = f"{SILENT_RUN} ({DEFAULT_JOBS} jobs)"
        print(f"{quality.name}: {run}...", flush=True)
        silent = [*pipeline[:pipeline.index("--voice")], "--voice", "none"]
        silent[out] = str(folder / "out-silent")
        seconds = timed(silent, {**pipeline_env, CACHE_DIR_ENV: str(folder / "cache-silent")}, log)
        manifest = json.loads((folder / "out-silent" / f"en-dark-{quality.name}" / "manifest.json").read_text())
        rows.append((run, seconds, sum(entry["duration"] for entry in manifest["chapters"])))
    return rows, works


def plain_manim(quality: Quality, chapters: tuple[Chapter, ...], folder: Path, env: dict[str, str],
                log: Path) -> tuple[str, float, float]:
    """The chapters one after another with plain ``manim render``, what a user would type."""
    media = folder / "plain"
    print(f"{quality.name}: plain Manim, {len(chapters)} chapter(s) one after another...", flush=True)
    seconds = sum(timed([sys.executable, "-m", "manim", "render", f"-q{quality.manim_flag}", "--media_dir",
                         str(media), str(chapter.path), chapter.scene], env, log) for chapter in chapters)
    video = video_seconds([media / "videos" / c.module / quality.manim_folder / f"{c.scene}.mp4" for c in chapters])
    return "plain manim, one by one", seconds, video


VARIANT_LANGS = ("en", "zh-TW")
VARIANT_THEMES = ("dark", "light")
VARIANT_QUALITY = "preview"
FARM_WORKERS = 2  # the farm run's workers: each a process with one Manim at a time, in its own folder
FARM_DONE = re.compile(r"Farm: (\d+) unit\(s\); packing and filing their files took ([\d.]+) s per unit")


def bench_variants(chapters: tuple[Chapter, ...], folder: Path, voice: Voice) -> list[tuple[str, float, str]]:
    """The variant set VARIANT_LANGS x VARIANT_THEMES at VARIANT_QUALITY, cold: as separate commands,
    as one command, and as one command on a Dask scheduler whose workers are processes of their own,
    each with its own checkout and cache (the shape of a second machine). Rows: run, wall seconds, note."""
    from pipeline.farm import start_scheduler, start_worker, stop_process_group, wait_for_workers

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    log = folder / "bench.log"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    scenes = ",".join(c.slug for c in chapters)
    base = [str(ROOT / "render.sh"), "render", "--quality", VARIANT_QUALITY, "--scenes", scenes, "--voice", voice.spec]
    variants = [(lang, theme) for lang in VARIANT_LANGS for theme in VARIANT_THEMES]
    rows = []
    print(f"variants: {len(variants)} separate commands...", flush=True)
    separate = sum(timed([*base, "--lang", lang, "--theme", theme, "--out", str(folder / "out-separate")],
                         {**env, CACHE_DIR_ENV: str(folder / "cache-separate")}, log) for lang, theme in variants)
    rows.append((f"{len(variants)} separate commands", separate, ""))
    together = [*base, "--lang", ",".join(VARIANT_LANGS), "--theme", ",".join(VARIANT_THEMES)]
    print("variants: one command...", flush=True)
    one = timed([*together, "--out", str(folder / "out-one")], {**env, CACHE_DIR_ENV: str(folder / "cache-one")}, log)
    rows.append(("one command", one, ""))
    print(f"variants: one command on a Dask scheduler with {FARM_WORKERS} worker processes...", flush=True)
    scheduler, address = start_scheduler(folder)
    workers = []
    try:
        for number in range(FARM_WORKERS):
            checkout = copy_project(folder / f"worker-{number}")
            workers.append(start_worker(address, checkout, checkout / ".cache", 1, folder / f"worker-{number}.log"))
        wait_for_workers(address, FARM_WORKERS)
        before = log.stat().st_size
        farm = timed([*together, "--scheduler", address, "--out", str(folder / "out-farm")],
                     {**env, CACHE_DIR_ENV: str(folder / "cache-farm")}, log)
    finally:
        for process in [*workers, scheduler]:
            stop_process_group(process)
    found = FARM_DONE.findall(read_from(log, before))
    units, per_unit = (int(found[-1][0]), float(found[-1][1])) if found else (0, 0.0)
    chapters_rendered = len(variants) * len(chapters)
    rows.append((f"one command, Dask scheduler, {FARM_WORKERS} workers in their own folders", farm,
                 f"{(farm - one) / chapters_rendered:+.1f} s per chapter against the local one command; "
                 f"{units} units, {per_unit:.2f} s of packing and filing per unit"))
    return rows


def variants_table(rows: list[tuple[str, float, str]], chapters: tuple[Chapter, ...]) -> str:
    lines = [f"Variants {','.join(VARIANT_LANGS)} x {','.join(VARIANT_THEMES)} at {VARIANT_QUALITY}, "
             f"{len(chapters)} chapter(s) each, cold:", "",
             "| run | wall time | vs separate commands | note |", "|---|---|---|---|"]
    separate = rows[0][1]
    lines += [f"| {run} | {seconds:.1f} s | {seconds / separate:.0%} | {note} |" for run, seconds, note in rows]
    return "\n".join(lines) + "\n"


def narration_cost(rows: list[tuple[str, float, float]]) -> tuple[float, float] | None:
    """How much more the narrated cold run cost than the silent one (0.09 for 9 %): in wall time,
    and in wall time per second of video; None without a silent run (a silent bench)."""
    silent = next(((seconds, video) for run, seconds, video in rows if run.startswith(SILENT_RUN)), None)
    narrated = next(((seconds, video) for run, seconds, video in rows if run.startswith(f"{COLD_RUN} (")), None)
    if not silent or not narrated:
        return None
    return narrated[0] / silent[0] - 1, (narrated[0] / narrated[1]) / (silent[0] / silent[1]) - 1


def narration_line(voice: Voice, quality: str, rows: list[tuple[str, float, float]]) -> str:
    cost = narration_cost(rows)
    if cost is None:
        return ""
    silent_video = next(video for run, _, video in rows if run.startswith(SILENT_RUN))
    narrated_video = next(video for run, _, video in rows if run.startswith(f"{COLD_RUN} ("))
    return (f"\nNarration ({voice.spec}) at {quality}: the cold run took {cost[0]:+.0%} against the silent one, "
            f"for {narrated_video / silent_video - 1:+.0%} of video; per second of video, {cost[1]:+.0%}.\n")


def read_from(log: Path, offset: int) -> str:
    with open(log, encoding="utf-8", errors="replace") as output:
        output.seek(offset)
        return output.read()


def table(results: dict[str, list[tuple[str, float, float]]]) -> str:
    lines = ["| quality | run | wall time | s per s of video | vs plain Manim | vs cold |", "|---|---|---|---|---|---|"]
    for quality, rows in results.items():
        plain = next((seconds for run, seconds, _ in rows if run.startswith("plain manim")), None)
        cold = next(seconds for run, seconds, _ in rows if run.startswith(f"{COLD_RUN} ("))
        for run, seconds, video in rows:
            against_plain = f"{seconds / plain:.2f}" if plain else "-"
            lines.append(f"| {quality} | {run} | {seconds:.1f} s | {seconds / video:.2f} | {against_plain} "
                         f"| {seconds / cold:.0%} |")
    return "\n".join(lines) + "\n"


def simulation_table(results: dict[str, list[tuple[str, float, float]]], works: dict[str, dict[str, Work]]) -> str:
    """The cold runs on more cores, simulated (see ``simulated_walls``): with chapters whole, and cut
    as the scheduler would for CUT_FOR_CORES cores (each from its own cold run)."""
    lines = ["Cold run on more cores, **simulated** from the units of work measured in the cold runs "
             f"above (chapters whole; or cut as for {CUT_FOR_CORES} cores, each cut chapter's parts and the "
             "run that joins them):", "",
             "| quality | chapters | " + " | ".join(f"{cores} cores" for cores in SIMULATED_CORES)
             + " | longest unit |",
             "|---|---|" + "---|" * (len(SIMULATED_CORES) + 1)]
    for quality, rows in results.items():
        cut_row = next((index for index, (run, _, _) in enumerate(rows) if run.startswith(CUT_RUN)), None)
        cold_row = next(index for index, (run, _, _) in enumerate(rows) if run.startswith(f"{COLD_RUN} ("))
        for kind, row in (("whole", cold_row), ("cut", cut_row)):
            if row is None:
                continue
            work = works.get(quality, {}).get(kind)
            if not work or not work.units:
                continue
            _, cold, video = rows[row]
            walls = simulated_walls(work, cold, DEFAULT_JOBS)
            cells = [f"{walls[cores]:.0f} s ({walls[cores] / video:.2f})" for cores in SIMULATED_CORES]
            named = [(f"{slug}", seconds) for slug, seconds in work.wholes.items()]
            named += [(f"{slug} (a part)", seconds) for slug, parts in work.parts.items() for seconds in parts]
            slug, longest = max(named, key=lambda item: item[1])
            label = "whole" if kind == "whole" else f"cut for {CUT_FOR_CORES} cores"
            lines.append(f"| {quality} | {label} | " + " | ".join(cells) + f" | {slug}, {longest:.0f} s |")
    return "\n".join(lines) + "\n"


def bench(options: BenchOptions) -> int:
    heading = (f"Machine: {machine()}\nChapters: {', '.join(c.slug for c in options.chapters)} (en, dark), "
               f"voice {options.voice.spec}\n")
    print(heading, flush=True)
    results, works, variants = {}, {}, []
    try:
        for quality in options.qualities if not options.variants_only else ():
            results[quality.name], works[quality.name] = bench_quality(
                quality, options.chapters, cache_root() / "bench" / quality.name, options.voice,
                options.narration_only)
        if not options.narration_only:
            variants = bench_variants(options.chapters, cache_root() / "bench" / "variants", options.voice)
    except RuntimeError as error:
        print(f"render.sh: bench failed: {error}", file=sys.stderr)
        return 1
    tables = f"{table(results)}\n{simulation_table(results, works)}\n" if results else ""
    tables += variants_table(variants, options.chapters) if variants else ""
    tables += "".join(narration_line(options.voice, quality, rows) for quality, rows in results.items())
    report = f"# render.sh benchmark\n\n{heading}\n{tables}"
    print("\n" + tables, end="")
    options.out.mkdir(parents=True, exist_ok=True)
    (options.out / "bench.md").write_text(report, encoding="utf-8")
    print(f"Written to {options.out / 'bench.md'}")
    return 0

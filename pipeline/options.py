"""Command-line options of ``render.sh``, validated with the standard library alone so a bad
option fails in a second, with one line, before anything is installed or written."""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.registry import Chapter, chapter_names, find_chapters
from pipeline.settings import PLAYGROUND_GRID_ENV
from scenes.lib.course import ConfigError, Course, load_course
from scenes.lib.settings import ROOT, cache_root
from scenes.lib.strings import languages
from scenes.lib.style import THEME_NAMES
from scenes.lib.voice import DEFAULT_VOICE, Voice, VoiceError, parse_voice


@dataclass(frozen=True)
class Quality:
    """One render quality: Manim's quality flag and what it produces."""

    name: str
    manim_flag: str  # -q<flag>
    height: int
    fps: int
    x264: str = ""  # encoder options for Manim's partial movies ("" keeps Manim's crf 23, preset medium)

    @property
    def width(self) -> int:
        return self.height * 16 // 9 + (self.height * 16 // 9) % 2

    @property
    def manim_folder(self) -> str:
        """The folder Manim names after the resolution, e.g. 1080p60."""
        return f"{self.height}p{self.fps}"


# x264 settings for Manim's partial movies (Manim itself fixes crf 23 with x264's default preset,
# medium; manim_worker.py applies these), chosen by what each quality is for:
# - preview is watched once and thrown away: ultrafast renders faster for a larger file, which at
#   480p costs nothing.
# - 720p is for drafts to share: veryfast renders faster with a file no larger.
# - 1080p and 4k are what gets published: ultrafast, at a constant quantiser of 18, with CABAC,
#   on one thread (`x264-params=cabac=1:qp=18:threads=1`; x264 reads its params after the crf
#   Manim asks for, so qp wins). Measured on 240 frames of chapter 3 at 1080p60 against a crf 18 /
#   slow encode of them (table in the README, "Render times"): 4.5 ms of CPU per frame and 4.4 ms
#   per repeated one, where the setting before (ultrafast crf 20 with three B-frames, x264's own
#   thread count) spent 8.1 and 8.5, and veryfast crf 20 17 ms: of the 3.6 ms saved, about 1.7
#   were the B-frames, 1.3 crf's look-ahead and 0.6 the threads, which only cost here (chapters
#   render side by side, one per core). SSIM 0.99958 (before: 0.99964; veryfast's 0.99939), a file 7 %
#   larger: the lecture about 1 Mbit/s, a twelfth of what YouTube suggests uploading for 1080p60.
# `./render.sh bench` times render.sh (with these settings) against plain Manim on the machine at hand.
PUBLISHED_X264 = "preset=ultrafast,x264-params=cabac=1:qp=18:threads=1"
QUALITIES = {
    q.name: q
    for q in (
        Quality("preview", "l", 480, 15, x264="preset=ultrafast"),
        Quality("720p", "m", 720, 30, x264="preset=veryfast"),
        Quality("1080p", "h", 1080, 60, x264=PUBLISHED_X264),
        Quality("4k", "k", 2160, 60, x264=PUBLISHED_X264),
    )
}
DEFAULT_QUALITY = "1080p"
# Videos are dark; slides are light, because most lecture templates are white.
DEFAULT_THEMES = {"render": "dark", "slides": "light", "present": "light"}
DEFAULT_OUT = "build"
DEFAULT_JOBS = os.cpu_count() or 1
LOCAL_SCHEDULER = "local"  # --scheduler local (the default): a Dask LocalCluster of --jobs worker processes
NO_SCHEDULER = "none"  # --scheduler none: the Manim runs in this process's own threads, without Dask
EXTRA_FORMATS = ("webm", "gif", "stills", "handout", "playground")
PLAYGROUND_GRIDS = ("full", "small")  # the playground's grid of choices (pipeline/playground.py)

def slides_cache() -> Path:
    """manim-slides' decks, one folder per variant."""
    return cache_root() / "slides"


class UsageError(Exception):
    """A bad command line: reported as one line, exit status 2."""


class BrokenInput(Exception):
    """A file named on the command line that cannot be used (a broken voice): one line, exit status 1."""


def voice_option(value: str) -> Voice:
    """``--voice`` as a Voice: UsageError (exit 2) for a bad value, BrokenInput (exit 1) for a broken file."""
    try:
        return parse_voice(value)
    except VoiceError as error:
        raise (BrokenInput if error.status == 1 else UsageError)(str(error)) from None


class OptionParser(argparse.ArgumentParser):
    """argparse, reporting a bad option as UsageError (one line) instead of printing its usage."""

    def error(self, message: str) -> None:  # one clear line instead of argparse's usage dump
        raise UsageError(message)


@dataclass(frozen=True)
class RenderOptions:
    quality: Quality
    lang: str
    theme: str
    chapters: tuple[Chapter, ...]
    out: Path
    formats: tuple[str, ...] = ()
    transparent: bool = False
    jobs: int = DEFAULT_JOBS
    voice: Voice = Voice(DEFAULT_VOICE)
    course: Course = Course()  # --config: the lecturer's course on the cards, and the licence
    playground_grid: str = "full"  # the playground's choices; the tests' "small" grid builds in seconds
    scheduler: str | None = None  # --scheduler: a Dask scheduler's address, or LOCAL_SCHEDULER; None: none

    @property
    def variant(self) -> str:
        """The output subfolder for this language, theme and quality."""
        return f"{self.lang}-{self.theme}-{self.quality.name}"

    @property
    def variant_dir(self) -> Path:
        return self.out / self.variant


def choice(kind: str, allowed: Sequence[str]) -> Callable[[str], str]:
    """An argument type that accepts one of ``allowed`` and names the ``kind`` of thing it rejects."""

    def check(value: str) -> str:
        if value not in allowed:
            raise argparse.ArgumentTypeError(f"unknown {kind} {value!r}; choose one of {', '.join(allowed)}")
        return value

    return check


@dataclass(frozen=True)
class BeatCommandOptions:
    """What every command that walks the beats is given (``beat_command_parser``): the language and
    the chapters; each command's own options extend it."""

    lang: str
    chapters: tuple[Chapter, ...]


def beat_command_parser(command: str) -> OptionParser:
    """The parser of ``render.sh COMMAND`` for a command that walks the beats (record, proofread):
    ``--lang`` and ``--scenes`` as a render takes them."""
    parser = OptionParser(prog=f"render.sh {command}", add_help=False)
    parser.add_argument("--lang", type=choice("language", languages()), default="en")
    parser.add_argument("--scenes", type=scene_list, default=None)
    return parser


def parse_command_options(parser: OptionParser, argv: list[str], command: str, takes: str) -> argparse.Namespace:
    """``argv`` parsed whole, or a UsageError naming the first argument ``command`` does not take and
    the options it does (``takes``)."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        raise UsageError(f"unknown argument {extra[0]!r} for {command}; it takes {takes}")
    return args


def scene_list(value: str) -> list[str]:
    """``--scenes``: comma-separated chapter names, each one the registry knows."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"no chapter named in {value!r}; choose from {', '.join(chapter_names())}")
    try:
        find_chapters(names)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return names


def format_list(value: str) -> list[str]:
    """``--format``: comma-separated extra exports."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    for name in names or [value]:
        if name not in EXTRA_FORMATS:
            raise argparse.ArgumentTypeError(f"unknown format {name!r}; choose from {', '.join(EXTRA_FORMATS)}")
    return names


def _course(value: str) -> Course:
    try:
        return load_course(Path(value))
    except ConfigError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def positive_int(value: str) -> int:
    """``--jobs``: a whole number of at least 1, in ASCII digits."""
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of jobs; choose a whole number of at least 1")
    return int(value)


def writable_out(value: str) -> Path:
    """``--out``: a folder that exists or can be created (not a file, not read-only)."""
    path = Path(value).expanduser()
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"output folder {value!r} is a file")
    probe = path
    while not probe.exists():  # the nearest folder that exists must let us create the rest
        probe = probe.parent
    if not os.access(probe, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"output folder {value!r} is not writable")
    return path


def choices(kind: str, allowed: Sequence[str]) -> Callable[[str], list[str]]:
    """An argument type for a comma-separated list of ``allowed`` values (one or more; repeats dropped)."""
    one = choice(kind, allowed)

    def check(value: str) -> list[str]:
        names = [name.strip() for name in value.split(",") if name.strip()]
        return list(dict.fromkeys(one(name) for name in names or [value]))

    return check


def parse_render_options(argv: list[str], command: str = "render") -> RenderOptions:
    """Parse ``render`` (or ``slides``) options of one variant; raise UsageError with one line on
    anything bad, or on several languages, themes or qualities (``parse_render_variants``)."""
    variants = parse_render_variants(argv, command)
    if len(variants) > 1:
        raise UsageError(f"{command} takes one language, theme and quality here, got {len(variants)} variants")
    return variants[0]


def parse_render_variants(argv: list[str], command: str = "render") -> list[RenderOptions]:
    """Parse ``render`` (or ``slides``) options: one RenderOptions per combination of the languages,
    themes and qualities asked for (comma-separated), in that order; raise UsageError with one line
    on anything bad."""
    parser = OptionParser(prog="render.sh", add_help=False)
    parser.add_argument("--quality", type=choices("quality", tuple(QUALITIES)), default=[DEFAULT_QUALITY])
    parser.add_argument("--lang", type=choices("language", languages()), default=["en"])
    parser.add_argument("--theme", type=choices("theme", THEME_NAMES), default=[DEFAULT_THEMES[command]])
    parser.add_argument("--scenes", type=scene_list, default=None)
    parser.add_argument("--out", type=writable_out, default=ROOT / DEFAULT_OUT)
    parser.add_argument("--format", type=format_list, action="append", default=[])
    parser.add_argument("--transparent", action="store_true")
    parser.add_argument("--jobs", type=positive_int, default=DEFAULT_JOBS)
    parser.add_argument("--voice", default=None)
    parser.add_argument("--config", type=_course, default=Course())
    parser.add_argument("--scheduler", default=None)
    args, extra = parser.parse_known_args(argv)
    if extra:
        raise UsageError(f"unknown argument {extra[0]!r}; run './render.sh help' for the options")
    if command == "present" and args.config.source:
        raise UsageError("--config is an option of render and slides, not of present")
    if command != "render" and (args.format or args.transparent):
        raise UsageError(f"{'--format' if args.format else '--transparent'} is an option of render, not of {command}")
    if command == "present" and args.voice is not None:
        raise UsageError("--voice is an option of render, slides and bench, not of present")
    if command != "render" and args.scheduler:
        raise UsageError(f"--scheduler is an option of render, not of {command}")
    # A render's Manim runs go to Dask: by default a local cluster of --jobs worker processes.
    scheduler = (args.scheduler or LOCAL_SCHEDULER) if command == "render" else None
    voice = voice_option(args.voice or DEFAULT_VOICE)
    variants = [RenderOptions(
        quality=QUALITIES[quality],
        lang=lang,
        theme=theme,
        chapters=tuple(find_chapters(args.scenes)),
        out=args.out.resolve(),
        formats=tuple(dict.fromkeys(name for names in args.format for name in names)),
        transparent=args.transparent,
        jobs=args.jobs,
        voice=voice,
        course=args.config,
        playground_grid=playground_grid(),
        scheduler=None if scheduler == NO_SCHEDULER else scheduler,
    ) for lang in args.lang for theme in args.theme for quality in args.quality]
    if command == "present":
        if len(variants) > 1:
            raise UsageError("present shows one language, theme and quality at a time")
        decks = slides_cache() / variants[0].variant
        missing = [c.slug for c in variants[0].chapters if not (decks / f"{c.scene}.json").is_file()]
        if missing:
            asked = " ".join(argv)
            raise UsageError(f"no {variants[0].variant} slides of {', '.join(missing)} yet; make them first with "
                             f"'./render.sh slides{' ' + asked if asked else ''}'")
    return variants


@dataclass(frozen=True)
class WorkerOptions:
    """``render.sh worker ADDRESS [--jobs N]``: where the scheduler is, and how many Manim at once."""

    address: str
    jobs: int = DEFAULT_JOBS


def parse_worker_options(argv: list[str]) -> WorkerOptions:
    parser = OptionParser(prog="render.sh worker", add_help=False)
    parser.add_argument("address")
    parser.add_argument("--jobs", type=positive_int, default=DEFAULT_JOBS)
    args, extra = parser.parse_known_args(argv)
    if extra:
        raise UsageError(f"unknown argument {extra[0]!r} for worker; it takes ADDRESS and --jobs")
    return WorkerOptions(args.address, args.jobs)


def parse_slides_variants(argv: list[str]) -> list[RenderOptions]:
    return parse_render_variants(argv, "slides")


def parse_present_options(argv: list[str]) -> RenderOptions:
    return parse_render_options(argv, "present")


def playground_grid() -> str:
    """The playground's grid: ``full`` unless the tests ask for their ``small`` one (LECTURE_PLAYGROUND_GRID)."""
    name = os.environ.get(PLAYGROUND_GRID_ENV) or "full"
    if name not in PLAYGROUND_GRIDS:
        raise UsageError(f"unknown {PLAYGROUND_GRID_ENV} {name!r}; choose one of {', '.join(PLAYGROUND_GRIDS)}")
    return name


def fail(message: str, status: int = 2) -> None:
    print(f"render.sh: {message}", file=sys.stderr)
    raise SystemExit(status)

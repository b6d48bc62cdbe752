"""The one table of ``render.sh``'s commands, read by the command line (cli.py), the help text and
``render.sh`` itself (through ``cli.py check``, which prints what to set up before running).

pipx's shape: each command names the function that parses its arguments and the function that runs
it, as ``module:function`` strings, so that checking a command line imports nothing beyond the
standard library and the modules that parse (render.sh checks before installing anything).
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.options import (
    DEFAULT_JOBS,
    DEFAULT_OUT,
    DEFAULT_QUALITY,
    QUALITIES,
    UsageError,
)
from scenes.lib.strings import languages
from scenes.lib.style import THEME_NAMES
from scenes.lib.voice import DEFAULT_VOICE

# What render.sh sets up before it runs a command (the case in render.sh reads these, not names):
NOTHING = "none"  # the system python3 is enough
VENV = "venv"  # the system packages and the virtualenv of requirements.txt
TESTS = "tests"  # those, and the browser and office suite the tests drive
PLAYER = "player"  # those, and the Qt binding manim-slides' player needs


@dataclass(frozen=True)
class Command:
    """One command of render.sh: its help lines, what render.sh sets up, and where its parser and
    runner live (``module:function``; a command without a parser takes no arguments)."""

    name: str
    usage: str
    setup: str
    run: str
    parse: str | None = None

    def parse_arguments(self, argv: list[str]) -> object:
        if self.parse is None:
            if argv:
                raise UsageError(f"'{self.name}' takes no arguments, got {argv[0]!r}")
            return None
        return load(self.parse)(argv)

    def runner(self) -> Callable[[object], int | None]:
        return load(self.run)


def load(where: str) -> Callable:
    """The function named ``module:function``, imported only now."""
    module, function = where.split(":")
    return getattr(importlib.import_module(module), function)


VARIANT_OPTIONS = "[--quality Q] [--lang L] [--theme T] [--scenes NAME[,NAME...]]"
COMMANDS = {command.name: command for command in (
    Command("render", f"""\
./render.sh [render] {VARIANT_OPTIONS} [--out DIR]
                          [--format webm,gif,stills,handout,playground] [--transparent] [--jobs N] [--voice V]
                          [--config FILE] [--scheduler local|none|ADDRESS]""",
            VENV, "pipeline.render:render_variants", "pipeline.options:parse_render_variants"),
    Command("slides", f"""\
./render.sh slides {VARIANT_OPTIONS} [--out DIR] [--voice V]
                          [--config FILE]
                            click-through decks: OUT/<variant>/slides/ (HTML that works offline, .pptx)""",
            VENV, "pipeline.slides:make_slides_variants", "pipeline.options:parse_slides_variants"),
    Command("present", f"""\
./render.sh present {VARIANT_OPTIONS}
                            present those decks in manim-slides' own player (a window)""",
            PLAYER, "pipeline.slides:present", "pipeline.options:parse_present_options"),
    Command("worker", """\
./render.sh worker ADDRESS [--jobs N]
                                     lend this machine to a render farm: Dask workers for the
                                     scheduler at ADDRESS (see docs/farm.md)""",
            VENV, "pipeline.farm:serve", "pipeline.options:parse_worker_options"),
    Command("list", "./render.sh list              chapters in lecture order", NOTHING, "pipeline.cli:list_chapters"),
    Command("test", "./render.sh test [PYTEST...]  run the test suite (installs what is missing first)",
            TESTS, "pipeline.cli:run_tests", "pipeline.cli:pytest_arguments"),
    Command("help", "./render.sh help              this text", NOTHING, "pipeline.commands:print_usage"),
    Command("bench", """\
./render.sh bench [--quality Q] [--scenes ...] [--out DIR] [--voice V] [--variants]
                                     time plain Manim against render.sh, cold and unchanged; then
                                     en,zh-TW x dark,light as separate commands, as one, and on Dask
                                     workers in their own folders (--variants: only those)""",
            VENV, "pipeline.bench:bench", "pipeline.bench:parse_bench_options"),
    Command("record", """\
./render.sh record [--lang L] [--scenes ...] [--takes DIR]
                                     record your own voice, one take per beat, for --voice recorded:DIR""",
            VENV, "pipeline.record:record", "pipeline.record:parse_record_options"),
    Command("proofread", """\
./render.sh proofread [--lang L] [--scenes ...] [--voice V]
                                     print each beat's speech as the engine will read it (phonemes for
                                     English, tone-numbered pinyin for Chinese)""",
            VENV, "pipeline.proofread:proofread", "pipeline.proofread:parse_proofread_options"),
)}

OPTIONS_HELP = f"""\
options:
  --quality  {'|'.join(QUALITIES)}   (default {DEFAULT_QUALITY}: 1080p60)
  --lang     {'|'.join(languages())}   (default en)
  --theme    {'|'.join(THEME_NAMES)}   (default dark; light for slides, to sit on white lecture templates)
             --quality, --lang and --theme take comma-separated lists: every combination, in one
             schedule, longest chapters first, each into its own folder
  --scenes   chapter names as './render.sh list' prints them (default: all)
  --out      output folder (default {DEFAULT_OUT}/); files go to OUT/<lang>-<theme>-<quality>/
  --format   extra exports, comma-separated: webm (the lecture in VP9), gif (chapters up to 30 s),
             stills (every beat's key frame as PNG), handout (a PDF to print: key frames and captions),
             playground (playground.html: the classroom playground, offline; slides always write it)
  --transparent  also render each chapter with a transparent background (NN-name.mov)
  --jobs     chapters rendered at once, each in its own Manim process (default: {DEFAULT_JOBS}, the CPU cores)
  --voice    the narration: hibari, espeak, piper, a Piper voice file (.onnx), recorded:DIR (your takes,
             DIR/<lang>/<NN-chapter>/<beat>.wav) or none (default {DEFAULT_VOICE}: hibari speaks English, and
             Chinese is spoken by espeak-ng from pinyin; see the README for voices and licences)
  --config   a TOML file with your course, name, institution, logo, accent colour and licence for the
             title card, the closing card and the thumbnail (see README)
  --scheduler  where the Manim runs go: "local" (the default: Dask workers, --jobs processes on this
             machine), a Dask scheduler's address, tcp://HOST:8786 (see docs/farm.md), or "none"
             (this process's own threads, without Dask)
"""


def usage() -> str:
    """The help text: every command's lines from the table, then the options."""
    lines = [("usage: " if index == 0 else "       ") + command.usage
             for index, command in enumerate(COMMANDS.values())]
    return "\n".join(lines) + "\n\n" + OPTIONS_HELP


def print_usage(_: object = None) -> int:
    print(usage(), end="")
    return 0


def split_command(argv: list[str]) -> tuple[Command, list[str]]:
    """The command (default ``render``) and the arguments after it."""
    if argv and not argv[0].startswith("-"):
        if argv[0] not in COMMANDS:
            raise UsageError(f"unknown command {argv[0]!r}; choose one of {', '.join(COMMANDS)}")
        return COMMANDS[argv[0]], argv[1:]
    if argv and argv[0] in ("-h", "--help"):
        return COMMANDS["help"], argv[1:]
    return COMMANDS["render"], argv

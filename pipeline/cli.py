"""Entry point behind ``render.sh``: ``python -m pipeline.cli COMMAND [OPTIONS]``.

``check`` validates a whole command line with the standard library only (render.sh calls it before
installing anything); ``list`` and ``help`` need nothing installed; ``render`` needs the venv.
"""
from __future__ import annotations

import sys

from pipeline.options import USAGE, BrokenInput, UsageError, fail, parse_render_options, split_command
from pipeline.registry import CHAPTERS
from scenes.lib.strings import t


def list_chapters() -> None:
    width = max(len(chapter.slug) for chapter in CHAPTERS)
    for chapter in CHAPTERS:
        print(f"{chapter.number:>2}  {chapter.slug:<{width}}  {t(f'{chapter.key}.summary', lang='en')}")


def main(argv: list[str]) -> int:
    check_only = bool(argv) and argv[0] == "check"
    if check_only:
        argv = argv[1:]
    try:
        command, rest = split_command(argv)
        if command in ("render", "slides", "present"):
            options = parse_render_options(rest, command)
        elif command == "bench":
            from pipeline.bench import parse_bench_options

            options = parse_bench_options(rest)
        elif command == "record":
            from pipeline.record import parse_record_options

            options = parse_record_options(rest)
        elif command == "proofread":
            from pipeline.proofread import parse_proofread_options

            options = parse_proofread_options(rest)
        elif command in ("list", "help") and rest:
            raise UsageError(f"'{command}' takes no arguments, got {rest[0]!r}")
    except UsageError as error:
        fail(str(error))
    except BrokenInput as error:
        fail(str(error), status=1)
    if check_only:
        print(command)
        return 0
    if command == "help":
        print(USAGE, end="")
    elif command == "list":
        list_chapters()
    elif command == "render":
        from pipeline.render import render  # needs the venv (manim, PyAV)

        return render(options)
    elif command == "slides":
        from pipeline.slides import make_slides  # needs the venv (manim-slides)

        return make_slides(options)
    elif command == "present":
        from pipeline.slides import present  # needs the venv (manim-slides, a Qt binding)

        return present(options)
    elif command == "bench":
        from pipeline.bench import bench  # needs the venv (manim, PyAV)

        return bench(options)
    elif command == "record":
        from pipeline.record import record  # needs the venv (numpy)

        return record(options)
    elif command == "proofread":
        from pipeline.proofread import proofread  # needs the venv (hibari, pypinyin, Manim for the values)

        return proofread(options)
    else:
        fail(f"'{command}' is handled by render.sh itself")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

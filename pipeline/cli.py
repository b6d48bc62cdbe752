"""Entry point behind ``render.sh``: ``python -m pipeline.cli COMMAND [OPTIONS]``.

Every command comes from the one table in commands.py. ``check`` validates a whole command line
with the standard library only and prints the command and what render.sh must set up before running
it (render.sh calls it before installing anything); ``list`` and ``help`` need nothing installed.
"""
from __future__ import annotations

import os
import sys

from pipeline.commands import split_command
from pipeline.options import BrokenInput, UsageError, fail
from pipeline.registry import CHAPTERS
from scenes.lib.strings import t


def list_chapters(_: object = None) -> int:
    width = max(len(chapter.slug) for chapter in CHAPTERS)
    for chapter in CHAPTERS:
        print(f"{chapter.number:>2}  {chapter.slug:<{width}}  {t(f'{chapter.key}.summary', lang='en')}")
    return 0


def pytest_arguments(argv: list[str]) -> list[str]:
    """``test``'s arguments go to pytest as they are."""
    return argv


def run_tests(arguments: list[str]) -> int:
    """The test suite, in this process's place (render.sh has installed what it needs)."""
    os.execv(sys.executable, [sys.executable, "-m", "pytest", *arguments])


def main(argv: list[str]) -> int:
    check_only = bool(argv) and argv[0] == "check"
    if check_only:
        argv = argv[1:]
    try:
        command, rest = split_command(argv)
        options = command.parse_arguments(rest)
    except UsageError as error:
        fail(str(error))
    except BrokenInput as error:
        fail(str(error), status=1)
    if check_only:
        print(command.name, command.setup)
        return 0
    return command.runner()(options) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

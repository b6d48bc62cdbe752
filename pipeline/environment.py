"""What a render needs from the system, checked before anything renders, so a broken machine gets
one clear line instead of a LaTeX or Pango traceback from inside Manim minutes later.

render.sh installs all of it (see SYSTEM_PACKAGES there); this catches environments where something
was removed since, or where the PATH hides it.
"""
from __future__ import annotations

import shutil
import subprocess

from scenes.lib.strings import font

FIX = "run ./render.sh once to install it, or: sudo apt-get install"


def _output(*command: str) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def missing_requirement(lang: str) -> str | None:
    """The first thing missing for a render in ``lang``, as one line; None when all is there."""
    for program, package in (("latex", "texlive-latex-base"), ("dvisvgm", "dvisvgm"), ("ffmpeg", "ffmpeg")):
        if shutil.which(program) is None:
            return f"'{program}' is not on PATH (needed for {_PURPOSE[program]}); {FIX} {package}"
    if not _output("kpsewhich", "standalone.cls"):
        return ("the LaTeX class standalone.cls is missing ('kpsewhich standalone.cls' finds nothing; "
                f"Manim's formulas need it); {FIX} texlive-latex-extra")
    family = font(lang)
    if not _output("fc-list", f":family={family}"):
        return f"the font '{family}' for {lang} text is missing (fc-list does not know it); {FIX} fonts-noto-cjk"
    return None


_PURPOSE = {
    "latex": "Manim's formulas",
    "dvisvgm": "turning formulas into shapes",
    "ffmpeg": "joining and exporting videos",
}

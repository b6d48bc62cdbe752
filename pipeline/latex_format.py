"""LaTeX with the formula template's preamble loaded once, not once per formula.

Manim typesets each formula with a fresh ``latex``, which reads the template's preamble (standalone,
babel, amsmath, amssymb) again every time. ``mylatexformat`` (in texlive-latex-extra, which render.sh
installs for standalone.cls) dumps a preamble into a format file that ``latex -fmt`` starts from, so
the preamble is read once per TeX installation. The DVI is the same, byte for byte (the tests compare
them); a formula costs 0.16 s of ``latex`` instead of 0.25 s on the project's machine (building the
format once: 0.6 s). A cold lecture typesets about 185 formulas; chapter 3 at preview (49 of them),
two renders side by side, twice: 61.6 and 64.4 s with the format, 65.9 and 66.0 s without.

A format is named after what it was made from: the preamble's text (a template with another package
gets its own), and the ``latex`` binary, its base format and the TeX trees' file databases (a
TeX or package update makes a new one). It is built by the first chapter that needs it, under a lock,
into a temporary file moved into place. When anything about it fails (no mylatexformat, a format
TeX will not load), the formula is typeset as Manim does it, so an error in a formula is reported by
Manim, as before. It wraps Manim's ``compile_tex``, so the worker uses it only behind the gate for
Manim's internals (scenes/lib/manim_gate.py, ``manim_worker.typeset_from_preloaded_preamble``).
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

from scenes.lib.settings import cache_root

BEGIN_DOCUMENT = "\\begin{document}"
FORMAT_ERROR = "Fatal format file error"  # what TeX says of a format it cannot load
_failed: set[str] = set()  # formats this process could not build: not tried again per formula


def formats_dir() -> Path:
    return cache_root() / "latex-formats"


@cache
def tex_installation() -> str:
    """What a dumped format depends on besides its preamble: the latex binary, its base format and
    the TeX trees' file databases (rewritten whenever a package is installed or updated), each by
    path, size and time; "" when there is no latex."""
    latex = shutil.which("latex")
    if latex is None:
        return ""
    found = subprocess.run(["kpsewhich", "-engine=pdftex", "latex.fmt", "--all", "ls-R"], capture_output=True,
                           text=True).stdout.split()
    stamps = []
    for path in [os.path.realpath(latex), *found]:
        try:
            stat = os.stat(path)
        except OSError:
            continue
        stamps.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(stamps)


def format_for(tex_file: Path) -> Path | None:
    """The preloaded format for ``tex_file``'s preamble, built if need be; None if it cannot be."""
    preamble, found, _ = tex_file.read_text(encoding="utf-8").partition(BEGIN_DOCUMENT)
    installation = tex_installation()
    if not found or not installation:
        return None
    key = hashlib.sha256(f"{installation}\n{preamble}".encode()).hexdigest()[:20]
    target = formats_dir() / f"preamble-{key}.fmt"
    if target.is_file():
        return target
    if key in _failed:
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another chapter may be building this very format
        if not target.is_file() and not _dump_format(tex_file, target):
            _failed.add(key)
            return None
    return target


def _dump_format(tex_file: Path, target: Path) -> bool:
    """Dump ``tex_file``'s preamble into the format ``target``; return whether it worked."""
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".dump-") as scratch:
        # The file is given by its bare name (a hash) from its own folder: TeX reads no spaces in names.
        done = subprocess.run(["latex", "-ini", "-interaction=batchmode", "-halt-on-error", "-jobname=preamble",
                               f"-output-directory={scratch}", "&latex", "mylatexformat.ltx", tex_file.name],
                              cwd=tex_file.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dumped = Path(scratch) / "preamble.fmt"
        if done.returncode != 0 or not dumped.is_file():
            return False
        os.replace(dumped, target)
    return True


def compile_with_format(tex_file: Path, tex_dir: Path, output_format: str) -> Path | None:
    """Typeset ``tex_file`` into ``tex_dir`` from its preamble's format; return the DVI, or None
    when that could not be done (then nothing is left behind)."""
    fmt = format_for(tex_file)
    if fmt is None or fmt.stem.removeprefix("preamble-") in _failed:
        return None
    result = tex_file.with_suffix(output_format)  # where Manim looks for it
    done = subprocess.run(["latex", f"-fmt={fmt.with_suffix('')}", "-interaction=batchmode",
                           f"-output-format={output_format[1:]}", "-halt-on-error",
                           f"-output-directory={tex_dir.as_posix()}", tex_file.as_posix()],
                          capture_output=True, text=True, errors="replace")
    if done.returncode != 0 or not result.is_file():
        result.unlink(missing_ok=True)
        if FORMAT_ERROR in done.stdout:  # the format, not the formula: not tried again in this run
            _failed.add(fmt.stem.removeprefix("preamble-"))
        return None
    return result


def with_preloaded_format(compile_tex: Callable[[Path, object, str], Path]) -> Callable[[Path, object, str], Path]:
    """Manim's ``compile_tex``, typesetting plain ``latex`` to DVI from a preloaded format; anything
    else, and anything that fails, goes to Manim's own."""
    from manim._config import config

    def compile_tex_quickly(tex_file: Path, tex_compiler, output_format: str) -> Path:
        if tex_compiler == "latex" and output_format == ".dvi":
            if tex_file.with_suffix(output_format).exists():
                return tex_file.with_suffix(output_format)
            try:
                typeset = compile_with_format(tex_file, config.get_dir("tex_dir"), output_format)
            except (OSError, subprocess.SubprocessError):  # no kpsewhich, a cache it cannot write...
                typeset = None
            if typeset is not None:
                return typeset
        return compile_tex(tex_file, tex_compiler, output_format)

    return compile_tex_quickly

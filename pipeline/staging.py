"""Staging and the manifest, shared by the builders: a run writes into a staging folder inside the
output folder, and its files move into the variant folder, with the manifest last, only once every
piece has succeeded; any failure or interruption leaves the output as it was."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pipeline.environment import missing_requirement, voice_problem
from pipeline.jobs import ManimFailed, ProgressRunner
from pipeline.options import RenderOptions, fail
from pipeline.recovery import pid_alive
from scenes.lib.manim_gate import speedups_on
from scenes.lib.strings import t

MANIFEST_NAME = "manifest.json"
T = TypeVar("T")


def read_manifest(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_json_atomically(path: Path, data: dict) -> None:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.",
                                     delete=False) as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    os.chmod(fh.name, 0o644)  # a temporary file is private; the manifest is for everyone
    os.replace(fh.name, path)


def move_into_place(stage: Path, variant_dir: Path) -> None:
    """Move every staged file into the variant folder; if any move fails (or the run is stopped
    half-way) put back exactly what was there before."""
    variant_dir.mkdir(parents=True, exist_ok=True)
    backup = Path(tempfile.mkdtemp(prefix=".previous-", dir=stage))
    moved: list[str] = []
    try:
        # The manifest goes last, so a reader never sees it describe files not yet in place.
        for staged in sorted((p for p in stage.iterdir() if p != backup), key=lambda p: p.name == MANIFEST_NAME):
            target = variant_dir / staged.name
            if target.exists():
                os.replace(target, backup / staged.name)
            moved.append(staged.name)
            os.replace(staged, target)
    except BaseException:
        for name in reversed(moved):
            (variant_dir / name).unlink(missing_ok=True)
            if (backup / name).exists():
                os.replace(backup / name, variant_dir / name)
        raise


def manifest_header(options: RenderOptions) -> dict:
    """What a variant folder's manifest says first, whether render or slides writes it: the
    lecture's title in the render's language, the language, theme, quality and frame size."""
    return {
        "title": t("lecture.title", lang=options.lang),
        "language": options.lang,
        "theme": options.theme,
        "quality": options.quality.name,
        "width": options.quality.width,
        "height": options.quality.height,
        "fps": options.quality.fps,
    }


def is_kept(entry: dict | None, fingerprint: str, files, variant_dir: Path) -> bool:
    """Whether a published entry was made from exactly these inputs and all its files are there."""
    if not entry or entry.get("fingerprint") != fingerprint:
        return False
    # A matching fingerprint means this code's layout: a new layout bumps FINGERPRINT_VERSION.
    return all((variant_dir / name).is_file() for name in files(entry))


def remove_abandoned_stages(out: Path) -> None:
    """Staging folders left by runs that were killed outright (SIGKILL, power loss)."""
    for stage in out.glob(".staging-*"):
        pid = stage.name.split("-")[1]
        if not pid.isdigit() or not pid_alive(int(pid)):
            shutil.rmtree(stage, ignore_errors=True)


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def run_staged(options: RenderOptions, work: Callable[[Path, ProgressRunner], T],
               runner: ProgressRunner | None = None) -> T:
    """Run ``work(stage, runner)`` with a fresh staging folder inside the output folder; on any
    failure or interruption remove the stage and exit with one line, leaving the output as it was."""
    return run_staged_variants([options], lambda stages, runner: work(stages[0], runner), runner)


def run_staged_variants(variants: list[RenderOptions], work: Callable[[list[Path], ProgressRunner], T],
                        runner: ProgressRunner | None = None) -> T:
    """``run_staged`` for several variants of one output folder: ``work(stages, runner)`` gets one
    fresh staging folder per variant; each variant is then published all or nothing."""
    signal.signal(signal.SIGTERM, _raise_interrupt)  # a polite kill cleans up like Ctrl-C
    for options in variants:
        missing = missing_requirement(options.lang) or voice_problem(options)
        if missing:
            fail(missing, status=1)
    for lang in dict.fromkeys(options.lang for options in variants):
        for note in variants[0].voice.notes(lang):
            print(f"Narration: {note}", flush=True)
    speedups_on()  # with another Manim than the speed-ups were written for, says so once
    out = variants[0].out
    out_existed = out.exists()
    stages: list[Path] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        remove_abandoned_stages(out)
        stages = [Path(tempfile.mkdtemp(prefix=f".staging-{os.getpid()}-", dir=out)) for _ in variants]
    except OSError as error:
        fail(f"cannot write to output folder {out}: {error.strerror}")
    try:
        return work(stages, runner or ProgressRunner())
    except (Exception, KeyboardInterrupt) as error:
        for stage in stages:
            shutil.rmtree(stage, ignore_errors=True)
        if not out_existed and not any(out.iterdir()):
            out.rmdir()
        if isinstance(error, ManimFailed):
            print(f"Last lines of {error.log}:\n{error.tail()}", file=sys.stderr)
        interrupted = isinstance(error, KeyboardInterrupt)
        reason = "interrupted" if interrupted else f"{error}" or type(error).__name__
        fail(f"{reason}; nothing was written to {out}", status=130 if interrupted else 1)
    finally:
        for stage in stages:
            shutil.rmtree(stage, ignore_errors=True)

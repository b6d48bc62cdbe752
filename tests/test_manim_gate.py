"""With another Manim than the speed-ups were written for, the gate keeps every one of them off, in
render.sh and in its Manim workers: the title chapter still renders, with Manim's own code, to the
same video, and the render says so in one line (scenes/lib/manim_gate.py)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import run_render

from scenes.lib.manim_gate import SUPPORTED_MANIM, off_notice
from scenes.lib.settings import CACHE_DIR_ENV

# Real renders: one worker runs them all, one after another.
pytestmark = pytest.mark.xdist_group("render")

OTHER_MANIM = "0.99.0"


def another_manim_installed(folder: Path, version: str) -> dict[str, str]:
    """An environment in which Manim's package metadata, which the gate reads (and so does
    ``manim.__version__``), says ``version``, in render.sh and every process it starts: a
    ``.dist-info`` folder ahead of the virtualenv's on the module path. Manim's code is the same."""
    dist_info = folder / f"manim-{version}.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: manim\nVersion: {version}\n")
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))}


def render_title(out: Path, env: dict[str, str]) -> tuple[str, bytes, str]:
    """The title chapter at preview, silent, from a cold cache of its own; return what render.sh
    printed, the chapter's video and its Manim log."""
    cache = out.parent / f"{out.name}-cache"
    result = run_render("--quality", "preview", "--scenes", "title", "--voice", "none", "--out", str(out),
                        env={**env, CACHE_DIR_ENV: str(cache)})
    assert result.returncode == 0, result.stderr[-3000:]
    video = out / "en-dark-preview" / "00-title.mp4"
    log = cache / "logs" / "en-dark-preview" / "00-title.log"
    return result.stdout + result.stderr, video.read_bytes(), log.read_text(encoding="utf-8")


def speed_up_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if "speed-ups" in line.lower()]


def test_with_another_manim_the_title_renders_the_same_video_with_manim_s_own_code(tmp_path):
    assert OTHER_MANIM != SUPPORTED_MANIM
    printed, video, log = render_title(tmp_path / "other", another_manim_installed(tmp_path / "fake", OTHER_MANIM))
    assert speed_up_lines(printed) == [off_notice(OTHER_MANIM)]
    assert speed_up_lines(log) == [off_notice(OTHER_MANIM)], "the worker kept Manim's own code too"

    printed, fast_video, log = render_title(tmp_path / "supported", {})
    assert speed_up_lines(printed) == speed_up_lines(log) == []
    # Manim stamps its version in the video ("Rendered with Manim Community v0.21.0"): the faked one there.
    assert video.count(f"v{OTHER_MANIM}".encode()) == 1
    assert video.replace(f"v{OTHER_MANIM}".encode(), f"v{SUPPORTED_MANIM}".encode()) == fast_video, \
        "the speed-ups change nothing in the video"

"""render.sh end to end: options are validated, a real render writes a decodable video and a
truthful manifest, and a failed render leaves the output folder as it was."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import av
import pytest
from conftest import PREVIEW_ARGS, RENDER, ROOT, run_render

from pipeline.registry import chapter_names
from scenes.lib.settings import CACHE_DIR_ENV

# They share the session's renders (conftest.py), so they run on one xdist worker.
pytestmark = pytest.mark.xdist_group("render")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--quality", "8k"], "'8k'"),
        (["--lang", "fr"], "'fr'"),
        (["--theme", "sepia"], "'sepia'"),
        (["--scenes", "sigmoid-slope,nope"], "'nope'"),
        (["--frobnicate"], "'--frobnicate'"),
        (["publish"], "'publish'"),
        (["list", "extra"], "'extra'"),
        (["--jobs", "0"], "'0'"),
        (["--jobs", "two"], "'two'"),
        (["bench", "--quality", "8k"], "'8k'"),
    ],
)
def test_bad_options_exit_2_with_one_line_naming_the_value_and_write_nothing(args, named, tmp_path):
    out = tmp_path / "out"
    takes_out = args[0] == "bench" or args[0].startswith("-")
    result = run_render(*args, "--out", str(out)) if takes_out else run_render(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0], result.stderr
    assert "choose" in lines[0] or "help" in lines[0] or "takes no" in lines[0]
    assert not out.exists()


def test_list_prints_every_chapter_in_lecture_order():
    result = run_render("list")
    assert result.returncode == 0
    names = [line.split()[1] for line in result.stdout.strip().splitlines()]
    assert names == list(chapter_names())


def test_preview_render_writes_decodable_chapter_videos_of_the_expected_size(preview_render):
    manifest = json.loads((preview_render / "manifest.json").read_text())
    assert [entry["name"] for entry in manifest["chapters"]] == ["title", "sigmoid-slope"]
    for entry in manifest["chapters"]:
        with av.open(str(preview_render / entry["video"])) as container:
            stream = container.streams.video[0]
            frames = sum(1 for _ in container.decode(stream))
            assert (stream.codec_context.width, stream.codec_context.height) == (854, 480)
            assert float(stream.base_rate) == 15
        # The manifest's duration is the video's: every frame decodes and the count matches it.
        assert frames == pytest.approx(entry["duration"] * 15, abs=1)
    assert 30 < manifest["chapters"][1]["duration"] < 120


def test_manifest_describes_the_render(preview_render):
    manifest = json.loads((preview_render / "manifest.json").read_text())
    assert (manifest["language"], manifest["theme"], manifest["quality"]) == ("en", "dark", "preview")
    assert manifest["title"] == "Why does ReLU fix vanishing gradients?"
    entry = manifest["chapters"][1]
    assert entry["title"] == "The sigmoid's slope never exceeds 1/4"
    assert (entry["width"], entry["height"], entry["fps"]) == (854, 480, 15.0)
    assert (entry["language"], entry["theme"]) == ("en", "dark")
    captions = (preview_render / entry["captions"]["srt"]).read_text(encoding="utf-8")
    assert "squashes any input" in captions
    for path in [entry["video"], *entry["captions"].values(), manifest["lecture"]["video"],
                 manifest["lecture"]["thumbnail"], manifest["lecture"]["chapters"]]:
        assert (preview_render / path).is_file(), path
    assert not list(preview_render.parent.glob(".staging-*")), "no staging folder may remain"


@pytest.fixture
def failing_manim(tmp_path) -> dict[str, str]:
    """Environment in which ``python -m manim`` is a stand-in that fails at once."""
    fake = tmp_path / "fake"
    (fake / "manim").mkdir(parents=True)
    (fake / "manim" / "__init__.py").write_text("")
    (fake / "manim" / "__main__.py").write_text("raise SystemExit(3)\n")
    return {"PYTHONPATH": str(fake)}


def test_failed_render_leaves_previous_output_untouched(preview_render, failing_manim, tmp_path):
    """A Manim that fails (a stand-in on PYTHONPATH) must not touch what is already there."""
    out = tmp_path / "out"
    shutil.copytree(preview_render.parent, out)
    variant = out / preview_render.name
    before = {p.name: p.stat().st_mtime_ns for p in variant.iterdir()}
    # Without the fixture's --format gif the chapters' fingerprints differ, so Manim has to run.
    result = run_render("--quality", "preview", "--scenes", "title,sigmoid-slope", "--out", str(out),
                        env=failing_manim)
    assert result.returncode == 1
    assert "nothing was written" in result.stderr.strip().splitlines()[-1]
    assert {p.name: p.stat().st_mtime_ns for p in variant.iterdir()} == before
    assert sorted(p.name for p in out.iterdir()) == [preview_render.name]


def test_failed_render_into_a_new_folder_leaves_no_folder(failing_manim, tmp_path):
    out = tmp_path / "new-out"
    result = run_render("--quality", "preview", "--scenes", "title", "--out", str(out),
                        env=failing_manim)
    assert result.returncode == 1
    assert not out.exists()


def test_abandoned_staging_folders_of_dead_runs_are_removed(tmp_path):
    from pipeline.staging import remove_abandoned_stages

    dead = tmp_path / ".staging-999999999-abc"  # no such process
    alive = tmp_path / f".staging-{os.getpid()}-def"  # a run still going
    dead.mkdir()
    alive.mkdir()
    remove_abandoned_stages(tmp_path)
    assert not dead.exists() and alive.exists()


def test_a_terminated_render_cleans_up_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen([RENDER, "--quality", "preview", "--scenes", "sigmoid-slope", "--out", str(out)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(out.glob(".staging-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(out.glob(".staging-*")), "the render never started"
    time.sleep(1.0)  # let Manim get going
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted; nothing was written" in stderr
    assert not out.exists(), "the output folder it created must be gone again"


def without_time(manifest: dict) -> dict:
    return {key: value for key, value in manifest.items() if key != "generated"}


# PREVIEW_ARGS' --format entries, made from what a chapter wrote, and the fingerprints, which cover
# the options (--format among them).
EXPORTS = ("gif", "webm", "stills", "handout", "fingerprint")


def without_exports(manifest: dict) -> dict:
    """The manifest with neither its time nor what depends on --format."""
    core = without_time(manifest)
    core["lecture"] = {key: value for key, value in core["lecture"].items() if key not in EXPORTS}
    core["chapters"] = [{key: value for key, value in entry.items() if key not in EXPORTS}
                        for entry in core["chapters"]]
    return core


def test_chapters_rendered_side_by_side_publish_what_one_at_a_time_does(preview_render, tmp_path):
    """--jobs changes how long a render takes, never what it writes: the same chapters one at a
    time give the same videos, subtitles, chapter lines and manifest, byte for byte. (Without the
    exports, which are made from those files after the chapters ran: a third of the time.)"""
    out = tmp_path / "out"
    result = run_render(*PREVIEW_ARGS[:PREVIEW_ARGS.index("--format")], "--jobs", "1", "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    serial = out / preview_render.name
    compared = [path for path in serial.iterdir() if path.suffix in (".mp4", ".srt", ".vtt", ".txt")]
    assert {path.name for path in compared} >= {"lecture.mp4", "lecture.srt", "00-title.mp4", "chapters.txt"}
    assert {path.name for path in serial.iterdir()} <= {path.name for path in preview_render.iterdir()}
    assert without_exports(json.loads((serial / "manifest.json").read_text())) == \
        without_exports(json.loads((preview_render / "manifest.json").read_text()))
    for path in compared:
        assert path.read_bytes() == (preview_render / path.name).read_bytes(), path.name


def test_a_render_with_nothing_changed_starts_no_manim_and_touches_nothing(preview_render, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(preview_render.parent, out)  # copies keep their modification times
    variant = out / preview_render.name
    before = {p.name: p.stat().st_mtime_ns for p in variant.iterdir()}
    started = time.monotonic()
    result = run_render(*PREVIEW_ARGS, "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "[1/2] title: unchanged, kept" in result.stdout
    assert "[2/2] sigmoid-slope: unchanged, kept" in result.stdout
    assert "lecture.mp4, subtitles, chapters.txt, thumbnail: unchanged, kept" in result.stdout
    assert "rendering" not in result.stdout and "Joining" not in result.stdout, result.stdout
    assert {p.name: p.stat().st_mtime_ns for p in variant.iterdir()} == before
    assert time.monotonic() - started < 30


def copy_project(tmp_path: Path) -> Path:
    """A copy of the project's files (not the reference frames) to edit, using the same venv."""
    from pipeline.bench import copy_project as copy_into

    return copy_into(tmp_path / "project")


def rerender_in_copy(project: Path, preview_render: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """The session's preview render again, from the copied ``project``, over a copy of its output."""
    out = tmp_path / "out"
    shutil.copytree(preview_render.parent, out)
    return subprocess.run([str(project / "render.sh"), *PREVIEW_ARGS, "--out", str(out)], cwd=project,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, CACHE_DIR_ENV: str(tmp_path / "cache")})


def test_editing_what_no_chapter_imports_keeps_every_chapter(preview_render, tmp_path):
    """The build tool, the tests and the docs are not part of any chapter's picture."""
    project = copy_project(tmp_path)
    for edited in ("pipeline/bench.py", "pipeline/publish.py", "tests/test_model.py", "README.md"):
        with open(project / edited, "a") as handle:
            handle.write("\n# an edit\n")
    result = rerender_in_copy(project, preview_render, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "[1/2] title: unchanged, kept" in result.stdout, result.stdout
    assert "[2/2] sigmoid-slope: unchanged, kept" in result.stdout, result.stdout


def test_editing_one_chapters_words_keeps_the_other_chapters(preview_render, tmp_path):
    """The string tables count entry by entry: a word of the title card re-renders the title card alone."""
    project = copy_project(tmp_path)
    table_path = project / "assets" / "strings" / "en.json"
    table = json.loads(table_path.read_text(encoding="utf-8"))
    table["ch0.ahead"] += " now"
    table_path.write_text(json.dumps(table, ensure_ascii=False, indent=2), encoding="utf-8")
    result = rerender_in_copy(project, preview_render, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "[1/2] title: unchanged, kept" not in result.stdout, result.stdout
    assert "[2/2] sigmoid-slope: unchanged, kept" in result.stdout, result.stdout


@pytest.fixture
def bare_path(tmp_path) -> Path:
    """A folder for stand-in programs, to put first on PATH (or to be the whole PATH)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    return folder


def stand_in(folder: Path, name: str, script: str = "exit 0") -> None:
    (folder / name).write_text(f"#!/bin/sh\n{script}\n")
    (folder / name).chmod(0o755)


def render_directly(path: str, out: Path, *args: str) -> subprocess.CompletedProcess:
    """The render step after render.sh's bootstrap, with ``path`` as PATH."""
    return subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "pipeline.cli", "render",
                           "--quality", "preview", "--scenes", "title", "--out", str(out), *args],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PATH": path}, timeout=120)


@pytest.mark.parametrize(
    ("missing", "named"),
    [("latex", "'latex'"), ("standalone", "standalone.cls"), ("font", "Noto Sans CJK TC")],
)
def test_a_broken_environment_stops_with_one_line_before_rendering(missing, named, bare_path, tmp_path):
    out = tmp_path / "out"
    if missing == "latex":
        path = str(bare_path)  # nothing at all on PATH
    elif missing == "standalone":
        stand_in(bare_path, "kpsewhich")  # finds nothing
        path = f"{bare_path}:{os.environ['PATH']}"
    else:
        stand_in(bare_path, "fc-list")  # knows no font
        path = f"{bare_path}:{os.environ['PATH']}"
    result = render_directly(path, out, *(["--lang", "zh-TW"] if missing == "font" else []))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0], result.stderr
    assert "apt-get install" in lines[0]
    assert not out.exists()


def test_a_failing_chapter_stops_the_others_and_shows_its_log(tmp_path):
    """A stand-in Manim fails at once for the title and would run for ten minutes for chapter 1."""
    fake = tmp_path / "fake"
    (fake / "manim").mkdir(parents=True)
    (fake / "manim" / "__init__.py").write_text("")
    # Not the Manim the speed-ups were written for, so they stay off (scenes/lib/manim_gate.py); what
    # manim_worker.py patches with any Manim: the x264 settings.
    (fake / "manim-0.0.0.dist-info").mkdir()
    (fake / "manim-0.0.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: manim\nVersion: 0.0.0\n")
    (fake / "manim" / "scene").mkdir()
    (fake / "manim" / "scene" / "__init__.py").write_text("")
    (fake / "manim" / "scene" / "scene_file_writer.py").write_text(
        "class SceneFileWriter:\n    def open_partial_movie_stream(self, file_path=None):\n        pass\n")
    pids = tmp_path / "pids"
    (fake / "manim" / "__main__.py").write_text(
        "import os, sys, time\n"
        f"open({str(pids)!r}, 'a').write(f'{{os.getpid()}}\\n')\n"
        "if 'TitleCard' in sys.argv:\n"
        "    print('LaTeX Error: a stand-in failure'); time.sleep(1); raise SystemExit(3)\n"
        "time.sleep(600)\n")
    out = tmp_path / "out"
    started = time.monotonic()
    result = run_render("--quality", "1080p", "--scenes", "title,sigmoid-slope", "--jobs", "2", "--out", str(out),
                        env={"PYTHONPATH": str(fake)})
    assert result.returncode == 1
    assert time.monotonic() - started < 120, "the slow chapter was not stopped"
    assert "a stand-in failure" in result.stderr, "the failing chapter's log tail is shown"
    last = result.stderr.strip().splitlines()[-1]
    assert "chapter 'title' failed in Manim (exit 3)" in last and "00-title.log" in last
    assert "nothing was written" in last
    for pid in map(int, pids.read_text().split()):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert not out.exists()

"""Chapters cut into ranges of animations (pipeline/split.py): cut only where it pays, into ranges
of about equal drawing time that cover every animation once; and a chapter rendered in parts is the
same video, byte for byte, with nothing drawn twice."""
from __future__ import annotations

import pytest
from conftest import PREVIEW_ARGS

from pipeline import manim_run, render, split, timings
from pipeline.jobs import ProgressRunner, animations_played
from pipeline.options import parse_render_options
from pipeline.registry import find_chapters
from scenes.lib.settings import CACHE_DIR_ENV

# The chapter times of a cold 1080p60 render of the lecture, 2 at a time (bench, 2026-12-01, README).
LECTURE_1080P = {"title": 18.0, "sigmoid-slope": 155.0, "compounding": 134.0, "relu": 175.0, "dying-relu": 107.0,
                 "leaky-prelu": 172.0, "recap": 69.0, "closing": 9.0}


def even_ends(count: int, seconds: float) -> list[float]:
    return [seconds * (index + 1) / count for index in range(count)]


def covered(parts: list[split.Part], count: int) -> list[int]:
    return [index for part in parts for index in range(part.first, count if part.last is None else part.last + 1)]


def test_parts_cover_every_animation_once_in_ranges_of_equal_drawing_time():
    ends = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 40.0, 41.0, 42.0, 43.0, 44.0, 80.0, 81.0, 82.0, 83.0, 84.0]
    parts = split.parts_of(ends, 2)
    assert covered(parts, len(ends)) == list(range(len(ends)))
    assert [(part.first, part.last) for part in parts] == [(0, 8), (9, None)]  # half of 84 s by animation 8
    assert [(part.number, part.count) for part in parts] == [(1, 2), (2, 2)]
    assert [part.manim_range for part in parts] == ["0,8", "9"]


def test_parts_keep_a_few_animations_each():
    parts = split.parts_of(even_ends(10, 100.0), 5)
    assert all((part.last if part.last is not None else 9) - part.first + 1 >= split.MIN_PART_ANIMATIONS
               for part in parts)
    assert covered(parts, 10) == list(range(10))


def test_the_whole_lecture_on_two_cores_is_not_cut():
    ends = {slug: even_ends(40, seconds) for slug, seconds in LECTURE_1080P.items()}
    assert split.plan_parts(LECTURE_1080P, ends, 2) == {}


def test_on_eight_cores_the_chapters_longer_than_a_share_are_cut():
    ends = {slug: even_ends(40, seconds) for slug, seconds in LECTURE_1080P.items()}
    share = sum(LECTURE_1080P.values()) / 8
    plan = split.plan_parts(LECTURE_1080P, ends, 8)
    assert set(plan) == {slug for slug, seconds in LECTURE_1080P.items() if seconds > share}
    assert all(len(parts) == 2 for parts in plan.values())


def test_a_chapter_too_short_to_repay_a_cut_or_never_timed_is_not_cut():
    preview = {slug: seconds / 2.6 for slug, seconds in LECTURE_1080P.items()}  # every chapter under 90 s
    ends = {slug: even_ends(40, seconds) for slug, seconds in preview.items()}
    assert split.plan_parts(preview, ends, 16) == {}
    assert split.plan_parts({"relu": 175.0}, {}, 4) == {}


@pytest.fixture
def lecture_options(tmp_path, monkeypatch):
    """The whole lecture at 1080p60 in a cache of its own, with LECTURE_1080P's times recorded as
    this variant's last whole runs (each chapter's last animation done at its time)."""
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    options = parse_render_options(["--quality", "1080p", "--jobs", "8", "--out", str(tmp_path / "out")])
    timings.record_chapter_seconds(options.variant, LECTURE_1080P,
                                  {slug: even_ends(40, seconds) for slug, seconds in LECTURE_1080P.items()})
    return options


def test_a_chapter_with_animations_in_the_cache_is_not_cut(lecture_options):
    relu = find_chapters(["relu"])[0]
    assert "relu" in render.cut_plan(list(find_chapters(None)), lecture_options, 8)
    videos = manim_run.chapter_media(relu, lecture_options) / "videos" / manim_run.video_folder(relu, lecture_options)
    (videos / "partial_movie_files" / relu.scene).mkdir(parents=True)
    (videos / "partial_movie_files" / relu.scene / "1_2_3.mp4").write_bytes(b"cached")
    (videos / manim_run.ENCODER_STAMP).write_text(lecture_options.quality.x264, encoding="utf-8")
    assert "relu" not in render.cut_plan(list(find_chapters(None)), lecture_options, 8)  # a caption edit
    (videos / manim_run.ENCODER_STAMP).write_text("preset=other", encoding="utf-8")  # about to be dropped
    assert "relu" in render.cut_plan(list(find_chapters(None)), lecture_options, 8)


def test_only_this_variant_s_own_drawing_times_cut(lecture_options):
    preview = parse_render_options(["--quality", "preview", "--jobs", "8", "--out", str(lecture_options.out)])
    assert render.cut_plan(list(find_chapters(None)), preview, 8) == {}  # the 1080p times are not preview's
    timings.record_chapter_seconds(lecture_options.variant, {"relu": 175.0}, {"relu": even_ends(40, 30.0)})
    assert "relu" not in render.cut_plan(list(find_chapters(None)), lecture_options, 8)  # 30 s of drawing


def test_a_finished_part_s_movies_move_and_its_drawings_are_copied(tmp_path):
    part, chapter = tmp_path / "part", tmp_path / "chapter"
    movies = part / "videos" / "ch03_relu" / "480p15" / "partial_movie_files" / "Relu"
    movies.mkdir(parents=True)
    (movies / "1_2_3.mp4").write_bytes(b"movie")
    for folder in ("Tex", "texts"):
        (part / folder).mkdir()
        (part / folder / "a.svg").write_text("part's")
        (chapter / folder).mkdir(parents=True)
    (chapter / "Tex" / "a.svg").write_text("chapter's")
    assert split.gather_part(part, chapter, "ch03_relu/480p15") == 1
    assert (chapter / "videos" / "ch03_relu" / "480p15" / "partial_movie_files" / "Relu" / "1_2_3.mp4").read_bytes() \
        == b"movie"
    assert not (movies / "1_2_3.mp4").exists()
    assert (chapter / "Tex" / "a.svg").read_text() == "chapter's"  # one formula, one drawing: kept
    assert (chapter / "texts" / "a.svg").read_text() == "part's"


def test_a_chapter_rendered_in_parts_is_the_same_video(preview_render, tmp_path, monkeypatch):
    """The title card in two parts, from an empty cache, against the session's render of it: the
    same bytes, and the run that joins the parts draws no animation itself."""
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(split, "MIN_PART_ANIMATIONS", 2)  # the title card has 8 animations
    monkeypatch.setattr(split, "MIN_PART_SECONDS", 1.0)
    args = list(PREVIEW_ARGS[:PREVIEW_ARGS.index("--scenes")])
    options = parse_render_options([*args, "--scenes", "title", "--jobs", "2", "--out", str(tmp_path / "out")])
    title = find_chapters(["title"])[0]
    timings.record_chapter_seconds(options.variant, {"title": 100.0}, {"title": even_ends(8, 100.0)})
    runner = ProgressRunner()
    with manim_run.manim_session(options, runner, manim_run.media_root(options)):
        entries = render.render_chapters(options, {}, tmp_path, runner)
    assert [entry["name"] for entry in entries] == ["title"]
    assert (tmp_path / entries[0]["video"]).read_bytes() == (preview_render / entries[0]["video"]).read_bytes()
    joined = manim_run.chapter_log(title, options).read_text(encoding="utf-8")
    assert joined.count("Using cached data") == animations_played(manim_run.chapter_log(title, options)) >= 7
    assert "Partial movie file written" not in joined
    assert not (manim_run.chapter_media(title, options) / "parts").exists()

"""Chapters start longest first by their last run's times, so a long chapter is not left to run
alone at the end on a few cores; a chapter never timed starts first, and a variant never rendered
ranks its chapters by another variant's times."""
from __future__ import annotations

import json
import os

import pytest

from pipeline import render, timings
from pipeline.jobs import ProgressRunner, Timings
from pipeline.options import parse_render_options
from scenes.lib.settings import CACHE_DIR_ENV

SLUGS = ["title", "sigmoid-slope", "compounding", "relu"]


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))


def test_a_variant_never_rendered_ranks_its_chapters_by_another_variant_s_times(own_cache):
    timings.record_chapter_seconds("en-dark-preview", {"title": 7.0, "sigmoid-slope": 48.0})
    timings.record_chapter_seconds("en-dark-1080p", {"title": 20.0})
    assert timings.known_chapter_seconds("zh-TW-light-preview", ["title", "sigmoid-slope"]) == \
        {"title": 7.0, "sigmoid-slope": 48.0}
    timings.record_chapter_seconds("en-dark-1080p", {"sigmoid-slope": 120.0})  # now complete, and newer:
    newer = timings.chapter_seconds_file("en-dark-preview").stat().st_mtime + 10  # clocks tick in milliseconds
    os.utime(timings.chapter_seconds_file("en-dark-1080p"), (newer, newer))
    assert timings.known_chapter_seconds("zh-TW-light-preview", ["title", "sigmoid-slope"]) == \
        {"title": 20.0, "sigmoid-slope": 120.0}
    # its own times, once it has them all, whatever other variants did since
    timings.record_chapter_seconds("zh-TW-light-preview", {"title": 9.0, "sigmoid-slope": 50.0})
    timings.record_chapter_seconds("en-dark-4k", {"title": 1.0, "sigmoid-slope": 2.0})
    assert timings.known_chapter_seconds("zh-TW-light-preview", ["title", "sigmoid-slope"]) == \
        {"title": 9.0, "sigmoid-slope": 50.0}


def test_recording_keeps_the_chapters_not_rendered_this_time(own_cache):
    timings.record_chapter_seconds("en-dark-preview", {"title": 7.0, "relu": 67.0})
    timings.record_chapter_seconds("en-dark-preview", {"relu": 70.5})
    recorded = json.loads(timings.chapter_seconds_file("en-dark-preview").read_text(encoding="utf-8"))
    assert recorded == {"title": 7.0, "relu": 70.5}


ALL_TIMED = {"title": 7.0, "sigmoid-slope": 48.0, "compounding": 53.0, "relu": 67.0}


@pytest.mark.parametrize(("jobs", "recorded", "started"), [
    ("2", ALL_TIMED, ["relu", "compounding", "sigmoid-slope", "title"]),
    ("2", {slug: seconds for slug, seconds in ALL_TIMED.items() if slug != "compounding"},
     ["compounding", "relu", "sigmoid-slope", "title"]),  # never timed: first
    ("2", {}, SLUGS),  # nothing timed: lecture order
    ("1", ALL_TIMED, SLUGS)])
def test_chapters_start_longest_first_from_the_last_run(jobs, recorded, started, own_cache, tmp_path, monkeypatch):
    options = parse_render_options(["--quality", "preview", "--scenes", ",".join(SLUGS), "--jobs", jobs,
                                    "--out", str(tmp_path / "out")])
    if recorded:
        timings.record_chapter_seconds(options.variant, recorded)
    calls = []

    def pretend(chapter, options, stage, label, fingerprint, runner):
        calls.append(chapter.slug)
        return {"name": chapter.slug}

    monkeypatch.setattr(render, "render_chapter", pretend)
    # The order handed to the workers (threads would start neighbours in either order).
    monkeypatch.setattr(render, "run_in_parallel", lambda runner, calls, jobs: [call() for call in calls])
    entries = render.render_chapters(options, {}, tmp_path, ProgressRunner())
    assert calls == started  # one at a time, the order makes no difference: lecture order
    assert sorted(entry["name"] for entry in entries) == sorted(SLUGS)


def test_only_a_run_that_drew_every_animation_is_recorded(own_cache):
    timings.record_if_whole("en-dark-preview", "relu", 60.5, Timings([10.0, 30.0, 58.9], cached=0))
    timings.record_if_whole("en-dark-preview", "relu", 4.0, Timings([1.0, 2.0, 3.0], cached=2))  # a caption edit
    timings.record_if_whole("en-dark-preview", "title", 1.0, Timings([], cached=0))  # nothing ran
    assert timings.read_chapter_seconds(timings.chapter_seconds_file("en-dark-preview")) == {"relu": 60.5}
    assert timings.read_animation_ends(timings.animation_ends_file("en-dark-preview")) == {"relu": [10.0, 30.0, 58.9]}

"""The lecturer's course on the cards (``--config FILE``): a bad file stops with one line before
anything renders; a good one puts the course, name, institution, logo and accent on the title card,
the closing card and the thumbnail, and its licence on the closing card; without one the cards stay."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, run_chapter, run_render
from manim import Text
from PIL import Image
from test_graphics import beat_reference_path, compare_frames, load_png

from pipeline.fingerprint import chapter_fingerprint, lecture_fingerprint
from pipeline.key_frames import render_key_frames
from pipeline.options import parse_render_options
from pipeline.publish import ChapterFiles, make_thumbnail
from pipeline.registry import find_chapters
from scenes.lib.course import DEFAULT_LICENCE, ConfigError, Course, load_course

EXAMPLE = ROOT / "docs" / "example" / "course.toml"
TITLE, SLOPE, CLOSING = find_chapters(["title", "sigmoid-slope", "closing"])
SVG_LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="8"/></svg>'


def write_config(folder: Path, text: str, logo: bool = True) -> Path:
    if logo:
        shutil.copy(ROOT / "docs" / "example" / "logo.png", folder / "logo.png")
    path = folder / "course.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "logo", "named"),
    [
        ('course = "CS 189"\nteacher = "Ada"\n', True, "unknown key 'teacher'"),
        ('logo = "nowhere.png"\n', False, "logo 'nowhere.png' not found"),
        ('accent = "orange-ish"\n', True, "accent 'orange-ish' is not a colour"),
        ('accent = "#12345"\n', True, "accent '#12345' is not a colour"),
        ('course = "CS 189\n', True, "is not valid TOML"),
        ("course = 189\n", True, "must be a string"),
        ('logo = "course.toml"\n', True, "neither PNG nor SVG"),
    ],
    ids=["unknown-key", "missing-logo", "unreadable-colour", "short-colour", "not-toml", "not-a-string",
         "logo-not-an-image"],
)
def test_a_bad_config_stops_with_one_line_before_anything_renders(text, logo, named, tmp_path):
    config = write_config(tmp_path, text, logo)
    out = tmp_path / "out"
    result = run_render("--config", str(config), "--scenes", "title", "--quality", "preview", "--out", str(out))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0], result.stderr
    assert not out.exists(), "nothing is written"


def test_a_missing_config_file_is_one_line_too(tmp_path):
    result = run_render("--config", str(tmp_path / "none.toml"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "not found" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_good_config_reads_every_key_relative_to_its_own_folder(tmp_path):
    (tmp_path / "logo.svg").write_text(SVG_LOGO, encoding="utf-8")
    config = write_config(tmp_path, 'course = "CS 189  ·  Lecture 7"\nlecturer = "Ada Chen"\n'
                                    'institution = "Example University"\nlogo = "logo.svg"\naccent = "#E90"\n'
                                    'licence = "CC BY-SA 4.0"\n', logo=False)
    course = load_course(config)
    assert course.course == "CS 189 · Lecture 7", "runs of spaces fold to one"
    assert course.names == "Ada Chen · Example University"
    assert course.logo == (tmp_path / "logo.svg").resolve() and course.accent == "#ee9900"
    assert course.licence == "CC BY-SA 4.0"
    assert Course().licence == DEFAULT_LICENCE == "CC BY 4.0" and Course().is_empty


def test_a_svg_that_is_not_svg_is_refused(tmp_path):
    (tmp_path / "logo.svg").write_text("<html></html>", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a readable SVG"):
        load_course(write_config(tmp_path, 'logo = "logo.svg"\n', logo=False))


def test_the_config_changes_the_cards_that_show_it_and_no_other_chapter():
    plain = parse_render_options(["--quality", "preview"])
    configured = replace(plain, course=load_course(EXAMPLE))
    for chapter in (TITLE, CLOSING):
        assert chapter_fingerprint(chapter, configured) != chapter_fingerprint(chapter, plain), chapter.slug
    assert chapter_fingerprint(SLOPE, configured) == chapter_fingerprint(SLOPE, plain)
    chapters = [{"name": "title", "fingerprint": "a"}]
    assert lecture_fingerprint(chapters, configured) != lecture_fingerprint(chapters, plain), "the thumbnail"


@pytest.mark.parametrize("lang", ["en", "zh-TW", "zh-CN"])
@pytest.mark.parametrize("chapter", [TITLE, CLOSING], ids=lambda c: c.slug)
def test_the_cards_with_a_config_keep_a_clean_layout_and_show_the_course_and_licence(
        chapter, lang, lecture_env, manim_media_dir, tmp_path):
    config = write_config(tmp_path, EXAMPLE.read_text(encoding="utf-8").replace('"CC BY 4.0"', '"CC BY-SA 4.0"'))
    lecture_env(course=config)
    run = run_chapter(chapter, lang, "dark", manim_media_dir)
    scene, problems = run.scene, run.problems
    assert not any(problems.values()), problems
    shown = " ".join(mob.original_text for mob in scene.get_mobject_family_members() if isinstance(mob, Text))
    if chapter is CLOSING:
        assert "Ada Chen · Example University" in shown and "CC BY-SA 4.0" in shown
        assert "MIT" in shown, "the code's licence too"


def test_the_title_card_shows_the_course_with_a_config_and_is_unchanged_without(manim_media_dir, lecture_env):
    lecture_env(course=EXAMPLE)
    frames = render_key_frames(TITLE, "en", "dark", manim_media_dir, 480, 270)
    reference = load_png(beat_reference_path("en", "dark", TITLE, "show_title"))
    assert not compare_frames(frames["show_title"].image, reference).acceptable, "the course card is on the title"
    # The accent colour (#E69F00) is drawn: the rule over the course.
    accent = np.all(np.abs(frames["show_title"].image[..., :3].astype(int) - (0xE6, 0x9F, 0x00)) < 40, axis=2)
    assert accent.sum() > 100
    # Next beat the course card has left, and the picture is the reviewed one.
    second = load_png(beat_reference_path("en", "dark", TITLE, "preview_ideas"))
    assert compare_frames(frames["preview_ideas"].image, second).acceptable


@pytest.mark.xdist_group("render")
def test_the_thumbnail_carries_the_course_logo_and_accent(preview_render, tmp_path):
    manifest = json.loads((preview_render / "manifest.json").read_text(encoding="utf-8"))
    chapters = [ChapterFiles(entry, preview_render / entry["video"], None, 0.0) for entry in manifest["chapters"]]
    make_thumbnail(chapters, "en", tmp_path / "plain.png")
    make_thumbnail(chapters, "en", tmp_path / "course.png", load_course(EXAMPLE))
    plain = np.asarray(Image.open(tmp_path / "plain.png").convert("RGB"), dtype=int)
    course = np.asarray(Image.open(tmp_path / "course.png").convert("RGB"), dtype=int)
    assert plain.shape == course.shape == (720, 1280, 3)
    assert np.array_equal(plain, np.asarray(Image.open(preview_render / "thumbnail.png").convert("RGB"), dtype=int)), \
        "without a config, the thumbnail is the one a render without --config makes"
    stripe = np.all(np.abs(course - (0xE6, 0x9F, 0x00)) < 8, axis=2).all(axis=1)
    assert stripe.sum() >= 6, "an accent stripe runs across the thumbnail"
    logo_blue = np.all(np.abs(course[-200:, -300:] - (0, 114, 178)) < 12, axis=2)
    assert logo_blue.sum() > 2000, "the logo sits at the band's right"

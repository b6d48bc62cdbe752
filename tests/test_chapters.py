"""Every chapter constructs in every language (run with its animations skipped, as the stills are
made: every construct line runs, no video is written), has a caption for every beat, and keeps its
text inside the frame and apart after every animation."""
from __future__ import annotations

import importlib

import pytest
from conftest import chapter_group
from manim import Text

from pipeline.registry import CHAPTERS
from scenes.lib.captions import MAX_LINES, RULES, reading_seconds
from scenes.lib.layout import find_layout_problems
from scenes.lib.strings import languages, table


def scene_class_of(chapter):
    return getattr(importlib.import_module(f"scenes.{chapter.module}"), chapter.scene)


# Each chapter in the variants the graphical tests draw (one run serves both: conftest.chapter_run),
# and in Simplified Chinese the chapter with the most text; the other zh-CN chapters are covered by
# test_simplified_chinese_is_never_longer_than_its_source below.
ZH_CN_CHAPTER = "relu"
RUN_VARIANTS = [(chapter, lang, theme) for chapter in CHAPTERS for lang, theme in (("en", "dark"), ("zh-TW", "light"))]
RUN_VARIANTS += [(chapter, "zh-CN", "light") for chapter in CHAPTERS if chapter.slug == ZH_CN_CHAPTER]
RUN_CASES = [pytest.param(lang, theme, chapter, marks=chapter_group(lang, theme, chapter), id=f"{chapter.slug}-{lang}")
             for chapter, lang, theme in RUN_VARIANTS]


@pytest.mark.parametrize(("lang", "theme", "chapter"), RUN_CASES)
def test_chapter_constructs_with_captions_and_clean_layout(lang, theme, chapter, chapter_run, lecture_env):
    run = chapter_run(chapter, lang, theme)
    lecture_env(lang=lang, theme=theme)  # the scene's captions are looked up in its language
    scene, problems = run.scene, run.problems
    names = [beat.name for beat in scene.beats]
    assert names, "a chapter must have at least one beat"
    assert len(set(names)) == len(names), "beat names must be unique within a chapter"
    for other in languages():
        for name in names:
            assert scene.caption_key(name) in table(other), f"{other} has no caption for {name}"
    cues = scene.renderer.file_writer.subcaptions
    spans = [(c.start.total_seconds(), c.end.total_seconds()) for c in cues]
    assert spans[0][0] == pytest.approx(0.0, abs=1e-6), "the first caption starts with the chapter"
    for (start, end), (next_start, _) in zip(spans, spans[1:]):
        assert start < end <= next_start + 1e-6, "cues follow each other in order, without overlap"
    # Animations are skipped, so Manim's own clock adds bare run times; the beats and the video
    # follow the beat clock, which counts frames as rendering makes them.
    assert spans[-1][1] == pytest.approx(scene.beat_clock, abs=1e-6), "the last caption ends with the chapter"
    rules = RULES[lang]
    for cue, (start, end) in zip(cues, spans):
        lines = cue.content.split("\n")
        assert len(lines) <= MAX_LINES, cue.content
        assert all(len(line) <= rules.line_chars for line in lines), cue.content
        assert end - start >= reading_seconds(cue.content, lang) - 1e-6, f"too short to read: {cue.content!r}"
    spoken = "".join(c.content.replace("\n", " ") for c in cues).replace(" ", "")
    expected = "".join(beat.caption for beat in scene.beats).replace(" ", "")
    assert spoken == expected, "the cues say exactly the beats' captions, in order"
    report = [f"{beat}: {problem}" for beat, found in problems.items() for problem in found]
    assert not report, "layout problems:\n" + "\n".join(report)


def test_simplified_chinese_is_never_longer_than_its_source():
    """Why one zh-CN chapter run is enough: Simplified text is drawn in the same family (Noto Sans
    CJK, SC instead of TC, whose Han characters and punctuation are all one em wide), with the same
    caption rules, from strings no longer than the Traditional ones the zh-TW runs check."""
    assert RULES["zh-CN"] == RULES["zh-TW"]
    traditional, simplified = table("zh-TW"), table("zh-CN")
    longer = [key for key in traditional if len(simplified[key]) > len(traditional[key])]
    assert not longer, f"longer in zh-CN than in zh-TW (run test_chapters for every zh-CN chapter): {longer}"


def test_layout_check_catches_a_misplaced_and_an_overlapping_label():
    inside = Text("inside")
    off_frame = Text("off the frame").move_to((7.0, 0, 0))
    on_top = Text("on top").move_to(inside)
    problems = find_layout_problems([inside, off_frame, on_top])
    assert any("leaves the safe area" in p and "off the frame" in p for p in problems)
    assert any("overlaps" in p and "on top" in p for p in problems)
    assert find_layout_problems([inside]) == []


def test_layout_check_keeps_drawings_out_of_the_caption_band():
    """A video shows the scene's frame above its caption band: a line reaching below the frame
    would be drawn in the band, under the subtitles."""
    from manim import Line, config

    bottom = config.frame_height / 2
    into_band = Line((0, 0, 0), (0, -bottom - 0.1, 0))
    to_the_edge = Line((0, 0, 0), (0, -bottom, 0))
    faded = into_band.copy().set_stroke(opacity=0)
    assert any("leaves the frame" in p for p in find_layout_problems([into_band]))
    assert find_layout_problems([to_the_edge, faded]) == []


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_registry_and_scene_class_name_the_same_chapter_key(chapter):
    """The key is written twice (the registry reads no scene, so listing needs no Manim): they agree,
    and so do the numbers (the registry's and the one the scene reads off its key)."""
    scene_class = scene_class_of(chapter)
    assert scene_class.chapter_key == chapter.key
    assert scene_class.chapter_number.fget(scene_class) == chapter.number


@pytest.mark.parametrize(("lang", "theme", "chapter"), [case for case in RUN_CASES if case.values[0] == "en"])
def test_the_beats_a_chapter_declares_are_the_beats_it_plays_in_that_order(lang, theme, chapter, chapter_run):
    """``record``, the recorded-takes check and proofreading ask the chapter for its beats (its
    ``@beat`` methods, in definition order) without running it: that must be what ``construct`` plays."""
    played = [beat.name for beat in chapter_run(chapter, lang, theme).scene.beats]
    assert chapter.beats() == played

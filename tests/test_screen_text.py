"""Show more, write less (issue 27): no beat puts more than about 15 words of prose on screen at
once outside its takeaway card, and no card holds more than about 20 (a Chinese character counts
as half a word: 30 and 40 characters). The words are counted by role, as the components that put
them on screen mark them (scenes/lib/screen_text.py), in the same chapter runs as the layout check.

The chapters are being rewritten to meet the limits; until then the beats over them are listed
below with what they measured. A listed beat may not get worse, and its entry must go once the
beat is within the limit, so the list only shrinks.
"""
from __future__ import annotations

import json

import pytest
from conftest import chapter_group
from manim import LEFT, RIGHT, UL, Circle, Square, VGroup, config
from test_chapters import RUN_VARIANTS

from scenes.lib.components.card import TakeawayCard
from scenes.lib.components.text import get_plain_text, get_text, get_wrapped_text
from scenes.lib.screen_text import (
    LABEL,
    LABEL_MAX_WORDS,
    PROSE_MAX_WORDS,
    TAKEAWAY_MAX_WORDS,
    snapshot,
    word_count,
)

# Beat ("chN.beat") -> language -> words of prose at once, measured on main on 2026-12-07
# (python -m pipeline.screen_measure --report --lang L). Delete an entry when its beat is fixed.
PROSE_OVER_LIMIT: dict[str, dict[str, float]] = {
    "ch6.sources": {"en": 59, "zh-TW": 61.5},  # the reading list, a page at a time (113 and 112.5 as one card)
}
# The same for takeaway cards over TAKEAWAY_MAX_WORDS.
TAKEAWAY_OVER_LIMIT: dict[str, dict[str, float]] = {
}

CASES = [pytest.param(lang, theme, chapter, marks=chapter_group(lang, theme, chapter), id=f"{chapter.slug}-{lang}")
         for chapter, lang, theme in RUN_VARIANTS]


def over_the_limit(measured: dict[str, float], allowed: dict[str, dict[str, float]], limit: float,
                   lang: str) -> list[str]:
    """What breaks the limit: a beat over it and not listed, a listed beat grown past its entry, and
    an entry whose beat is now within the limit (the list must shrink)."""
    problems = []
    for beat, words in measured.items():
        listed = allowed.get(beat, {}).get(lang)
        if words > limit and listed is None:
            problems.append(f"{beat}: {words:g} words (limit {limit})")
        elif listed is not None and words > listed:
            problems.append(f"{beat}: {words:g} words, more than the {listed:g} it had when listed")
        elif listed is not None and words <= limit:
            problems.append(f"{beat}: {words:g} words, now within the limit: delete its entry from the list")
    return problems


@pytest.mark.parametrize(("lang", "theme", "chapter"), CASES)
def test_no_beat_shows_more_than_fifteen_words_of_prose_outside_its_card(lang, theme, chapter, chapter_run):
    screen = chapter_run(chapter, lang, theme).screen
    assert screen, "the run measured its beats"
    measured = {f"{chapter.key}.{beat.beat}": beat.prose_words for beat in screen}
    shown = {f"{chapter.key}.{beat.beat}": beat.prose for beat in screen}
    problems = over_the_limit(measured, PROSE_OVER_LIMIT, PROSE_MAX_WORDS, lang)
    assert not problems, "\n".join(f"{problem}\n    {shown[problem.split(':')[0]]}" for problem in problems)


@pytest.mark.parametrize(("lang", "theme", "chapter"), CASES)
def test_no_takeaway_card_holds_more_than_twenty_words(lang, theme, chapter, chapter_run):
    screen = chapter_run(chapter, lang, theme).screen
    measured = {f"{chapter.key}.{beat.beat}": beat.takeaway_words for beat in screen}
    problems = over_the_limit(measured, TAKEAWAY_OVER_LIMIT, TAKEAWAY_MAX_WORDS, lang)
    assert not problems, "\n".join(problems)


def test_a_chinese_character_counts_half_a_word_and_a_number_one():
    assert word_count("Layer 1 moved 0.094 of its size.") == 7
    assert word_count("梯度消失") == 2
    assert word_count("ReLU 的梯度") == 1 + 1.5


def test_prose_is_counted_and_labels_and_formulas_are_not(lecture_env):
    lecture_env("en", "dark")
    sentence = get_wrapped_text("ch5.fair_setup", 6.0, lr="0.4", scale="0.1")
    label = get_text("ch5.training_step")
    shown = snapshot([sentence, label])
    assert shown.prose_words == word_count(sentence.screen_text) > 0
    assert shown.prose == (sentence.screen_text,), "the axis label is not prose"


def test_a_sentence_put_on_screen_as_a_label_still_counts_as_prose(lecture_env):
    lecture_env("en", "dark")
    words = " ".join(["word"] * (LABEL_MAX_WORDS + 1))
    assert snapshot([get_plain_text(words)]).prose_words == LABEL_MAX_WORDS + 1
    assert snapshot([get_plain_text(words, role=LABEL)]).prose_words == 0, "unless its maker says it is a label"


def test_a_takeaway_card_counts_apart_and_its_box_is_not_the_picture(lecture_env):
    lecture_env("en", "dark")
    card = TakeawayCard("ch5.takeaway", 8.0)
    shown = snapshot([card])
    assert shown.prose_words == 0 and shown.takeaway_words == word_count(card.screen_text) > 0
    assert shown.visual_box is None


def test_frame_share_is_the_box_of_the_visuals_not_of_the_text(lecture_env):
    lecture_env("en", "dark")
    square = Square(side_length=2).move_to(LEFT * 2)  # from x = -3 to -1, y = -1 to 1
    circle = Circle(radius=0.5).move_to(RIGHT * 3)  # to x = 3.5
    title = get_text("ch5.training_step").to_corner(UL)  # text: not part of the picture
    shown = snapshot([VGroup(square), circle, title])
    assert shown.visual_box == pytest.approx((-3, -1, 3.5, 1), abs=1e-6)
    assert shown.frame_share == pytest.approx(6.5 * 2 / (config.frame_width * config.frame_height))
    assert shown.width_share == pytest.approx(6.5 / config.frame_width)


def test_the_list_of_beats_over_the_limit_only_shrinks():
    allowed = {"ch9.long": {"en": 30}, "ch9.fixed": {"en": 40}}
    measured = {"ch9.long": 31, "ch9.fixed": 12, "ch9.new": 16, "ch9.fine": 15}
    problems = over_the_limit(measured, allowed, 15, "en")
    assert [problem.split(":")[0] for problem in problems] == ["ch9.long", "ch9.fixed", "ch9.new"]
    assert "delete its entry" in problems[1]
    assert over_the_limit({"ch9.long": 30}, allowed, 15, "en") == []


def test_the_manifest_records_words_and_frame_share_per_beat(preview_render):
    manifest = json.loads((preview_render / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["chapters"]:
        screen = entry["screen"]
        assert [beat["beat"] for beat in screen] == [still["beat"] for still in entry["stills"]]
        for beat in screen:
            assert 0 <= beat["frame_share"] <= beat["width_share"] <= 1  # a box no taller than the frame
            assert beat["prose_words"] >= 0 and beat["takeaway_words"] >= 0
    shares = [beat["frame_share"] for entry in manifest["chapters"] for beat in entry["screen"]]
    assert any(share > 0 for share in shares), "the sigmoid's plot covers part of the frame"

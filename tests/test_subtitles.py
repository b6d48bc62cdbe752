"""Subtitles cut as a subtitler cuts them, checked on every cue of the whole lecture in every language:
the captions (what a silent lecture shows) and the narration (what a narrated one shows), each with
the values its chapter computes.

The values are those of the chapters' dry runs (tests/test_chapters.py), kept in
``tests/caption_values.json`` so the whole lecture is checked in a second, without Manim; one test
per chapter holds the file to its run, in the worker that runs that chapter anyway.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import chapter_group

from pipeline.registry import CHAPTERS
from pipeline.settings import UPDATE_REFERENCES_ENV
from scenes.lib.captions import (
    AT_CLAUSE,
    BREAK_KINDS,
    MAX_LINES,
    RULES,
    break_kind,
    cue_breaks,
    cue_tokens,
    split_caption,
    subtitle_tokens,
)
from scenes.lib.narration import narration_text
from scenes.lib.strings import languages, t

CAPTION_VALUES = Path(__file__).resolve().parent / "caption_values.json"
LEAST_SHARE_AT_CLAUSES = 0.70  # of all breaks, at punctuation or where a clause begins


def caption_values() -> dict[str, dict[str, dict[str, object]]]:
    return json.loads(CAPTION_VALUES.read_text(encoding="utf-8"))


def lecture_texts(lang: str) -> list[tuple[str, str]]:
    """(where, text) for every caption and every narration of the lecture, values filled in."""
    texts = []
    for chapter, beats in caption_values().items():
        for beat, values in beats.items():
            texts.append((f"{chapter}.{beat} caption", t(f"{chapter}.{beat}.caption", lang=lang, **values)))
            texts.append((f"{chapter}.{beat} narration", narration_text(chapter, beat, lang, values)))
    return texts


def break_offsets(text: str, cues: list[str]) -> list[int]:
    """Where in ``text`` each break between lines and cues falls."""
    lines = [line for cue in cues for line in cue.split("\n")]
    offsets, at = [], 0
    for line in lines:
        at = text.index(line, at) + len(line)
        while text[at:at + 1] == " ":  # a break between words falls after the space
            at += 1
        offsets.append(at)
    return offsets[:-1]


def is_orphan(line: str) -> bool:
    """One word alone, or in Chinese one or two characters (punctuation aside)."""
    if re.search(r"[\u3400-\u9fff]", line):
        return len(re.sub(r"\W", "", line)) <= 2
    return len(re.findall(r"\w+(?:['’-]\w+)*", line)) == 1


def word_boundaries(text: str) -> set[int]:
    """Offsets in ``text`` between two of its subtitle tokens (jieba's words in Chinese)."""
    offsets, at = set(), 0
    for piece in subtitle_tokens(text):
        at += len(piece)
        offsets.add(at + len(text[at:]) - len(text[at:].lstrip(" ")))  # after any space, as break_offsets
    return offsets


@pytest.mark.parametrize("chapter", [pytest.param(c, marks=chapter_group("en", "dark", c), id=c.slug)
                                     for c in CHAPTERS])
def test_caption_values_are_what_the_chapter_computes(chapter, chapter_run, lecture_env):
    lecture_env(lang="en", theme="dark")
    scene = chapter_run(chapter, "en", "dark").scene
    computed = {beat.name: {key: value if isinstance(value, int) else str(value) for key, value in beat.values.items()}
                for beat in scene.beats}
    if os.environ.get(UPDATE_REFERENCES_ENV) and caption_values().get(chapter.key) != computed:
        update_caption_values(chapter.key, computed)
    assert caption_values().get(chapter.key) == computed, (
        f"the model's values changed: in {CAPTION_VALUES.name}, set \"{chapter.key}\" to "
        f"{json.dumps(computed, ensure_ascii=False)} (or rerun with {UPDATE_REFERENCES_ENV}=1)")


def update_caption_values(key: str, computed: dict) -> None:
    """Rewrite one chapter's entry, as the reference frames are rewritten; under a lock, since each
    chapter's test runs in the worker of its own run."""
    with open(CAPTION_VALUES, "rb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        table = caption_values()
        table[key] = computed
        chapters = {chapter: "\n".join(f'    "{beat}": {json.dumps(values, ensure_ascii=False)}'
                                        for beat, values in beats.items())
                    for chapter, beats in sorted(table.items(), key=lambda item: int(item[0][2:]))}
        text = "{\n" + ",\n".join(f'  "{chapter}": {{\n{beats.replace(chr(10), "," + chr(10))}\n  }}'
                                    for chapter, beats in chapters.items()) + "\n}\n"
        CAPTION_VALUES.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("lang", languages())
def test_every_cue_of_the_lecture_is_cut_as_a_subtitler_would(lang):
    rules = RULES[lang]
    for where, text in lecture_texts(lang):
        cues = split_caption(text, lang)
        assert "".join(cues).replace("\n", "").replace(" ", "") == text.replace(" ", ""), f"{where}: text lost"
        for cue in cues:
            lines = cue.split("\n")
            assert len(lines) <= MAX_LINES, f"{where}: {cue!r}"
            assert all(len(line) <= rules.line_chars for line in lines), f"{where}: {cue!r}"
            assert not any(is_orphan(line) for line in lines) or len(cue_tokens(text)) == 1, f"{where}: {cue!r}"
        inside_words = [text[max(0, at - 6):at] + "|" + text[at:at + 6]
                        for at in break_offsets(text, cues) if at not in word_boundaries(text)]
        assert not inside_words, f"{where}: a line breaks inside a word: {inside_words}"


@pytest.mark.parametrize("lang", languages())
def test_most_breaks_of_the_lecture_fall_at_punctuation_or_a_clause(lang):
    kinds = Counter(break_kind(before, after) for _, text in lecture_texts(lang)
                    for before, after in cue_breaks(split_caption(text, lang)))
    share = sum(kinds[kind] for kind in AT_CLAUSE) / sum(kinds.values())
    assert share >= LEAST_SHARE_AT_CLAUSES, f"{share:.0%} at punctuation or clauses: {dict(kinds)}"
    assert not kinds["poor"] or kinds["poor"] / sum(kinds.values()) < 0.03, dict(kinds)


@pytest.mark.parametrize(("text", "lang", "whole"), [
    ("經過十層之後，只剩下九點五乘以十的負七次方。", "zh-TW", "九點五乘以十的負七次方"),
    ("只看斜率的作用，並讓每層斜率都取最大值：梯度每經過一層，只剩原來的四分之一。", "zh-TW", "取最大值"),
    ("何愷明、張祥雨、任少卿與孫劍，二〇一五年；徐冰、王乃岩、陳天奇與李沐，二〇一五年。", "zh-TW", "任少卿"),
    ("尼爾森的《神經網路與深度學習》第五章；馬斯、漢南與吳恩達，二〇一三年。", "zh-TW", "《神經網路與深度學習》"),
    ("The backpropagated signal shrinks three to five and a half times at every layer on its way back.", "en",
     "five and a half times"),
    ("In all, the first layer's weight gradient is about three ten-millionths of the last layer's.", "en",
     "about three ten-millionths"),
    ("Where this comes from: Glorot and Bengio, twenty ten. Nielsen's Neural Networks and Deep Learning.", "en",
     "twenty ten"),
])
def test_a_cue_never_splits_a_spoken_number_a_name_or_a_title(text, lang, whole):
    lines = [line for cue in split_caption(text, lang) for line in cue.split("\n")]
    assert any(whole in line for line in lines), lines


# Each kind of break (BREAK_KINDS, best first), with the text either side of breaks of that kind.
BREAKS_BY_KIND = {
    "sentence": [("to them.", "The ReLU")],
    "clause": [("the slope peaks at one quarter,", "because"), ("每層斜率都取最大值：", "梯度")],
    "conjunction": [("the sigmoid chain fades", "while the ReLU"), ("乙狀函數網路", "卻只會預測平均值")],
    "phrase": [("the gradient shrinks", "at every layer"), ("梯度", "在每一層變小")],
    "word": [("the layer's input", "times the signal")],
    "poor": [("moved by", "about three millionths"), ("after 36", "steps"), ("接近二分之一", "的乙狀函數輸出")],
}


@pytest.mark.parametrize("kind", BREAK_KINDS)
def test_breaks_are_ranked_as_a_subtitler_ranks_them(kind):
    assert [break_kind(before, after) for before, after in BREAKS_BY_KIND[kind]] == [kind] * len(BREAKS_BY_KIND[kind])


def test_a_short_sentence_stays_with_its_neighbour_and_no_line_is_an_orphan():
    assert split_caption("感謝觀看。畫面上的授權說明了你可以如何重複使用這份講座。", "zh-TW")[0] == "感謝觀看。"
    cues = split_caption("Two networks trained alike: the ReLU network's loss falls, the sigmoid network's "
                         "stays at the level of predicting the mean. Why?", "en")
    assert cues[-1].endswith("the mean. Why?"), cues
    assert not any(is_orphan(line) for cue in cues for line in cue.split("\n")), cues

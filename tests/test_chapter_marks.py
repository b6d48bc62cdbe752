"""The lecture's chapters: YouTube's rules for a description's chapter list (first at 00:00, at least
three, none shorter than ten seconds, on the timestamps as written), and every chapter inside
lecture.mp4 for the players of a classroom."""
from __future__ import annotations

import json

import pytest
from conftest import mp4_chapters

from pipeline.chapter_marks import (
    YOUTUBE_MIN_CHAPTERS,
    YOUTUBE_MIN_SECONDS,
    ChapterMark,
    chapter_lines,
    ffmetadata,
    written_lengths,
    youtube_chapters,
)
from pipeline.publish import write_chapter_lines
from pipeline.registry import CHAPTERS
from scenes.lib.captions import beat_seconds_needed
from scenes.lib.narration import beat_seconds_with_voice, narration_text
from scenes.lib.strings import languages, t
from scenes.lib.synthesis import clip_for
from scenes.lib.voice import parse_voice


def marks_at(*starts: float) -> list[ChapterMark]:
    return [ChapterMark(start, f"chapter {index}") for index, start in enumerate(starts)]


def test_a_closing_chapter_under_ten_seconds_goes_under_the_one_before():
    marks = marks_at(0, 11, 80, 503)
    kept = youtube_chapters(marks, end=508.9)  # the last would last 5 s: YouTube drops every chapter
    assert [mark.title for mark in kept] == ["chapter 0", "chapter 1", "chapter 2"]
    assert written_lengths(kept, 508.9) == [11, 69, 428]


def test_a_short_first_chapter_keeps_zero_and_its_title_and_absorbs_the_next():
    kept = youtube_chapters(marks_at(0, 4, 30, 60), end=90)
    assert [(mark.start, mark.title) for mark in kept] == [(0, "chapter 0"), (30, "chapter 2"), (60, "chapter 3")]


def test_short_chapters_in_the_middle_merge_until_every_one_lasts_ten_seconds():
    kept = youtube_chapters(marks_at(0, 20, 23, 26, 29, 40, 70), end=100)
    lengths = written_lengths(kept, 100)
    assert min(lengths) >= YOUTUBE_MIN_SECONDS and sum(lengths) == 100
    assert [mark.title for mark in kept] == ["chapter 0", "chapter 4", "chapter 5", "chapter 6"]


def test_lengths_are_counted_on_the_whole_seconds_written_and_the_video_end_rounded_down():
    # 9.6 s of video between 10.9 and 20.5, but written 00:10 and 00:20: YouTube counts ten.
    assert written_lengths(marks_at(0, 10.9, 20.5), 30.99) == [10, 10, 10]
    # The last chapter plays 9.9 s (20.1 to 30.0), written from 00:20 to an end of 30: ten.
    assert youtube_chapters(marks_at(0, 10, 20.1), 30.0) is not None
    # Rounded down, an end at 29.99 leaves the last chapter nine seconds: merged, and two remain.
    assert youtube_chapters(marks_at(0, 10, 20), 29.99) is None


def test_fewer_than_three_chapters_give_no_youtube_chapters():
    assert youtube_chapters(marks_at(0, 40), 100) is None
    assert youtube_chapters(marks_at(0), 100) is None
    assert len(youtube_chapters(marks_at(0, 40, 70), 100)) == YOUTUBE_MIN_CHAPTERS


def test_no_youtube_chapters_writes_no_lines_and_says_so_in_one_line(tmp_path, capsys):
    target = tmp_path / "chapters.txt"
    assert write_chapter_lines(marks_at(0, 40), 100, target) == []
    assert target.read_text(encoding="utf-8") == ""
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 1 and "no YouTube chapters" in printed[0]
    assert write_chapter_lines(marks_at(0, 20, 40), 100, target) == marks_at(0, 20, 40)
    assert target.read_text(encoding="utf-8") == "00:00 chapter 0\n00:20 chapter 1\n00:40 chapter 2\n"
    assert capsys.readouterr().out == ""


def test_chapter_lines_write_hours_only_when_needed():
    assert chapter_lines([ChapterMark(0, "a"), ChapterMark(65.99, "b"), ChapterMark(3725, "c")]) == \
        "00:00 a\n01:05 b\n1:02:05 c\n"


def test_the_mp4_chapter_file_escapes_what_ffmpeg_reads_as_syntax():
    text = ffmetadata([ChapterMark(0, "a=b; #c\\d"), ChapterMark(1.5, "二")], end=3.25)
    assert text.startswith(";FFMETADATA1\n")
    assert "START=0\nEND=1500\ntitle=a\\=b\\; \\#c\\\\d\n" in text
    assert "START=1500\nEND=3250\ntitle=二\n" in text


@pytest.mark.xdist_group("render")  # the session's renders (conftest.py)
def test_lecture_mp4_carries_every_chapter_with_its_title(preview_render):
    manifest = json.loads((preview_render / "manifest.json").read_text(encoding="utf-8"))
    chapters = mp4_chapters(preview_render / "lecture.mp4")
    assert [title for _, _, title in chapters] == [entry["title"] for entry in manifest["chapters"]]
    starts = [start for start, _, _ in chapters]
    assert starts == pytest.approx(manifest["lecture"]["chapter_offsets"], abs=1e-3)
    assert chapters[-1][1] == pytest.approx(manifest["lecture"]["duration"], abs=1e-3)
    # Two chapters are too few for YouTube: no lines to paste, and none in the description.
    assert manifest["lecture"]["youtube_chapters"] == 0
    assert (preview_render / "chapters.txt").read_text(encoding="utf-8") == ""
    description = (preview_render / "description.txt").read_text(encoding="utf-8")
    assert "00:00" not in description and t("meta.chapters", lang="en") not in description


@pytest.mark.xdist_group("render")  # the session's renders (conftest.py)
def test_a_chinese_lecture_mp4_names_its_chapter_in_chinese(chinese_render):
    (chapter,) = mp4_chapters(chinese_render / "lecture.mp4")
    assert chapter[2] == t("ch0.title", lang="zh-TW")


def chapter_seconds(run, chapter, lang: str, voice) -> float:
    """A chapter's length in ``lang`` with ``voice``, from a run of it with animations skipped: each
    beat lasts its animations or, if longer, what its caption and its narration need (as
    LectureScene.close_beat holds it)."""
    scene, total = run.scene, run.scene.beats[0].start
    for beat in scene.beats:
        caption = t(scene.caption_key(beat.name), lang=lang, **beat.values)
        needed = beat_seconds_needed(caption, lang)
        if voice.speaks:
            spoken = narration_text(scene.chapter_key, beat.name, lang, beat.values)
            clip = clip_for(voice, lang, spoken, chapter.number, beat.name)
            needed = max(needed, beat_seconds_with_voice(clip), beat_seconds_needed(spoken, lang))
        total += max(beat.animated, needed)
    return total


@pytest.mark.xdist_group("lecture-chapter-lengths")
@pytest.mark.parametrize("voice_spec", ["none", "hibari", "espeak"])
def test_every_language_and_voice_gives_youtube_chapters_for_the_whole_lecture(voice_spec, chapter_run):
    voice = parse_voice(voice_spec)
    for lang in languages():
        run_lang, theme = ("en", "dark") if lang == "en" else ("zh-TW", "light")  # zh-CN animates as zh-TW
        marks, at = [], 0.0
        for chapter in CHAPTERS:
            run = chapter_run(chapter, run_lang, theme)
            seconds = chapter_seconds(run, chapter, lang, voice)
            if lang == run_lang and not voice.speaks:  # the timing model against the run itself
                assert seconds == pytest.approx(run.scene.beat_clock, abs=0.1 * len(run.scene.beats))
            marks.append(ChapterMark(at, t(f"ch{chapter.number}.title", lang=lang)))
            at += seconds
        kept = youtube_chapters(marks, at)
        assert kept is not None, f"{lang}, {voice_spec}: no YouTube chapters for {written_lengths(marks, at)}"
        assert len(kept) >= YOUTUBE_MIN_CHAPTERS and min(written_lengths(kept, at)) >= YOUTUBE_MIN_SECONDS
        assert kept[0].start == 0 and len(kept) >= len(marks) - 2, "only a short chapter or two may merge"

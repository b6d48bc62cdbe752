"""YouTube metadata: description.txt and youtube.json ready to paste or upload, within YouTube's
limits, with the chapter lines, the sources with links, the licences and the caption files."""
from __future__ import annotations

import json

import pytest

from pipeline.metadata import (
    DESCRIPTION_MAX_BYTES,
    TITLE_MAX,
    MetadataError,
    caption_tracks,
    check_limits,
    description,
    licence_url,
    sources,
    tags,
    youtube_licence,
)
from scenes.lib.course import Course
from scenes.lib.strings import languages, t

LINES = "00:00 One\n00:12 Two\n"


def test_a_title_over_100_characters_is_refused():
    check_limits("x" * TITLE_MAX, "text", ["tag"])
    with pytest.raises(MetadataError, match="title is 101 characters"):
        check_limits("x" * (TITLE_MAX + 1), "text", ["tag"])


def test_a_description_over_5000_bytes_is_refused_counting_chinese_as_three():
    check_limits("title", "x" * DESCRIPTION_MAX_BYTES, [])
    with pytest.raises(MetadataError, match="5001 bytes"):
        check_limits("title", "x" * (DESCRIPTION_MAX_BYTES + 1), [])
    with pytest.raises(MetadataError, match="bytes"):
        check_limits("title", "梯" * 1700, [])  # 1,700 characters, 5,100 bytes


def test_angle_brackets_and_too_many_tags_are_refused():
    with pytest.raises(MetadataError, match="< or >"):
        check_limits("a <b>", "text", [])
    with pytest.raises(MetadataError, match="tags come to"):
        check_limits("title", "text", ["tag number"] * 50)


@pytest.mark.parametrize("lang", languages())
def test_every_language_has_a_description_within_limits(lang):
    text = description(lang, LINES, Course())
    check_limits(t("lecture.title", lang=lang), text, tags(lang))
    assert text.startswith(t("lecture.title", lang=lang))
    assert LINES.rstrip() in text, "the chapter lines, ready for YouTube's chapters"
    for cite, url in sources(lang):
        assert f"{cite}: {url}" in text and url.startswith("http")
    assert "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)" in text and "MIT" in text
    assert "{" not in text, "no placeholder left unfilled"


def test_every_source_on_the_recap_card_has_a_link():
    cited = [cite for cite, _ in sources("en")]
    assert len(cited) >= 4 and cited[0].startswith("Glorot")


def test_the_course_and_its_licence_reach_the_description():
    course = Course(course="CS 189", lecturer="Ada Chen", licence="CC BY-SA 4.0")
    text = description("en", LINES, course)
    assert "CS 189 · Ada Chen" in text
    assert "CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/)" in text
    assert youtube_licence("CC BY 4.0") == "creativeCommon", "YouTube's Creative Commons licence is CC BY"
    assert youtube_licence("CC BY-SA 4.0") == youtube_licence("All rights reserved") == "youtube"
    assert licence_url("All rights reserved") is None


def test_caption_files_of_the_other_languages_rendered_beside_are_listed(tmp_path):
    for variant in ("en-dark-1080p", "zh-TW-dark-1080p", "zh-CN-light-1080p"):
        (tmp_path / variant).mkdir()
        (tmp_path / variant / "lecture.srt").write_text("", encoding="utf-8")
    tracks = caption_tracks(tmp_path / "en-dark-1080p", "en", "dark", "1080p")
    assert tracks == [{"language": "en", "file": "lecture.srt"},
                      {"language": "zh-TW", "file": "../zh-TW-dark-1080p/lecture.srt"}]


@pytest.mark.xdist_group("render")
def test_a_render_writes_the_description_and_the_upload_file(preview_render):
    manifest = json.loads((preview_render / "manifest.json").read_text(encoding="utf-8"))
    lecture = manifest["lecture"]
    text = (preview_render / lecture["description"]).read_text(encoding="utf-8")
    upload = json.loads((preview_render / lecture["youtube"]).read_text(encoding="utf-8"))
    assert (preview_render / lecture["chapters"]).read_text(encoding="utf-8").rstrip() in text
    snippet = upload["snippet"]
    assert snippet["title"] == manifest["title"] and snippet["description"] == text
    assert snippet["defaultLanguage"] == "en" and snippet["tags"] and snippet["categoryId"] == "27"
    assert upload["status"]["license"] == "creativeCommon" and upload["licence"] == "CC BY 4.0"
    for track in upload["captions"]:
        assert (preview_render / track["file"]).is_file(), track
    assert (preview_render / upload["video"]).is_file() and (preview_render / upload["thumbnail"]).is_file()

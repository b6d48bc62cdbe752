"""What a lecturer uploads: the joined lecture video, its subtitles, YouTube chapter lines, the
thumbnail and the extra formats, checked on a real preview render (see conftest.py)."""
from __future__ import annotations

import json
import os
import re
import shutil
import struct
from pathlib import Path

import av
import numpy as np
import pytest
import srt
from conftest import run_render
from PIL import Image

from scenes.lib.captions import MAX_LINES, RULES, reading_seconds

# They share the session's renders (conftest.py), so they run on one xdist worker.
pytestmark = pytest.mark.xdist_group("render")
BAND_TOLERANCE = 2  # of 255: H.264 keeps a flat band exact in practice (measured 0); a glyph is > 100


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def top_level_boxes(path: Path) -> list[str]:
    """The MP4 file's top-level box types in file order (ISO BMFF: 32-bit size, 4-byte type)."""
    boxes, data = [], path.read_bytes()
    at = 0
    while at + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        if size == 1:
            size = struct.unpack(">Q", data[at + 8:at + 16])[0]
        boxes.append(kind.decode("latin-1"))
        if size == 0:
            break
        at += size
    return boxes


def test_lecture_is_h264_yuv420p_at_the_chosen_size_and_rate_with_its_index_first(preview_render):
    lecture = preview_render / "lecture.mp4"
    with av.open(str(lecture)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert (stream.codec_context.width, stream.codec_context.height) == (854, 480)
        assert float(stream.base_rate) == 15
        assert sum(1 for _ in container.decode(stream)) > 0
    boxes = top_level_boxes(lecture)
    assert boxes.index("moov") < boxes.index("mdat"), boxes
    for entry in manifest_of(preview_render)["chapters"]:
        boxes = top_level_boxes(preview_render / entry["video"])
        assert boxes.index("moov") < boxes.index("mdat"), entry["video"]


def test_lecture_lasts_as_long_as_its_chapters_within_a_frame_per_join(preview_render):
    manifest = manifest_of(preview_render)
    chapters = manifest["chapters"]
    total = sum(entry["duration"] for entry in chapters)
    with av.open(str(preview_render / "lecture.mp4")) as container:
        duration = float(container.duration / av.time_base)
    assert abs(duration - total) <= len(chapters) / 15
    assert manifest["lecture"]["duration"] == pytest.approx(duration, abs=1e-3)


def chapter_spans(manifest: dict) -> list[tuple[float, float]]:
    spans, at = [], 0.0
    for entry in manifest["chapters"]:
        spans.append((at, at + entry["duration"]))
        at += entry["duration"]
    return spans


def test_every_lecture_cue_lies_inside_the_video_and_inside_one_chapter(preview_render):
    manifest = manifest_of(preview_render)
    spans = chapter_spans(manifest)
    cues = list(srt.parse((preview_render / "lecture.srt").read_text(encoding="utf-8")))
    assert len(cues) >= 2 * len(spans)
    for cue in cues:
        start, end = cue.start.total_seconds(), cue.end.total_seconds()
        assert 0 <= start < end <= manifest["lecture"]["duration"] + 1e-3
        assert any(low - 1e-3 <= start and end <= high + 1e-3 for low, high in spans), cue
    # Each chapter's own captions, moved by its offset, are exactly the lecture's cues in that chapter.
    second = manifest["chapters"][1]
    own = list(srt.parse((preview_render / second["captions"]["srt"]).read_text(encoding="utf-8")))
    low = spans[1][0]
    in_second = [c for c in cues if c.start.total_seconds() >= low - 1e-3]
    assert [c.content for c in in_second] == [c.content for c in own]
    for lecture_cue, chapter_cue in zip(in_second, own):
        assert lecture_cue.start.total_seconds() == pytest.approx(chapter_cue.start.total_seconds() + low, abs=2e-3)


def test_the_caption_band_of_every_frame_is_background(preview_render):
    """Subtitles go in the bottom CAPTION_BAND of the video; nothing else may be drawn there (the
    frame above it is busy: text, axes and the chapter's cards reach its edge)."""
    from manim import ManimColor

    from scenes.lib.style import CAPTION_BAND, THEMES

    background = np.array(ManimColor(THEMES["dark"].background).to_int_rgb())
    checked = 0
    with av.open(str(preview_render / "lecture.mp4")) as container:
        for number, frame in enumerate(container.decode(video=0)):
            if number % 10:
                continue
            picture = frame.to_ndarray(format="rgb24").astype(np.int16)
            band = picture[-round(picture.shape[0] * CAPTION_BAND):]
            above = picture[:-round(picture.shape[0] * CAPTION_BAND)]
            assert np.abs(band - background).max() <= BAND_TOLERANCE, f"frame {number} draws in the caption band"
            checked += np.abs(above - background).max() > 100
    assert checked > 10, "the frames above the band show something"


def test_cues_are_readable(preview_render, chinese_render):
    for folder, lang in ((preview_render, "en"), (chinese_render, "zh-TW")):
        for cue in srt.parse((folder / "lecture.srt").read_text(encoding="utf-8")):
            lines = cue.content.split("\n")
            assert len(lines) <= MAX_LINES and all(len(line) <= RULES[lang].line_chars for line in lines), cue
            shown = (cue.end - cue.start).total_seconds()
            assert shown >= reading_seconds(cue.content, lang) - 0.07, cue


def test_vtt_holds_the_same_cues_as_srt(preview_render):
    vtt = (preview_render / "lecture.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n")
    cues = list(srt.parse((preview_render / "lecture.srt").read_text(encoding="utf-8")))
    times = re.findall(r"^(\d\d:\d\d:\d\d\.\d\d\d) --> (\d\d:\d\d:\d\d\.\d\d\d)$", vtt, flags=re.M)
    assert len(times) == len(cues)
    for (start, _), cue in zip(times, cues):
        h, m, s = start.split(":")
        assert int(h) * 3600 + int(m) * 60 + float(s) == pytest.approx(cue.start.total_seconds(), abs=1e-3)


def test_chinese_render_has_chinese_subtitles(chinese_render):
    han = re.compile(r"[\u4e00-\u9fff]")
    cues = list(srt.parse((chinese_render / "lecture.srt").read_text(encoding="utf-8")))
    assert cues and all(han.search(cue.content) for cue in cues)


def test_thumbnail_is_1280_by_720(preview_render, chinese_render):
    for folder in (preview_render, chinese_render):
        with Image.open(folder / "thumbnail.png") as image:
            assert image.size == (1280, 720)


def test_webm_and_gif_exports(preview_render):
    manifest = manifest_of(preview_render)
    with av.open(str(preview_render / manifest["lecture"]["webm"]["video"])) as container:
        assert container.streams.video[0].codec_context.name in ("vp9", "libvpx-vp9")
        assert float(container.duration / av.time_base) == pytest.approx(manifest["lecture"]["duration"], abs=0.2)
    short, long = manifest["chapters"]
    assert "gif" in short and "gif" not in long, "only short chapters become GIFs"
    with Image.open(preview_render / short["gif"]) as gif:
        assert gif.n_frames > 10 and gif.width <= 480
    assert (preview_render / short["gif"]).stat().st_size < 2_000_000


def test_a_failed_join_keeps_the_previous_lecture(preview_render, tmp_path):
    """ffmpeg failing at the join (a stand-in first on PATH) must leave the last good files intact."""
    out = tmp_path / "out"
    shutil.copytree(preview_render.parent, out)
    variant = out / preview_render.name
    before = {p.name: p.read_bytes() for p in variant.iterdir()}
    fake = tmp_path / "bin"
    fake.mkdir()
    real = shutil.which("ffmpeg")
    (fake / "ffmpeg").write_text(f'#!/bin/sh\ncase "$*" in *concat*) echo "join refused" >&2; exit 1;; esac\n'
                                 f'exec {real} "$@"\n')
    (fake / "ffmpeg").chmod(0o755)
    result = run_render("--quality", "preview", "--scenes", "title", "--out", str(out),
                        env={"PATH": f"{fake}:{os.environ['PATH']}"})
    assert result.returncode == 1
    assert "join refused" in result.stderr
    assert {p.name: p.read_bytes() for p in variant.iterdir()} == before
    assert sorted(p.name for p in out.iterdir()) == [preview_render.name]


def test_transparent_render_keeps_the_drawing_and_drops_the_background(tmp_path):
    out = tmp_path / "out"
    result = run_render("--quality", "preview", "--scenes", "title", "--transparent", "--out", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    variant = out / "en-dark-preview"
    (entry,) = manifest_of(variant)["chapters"]
    with av.open(str(variant / entry["transparent"])) as container:
        frames = [frame.to_ndarray(format="rgba") for frame in container.decode(video=0)]
    last = frames[-1]
    assert last[5, 5, 3] == 0, "the background is fully transparent"
    assert last[..., 3].max() == 255, "the title itself is opaque"


def test_a_cue_ending_with_its_chapter_is_cut_to_the_joined_lecture(tmp_path):
    # Concatenation can make the joined lecture a few milliseconds shorter than its chapters' sum
    # (CI saw 79.061 s against 79.066 s): no cue may outlast the video.
    from datetime import timedelta

    from pipeline.publish import ChapterFiles, shifted_cues

    captions = tmp_path / "c.srt"
    captions.write_text(srt.compose([srt.Subtitle(1, timedelta(seconds=1), timedelta(seconds=2), "last")]),
                        encoding="utf-8")
    chapters = [ChapterFiles({"duration": 2.0}, tmp_path / "a.mp4", captions, 0.0),
                ChapterFiles({"duration": 2.0}, tmp_path / "b.mp4", captions, 2.0)]
    ends = [cue.end.total_seconds() for cue in shifted_cues(chapters, lecture_end=3.995)]
    assert ends == [2.0, 3.995]

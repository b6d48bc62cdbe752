"""The handout (``--format handout``): an A4 PDF with a title page, every beat's key frame beside its
caption, and the sources; real, selectable text in every language (read back with pypdf, a PDF
library no one here wrote), pictures light enough to print in greyscale."""
from __future__ import annotations

import hashlib
import io
import json
import re

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from pipeline.metadata import sources
from scenes.lib.strings import t

pytestmark = pytest.mark.xdist_group("render")  # they read the session's renders (conftest.py)

A4_POINTS = (595.3, 841.9)


def squeeze(text: str) -> str:
    """Text without whitespace: PDF extraction breaks lines wherever the layout did."""
    return re.sub(r"\s+", "", text)


def pages_text(pdf) -> list[str]:
    return [squeeze(page.extract_text()) for page in PdfReader(pdf).pages]


def test_the_handout_has_a_title_page_every_beat_with_its_caption_and_the_sources(preview_render):
    manifest = json.loads((preview_render / "manifest.json").read_text(encoding="utf-8"))
    pdf = preview_render / manifest["lecture"]["handout"]
    reader = PdfReader(pdf)
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_POINTS, abs=1)
    texts = pages_text(pdf)
    assert squeeze(manifest["title"]) in texts[0], "the title page"
    assert all(squeeze(entry["title"]) in texts[0] for entry in manifest["chapters"]), "its table of contents"
    assert "CCBY4.0" in texts[0], "the lecture's licence"
    body = "".join(texts[1:])
    for entry in manifest["chapters"]:
        assert squeeze(entry["title"]) in body
        for still in entry["stills"]:
            assert squeeze(still["caption"]) in body, still["beat"]
    for cite, url in sources("en"):
        assert squeeze(cite) in texts[-1] and squeeze(url) in texts[-1]
    beats = sum(len(entry["stills"]) for entry in manifest["chapters"])
    # WeasyPrint may share one resource dictionary between pages, so count distinct pictures.
    pictures = {hashlib.sha256(image.data).hexdigest() for page in reader.pages[1:] for image in page.images}
    assert len(pictures) == beats, "one key frame per beat"


def test_the_handout_pictures_are_light_enough_to_print_in_greyscale(preview_render):
    reader = PdfReader(preview_render / "handout.pdf")
    for page in reader.pages[1:]:
        for picture in page.images:
            grey = np.asarray(Image.open(io.BytesIO(picture.data)).convert("L"), dtype=float)
            assert grey.mean() > 200, "a light page, not a block of toner"
            assert grey.std() > 10, "and not blank"


def test_the_chinese_handout_holds_selectable_chinese_text(chinese_render):
    texts = pages_text(chinese_render / "handout.pdf")
    assert squeeze(t("lecture.title", lang="zh-TW")) in texts[0]
    body = "".join(texts[1:])
    for beat in ("show_title", "preview_ideas"):
        assert squeeze(t(f"ch0.{beat}.caption", lang="zh-TW")) in body
    assert squeeze(t("ch6.sources_heading", lang="zh-TW")) in texts[-1]

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
from scenes.lib.components.legend import get_series_swatch
from scenes.lib.strings import t
from scenes.lib.style import LIGHT

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


def grey_on_paper(colour: str, opacity: float) -> float:
    """The grey level (0 black, 255 white) a fill of ``colour`` at ``opacity`` prints as on white paper."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    luma = 0.299 * red + 0.587 * green + 0.114 * blue  # what a greyscale printer keeps (ITU-R BT.601)
    return 255 - opacity * (255 - luma)


# The charts with two series of bars side by side: ch2 (the signal, the weight gradient), ch3 (sigmoid, ReLU).
@pytest.mark.parametrize("first, second", [("gradient", "sigmoid"), ("sigmoid", "relu")])
def test_two_series_of_bars_print_as_different_greys(first, second):
    """Key frames of the handout are on the light theme; printed in greyscale the two series of a chart
    must differ by more than their hue (sigmoid's and ReLU's colours print within 5 grey levels)."""
    bars = [get_series_swatch(getattr(LIGHT, name), index) for index, name in enumerate((first, second))]
    greys = [grey_on_paper(bar.get_fill_color().to_hex(), bar.get_fill_opacity()) for bar in bars]
    assert abs(greys[0] - greys[1]) >= 40, greys
    assert bars[1].get_stroke_width() > 0, "the faint series keeps a full-strength outline"


def test_the_chinese_handout_holds_selectable_chinese_text(chinese_render):
    texts = pages_text(chinese_render / "handout.pdf")
    assert squeeze(t("lecture.title", lang="zh-TW")) in texts[0]
    body = "".join(texts[1:])
    for beat in ("show_title", "preview_ideas"):
        assert squeeze(t(f"ch0.{beat}.caption", lang="zh-TW")) in body
    assert squeeze(t("ch6.sources_heading", lang="zh-TW")) in texts[-1]

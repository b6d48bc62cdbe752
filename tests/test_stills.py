"""Stills for slide tools: every beat's key frame as a PNG at the render's size, in lecture order,
listed in the manifest (``--format stills``)."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image
from test_graphics import storyboard_beats

from pipeline.registry import find_chapters

pytestmark = pytest.mark.xdist_group("render")  # they read the session's render (conftest.py)


def test_every_beat_has_one_still_at_the_render_size_listed_in_lecture_order(preview_render):
    manifest = json.loads((preview_render / "manifest.json").read_text(encoding="utf-8"))
    listed = []
    for entry in manifest["chapters"]:
        (chapter,) = find_chapters([entry["name"]])
        assert [still["beat"] for still in entry["stills"]] == storyboard_beats(chapter)
        for still in entry["stills"]:
            assert still["caption"], f"{still['image']} has no caption"
            with Image.open(preview_render / still["image"]) as image:
                assert (image.format, image.size) == ("PNG", (manifest["width"], manifest["height"]))
        listed += [still["image"] for still in entry["stills"]]
    assert listed == sorted(listed), "file names sort in lecture order"
    on_disk = sorted(path.name for path in preview_render.glob("*.png") if path.name != "thumbnail.png")
    assert on_disk == listed, "every still is listed, and every listed still is there"


def test_no_still_is_blank(preview_render):
    for path in sorted(preview_render.glob("0*-*-*.png")):
        pixels = np.asarray(Image.open(path).convert("L"), dtype=float)
        assert pixels.std() > 10, f"{path.name} is one flat colour"

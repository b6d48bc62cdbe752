"""Text made cheaper to build: wrapped text is measured from Pango's layout (the same widths as whole
Texts, and a Text's own measure wherever the layout is not written as Cairo writes text), and glyphs
made in a lecture scene keep no SVG parse tree for Manim to hash and copy."""
from __future__ import annotations

from pathlib import Path

import pytest
from manim import MathTex, Text, tempconfig
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

from scenes.lib.components import text
from scenes.lib.components.text import _glyph_spread, _PangoLayout, get_plain_text, get_wrapped_text, text_width
from scenes.lib.strings import font, table

SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="1920pt"
 height="1080pt" viewBox="0 0 1920 1080" version="1.1"><defs><g>
<symbol overflow="visible" id="glyph0-1"><path style="stroke:none;" d="{path}"/></symbol>
</g></defs><g id="surface1"{group}><use xlink:href="#glyph0-1" x="30" y="32"/>
<use xlink:href="#glyph0-1" x="40" y="32"/></g></svg>
"""


def spread(tmp_path, path: str, group: str = "") -> float | None:
    svg = tmp_path / "layout.svg"
    svg.write_text(SVG.format(path=path, group=group))
    return _glyph_spread(svg)


def test_the_spread_runs_over_every_point_control_points_too(tmp_path):
    # A curve bulging left of its ends, and a move no line starts from (it draws nothing).
    assert spread(tmp_path, "M 1 0 C -1 1 2 1 3 0 L 3 -2 Z M 9 9") == pytest.approx(40 + 3 - (30 - 1))


@pytest.mark.parametrize("path, group", [
    ("m 1 0 l 2 0 z", ""),  # relative commands
    ("M 1 0 Q 2 1 3 0 Z", ""),  # a quadratic curve
    ("M 1,0 L 3,0 Z", ""),  # commas
    ("M 1 0 L 3 0 Z", ' transform="scale(2)"'),
    ("1 2 M 1 0 L 3 0 Z", ""),  # numbers before the first command
    ("M 1 0 Z L 3 0", ""),  # a line after a close, from where the close left the pen
    ("M 1e 0 L 3 0 Z", ""),  # not a number
])
def test_a_layout_not_written_as_cairo_writes_text_is_not_measured_from_the_file(tmp_path, path, group):
    assert spread(tmp_path, path, group) is None


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_the_layout_gives_a_text_s_width(lang, lecture_env, manim_media_dir):
    """Every on-screen string of chapters 3 and 4 (no placeholders), at two sizes."""
    lecture_env(lang=lang)
    strings = [value for key, value in table(lang).items()
               if key.startswith(("ch3.", "ch4.")) and "{" not in value and not key.endswith(".caption")]
    assert len(strings) >= 10
    with tempconfig({"media_dir": str(manim_media_dir)}):
        for content in strings:
            for size in (18, 30):
                layout = _PangoLayout(content, font=font(), font_size=size)
                assert _glyph_spread(Path(layout.file_name)) is not None, content  # read from the layout
                assert text_width(content, size) == pytest.approx(get_plain_text(content, size=size).width,
                                                                   rel=1e-12, abs=1e-12), content


def test_a_character_the_font_lacks_is_measured_as_a_text(manim_media_dir):
    """Pango draws a box with the character's code for it, outside the glyphs: the layout is not
    read, and the width is the Text's."""
    with tempconfig({"media_dir": str(manim_media_dir)}):
        content = "ab\ue000"  # a private-use character: none of the installed fonts has one
        assert _glyph_spread(Path(_PangoLayout(content, font=font(), font_size=24).file_name)) is None
        assert text_width(content, 24) == get_plain_text(content, size=24).width


def test_a_wrapped_text_builds_a_text_per_line_and_none_per_candidate(monkeypatch, manim_media_dir):
    built: list[str] = []
    build = text.get_plain_text

    def counting(content, *args, **kwargs):
        built.append(content)
        return build(content, *args, **kwargs)

    monkeypatch.setattr(text, "get_plain_text", counting)
    with tempconfig({"media_dir": str(manim_media_dir)}):
        wrapped = get_wrapped_text("ch4.downstream", 3.0)
    assert len(wrapped) >= 3
    assert built == [line.original_text for line in wrapped]


def test_glyphs_made_in_a_lecture_scene_keep_no_svg_parse_tree(manim_media_dir):
    from scenes.lib.lecture_scene import LectureScene

    with tempconfig({"media_dir": str(manim_media_dir)}):
        LectureScene()
        # contents no earlier test made: Manim copies a glyph it made before from its own cache
        made = [Text("svg_paths: ReLU passes it on"), MathTex(r"\sigma'(z) \le 0.25 \; (svg\_paths)")]
    glyphs = [mob for group in made for mob in group.get_family() if isinstance(mob, VMobjectFromSVGPath)]
    assert len(glyphs) > 20
    assert not any(hasattr(glyph, "path_obj") for glyph in glyphs)

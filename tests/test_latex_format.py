"""Formulas typeset from a preloaded preamble (pipeline/latex_format.py) are the DVI Manim's own
``latex`` run makes, byte for byte; a template with another preamble gets its own format; and a
formula that fails is still Manim's to report."""
from __future__ import annotations

import pytest
from manim import TexTemplate, tempconfig
from manim.utils import tex_file_writing

from pipeline import latex_format
from scenes.lib.settings import CACHE_DIR_ENV

FORMULAS = [
    r"\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr) \le \tfrac{1}{4}",
    r"\frac{\partial L}{\partial w_1} = \prod_{k=2}^{n} w_k\,\sigma'(z_k)",
    r"\mathrm{ReLU}(x) = \max(0, x) \quad \text{and} \quad \alpha x",
]


@pytest.fixture
def tex_dir(tmp_path, monkeypatch):
    """Manim's LaTeX folder in ``tmp_path``, formats in a cache of their own, and TeX's clock fixed
    (a DVI carries its date: two runs a minute apart would differ there and nowhere else)."""
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("FORCE_SOURCE_DATE", "1")
    monkeypatch.setattr(latex_format, "_failed", set())
    with tempconfig({"media_dir": str(tmp_path / "media")}):
        folder = tex_file_writing.config.get_dir("tex_dir")
        folder.mkdir(parents=True)
        yield folder


def both_dvis(formula: str, template: TexTemplate, tex_dir) -> tuple[bytes, bytes]:
    """``formula``'s DVI as Manim typesets it, and from its preamble's format (checked to be used)."""
    tex_file = tex_file_writing.generate_tex_file(formula, "align*", template)
    manims = tex_file_writing.compile_tex(tex_file, "latex", ".dvi").read_bytes()
    tex_file.with_suffix(".dvi").unlink()
    ours = latex_format.compile_with_format(tex_file, tex_dir, ".dvi")
    assert ours is not None, "typeset from the preloaded format"
    assert "(preloaded format=preamble " in tex_file.with_suffix(".log").read_text(errors="replace")
    return manims, ours.read_bytes()


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_formula_from_the_preloaded_preamble_is_the_dvi_manim_makes(formula, tex_dir):
    manims, ours = both_dvis(formula, TexTemplate(), tex_dir)
    assert ours == manims


def test_another_preamble_gets_a_format_of_its_own(tex_dir):
    both_dvis(FORMULAS[0], TexTemplate(), tex_dir)
    bold = TexTemplate()
    bold.add_to_preamble(r"\usepackage{bm}")
    manims, ours = both_dvis(r"\bm{W}^\top \bm{\delta}", bold, tex_dir)
    assert ours == manims
    assert len(list(latex_format.formats_dir().glob("preamble-*.fmt"))) == 2


def test_manim_s_compile_typesets_from_the_format(tex_dir):
    tex_file = tex_file_writing.generate_tex_file(FORMULAS[1], "align*", TexTemplate())
    compile_tex = latex_format.with_preloaded_format(tex_file_writing.compile_tex)
    assert compile_tex(tex_file, "latex", ".dvi").is_file()
    assert "(preloaded format=preamble " in tex_file.with_suffix(".log").read_text(errors="replace")


def test_a_new_tex_installation_gets_a_new_format(tex_dir, monkeypatch):
    tex_file = tex_file_writing.generate_tex_file(FORMULAS[1], "align*", TexTemplate())
    first = latex_format.format_for(tex_file)
    monkeypatch.setattr(latex_format, "tex_installation", lambda: "/usr/bin/pdftex:1:2")
    second = latex_format.format_for(tex_file)
    assert first.is_file() and second.is_file() and second != first


def test_a_format_tex_will_not_load_leaves_the_formulas_to_manim(tex_dir):
    tex_file = tex_file_writing.generate_tex_file(FORMULAS[2], "align*", TexTemplate())
    latex_format.format_for(tex_file).write_bytes(b"not a format")
    assert latex_format.compile_with_format(tex_file, tex_dir, ".dvi") is None
    assert not tex_file.with_suffix(".dvi").exists()
    assert latex_format._failed, "the format is not tried again for every formula"
    compile_tex = latex_format.with_preloaded_format(tex_file_writing.compile_tex)
    assert compile_tex(tex_file, "latex", ".dvi").is_file()
    assert "(preloaded format=preamble " not in tex_file.with_suffix(".log").read_text(errors="replace")


def test_a_cache_it_cannot_write_leaves_the_formulas_to_manim(tex_dir, monkeypatch):
    def unwritable():
        raise PermissionError("read-only cache")

    monkeypatch.setattr(latex_format, "formats_dir", unwritable)
    tex_file = tex_file_writing.generate_tex_file(FORMULAS[0], "align*", TexTemplate())
    compile_tex = latex_format.with_preloaded_format(tex_file_writing.compile_tex)
    assert compile_tex(tex_file, "latex", ".dvi").is_file()


def test_a_formula_with_an_error_is_reported_by_manim(tex_dir):
    tex_file = tex_file_writing.generate_tex_file(r"\sigma'(x) \leq \quarter", "align*", TexTemplate())
    compile_tex = latex_format.with_preloaded_format(tex_file_writing.compile_tex)
    with pytest.raises(ValueError, match="latex error converting to dvi"):
        compile_tex(tex_file, "latex", ".dvi")
    assert "Undefined control sequence" in tex_file.with_suffix(".log").read_text(errors="replace")
    assert not tex_file.with_suffix(".dvi").exists()

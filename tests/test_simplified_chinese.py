"""Simplified Chinese (``--lang zh-CN``) is derived from the Traditional table at build time: no key
missing, no Traditional-only character left, mainland terms, and every reviewed override in use."""
from __future__ import annotations

import json

import opencc
import pytest
import srt
from conftest import mp4_chapters, run_render
from pypdf import PdfReader

from scenes.lib.narration import scripts
from scenes.lib.simplified import overrides, to_simplified
from scenes.lib.strings import font, languages, table

# t2s changes exactly the characters that are not Simplified; Simplified text passes unchanged.
_TO_SIMPLIFIED = opencc.OpenCC("t2s")


def traditional_only(text: str) -> set[str]:
    """The characters of ``text`` that Simplified Chinese writes differently."""
    return {char for char in text if _TO_SIMPLIFIED.convert(char) != char}


def test_the_check_finds_traditional_characters():
    assert traditional_only("神經網路") == {"經", "網"}
    assert traditional_only("神经网络") == set()


def test_simplified_chinese_is_offered_and_drawn_in_the_simplified_font():
    assert "zh-CN" in languages()
    assert font("zh-CN") == "Noto Sans CJK SC"


def test_no_key_is_missing_and_no_traditional_character_is_left():
    simplified, traditional = table("zh-CN"), table("zh-TW")
    assert set(simplified) == set(traditional), set(simplified) ^ set(traditional)
    left = {key: traditional_only(text) for key, text in simplified.items() if traditional_only(text)}
    assert not left, left


def test_mainland_terms_replace_taiwan_ones():
    text = "".join(table("zh-CN").values())
    assert "网络" in text and "数据" in text
    for taiwan in ("网路", "资料", "激励函数", "变异数", "批次"):
        assert taiwan not in text, taiwan
    # zh-TW now says 激活函數 itself (issue 11); Glorot's 標準化 init still needs the reviewed override.
    assert to_simplified("神經網路的標準化（Xavier）初始化") == "神经网络的归一化（Xavier）初始化"


@pytest.mark.parametrize(("taiwan", "mainland", "meaning"), [
    ("偏差", "偏置", "bias, the b of w x + b"),
    ("乙状函数", "逻辑斯谛函数", "sigmoid, said without Latin letters (espeak reads them as pinyin)"),
    ("授权", "许可", "licence"),
    ("「", "“", "an opening quotation mark"),
    ("」", "”", "a closing quotation mark"),
    ("函数库", "框架", "the frameworks that take ReLU'(0) = 0"),
])
def test_what_is_shown_and_said_uses_the_mainland_term(taiwan, mainland, meaning):
    """Issue 24's review of zh-CN, as a mainland reader reads it: each term is in use, in its mainland form."""
    shown_and_said = "".join(table("zh-CN").values()) + "".join(scripts("zh-CN").values())
    assert taiwan not in shown_and_said, meaning
    assert mainland in shown_and_said, meaning


@pytest.mark.parametrize(("found", "replacement"), overrides())
def test_every_reviewed_override_still_applies(found, replacement):
    """An override whose phrase no longer comes out of OpenCC (the zh-TW text changed) is stale. The
    overrides apply to what is shown and to what is said (some terms, such as 偏差, are only said)."""
    converted = opencc.OpenCC("tw2sp")
    texts = [*table("zh-TW").values(), *scripts("zh-TW").values()]
    assert any(found in converted.convert(text) for text in texts), \
        f"{found} -> {replacement} no longer applies; remove it or update it"


@pytest.mark.xdist_group("render")
def test_a_simplified_chinese_render_writes_simplified_subtitles_chapter_lines_and_handout(tmp_path):
    out = tmp_path / "out"
    result = run_render("--quality", "preview", "--scenes", "title", "--lang", "zh-CN", "--format", "handout",
                        "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    variant = out / "zh-CN-dark-preview"
    manifest = json.loads((variant / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["language"] == "zh-CN" and manifest["title"] == table("zh-CN")["lecture.title"]
    cues = list(srt.parse((variant / "lecture.srt").read_text(encoding="utf-8")))
    written = "".join(cue.content for cue in cues)
    written += "".join(title for *_, title in mp4_chapters(variant / "lecture.mp4"))  # the chapters players show
    written += "".join(page.extract_text() for page in PdfReader(variant / "handout.pdf").pages)
    assert "为什么" in written and "参考文献" in written, "the handout's text is there, selectable"
    assert not traditional_only(written)

"""Every on-screen word comes from a string table, and no language misses a key."""
from __future__ import annotations

import re
import string

import pytest

from pipeline.fingerprint import string_prefixes
from pipeline.registry import CHAPTERS
from scenes.lib.settings import ROOT
from scenes.lib.strings import languages, t, table


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_languages_are_the_tables_plus_simplified_chinese_derived():
    assert set(languages()) == {"en", "zh-TW", "zh-CN"}  # zh-CN derived from zh-TW


TRANSLATIONS = [lang for lang in languages() if lang != "en"]  # English is the reference they follow


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_every_key_exists_in_every_language(lang):
    reference = set(table("en"))
    assert set(table(lang)) == reference, set(table(lang)) ^ reference


@pytest.mark.parametrize("lang", languages())
def test_no_string_is_empty(lang):
    empty = [key for key, text in table(lang).items() if not text.strip()]
    assert not empty, f"{lang}: {empty}"


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_a_translation_has_the_placeholders_of_the_english(lang):
    for key, text in table(lang).items():
        assert placeholders(text) == placeholders(table("en")[key]), key


@pytest.mark.parametrize("lang", languages())
def test_every_chapter_has_a_title_and_summary(lang):
    for chapter in CHAPTERS:
        assert t(f"{chapter.key}.title", lang=lang)
        assert t(f"{chapter.key}.summary", lang=lang)


def test_traditional_chinese_table_is_in_chinese():
    han = re.compile(r"[\u4e00-\u9fff]")
    captions = {k: v for k, v in table("zh-TW").items() if k.endswith(".caption")}
    assert captions and all(han.search(v) for v in captions.values())


def test_missing_key_is_a_clear_error():
    with pytest.raises(KeyError, match="missing from the en table"):
        t("no.such.key", lang="en")


def test_formulas_carry_no_words_because_latex_is_not_translated():
    """Words inside LaTeX (\\text, \\mbox, \\mathrm{for}...) would stay English in every language."""
    scenes = ROOT / "scenes"
    worded = [f"{path.relative_to(scenes)}:{number}: {line.strip()}"
              for path in sorted(scenes.rglob("*.py"))
              for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
              if re.search(r"\\\\?(text|mbox|textrm|intertext)\{", line)]
    assert not worded, "\n".join(worded)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_a_chapter_and_the_library_it_imports_name_only_its_own_strings(chapter):
    """What the chapter imports serves every chapter: a chapter's key in a component would tie those
    chapters to that one's words (the course card used the closing chapter's licence lines so)."""
    assert string_prefixes(chapter) == {chapter.key}

"""Fingerprints decide which chapters a re-run may keep: they must change with everything that
changes a chapter's files, and with nothing else."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest
from conftest import ROOT

from pipeline.fingerprint import chapter_fingerprint, chapter_sources, lecture_fingerprint
from pipeline.options import QUALITIES, parse_render_options
from pipeline.registry import CHAPTERS


@pytest.fixture
def project(tmp_path):
    """A copy of the project's sources to edit."""
    for name in ("scenes", "assets", "pipeline", "tests"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("manim.cfg", "requirements.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


OPTIONS = parse_render_options(["--quality", "preview"])
TITLE, SLOPE = CHAPTERS[0], CHAPTERS[1]


def test_a_chapter_is_made_from_its_imports_the_assets_and_the_settings(project):
    (project / "assets" / "__pycache__").mkdir(exist_ok=True)
    (project / "assets" / "__pycache__" / "x.pyc").write_bytes(b"")
    names = [str(path) for path in chapter_sources(SLOPE, project)]
    assert "manim.cfg" in names and "requirements.txt" in names and "assets/fonts.json" in names
    # the string tables count entry by entry (string_parts), not as whole files
    assert "assets/strings/en.json" not in names and "assets/strings/overrides/zh-CN.json" in names
    # its own file, what it imports, what those import, and the packages around them
    assert {"scenes/ch01_sigmoid_slope.py", "scenes/lib/components/plots.py", "scenes/lib/style.py",
            "scenes/lib/settings.py", "scenes/model/activations.py", "scenes/__init__.py"} <= set(names)
    # never another chapter, a component it does not use, the build tool or a test
    assert "scenes/ch02_compounding.py" not in names and "scenes/lib/components/chain.py" not in names
    assert not any(name.startswith(("pipeline/", "tests/")) or "__pycache__" in name for name in names)


@pytest.mark.parametrize("unused", ["pipeline/bench.py", "pipeline/registry.py", "tests/test_model.py",
                                    "scenes/lib/layout.py"])
def test_editing_code_no_chapter_imports_changes_no_chapter(project, unused):
    before = [chapter_fingerprint(c, OPTIONS, project) for c in CHAPTERS]
    with open(project / unused, "a") as handle:
        handle.write("\n# an edit\n")
    assert [chapter_fingerprint(c, OPTIONS, project) for c in CHAPTERS] == before


def test_editing_a_component_changes_only_the_chapters_that_draw_it(project):
    users = {c.slug for c in CHAPTERS if "scenes/lib/components/chain.py" in map(str, chapter_sources(c, project))}
    assert users == {"compounding", "relu"}
    before = {c.slug: chapter_fingerprint(c, OPTIONS, project) for c in CHAPTERS}
    with open(project / "scenes" / "lib" / "components" / "chain.py", "a") as handle:
        handle.write("\n# an edit\n")
    changed = {c.slug for c in CHAPTERS if chapter_fingerprint(c, OPTIONS, project) != before[c.slug]}
    assert changed == users


def test_editing_a_chapter_changes_its_fingerprint_and_no_other(project):
    before = {c.slug: chapter_fingerprint(c, OPTIONS, project) for c in (TITLE, SLOPE)}
    with open(project / "scenes" / "ch01_sigmoid_slope.py", "a") as handle:
        handle.write("\n# an edit\n")
    assert chapter_fingerprint(SLOPE, OPTIONS, project) != before[SLOPE.slug]
    assert chapter_fingerprint(TITLE, OPTIONS, project) == before[TITLE.slug]


@pytest.mark.parametrize("shared", ["assets/strings/overrides/zh-CN.json", "manim.cfg", "scenes/lib/style.py"])
def test_editing_shared_code_or_settings_changes_every_chapter(project, shared):
    before = [chapter_fingerprint(c, OPTIONS, project) for c in CHAPTERS]
    with open(project / shared, "a") as handle:
        handle.write("\n")
    after = [chapter_fingerprint(c, OPTIONS, project) for c in CHAPTERS]
    assert all(old != new for old, new in zip(before, after))


def test_options_that_change_the_files_change_the_fingerprint():
    base = chapter_fingerprint(SLOPE, OPTIONS)
    for changed in (replace(OPTIONS, quality=QUALITIES["1080p"]), replace(OPTIONS, lang="zh-TW"),
                    replace(OPTIONS, theme="light"), replace(OPTIONS, transparent=True),
                    replace(OPTIONS, formats=("gif",))):
        assert chapter_fingerprint(SLOPE, changed) != base, changed
    assert chapter_fingerprint(SLOPE, replace(OPTIONS, jobs=1, formats=("webm",))) == base


def test_the_lecture_changes_with_its_chapters_their_order_and_the_webm():
    chapters = [{"name": "title", "fingerprint": "a"}, {"name": "sigmoid-slope", "fingerprint": "b"}]
    base = lecture_fingerprint(chapters, OPTIONS)
    assert lecture_fingerprint(chapters[:1], OPTIONS) != base
    assert lecture_fingerprint([chapters[0], {**chapters[1], "fingerprint": "c"}], OPTIONS) != base
    assert lecture_fingerprint(chapters, replace(OPTIONS, formats=("webm",))) != base
    assert lecture_fingerprint(chapters, replace(OPTIONS, jobs=1)) == base


def edit_string(project, key: str, lang: str = "en") -> None:
    """Append a word to a string: a beat's caption (``chN.beat.caption``) or speech (``chN.beat.speech``)
    in the beats table, any other key in the string table."""
    beat, _, field = key.rpartition(".")
    if field in ("caption", "speech"):
        path = project / "assets" / "beats" / f"{lang}.json"
        table = json.loads(path.read_text(encoding="utf-8"))
        assert beat in table, key
        table[beat][field] += " more"
    else:
        path = project / "assets" / "strings" / f"{lang}.json"
        table = json.loads(path.read_text(encoding="utf-8"))
        assert key in table, key
        table[key] += " more"
    path.write_text(json.dumps(table, ensure_ascii=False, indent=2), encoding="utf-8")


def changed_by(project, edit, options=OPTIONS) -> set[str]:
    before = {c.slug: chapter_fingerprint(c, options, project) for c in CHAPTERS}
    edit()
    return {c.slug for c in CHAPTERS if chapter_fingerprint(c, options, project) != before[c.slug]}


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_editing_one_chapters_caption_changes_only_that_chapter(project, lang):
    assert changed_by(project, lambda: edit_string(project, "ch4.big_update.caption", lang)) == {"dying-relu"}
    assert changed_by(project, lambda: edit_string(project, "ch1.title", lang)) == {"sigmoid-slope"}


@pytest.mark.parametrize("voice", ["espeak", "none"])
@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_editing_one_beats_speech_changes_only_that_chapter(project, lang, voice):
    # Silent renders too: the speech times the beat and is the subtitle text without a voice.
    options = parse_render_options(["--quality", "preview", "--lang", lang, "--voice", voice])
    assert changed_by(project, lambda: edit_string(project, "ch4.big_update.speech", lang), options) == {"dying-relu"}


@pytest.mark.parametrize("key", ["lecture.title", "act.relu", "neuron.step", "toc.relu"])
def test_editing_a_shared_string_changes_every_chapter(project, key):
    # toc.* are the table of contents the title card shows
    assert changed_by(project, lambda: edit_string(project, key)) == {c.slug for c in CHAPTERS}


def test_a_chapter_reading_another_chapters_strings_changes_with_them(project):
    with open(project / "scenes" / "ch01_sigmoid_slope.py", "a") as handle:
        handle.write('\nBORROWED = "ch4.run_result"\n')
    assert changed_by(project, lambda: edit_string(project, "ch4.big_update.caption")) == {"sigmoid-slope",
                                                                                           "dying-relu"}



def test_a_chapter_prefix_built_in_code_makes_every_key_count(project):
    with open(project / "scenes" / "ch01_sigmoid_slope.py", "a") as handle:
        handle.write('\nOTHER = [f"ch{n}.title" for n in range(8)]\n')
    assert changed_by(project, lambda: edit_string(project, "ch4.big_update.caption")) == {"sigmoid-slope",
                                                                                           "dying-relu"}


def test_simplified_chinese_changes_with_the_traditional_table_and_the_overrides(project):
    zh_cn = replace(OPTIONS, lang="zh-CN")
    assert changed_by(project, lambda: edit_string(project, "ch4.big_update.caption", "zh-TW"), zh_cn) == {"dying-relu"}
    overrides = project / "assets" / "strings" / "overrides" / "zh-CN.json"
    data = json.loads(overrides.read_text(encoding="utf-8"))
    data["replacements"].append({"from": "神经元", "to": "神经单元", "why": "a test"})
    assert changed_by(project, lambda: overrides.write_text(json.dumps(data, ensure_ascii=False)), zh_cn) == {
        c.slug for c in CHAPTERS}

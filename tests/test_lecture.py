"""The lecture context: one record carried into a Manim process by its environment, set around an
in-process run by a context variable, and asked by every module that draws in it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from scenes.lib.course import current_course
from scenes.lib.lecture import CONFIG_ENV, Lecture, current_lecture, lecture_context
from scenes.lib.strings import current_language
from scenes.lib.style import current_theme
from scenes.lib.voice import current_voice

EXAMPLE = ROOT / "docs" / "example" / "course.toml"


def test_a_lecture_written_into_an_environment_is_read_back_whole():
    lecture = Lecture("zh-TW", "light", "espeak", EXAMPLE)
    assert Lecture.from_environment(lecture.environment({})) == lecture
    assert Lecture.from_environment({}) == Lecture()


def test_a_course_left_in_the_shell_never_reaches_the_cards():
    env = Lecture("en", "dark").environment({CONFIG_ENV: "/somewhere/else.toml", "HOME": "/root"})
    assert CONFIG_ENV not in env and env["HOME"] == "/root"


def test_every_module_draws_in_the_lecture_set_around_it_and_the_outer_one_after():
    outer = current_lecture()
    with lecture_context(Lecture("zh-CN", "light", "espeak", EXAMPLE)):
        assert (current_language(), current_theme().name, current_voice().kind) == ("zh-CN", "light", "espeak")
        assert current_course().course == "CS 189 · Lecture 7"
        with lecture_context(current_lecture().but(theme="dark")):
            assert (current_language(), current_theme().name) == ("zh-CN", "dark")
        assert current_theme().name == "light"
    assert current_lecture() == outer


def test_a_manim_process_reads_its_lecture_from_its_environment_once(tmp_path):
    probe = ("import os; from scenes.lib.lecture import current_lecture, LANG_ENV; first = current_lecture(); "
             "os.environ[LANG_ENV] = 'en'; print(first.language, first.theme, current_lecture().language)")
    env = Lecture("zh-TW", "light").environment({"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    result = subprocess.run([sys.executable, "-c", probe], cwd=Path(tmp_path), env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["zh-TW", "light", "zh-TW"]

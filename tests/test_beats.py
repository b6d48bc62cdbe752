"""A beat is one ``@beat`` method: it opens where the method calls ``open_beat`` and closes when the
method returns; the backends see it only through their hooks; ``Beat.mark`` times a spoken word."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from unittest import mock

import pytest
from conftest import ROOT
from manim import tempconfig
from manim.scene.scene_file_writer import SceneFileWriter

from pipeline.key_frames import KEY_FRAMES_JSON
from scenes.ch07_closing import ClosingCard
from scenes.lib.beat import Beat, beat
from scenes.lib.captions import reading_seconds
from scenes.lib.lecture import Lecture
from scenes.lib.narration import clip_fraction_times
from scenes.lib.synthesis import Clip

DRY_RUN = {"dry_run": True, "frame_rate": 15, "progress_bar": "none", "verbosity": "WARNING"}


def run(scene_class: type) -> ClosingCard:
    """``scene_class`` run with nothing written (a dry run writes no movie to put captions beside)."""
    with tempconfig(DRY_RUN), mock.patch.object(SceneFileWriter, "write_subcaption_file", lambda writer: None):
        scene = scene_class()
        scene.render()
    return scene


def test_the_hooks_see_a_beat_open_then_its_animations_then_its_hold_then_its_close(lecture_env):
    lecture_env()
    seen: list[tuple[str, ...]] = []

    class Watched(ClosingCard):
        def on_beat_open(self, opened: Beat) -> None:
            super().on_beat_open(opened)
            seen.append(("open", opened.name, str(opened.start)))

        def after_animation(self, running: Beat | None, held: bool) -> None:
            super().after_animation(running, held)
            phase = "closing" if running is not None and running.animated is not None else "playing"
            seen.append(("animation", running.name if running else "-", phase))

        def on_beat_close(self, closed: Beat) -> None:
            super().on_beat_close(closed)
            seen.append(("close", closed.name, str(closed.end)))

    scene = run(Watched)
    (credits,) = scene.beats
    assert seen[0] == ("open", "show_credits", "0.0")
    assert seen[-1] == ("close", "show_credits", str(scene.beat_clock))
    phases = [entry[2] for entry in seen[1:-1]]
    assert phases and phases[0] == "playing" and phases == sorted(phases, key=("playing", "closing").index)
    assert credits.start == 0.0 and credits.animated <= credits.end == scene.beat_clock
    assert scene.beat is None, "no beat runs after its method returned"


def forgets(scene: ClosingCard) -> None:
    """A beat method that never calls open_beat."""


def nests(scene: ClosingCard) -> None:
    """A beat method that plays another beat inside it."""
    scene.show_credits()


@pytest.mark.parametrize(("body", "message"), [(forgets, "never called self.open_beat"), (nests, "do not nest")])
def test_a_beat_method_that_never_opens_its_beat_or_nests_another_stops_the_chapter(body, message, lecture_env):
    lecture_env()

    class Broken(ClosingCard):
        def construct(self) -> None:
            self.broken()

        broken = beat(body)

    with pytest.raises(RuntimeError, match=message):
        run(Broken)


def test_a_subclass_keeps_its_chapter_s_beats_in_their_order():
    class Extended(ClosingCard):
        @beat
        def encore(self) -> None:
            self.open_beat()

    assert Extended.beat_names() == ["show_credits", "encore"]
    assert ClosingCard.beat_names() == ["show_credits"]


SPEECH = "The sigmoid's slope is at most one quarter, and almost nothing in its tails."


def test_a_word_is_marked_when_the_clip_says_it():
    clip = Clip(path=None, duration=4.0, marks=((0.0, 0.0), (0.5, 3.0), (1.0, 4.0)))  # a slow first half
    spoken = Beat("b", {}, "en", "caption", SPEECH, start=2.0, clip=clip)
    at = SPEECH.index("quarter")
    assert spoken.mark("quarter") == clip_fraction_times(clip, [at, len(SPEECH) - at])[1]
    assert spoken.mark("quarter") == pytest.approx(3.0 * at / len(SPEECH) / 0.5)
    assert spoken.mark("The") == 0.0
    assert spoken.marks == {"quarter": spoken.mark("quarter"), "The": 0.0}


def test_without_a_clip_a_word_is_marked_by_reading_time_in_the_caption_the_subtitles_show():
    silent = Beat("b", {}, "en", SPEECH, "said otherwise", start=2.0)
    assert silent.mark("tails") == reading_seconds(SPEECH[:SPEECH.index("tails")], "en") > 0
    with pytest.raises(KeyError, match="does not say"):
        silent.mark("ReLU")


NEW_BEAT = '''
    @beat
    def say_goodbye(self) -> None:
        self.open_beat(chapters=8)
        self.wait(1)
'''
NEW_WORDS = {  # language: the beat's entry in assets/beats/<lang>.json, as the README's recipe says
    "en": {"ch7.say_goodbye": {"caption": "Goodbye after {chapters} chapters.",
                               "speech": "Goodbye after {chapters} chapters."}},
    "zh-TW": {"ch7.say_goodbye": {"caption": "{chapters}章之後，再見。", "speech": "{chapters}章之後，再見。"}},
}
PROBE = """
import json, sys
from pipeline.key_frames import main
from pipeline.registry import find_chapters
main(["closing", "160", "90", sys.argv[1], sys.argv[2]])
print(json.dumps(find_chapters(["closing"])[0].beats()))
"""


def test_a_new_beat_is_one_method_plus_its_words_and_it_renders(tmp_path):
    """The README's recipe, done to a copy of the project: a @beat method called from construct and
    its caption and speech in each language's beats table; nothing else names it, yet the chapter plays
    it, lists it as one of its beats, and draws its key frame with its caption."""
    project = tmp_path / "project"
    for name in ("scenes", "assets", "pipeline"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manim.cfg", project / "manim.cfg")
    chapter = project / "scenes" / "ch07_closing.py"
    source = chapter.read_text(encoding="utf-8")
    assert source.count("        self.show_credits()\n") == 1
    chapter.write_text(source.replace("        self.show_credits()\n",
                                      "        self.show_credits()\n        self.say_goodbye()\n") + NEW_BEAT,
                       encoding="utf-8")
    for lang, entries in NEW_WORDS.items():
        table_path = project / "assets" / "beats" / f"{lang}.json"
        table = json.loads(table_path.read_text(encoding="utf-8"))
        table_path.write_text(json.dumps({**table, **entries}, ensure_ascii=False, indent=2), encoding="utf-8")
    env = Lecture("en", "dark").environment({"PATH": os.environ["PATH"], "PYTHONPATH": str(project),
                                             "HOME": os.environ.get("HOME", str(tmp_path))})
    result = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "media"), str(tmp_path / "stills")],
                            cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["show_credits", "say_goodbye"]
    stills = json.loads((tmp_path / "stills" / KEY_FRAMES_JSON).read_text(encoding="utf-8"))
    assert [still["beat"] for still in stills] == ["show_credits", "say_goodbye"]
    assert stills[-1]["caption"] == "Goodbye after 8 chapters."
    assert (tmp_path / "stills" / stills[-1]["image"]).is_file()

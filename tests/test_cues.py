"""Signalling tied to speech (scenes/lib/cues.py): a cue plays when the speech says its phrase, by
the narration's timing marks with a voice and at reading speed without one."""
from __future__ import annotations

import pytest
from manim import Dot, FadeIn, tempconfig
from manim.scene.scene_file_writer import SceneFileWriter

from scenes.lib.beat import Beat
from scenes.lib.captions import reading_seconds
from scenes.lib.cues import make_cue_animation, make_highlight_animation, phrase_forms, when_said
from scenes.lib.lecture_scene import LectureScene
from scenes.lib.narration import narration_text
from scenes.lib.strings import t
from scenes.lib.synthesis import Clip

FRAME_RATE = 30
# What the cue's beat is given (any numbers do: the test finds the phrase in the text they make).
VALUES = {"alpha0": "0.25", "true_slope": "0.1", "final": "0.102", "steps": 40}
# The phrase as this test knows each language says and writes it, found independently of the table.
SAID = {"en": "Alpha starts", "zh-TW": "阿爾法從"}
WRITTEN = {"en": "α starts", "zh-TW": "α 從"}


class CueScene(LectureScene):
    """One beat of chapter 5 whose speech names alpha, and a dot lit when it does."""

    chapter_key = "ch5"

    def construct(self) -> None:
        self.declare_beat("learn_alpha")
        self.open_beat(**VALUES)
        dot = Dot()
        self.play(FadeIn(dot), run_time=0.5)
        # The same cue as an animation to play beside others: it begins after a wait until the word.
        delayed = make_cue_animation(self, "ch5.cue.alpha", make_highlight_animation(dot))
        self.delayed_to = self.beat_clock - self.beat.start + delayed.animations[0].run_time
        self.cue_began = when_said(self, "ch5.cue.alpha", make_highlight_animation(dot))
        self.clip_heard, self.caption = self.beat.clip, self.beat.caption
        self.close_beat()


def run_cue_scene(lang: str, voice: str, monkeypatch, lecture_env, tmp_path) -> CueScene:
    lecture_env(lang, "dark", voice=voice)
    # A dry run writes no video to put the subtitles beside (as pipeline/key_frames.py runs chapters).
    monkeypatch.setattr(SceneFileWriter, "write_subcaption_file", lambda writer: None)
    with tempconfig({"frame_rate": FRAME_RATE, "dry_run": True, "progress_bar": "none", "verbosity": "WARNING",
                     "media_dir": str(tmp_path / "media"), "pixel_width": 160, "pixel_height": 90}):
        scene = CueScene(skip_animations=True)
        scene.render()
    return scene


@pytest.mark.parametrize(("lang", "voice"), [("en", "hibari"), ("zh-TW", "espeak")])
def test_a_cue_lands_when_the_voice_says_its_word(lang, voice, monkeypatch, lecture_env, tmp_path):
    scene = run_cue_scene(lang, voice, monkeypatch, lecture_env, tmp_path)
    clip = scene.clip_heard
    assert clip is not None, "the beat was narrated"
    spoken = narration_text("ch5", "learn_alpha", lang, VALUES)
    # The narration's own timing marks say when the word comes (those that time the subtitles).
    word_at = clip.time_at(spoken.index(SAID[lang]) / len(spoken))
    assert word_at > 0.5, "the word comes after the beat's first animation, so the cue had to wait"
    assert scene.cue_began == pytest.approx(word_at, abs=2 / FRAME_RATE)
    assert scene.delayed_to == pytest.approx(word_at, abs=2 / FRAME_RATE)


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_without_a_voice_a_cue_lands_when_a_reader_of_the_caption_reaches_its_word(lang, monkeypatch,
                                                                                    lecture_env, tmp_path):
    scene = run_cue_scene(lang, "none", monkeypatch, lecture_env, tmp_path)
    assert scene.clip_heard is None
    caption = scene.caption
    word_at = reading_seconds(caption[:caption.index(WRITTEN[lang])], lang)
    assert word_at > 0.5
    assert scene.cue_began == pytest.approx(word_at, abs=2 / FRAME_RATE)
    assert scene.delayed_to == pytest.approx(word_at, abs=2 / FRAME_RATE)


def test_a_cue_follows_the_clips_marks_not_an_even_spread(lecture_env):
    lecture_env("en", "dark")
    text = "x" * 40 + t("ch5.cue.alpha").split("|")[0] + "y" * 40
    # Half the text is said in the first second, the rest over the next four.
    clip = Clip(path=None, duration=5.0, marks=((0.0, 0.0), (0.5, 1.0), (1.0, 5.0)))
    fraction = 40 / len(text)
    said = Beat("learn_alpha", {}, "en", caption=text, speech=text, start=0.0, clip=clip)
    assert said.mark(*phrase_forms("ch5.cue.alpha")) == pytest.approx(fraction / 0.5 * 1.0)
    read = Beat("learn_alpha", {}, "en", caption=text, speech=text, start=0.0)
    assert read.mark(*phrase_forms("ch5.cue.alpha")) == pytest.approx(reading_seconds("x" * 40, "en"))


def test_a_phrase_the_speech_no_longer_says_is_an_error(lecture_env):
    lecture_env("en", "dark")
    beat = Beat("learn_alpha", {}, "en", caption="PReLU learns the slope itself.", speech="", start=0.0)
    with pytest.raises(KeyError, match="does not say"):
        beat.mark(*phrase_forms("ch5.cue.alpha"))

"""Signalling tied to speech: when a beat's speech names a part of the picture, that part is
highlighted as it is said (issue 27; Mayer's signalling principle).

Inside a beat a chapter writes::

    when_said(self, "ch5.cue.alpha", Indicate(alpha_label))

The key's string is the phrase to listen for, as said and as written, separated by ``|``: the
narration says "Alpha starts", the caption writes "α starts" (``"Alpha starts|α starts"``). The
first form found is used, in what the viewer follows:

- with a voice, the narration. Its clip's timing marks, the ones that time the subtitles, place the
  phrase (hibari: each sentence's start exact, words spread by phoneme count; Piper: its phoneme
  alignments; espeak: spread over the speech by text length): ``Clip.time_at`` of the share of the
  text said before the phrase;
- with ``--voice none``, the caption the subtitles show, at reading speed (``reading_seconds`` of
  the caption before the phrase, the pace a beat without voice is timed by).

``when_said`` waits (whole frames) until the running beat reaches that moment and plays the
animations; one whose moment has passed plays at once. ``make_cue_animation`` instead returns the
animation delayed to that moment, to play beside a long one already running (chapter 5's alpha
moving step by step), so the cue adds no time to a beat its animations make long. A phrase
missing from the text is an error, so a rewritten sentence cannot silently drop its cue. On slides
the lecturer sets the pace, so nothing waits.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from manim import Animation, AnimationGroup, Indicate, Mobject, Succession, Wait, config

from .captions import reading_seconds
from .strings import t
from .style import current_theme

if TYPE_CHECKING:
    from .lecture_scene import LectureScene
    from .narration import Clip

__all__ = ["make_cue_animation", "make_highlight_animation", "PHRASE_FORMS", "phrase_position", "said_at",
           "when_said"]

PHRASE_FORMS = "|"  # separates the forms of one phrase in its string
HIGHLIGHT_SCALE = 1.15  # Manim's Indicate grows a part by 1.2; a bar or a line in a chart needs less
HIGHLIGHT_TIME = 1.0


def phrase_position(text: str, phrase_key: str) -> int:
    """Where the first form of the phrase ``phrase_key`` found in ``text`` begins (case ignored)."""
    forms = [form.strip() for form in t(phrase_key).split(PHRASE_FORMS)]
    lowered = text.lower()
    for form in forms:
        index = lowered.find(form.lower())
        if index >= 0:
            return index
    raise ValueError(f"{phrase_key}: none of {forms} is in {text!r}")


def said_at(text: str, phrase_key: str, lang: str, clip: Clip | None) -> float:
    """Seconds into its beat at which the phrase ``phrase_key`` comes in ``text``: spoken, by the
    clip's timing marks, or read, at reading speed when there is no clip."""
    before = text[:phrase_position(text, phrase_key)]
    if clip is None:
        return reading_seconds(before, lang)
    return clip.time_at(len(before) / max(1, len(text)))


def make_highlight_animation(*mobjects: Mobject, color: str | None = None,
                             scale_factor: float = HIGHLIGHT_SCALE) -> Animation:
    """Each of ``mobjects`` briefly grown by ``scale_factor`` (1 for a line across a chart, which
    would outgrow its axes) and lit in ``color`` (the theme's highlight, the gradient's colour, when
    None), then back as it was."""
    color = color or current_theme().gradient
    return AnimationGroup(*(Indicate(mob, color=color, scale_factor=scale_factor) for mob in mobjects),
                          run_time=HIGHLIGHT_TIME)


def _beat_text(scene: LectureScene, phrase_key: str) -> tuple[str, Clip | None]:
    beat = scene.running_beat
    if beat is None:
        raise RuntimeError(f"{phrase_key}: a cue needs a running beat")
    clip = scene.beat_clip
    return (scene.caption_text(beat) if clip is None else scene.spoken_text(beat)), clip


def _frames_until(scene: LectureScene, phrase_key: str) -> int:
    """Whole frames from now until the running beat's speech says the phrase (negative: it has)."""
    text, clip = _beat_text(scene, phrase_key)
    return round((said_at(text, phrase_key, scene.lang, clip) - scene.beat_elapsed) * config.frame_rate)


def make_cue_animation(scene: LectureScene, phrase_key: str, animation: Animation) -> Animation:
    """``animation``, delayed from now until the running beat's speech says the phrase
    ``phrase_key``: play it beside the beat's other animations, as one ``AnimationGroup``."""
    frames = _frames_until(scene, phrase_key)
    if frames <= 0 or scene.making_slides:
        return animation
    return Succession(Wait(run_time=frames / config.frame_rate), animation)


def when_said(scene: LectureScene, phrase_key: str, *animations: Animation, **play_kwargs) -> float:
    """Play ``animations`` when the running beat's speech says the phrase ``phrase_key`` (or, with
    no voice, when a reader of its caption reaches it); return the seconds into the beat at which
    they began."""
    frames = _frames_until(scene, phrase_key)
    if frames > 0 and not scene.making_slides:
        scene.wait(frames / config.frame_rate)
    began = scene.beat_elapsed
    scene.play(*animations, **play_kwargs)
    return began

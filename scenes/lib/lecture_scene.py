"""The base class of every chapter: theme, language, and beats (a section plus a caption line).

A beat is what the storyboard numbers: a place where a lecturer clicks "next". ``start_beat``
opens a Manim section named after the beat and, when the beat ends, records its caption from the
string table as a Manim subcaption spanning the whole beat, so subtitles and slide notes can be
built from the scenes without touching them.

With a voice (``LECTURE_VOICE``, see narration.py) each beat's narration clip goes on the sound
track at the beat's first frame, the beat lasts until it has been said, and the subtitles show what
is said, timed by the speech.

The same beats make the slide decks: ``scenes/lib/slides.py`` builds a chapter on manim-slides'
``Slide`` instead (``render.sh slides`` asks for it explicitly): every beat becomes one slide whose
speaker notes are what is said in it, and ``idle`` adds a looping slide where an animation should keep
moving while the lecturer talks. This module never imports manim-slides.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from manim import UL, FadeIn, FadeOut, ManimColor, Scene, VMobject, Wait, config
from manim.utils.exceptions import EndSceneEarlyException

from .camera import lecture_camera_class
from .captions import beat_seconds_needed, cue_times, speech_cue_times, split_caption, visible_length
from .components.toc import get_table_of_contents
from .experiment import SEED
from .narration import (
    Clip,
    beat_seconds_with_voice,
    clip_for,
    clip_fraction_times,
    current_voice,
    narration_text,
    scripts,
)
from .strings import current_language, t
from .style import BEAT_PAUSE, CAPTION_BAND, current_theme
from .svg_paths import forget_svg_paths

__all__ = ["BeatTiming", "LectureScene"]


@dataclass(frozen=True)
class BeatTiming:
    """When a beat ran on the beat clock: its start, how long its animations took, and its end (after
    the hold that lets its caption be read and its narration be said)."""

    beat: str
    start: float
    animated: float
    end: float


class LectureScene(Scene):
    """A chapter of the lecture. Subclasses set ``chapter_key`` and call ``start_beat`` per beat."""

    chapter_key: ClassVar[str] = ""
    toc_index: ClassVar[int | None] = None  # which of the title card's four ideas this chapter is
    making_slides: ClassVar[bool] = False  # True on the slides adapter (scenes/lib/slides.py)
    # Videos keep the bottom CAPTION_BAND for subtitles; slides and key frames (stills, handout,
    # posters: no subtitles there) use the whole frame.
    keeps_caption_band: ClassVar[bool] = True

    @property
    def chapter_number(self) -> int:
        """The chapter's number: its key is ``ch`` and the number, as the registry derives it
        (``Chapter.key``; test_chapters holds every class to its registry entry)."""
        return int("".join(filter(str.isdigit, self.chapter_key)))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Manim seeds Python's and numpy's global generators with --seed, or else afresh on every
        # run; one fixed seed makes anything random in Manim or a chapter draw the same each render.
        kwargs.setdefault("random_seed", SEED if config.seed is None else config.seed)
        # Two speed-ups behind the gate for Manim's internals (manim_gate.py): a camera that draws
        # what stands still faster, and glyphs that hash and copy without their SVG parse trees.
        kwargs.setdefault("camera_class", lecture_camera_class())
        forget_svg_paths()
        super().__init__(*args, **kwargs)

    def setup(self) -> None:
        """Manim's hook before ``construct``: the theme, the language and an empty beat record."""
        super().setup()
        self.theme = current_theme()
        self.lang = current_language()
        self.camera.background_color = ManimColor(self.theme.background)
        self.beats: list[str] = []
        self.beat_timings: list[BeatTiming] = []
        self._beat_start: float | None = None
        self._caption_values: dict[str, dict[str, object]] = {}
        self.beat_clock = 0.0
        self.voice = current_voice()  # the narration voice (LECTURE_VOICE); none in dry runs
        self._beat_clip = None
        if self.keeps_caption_band:
            self.frame_above_caption_band()

    def frame_above_caption_band(self) -> None:
        """Show the scene's frame above the caption band: the camera sees a frame 1 / (1 - band)
        times as large, placed so the scene's frame fills the picture above the band, centred across
        it. Scene coordinates do not change, so one layout serves videos and slides, and the layout
        check (everything inside the scene's frame) keeps the band free."""
        scale = 1 / (1 - CAPTION_BAND)
        self.camera.frame_width = config.frame_width * scale
        self.camera.frame_height = config.frame_height * scale
        self.camera.frame_center = np.array([0.0, (config.frame_height - self.camera.frame_height) / 2, 0.0])

    def play(self, *args, **kwargs) -> None:
        """Manim's ``play`` (and ``wait``), also advancing ``beat_clock`` by the frames it makes.

        Beats are timed on this clock, not on ``self.time``: Manim's own clock counts the frames of
        an animation it renders but adds the bare run time for one it takes from its cache, so a
        re-run with a warm cache would hold beats a frame longer or shorter than a cold run and make
        a different video and different subtitles. This counts frames as rendering does (a still
        wait makes ``int(run_time * fps)`` frames, anything else one per frame step begun), cached or
        not.

        An animation Manim takes from its cache (or skips) leaves its mobjects in the state of its
        last frame computed a different way than rendering does, and a difference in the last bit of
        anything Manim hashes misses the cache for every later animation: a caption made longer
        re-rendered the rest of its chapter. Two such differences were found and are undone after
        each play: a sheen direction, which draws nothing while its sheen is 0, is set back to
        Manim's default; and the empty mobject Manim adds to the scene for every ``wait`` (and never
        removes) is removed, so a beat held by one more wait leaves the same scene.

        None of this is behind the gate for Manim's internals (manim_gate.py): the clock times the
        beats, and the two undoings change the scene Manim hashes (a sheen direction also aims a
        colour gradient), so each holds with any Manim, or the video would depend on the version.
        """
        super().play(*args, **kwargs)
        placeholders = [a.mobject for a in self.animations or () if isinstance(a, Wait)]
        if placeholders:
            self.remove(*placeholders)
        for mob in self.get_mobject_family_members():
            if isinstance(mob, VMobject) and mob.sheen_factor == 0:
                mob.sheen_direction = np.array(UL, dtype=float)
        step = 1 / config.frame_rate
        if self.is_current_animation_frozen_frame():
            frames = int(self.duration / step)
        else:
            frames = len(np.arange(0, self.duration, step))
        self.beat_clock += frames * step

    def show_lecture_progress(self) -> None:
        """The title card's table of contents, this chapter's idea lit, before the chapter starts."""
        if self.toc_index is None:
            return
        toc = get_table_of_contents(active=self.toc_index)
        self.play(FadeIn(toc))
        self.wait(BEAT_PAUSE)
        self.play(FadeOut(toc))

    def caption_text(self, beat: str) -> str:
        """The caption of ``beat`` in the scene's language, its computed values filled in."""
        return t(self.caption_key(beat), **self._caption_values[beat])

    def caption_key(self, beat: str) -> str:
        return f"{self.chapter_key}.{beat}.caption"

    def spoken_text(self, beat: str) -> str:
        """What is said in ``beat`` (its narration script, values in words); the caption if it has none."""
        if f"{self.chapter_key}.{beat}" not in scripts(self.lang):
            return self.caption_text(beat)
        return narration_text(self.chapter_key, beat, self.lang, self._caption_values[beat])

    def start_narration(self, beat: str) -> None:
        """Put the beat's narration clip on the sound track at the beat's first frame."""
        self._beat_clip = clip_for(self.voice, self.lang, self.spoken_text(beat), self.chapter_number, beat)
        if self._beat_clip is not None:
            # Straight to the file writer, at the beat clock: Scene.add_sound drops a sound while
            # the renderer still skips after an animation it took from the cache, and stamps the
            # rest at Manim's own clock, which drifts from the frames (see play).
            self.renderer.file_writer.add_sound(str(self._beat_clip.path), self.beat_clock)

    def start_beat(self, beat: str, **caption_values: object) -> None:
        """Close the running beat (recording its caption) and open ``beat`` as a new section.

        ``caption_values`` fill the caption's ``{placeholders}`` (computed numbers, never typed).
        """
        self.end_beat()
        self.beats.append(beat)
        self._beat_start = self.beat_clock
        self._caption_values[beat] = caption_values
        self.open_beat(beat)

    def open_beat(self, beat: str) -> None:
        """Begin ``beat`` in the output: a Manim section with the beat's narration (a slide on the
        slides adapter)."""
        self.next_section(name=beat)
        self.start_narration(beat)

    def idle(self, play_cycle: Callable[[], None]) -> None:
        """Slides only: a looping slide after the running beat, in which ``play_cycle`` plays over
        and over while the lecturer talks (so it must end exactly where it starts). Videos skip it."""

    @property
    def running_beat(self) -> str | None:
        """The beat started and not yet ended, if any."""
        return self.beats[-1] if self._beat_start is not None else None

    @property
    def beat_elapsed(self) -> float:
        """Seconds since the running beat began, on the beat clock (cues.py waits on it)."""
        return self.beat_clock - (self._beat_start or 0.0)

    @property
    def beat_clip(self) -> Clip | None:
        """The running beat's narration clip, None without a voice (cues.py times cues by it)."""
        return self._beat_clip

    def end_beat(self) -> None:
        """End the running beat: hold it until its caption can be read and its narration has been
        said (plus a short pause), then record subtitles spread over the beat: the caption by
        reading time, or, with a voice, what is said, timed by the speech.

        ``start_beat`` and the end of the scene call it; a subclass may extend it to look at each
        beat as it ends (``pipeline/key_frames.py`` takes the beats' key frames so).
        """
        if self._beat_start is None:
            return
        beat = self.beats[-1]
        caption, clip = self.caption_text(beat), self._beat_clip
        needed = max(beat_seconds_needed(caption, self.lang), beat_seconds_with_voice(clip))
        if clip is not None:  # what is said is what the subtitles show: it must be readable too
            needed = max(needed, beat_seconds_needed(self.spoken_text(beat), self.lang))
        animated = self.beat_clock - self._beat_start
        shortfall = needed - animated
        if shortfall > 0 and not self.making_slides:  # on a slide the lecturer sets the pace
            # Whole frames, rounded up: a wait shorter than its frames would end the beat early. Half a
            # frame more, because a still wait makes int(run_time * fps) frames and k / fps * fps can
            # land a hair under k (k - 1 frames: a beat a frame too short for its caption).
            frames = math.ceil(shortfall * config.frame_rate - 1e-9)
            self.wait((frames + 0.5) / config.frame_rate)
        end = self.beat_clock
        if clip is None:
            cues = split_caption(caption, self.lang)
            times = cue_times(cues, self.lang, self._beat_start, end)
        else:
            cues = split_caption(self.spoken_text(beat), self.lang)
            spoken_at = clip_fraction_times(clip, [visible_length(cue) for cue in cues])
            times = speech_cue_times(cues, self.lang, self._beat_start, end, spoken_at)
        for cue, (start, stop) in zip(cues, times):
            if stop <= start:
                continue
            # Subcaptions are stamped at Manim's "now"; the offset places each cue inside its beat.
            self.add_subcaption(cue, duration=stop - start, offset=start - self.time)
        self.beat_timings.append(BeatTiming(beat, self._beat_start, animated, end))
        self._beat_start = None
        self._beat_clip = None

    def tear_down(self) -> None:
        try:
            self.end_beat()
        except EndSceneEarlyException:
            pass  # a run of a range of animations (render.sh's chapter parts) ended before the last hold
        super().tear_down()

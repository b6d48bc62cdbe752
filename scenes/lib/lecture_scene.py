"""The base class of every chapter: theme, language, and beats (a section plus a caption line).

A beat is what the storyboard numbers: a place where a lecturer clicks "next". A chapter declares
each as a method decorated with ``@beat`` (beat.py) that opens it with ``self.open_beat(**values)``;
the beat ends when the method returns. Opening a beat starts a Manim section named after it; its
end records its caption from the string table as Manim subcaptions spanning the whole beat, so
subtitles and slide notes can be built from the scenes without touching them.

With a voice (the lecture's, see voice.py and synthesis.py) each beat's narration clip goes on the sound
track at the beat's first frame, the beat lasts until it has been said, and the subtitles show what
is said, timed by the speech.

The same beats make the slide decks and the key frames: each backend implements the hooks a
``Beat`` is handed to (``on_beat_open``, ``after_animation``, ``on_beat_close``, ``on_idle``).
``scenes/lib/slides.py`` builds a chapter on manim-slides' ``Slide`` (``render.sh slides`` asks for
it explicitly): every beat becomes one slide whose speaker notes are what is said in it, and
``idle`` adds a looping slide where an animation should keep moving while the lecturer talks. This
module never imports manim-slides.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
from manim import UL, FadeIn, FadeOut, ManimColor, Scene, Text, VMobject, Wait, config
from manim.utils.exceptions import EndSceneEarlyException

from .beat import Beat, beat, beat_names
from .camera import lecture_camera_class
from .captions import beat_seconds_needed, cue_times, speech_cue_times, split_caption, visible_length
from .components.text import get_chapter_title
from .components.toc import get_table_of_contents
from .experiment import SEED
from .narration import beat_seconds_with_voice, clip_fraction_times, narration_text, scripts
from .strings import current_language, t
from .style import BEAT_PAUSE, CAPTION_BAND, current_theme
from .svg_paths import forget_svg_paths
from .synthesis import clip_for
from .voice import current_voice

__all__ = ["Beat", "LectureScene", "beat"]


class LectureScene(Scene):
    """A chapter of the lecture. Subclasses set ``chapter_key`` and declare their beats with ``@beat``."""

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
        self.beats: list[Beat] = []  # every beat opened so far, in order
        self.beat: Beat | None = None  # the running one
        self._declared_beat: str | None = None  # named by @beat, not yet opened
        self.beat_clock = 0.0
        self.voice = current_voice()  # the narration voice (the lecture context's); none in dry runs
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
        """Manim's ``play`` (and ``wait``), also advancing ``beat_clock`` by the frames it makes, then
        handing the running beat to the backend's ``after_animation`` hook.

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
        held = bool(placeholders) and len(placeholders) == len(self.animations)
        self.after_animation(self.beat, held)

    def enter_chapter(self) -> Text:
        """A chapter's way in, at the start of its first beat: the title card's table of contents
        with this chapter's idea lit (where it has one), then its title, returned at the top of the
        frame, still to be written."""
        if self.toc_index is not None:
            toc = get_table_of_contents(active=self.toc_index)
            self.play(FadeIn(toc))
            self.wait(BEAT_PAUSE)
            self.play(FadeOut(toc))
        return get_chapter_title(self.chapter_key)

    @classmethod
    def beat_names(cls) -> list[str]:
        """The chapter's beats in the order its ``@beat`` methods are defined (its lecture order)."""
        return beat_names(cls)

    def caption_key(self, beat: str) -> str:
        return f"{self.chapter_key}.{beat}.caption"

    def declare_beat(self, name: str) -> None:
        """``@beat``'s first step: the method named ``name`` is about to open its beat."""
        if self.beat is not None or self._declared_beat is not None:
            running = self.beat.name if self.beat is not None else self._declared_beat
            raise RuntimeError(f"beat {name!r} starts inside beat {running!r}: beats do not nest")
        self._declared_beat = name

    def open_beat(self, **values: object) -> Beat:
        """Start the beat of the ``@beat`` method this is called from; ``values`` fill the
        ``{placeholders}`` of its caption and speech (computed numbers, never typed)."""
        name, self._declared_beat = self._declared_beat, None
        if name is None:
            raise RuntimeError("open_beat is called once, in a method decorated with @beat")
        caption = t(self.caption_key(name), **values)
        # What is said: the narration script, values in words; the caption where there is none.
        speech = (narration_text(self.chapter_key, name, self.lang, values)
                  if f"{self.chapter_key}.{name}" in scripts(self.lang) else caption)
        self.beat = Beat(name, values, self.lang, caption, speech, start=self.beat_clock)
        self.beats.append(self.beat)
        self.on_beat_open(self.beat)
        return self.beat

    def close_beat(self) -> None:
        """End the running beat: hold it until its caption can be read and its narration has been
        said (plus a short pause), then record subtitles spread over the beat: the caption by
        reading time, or, with a voice, what is said, timed by the speech.

        ``@beat`` calls it when the beat's method returns; the end of the scene, for a beat cut
        short (render.sh's chapter parts stop a chapter inside one).
        """
        beat = self.beat
        if beat is None:
            if self._declared_beat is not None:
                raise RuntimeError(f"beat {self._declared_beat!r} never called self.open_beat(...)")
            return
        clip = beat.clip
        needed = max(beat_seconds_needed(beat.caption, self.lang), beat_seconds_with_voice(clip))
        if clip is not None:  # what is said is what the subtitles show: it must be readable too
            needed = max(needed, beat_seconds_needed(beat.speech, self.lang))
        beat.animated = self.beat_clock - beat.start
        shortfall = needed - beat.animated
        if shortfall > 0 and not self.making_slides:  # on a slide the lecturer sets the pace
            # Whole frames, rounded up: a wait shorter than its frames would end the beat early. Half a
            # frame more, because a still wait makes int(run_time * fps) frames and k / fps * fps can
            # land a hair under k (k - 1 frames: a beat a frame too short for its caption).
            frames = math.ceil(shortfall * config.frame_rate - 1e-9)
            self.wait((frames + 0.5) / config.frame_rate)
        beat.end = self.beat_clock
        if clip is None:
            cues = split_caption(beat.caption, self.lang)
            times = cue_times(cues, self.lang, beat.start, beat.end)
        else:
            cues = split_caption(beat.speech, self.lang)
            spoken_at = clip_fraction_times(clip, [visible_length(cue) for cue in cues])
            times = speech_cue_times(cues, self.lang, beat.start, beat.end, spoken_at)
        for cue, (start, stop) in zip(cues, times):
            if stop <= start:
                continue
            # Subcaptions are stamped at Manim's "now"; the offset places each cue inside its beat.
            self.add_subcaption(cue, duration=stop - start, offset=start - self.time)
        self.beat = None
        self.on_beat_close(beat)

    def idle(self, play_cycle: Callable[[], None]) -> None:
        """Slides only: a looping slide after the running beat, in which ``play_cycle`` plays over
        and over while the lecturer talks (so it must end exactly where it starts). Videos skip it."""
        self.on_idle(self.beat, play_cycle)

    # -- The hooks each backend implements: the video (here), the deck (slides.py), the key frames
    # (pipeline/key_frames.py). They see the beat; they do not time it.

    def on_beat_open(self, beat: Beat) -> None:
        """A beat has opened: on a video, a Manim section, with the beat's narration clip on the sound
        track at its first frame."""
        self.next_section(name=beat.name)
        beat.clip = clip_for(self.voice, self.lang, beat.speech, self.chapter_number, beat.name)
        if beat.clip is not None:
            # Straight to the file writer, at the beat clock: Scene.add_sound drops a sound while
            # the renderer still skips after an animation it took from the cache, and stamps the
            # rest at Manim's own clock, which drifts from the frames (see play).
            self.renderer.file_writer.add_sound(str(beat.clip.path), beat.start)

    def after_animation(self, beat: Beat | None, held: bool) -> None:
        """After every ``play`` and ``wait`` (``held``: a wait), in ``beat`` or outside any (None);
        the hold that ends a beat comes after its ``animated`` is set."""

    def on_beat_close(self, beat: Beat) -> None:
        """A beat has been held and its subtitles recorded; ``beat.end`` is set."""

    def on_idle(self, beat: Beat | None, play_cycle: Callable[[], None]) -> None:
        """A chapter's ``idle``: videos skip it (the deck loops ``play_cycle`` on a slide of its own)."""

    def tear_down(self) -> None:
        try:
            self.close_beat()
        except EndSceneEarlyException:
            pass  # a run of a range of animations (render.sh's chapter parts) ended before the last hold
        super().tear_down()

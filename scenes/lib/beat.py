"""A beat: what the storyboard numbers, a place where a lecturer clicks "next".

A chapter declares each beat as one method, decorated with ``@beat``; the method's name is the
beat's name (the key of its caption, ``chN.<name>.caption``, and of its speech, ``chN.<name>``)::

    @beat
    def big_update(self) -> None:
        self.open_beat(kick=...)   # the beat starts here, with the values its words show
        ...                        # its animations
                                   # and ends when the method returns: held until said and read

The running beat is a ``Beat`` record, handed to the scene's hooks (``LectureScene.on_beat_open``,
``after_animation``, ``on_beat_close``, ``on_idle``), which each backend (video, deck, key frames)
implements. ``Beat.mark`` gives the moment a phrase is said (or, without a voice, read), for a cue
that should land on it (cues.py).
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from .captions import reading_seconds
from .narration import clip_fraction_times

if TYPE_CHECKING:
    from .synthesis import Clip

__all__ = ["Beat", "beat", "beat_names"]

BEAT_ATTRIBUTE = "beat_name"  # set on a @beat method: the name of the beat it plays
Method = TypeVar("Method", bound=Callable[..., None])


@dataclass(eq=False)
class Beat:
    """One beat as it runs: its name, the values its words show, its caption and speech in the scene's
    language, its narration clip (with a voice, on videos), and when it ran on the beat clock.

    ``animated`` (how long its animations took) is set when its method returns, ``end`` when it has
    been held long enough to be read and said: while ``animated`` is None the beat is still playing.
    """

    name: str
    values: dict[str, object]
    lang: str
    caption: str
    speech: str
    start: float
    clip: Clip | None = None
    animated: float | None = None
    end: float | None = None
    marks: dict[str, float] = field(default_factory=dict)  # words looked up with mark(), for the record

    @property
    def followed(self) -> str:
        """What the viewer follows: with a clip the speech, without one the caption (the subtitles
        show it, read at reading speed)."""
        return self.caption if self.clip is None else self.speech

    def mark(self, *forms: str) -> float:
        """Seconds after the beat's start at which a phrase comes in what the viewer follows: the
        first of ``forms`` found (case ignored; "Alpha starts" said, "α starts" written).

        With a clip, from the clip's timing marks, exactly as the subtitles are timed; without one, by
        reading time, as silent beats are paced. Raise KeyError for a phrase the beat does not say.
        """
        text = self.followed
        lowered = text.lower()
        at = next((index for form in forms if (index := lowered.find(form.lower())) >= 0), -1)
        if at < 0:
            raise KeyError(f"{self.name} does not say any of {list(forms)}: {text!r}")
        if self.clip is None:
            seconds = reading_seconds(text[:at], self.lang)
        else:
            seconds = clip_fraction_times(self.clip, [at, len(text) - at])[1]
        self.marks[forms[0]] = seconds
        return seconds


def beat(method: Method) -> Method:
    """Declare ``method`` a beat named after it: it opens the beat with ``self.open_beat(**values)``
    and the beat closes when it returns (an exception leaves it to the scene's tear-down)."""
    name = method.__name__

    @functools.wraps(method)
    def play_beat(self: Any, *args: Any, **kwargs: Any) -> None:
        self.declare_beat(name)
        method(self, *args, **kwargs)
        self.close_beat()

    setattr(play_beat, BEAT_ATTRIBUTE, name)
    return play_beat  # type: ignore[return-value]


def beat_names(scene_class: type) -> list[str]:
    """The beats ``scene_class`` declares, in the order its methods are defined (a subclass's after
    its bases'); ``test_chapters`` holds this to the order ``construct`` plays them in."""
    names: list[str] = []
    for klass in reversed(scene_class.__mro__):
        for value in vars(klass).values():
            name = getattr(value, BEAT_ATTRIBUTE, None)
            if name is not None and name not in names:
                names.append(name)
    return names

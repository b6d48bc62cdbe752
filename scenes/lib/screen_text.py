"""How much a beat writes on screen and how much of the frame its picture fills (issue 27: show
more, write less).

Every string a chapter puts on screen has a role, given where it is made (components/text.py and
card.py mark what they build, with text_roles.py):

- **prose**: a sentence (``get_wrapped_text``, or ``role=PROSE``); what the measure counts;
- **label**: a name next to what it names, a title, a heading (``get_text``, ``get_plain_text``);
- **takeaway**: the one line a beat ends on (``TakeawayCard``); counted apart, with its own limit.

Formulas, numbers and axis ticks (MathTex, DecimalNumber, and any text not made by the components)
are labels too. A label is short by nature: one longer than ``LABEL_MAX_WORDS`` is counted as prose
anyway, so a sentence put on screen as a label does not hide from the measure, unless its maker
says so in writing (``role=LABEL``: a chapter title, the table of contents' titles).

Words are counted as a reader of the language counts them: an English word is one, a Chinese
character half of one (about two characters say what one English word says), so one limit serves
every language: 15 words of prose at once (30 Chinese characters), 20 in a takeaway (40).

Pure geometry and counting on the mobjects a scene shows; ``ScreenMeasure`` collects it per beat
from the hooks of a run with its animations skipped (pipeline/key_frames.py), as the layout check
does.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np
from manim import ImageMobject, Mobject, Text, VMobject, config

from .layout import TEXT_TYPES, is_visible
from .text_roles import DECLARED_ATTRIBUTE, LABEL, PROSE, ROLE_ATTRIBUTE, ROLES, TAKEAWAY, TEXT_ATTRIBUTE, mark_role

if TYPE_CHECKING:
    from .lecture_scene import LectureScene

__all__ = [
    "BeatScreen",
    "LABEL",
    "LABEL_MAX_WORDS",
    "mark_role",
    "PROSE",
    "PROSE_MAX_WORDS",
    "ROLES",
    "ScreenMeasure",
    "ScreenSnapshot",
    "snapshot",
    "TAKEAWAY",
    "TAKEAWAY_MAX_WORDS",
    "word_count",
]

PROSE_MAX_WORDS = 15  # at once on screen, outside the takeaway card (issue 27)
TAKEAWAY_MAX_WORDS = 20
LABEL_MAX_WORDS = 6  # longer than this, a "label" is a sentence and counted as prose
CJK_CHARACTER_WORDS = 0.5  # a Chinese character says about half what an English word says

_ROLE, _TEXT, _DECLARED = ROLE_ATTRIBUTE, TEXT_ATTRIBUTE, DECLARED_ATTRIBUTE
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W_]+(?:['’.,\-][^\W_]+)*")  # "don't", "0.25", "back-propagation": one word each


def word_count(text: str) -> float:
    """Words in ``text``: each run of letters or digits outside Chinese is one, each Chinese
    character half of one."""
    han = len(_HAN.findall(text))
    return len(_WORD.findall(_HAN.sub(" ", text))) + han * CJK_CHARACTER_WORDS


@dataclass(frozen=True)
class ScreenSnapshot:
    """What one moment of a scene shows: the words of prose and of takeaways visible at once, the
    longest label, and the box (left, bottom, right, top) of everything drawn that is not text
    (None when nothing is)."""

    prose_words: float
    takeaway_words: float
    longest_label: float
    visual_box: tuple[float, float, float, float] | None
    prose: tuple[str, ...] = ()  # the strings counted as prose, to say which ones are too many

    @property
    def frame_share(self) -> float:
        """The share of the scene's frame (in a video: the picture above the caption band) that the
        box of the visuals covers."""
        if self.visual_box is None:
            return 0.0
        left, bottom, right, top = self.visual_box
        return (right - left) * (top - bottom) / (config.frame_width * config.frame_height)

    @property
    def width_share(self) -> float:
        """The share of the frame's width the visuals span."""
        if self.visual_box is None:
            return 0.0
        return (self.visual_box[2] - self.visual_box[0]) / config.frame_width


def _shows(mob: Mobject) -> bool:
    return any(is_visible(part) for part in mob.family_members_with_points())


def _draws(mob: Mobject) -> bool:
    """Whether ``mob`` itself (not its children) draws something: an image, or a shape not
    transparent (a value tracker has points too, but draws nothing)."""
    return isinstance(mob, ImageMobject) or (isinstance(mob, VMobject) and is_visible(mob))


def snapshot(mobjects: list[Mobject]) -> ScreenSnapshot:
    """Count the words each role shows and box the visuals among ``mobjects`` (a scene's)."""
    words = {PROSE: 0.0, TAKEAWAY: 0.0}
    longest_label = 0.0
    prose: list[str] = []
    drawn: list[np.ndarray] = []
    seen: set[int] = set()

    def visit(mob: Mobject) -> None:
        nonlocal longest_label
        if id(mob) in seen:
            return
        seen.add(id(mob))
        role = getattr(mob, _ROLE, None)
        if role is not None or isinstance(mob, TEXT_TYPES):
            if not _shows(mob):
                return
            count = word_count(getattr(mob, _TEXT, None) or getattr(mob, "original_text", "") or "")
            if role is None:
                role = LABEL  # a formula, a number, or a text no component made (an axis's)
                count = count if isinstance(mob, Text) else 0.0  # only a Text has words
            if role == LABEL and not getattr(mob, _DECLARED, False):
                longest_label = max(longest_label, count)
                role = PROSE if count > LABEL_MAX_WORDS else LABEL
            if role in words:
                words[role] += count
            if role == PROSE:
                prose.append(getattr(mob, _TEXT, None) or getattr(mob, "original_text", ""))
            return  # a card's box belongs to its words, not to the picture
        if mob.has_points() and _draws(mob):
            drawn.append(mob.points[:, :2] if isinstance(mob, VMobject) else mob.get_all_points()[:, :2])
        for sub in mob.submobjects:
            visit(sub)

    for mob in mobjects:
        visit(mob)
    box = None
    if drawn:
        points = np.concatenate(drawn)
        half_width, half_height = config.frame_width / 2, config.frame_height / 2
        left, bottom = np.maximum(points.min(axis=0), (-half_width, -half_height))
        right, top = np.minimum(points.max(axis=0), (half_width, half_height))
        box = (float(left), float(bottom), float(right), float(top))
    return ScreenSnapshot(words[PROSE], words[TAKEAWAY], longest_label, box, tuple(prose))


@dataclass(frozen=True)
class BeatScreen:
    """One beat's measure: the most words of prose and of takeaways on screen at once during the
    beat, its longest label, and the share of the frame (and of its width) its visuals cover in
    the picture the beat holds (its key frame)."""

    beat: str
    prose_words: float
    takeaway_words: float
    longest_label: float
    frame_share: float
    width_share: float
    prose: tuple[str, ...] = ()  # the prose on screen when there was the most

    def as_dict(self) -> dict[str, object]:
        """As the manifest records it (numbers only, rounded)."""
        return {key: round(value, 3) if isinstance(value, float) else value for key, value in asdict(self).items()
                if key != "prose"}


class ScreenMeasure:
    """Collects ``BeatScreen`` per beat from a chapter run: ``after_play`` after every animation
    (words: the most at once), ``before_capture`` at every key frame taken (the visuals: the last
    one taken, the picture the beat holds), as ``render_key_frames`` calls them."""

    def __init__(self) -> None:
        self._words: dict[str, list[float]] = {}  # beat -> [prose, takeaway, longest label]
        self._prose: dict[str, tuple[str, ...]] = {}
        self._picture: dict[str, ScreenSnapshot] = {}

    def after_play(self, scene: LectureScene) -> None:
        if not scene.beats:
            return
        beat, shown = scene.beats[-1], snapshot(scene.mobjects)
        most = self._words.setdefault(beat, [0.0, 0.0, 0.0])
        if shown.prose_words > most[0] or beat not in self._prose:
            self._prose[beat] = shown.prose
        most[:] = np.maximum(most, (shown.prose_words, shown.takeaway_words, shown.longest_label)).tolist()

    def before_capture(self, scene: LectureScene, beat: str) -> None:
        self._picture[beat] = snapshot(scene.mobjects)

    def beats(self) -> list[BeatScreen]:
        """Every beat seen, in the order played."""
        measured = []
        for beat in dict.fromkeys([*self._words, *self._picture]):
            prose, takeaway, label = self._words.get(beat, [0.0, 0.0, 0.0])
            picture = self._picture.get(beat, ScreenSnapshot(0.0, 0.0, 0.0, None))
            measured.append(BeatScreen(beat, prose, takeaway, label, picture.frame_share, picture.width_share,
                                       self._prose.get(beat, ())))
        return measured

"""One place for the lecture's look: palette by meaning, themes, font sizes and spacing.

Everything is resolved at call time from the active theme (the lecture's, see lecture.py), never read into
default arguments at import time, so switching theme between renders always takes effect.
Hues come from the Okabe-Ito colour-blind-safe set; where a hue is too faint on white the light
theme uses a darker shade of the same hue, so a colour still means the same thing everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass

from .lecture import Lecture, current_lecture

__all__ = [
    "AXIS_WIDTH",
    "BEAT_PAUSE",
    "BODY_SIZE",
    "CARD_CORNER_RADIUS",
    "CAPTION_BAND",
    "CARD_PADDING",
    "HOLLOW_FILL_OPACITY",
    "BAR_OUTLINE",
    "SWATCH_WIDTH",
    "SWATCH_HEIGHT",
    "current_theme",
    "CURVE_WIDTH",
    "DARK",
    "EDGE_BUFF",
    "gradient_strength",
    "HEADING_SIZE",
    "ITEM_BUFF",
    "LABEL_SIZE",
    "LIGHT",
    "MATH_SIZE",
    "SAFE_MARGIN",
    "SHORT_PAUSE",
    "SMALL_SIZE",
    "Theme",
    "THEME_NAMES",
    "THEMES",
    "TITLE_SIZE",
    "TRAINING_STEP_SECONDS",
]

THEME_NAMES = ("dark", "light")
DEFAULT_THEME = Lecture().theme  # one default, the lecture context's (lecture.py)


@dataclass(frozen=True)
class Theme:
    """Colours of one theme, named by what they mean on screen."""

    name: str
    background: str
    text: str
    muted: str  # axes, tick labels, secondary text
    sigmoid: str
    tanh: str
    relu: str
    leaky_relu: str
    prelu: str
    gradient: str
    dead: str

    def activation_color(self, name: str) -> str:
        """The colour of activation ``name`` ("sigmoid", "relu", ...)."""
        return getattr(self, name)


DARK = Theme(
    name="dark",
    background="#0E1116",
    text="#ECEFF4",
    muted="#9AA4B2",
    sigmoid="#56B4E9",  # Okabe-Ito sky blue
    tanh="#0072B2",
    relu="#009E73",  # bluish green
    leaky_relu="#E69F00",  # orange
    prelu="#CC79A7",  # reddish purple
    gradient="#F0E442",  # yellow
    dead="#7F7F7F",
)

LIGHT = Theme(
    name="light",
    background="#FFFFFF",
    text="#1A1A1A",
    muted="#5B6470",
    sigmoid="#0072B2",  # Okabe-Ito blue
    tanh="#56B4E9",
    relu="#007A5A",  # bluish green, darkened for contrast on white
    leaky_relu="#D55E00",  # vermillion: the orange that reads on white
    prelu="#A8457F",  # reddish purple, darkened
    gradient="#A88300",  # dark gold: yellow is invisible on white
    dead="#8A8A8A",
)

THEMES = {theme.name: theme for theme in (DARK, LIGHT)}


def current_theme() -> Theme:
    """The theme of the lecture being drawn (lecture.py; default dark)."""
    name = current_lecture().theme
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}; choose one of {', '.join(THEME_NAMES)}")
    return THEMES[name]


# Font sizes (Manim font_size units). SMALL is the floor: at 1080p it is still ~30 px per line on a
# slide, ~26 px in a video (which draws the frame smaller to keep CAPTION_BAND free).
TITLE_SIZE = 52
HEADING_SIZE = 40
BODY_SIZE = 32
LABEL_SIZE = 28
SMALL_SIZE = 24
MATH_SIZE = 36

# The bottom share of every video frame kept free of everything but the background, for subtitles
# (Taiwanese viewers keep them on). Slides and stills have no subtitles and use the whole frame.
CAPTION_BAND = 0.12

# Spacing (Manim units; the frame is 14.22 x 8).
EDGE_BUFF = 0.45  # keep text well inside the 0.3-unit safe margin
SAFE_MARGIN = 0.3
ITEM_BUFF = 0.25
CURVE_WIDTH = 5
AXIS_WIDTH = 2

# Timing (seconds) so pacing is tuned in one place.
BEAT_PAUSE = 1.0
SHORT_PAUSE = 0.5

# How a gradient magnitude g is drawn everywhere: by log10|g|, clamped to this range.
GRADIENT_LOG_FLOOR = -7.0
GRADIENT_LOG_CEILING = 0.0


def gradient_strength(magnitude: float) -> float:
    """0 (vanished: 10^-7 or less) .. 1 (full: 1 or more), linear in log10|g|."""
    import math

    if magnitude <= 0:
        return 0.0
    log_g = min(max(math.log10(magnitude), GRADIENT_LOG_FLOOR), GRADIENT_LOG_CEILING)
    return (log_g - GRADIENT_LOG_FLOOR) / (GRADIENT_LOG_CEILING - GRADIENT_LOG_FLOOR)
TRAINING_STEP_SECONDS = 0.25  # one gradient-descent step of the single neuron (chapters 4 and 5 alike)

# Cards: a boxed line to remember (a chapter's takeaway).
CARD_PADDING = 0.2  # between the card's text and its box
CARD_CORNER_RADIUS = 0.1
SWATCH_WIDTH = 0.35  # a legend's colour mark
SWATCH_HEIGHT = 0.25
# A chart's second series of bars is hollow: this faint fill inside an outline this wide (pixels at 1080p).
HOLLOW_FILL_OPACITY = 0.25
BAR_OUTLINE = 2.5

"""Text and formula builders that take their words from the string table and their look from the style."""
from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ElementTree
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
from manim import DOWN, LEFT, UP, DecimalNumber, MathTex, Text, VGroup, VMobject, config
from manim.constants import RendererType
from manim.mobject.text.text_mobject import TEXT_MOB_SCALE_FACTOR

from ..captions import break_lines, subtitle_tokens
from ..strings import font, t
from ..style import BODY_SIZE, EDGE_BUFF, ITEM_BUFF, MATH_SIZE, TITLE_SIZE, current_theme
from ..text_roles import LABEL, PROSE, mark_role

__all__ = [
    "fraction_tex",
    "fraction_text",
    "get_chapter_title",
    "get_math",
    "get_plain_text",
    "get_text",
    "get_wrapped_text",
    "number_tex",
    "number_text",
    "percent_text",
    "stack",
    "SteadyNumber",
    "text_width",
]


def get_text(key: str, size: float = BODY_SIZE, color: str | None = None, role: str | None = None,
             **values: object) -> Text:
    """The string ``key`` of the active language as a Text in the language's font: a label unless
    ``role`` says otherwise (screen_text.py: prose is what the lecture counts and keeps short).

    Parameters
    ----------
    key
        The string's key in the table.
    size
        The font size.
    color
        The text's colour; the theme's text colour when None.
    role
        What the words are on screen: ``LABEL`` (a name, a title), ``PROSE`` (a sentence) or
        ``TAKEAWAY`` (screen_text.py). None: the component's own (a label here, prose for wrapped
        text); a label of more than a few words then counts as prose, one declared does not.
    values
        Values for the string's ``{placeholders}``.
    """
    return get_plain_text(t(key, **values), size=size, color=color, role=role)


def get_plain_text(content: str, size: float = BODY_SIZE, color: str | None = None,
                   role: str | None = None) -> Text:
    """``content`` (already looked up or computed) as a Text in the active language's font, marked
    with its ``role`` on screen (a label unless told otherwise)."""
    text = Text(content, font=font(), font_size=size, color=color or current_theme().text)
    return mark_role(text, role, content, default=LABEL)


def get_math(*tex: str, size: float = MATH_SIZE, color: str | None = None) -> MathTex:
    """A LaTeX formula, shared by every language, so it holds no words (a test checks).

    Parameters
    ----------
    tex
        The formula's parts, as :class:`~manim.MathTex` takes them.
    size
        The font size.
    color
        The formula's colour; the theme's text colour when None.
    """
    return MathTex(*tex, font_size=size, color=color or current_theme().text)


def get_chapter_title(chapter_key: str, size: float = TITLE_SIZE * 0.8) -> Text:
    """The chapter's title, placed at the top edge of the frame."""
    return get_text(f"{chapter_key}.title", size=size, role=LABEL).to_edge(UP, buff=EDGE_BUFF)


def stack(*mobjects, buff: float = ITEM_BUFF, aligned_edge=LEFT) -> VGroup:
    """Mobjects one under the other, left-aligned."""
    return VGroup(*mobjects).arrange(DOWN, buff=buff, aligned_edge=aligned_edge)


SHORT_LAST_LINE = 0.35  # of the width: a last line shorter than this is evened out with the others


def get_wrapped_text(key: str, max_width: float, size: float = BODY_SIZE, color: str | None = None,
                     role: str | None = None, **values: object) -> VGroup:
    """The string ``key`` broken into left-aligned lines no wider than ``max_width``: prose on
    screen unless ``role`` says otherwise (screen_text.py counts it).

    Parameters
    ----------
    key, size, color, role, values
        As for :func:`get_text`.
    max_width
        The widest a line may be, in Manim units. Lines break between words (Chinese ones found
        by jieba, as subtitles do), never inside a formula, between a number and its unit or before
        closing punctuation; a very short last line is evened out with the others.

    Returns
    -------
    VGroup
        One Text per line.
    """
    content = t(key, **values)
    pieces = subtitle_tokens(content)  # words (Chinese ones by jieba), a number with its unit
    widths: dict[str, float] = {}

    def measure(line: str) -> float:
        if line not in widths:
            widths[line] = text_width(line, size=size)
        return widths[line]

    lines = break_lines(pieces, max_width, measure)
    if len(lines) > 1 and measure(lines[-1]) < SHORT_LAST_LINE * max_width:
        # A last line of one word ("一。") reads as an accident: the same number of lines, evened out.
        even_width = sum(measure(line) for line in lines) / len(lines)
        for slack in (1.1, 1.25):
            even = break_lines(pieces, min(max_width, even_width * slack), measure)
            if len(even) == len(lines):
                lines = even
                break
    role = PROSE if role is None else role
    lines = stack(*(get_plain_text(line, size=size, color=color, role=role) for line in lines), buff=ITEM_BUFF * 0.6)
    return mark_role(lines, role, content)


class _PangoLayout(Text):
    """A ``Text`` that stops once Pango has laid it out: its SVG file is written (where the Text of
    the same content, size and colour reads it), its glyphs are not made."""

    def init_svg_mobject(self, use_svg_cache: bool) -> _PangoLayout:
        return self


def text_width(content: str, size: float = BODY_SIZE) -> float:
    """The width of ``get_plain_text(content, size=size)``, read from Pango's layout.

    ``get_wrapped_text`` measures every candidate line, one piece longer than the last. A whole Text
    per candidate (its SVG parsed by svgelements into a shape per glyph) took a fifth of chapter
    3's render at preview; Pango's layout alone takes a few milliseconds of it. Under Cairo, a
    Text's width is the spread of its glyphs' points (control points too) times
    ``TEXT_MOB_SCALE_FACTOR``, and the SVG names both: each glyph's outline once, and where each is
    placed. A layout written in anything but the plain SVG Cairo writes for text (absolute moves,
    lines and curves in glyphs placed by x and y, nothing else drawn, such as the box Pango draws
    for a character the font lacks), and any text under the OpenGL renderer (which makes other
    points of the same curves), is measured as a Text instead. test_text_width holds the two to
    the same width.
    """
    if config.renderer == RendererType.CAIRO:
        layout = _PangoLayout(content, font=font(), font_size=size, color=current_theme().text,
                              warn_missing_font=False)  # get_plain_text's Text warns, once is enough
        spread = _glyph_spread(Path(layout.file_name))
        if spread is not None:
            return spread * TEXT_MOB_SCALE_FACTOR
    return get_plain_text(content, size=size).width


_SVG = "{http://www.w3.org/2000/svg}"
_HREF = "{http://www.w3.org/1999/xlink}href"
# What Cairo writes for text: glyph outlines defined once, then placed; "g" groups only carry ids
# and fill styles. Anything else drawn (a path on the page, an image) is not a glyph.
_TEXT_ELEMENTS = {f"{_SVG}{name}" for name in ("svg", "defs", "g", "symbol", "use")}
_NUMBER = r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_PATH_DATA = re.compile(rf"(?:\s*[MLC](?:\s+{_NUMBER})+|\s*Z)*\s*")
_COMMAND = re.compile(r"([MLCZ])([^MLCZ]*)")
_NUMBERS_PER_COMMAND = {"M": 2, "L": 2, "C": 6, "Z": 0}


def _glyph_spread(svg: Path) -> float | None:
    """From the leftmost to the rightmost point of the glyphs ``svg`` places, in its units; None
    when it is not written as Cairo writes text (then a Text measures it)."""
    root = ElementTree.parse(svg).getroot()
    glyphs: dict[str, list[float]] = {}
    outlines: set[ElementTree.Element] = set()  # what the glyphs are drawn with, not drawn themselves
    for symbol in root.iter(f"{_SVG}symbol"):
        xs: list[float] = []
        for path in symbol:
            path_xs = _points_x(path.get("d", "")) if path.tag == f"{_SVG}path" else None
            if path_xs is None:
                return None
            xs += path_xs
            outlines.add(path)
        glyphs[f"#{symbol.get('id')}"] = xs
    drawn = [element for element in root.iter() if element not in outlines]
    if any(element.tag not in _TEXT_ELEMENTS or element.get("transform") for element in drawn):
        return None
    left, right = math.inf, -math.inf
    for use in root.iter(f"{_SVG}use"):
        if set(use.keys()) - {_HREF, "x", "y"} or use.get(_HREF) not in glyphs:
            return None
        xs = glyphs[use.get(_HREF)]
        if xs:
            x = float(use.get("x", 0))
            left, right = min(left, x + min(xs)), max(right, x + max(xs))
    return right - left if right >= left else 0.0


def _points_x(path_data: str) -> list[float] | None:
    """The x of every point Manim makes of a glyph's outline: the ends and control points of its
    lines and curves, and a move's point where a line or curve starts from it. None for anything
    but absolute moves, lines, curves and closes, each close followed by a move or nothing."""
    if not _PATH_DATA.fullmatch(path_data):
        return None
    commands = _COMMAND.findall(path_data)
    if commands and commands[0][0] != "M":
        return None
    xs: list[float] = []
    for index, (command, arguments) in enumerate(commands):
        numbers = [float(number) for number in arguments.split()]
        following = commands[index + 1][0] if index + 1 < len(commands) else None
        if len(numbers) != _NUMBERS_PER_COMMAND[command] or (command == "Z" and following not in ("M", None)):
            return None
        if command != "M" or following in ("L", "C"):
            xs += numbers[0::2]
    return xs


def fraction_tex(value: float, max_denominator: int = 16) -> str:
    """A value that is a simple fraction (0.25) written as one (\\tfrac{1}{4}) in LaTeX."""
    from fractions import Fraction

    fraction = Fraction(value).limit_denominator(max_denominator)
    return rf"\tfrac{{{fraction.numerator}}}{{{fraction.denominator}}}"



MINUS = "\u2212"
SUPERSCRIPTS = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def _split_number(value: float, digits: int) -> tuple[str, int | None]:
    """Plain digits down to 0.001 (exponent None); beyond, a mantissa and a power of ten."""
    import math

    if value == 0 or 1e-3 <= abs(value) < 1e4:
        return f"{value:.{digits}g}", None
    exponent = math.floor(math.log10(abs(value)))
    return f"{value / 10**exponent:.{digits - 1}f}", exponent


def number_tex(value: float, digits: int = 3) -> str:
    """``value`` for LaTeX: 0.0625, or 9.54 \\times 10^{-7} when it is tiny or huge."""
    mantissa, exponent = _split_number(value, digits)
    return mantissa if exponent is None else rf"{mantissa} \times 10^{{{exponent}}}"


def number_text(value: float, digits: int = 2) -> str:
    """``value`` for plain text (captions): 0.062, or 2.7 × 10⁻⁷ when it is tiny or huge; a negative
    value with a minus sign (−0.098), not a hyphen."""
    mantissa, exponent = _split_number(value, digits)
    if exponent is None:
        text = mantissa
    elif float(mantissa) == 1:  # 10⁻²⁰, not 1.0 × 10⁻²⁰ (which a voice would read "one point zero")
        text = f"10{str(exponent).translate(SUPERSCRIPTS)}"
    else:
        text = f"{mantissa} \u00d7 10{str(exponent).translate(SUPERSCRIPTS)}"
    return MINUS + text[1:] if text.startswith("-") else text


def percent_text(fraction: float) -> str:
    """A share as a percentage for plain text, to one decimal where it has one: 12.5, 75, 6.3 for
    6.25 (never rounded to an even neighbour, as "{:.0f}" turns 12.5 into 12)."""
    # Decimal rounds halves up: "{:.1f}" rounds 6.25 (exact in binary) to its even neighbour, 6.2.
    exact = Decimal(f"{float(fraction) * 100:.9f}")  # numpy floats too; 9 places hide binary noise
    return str(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)).removesuffix(".0")


def fraction_text(value: float, max_denominator: int = 16) -> str:
    """A simple fraction for plain text (captions): 0.25 -> "1/4"."""
    from fractions import Fraction

    fraction = Fraction(value).limit_denominator(max_denominator)
    return f"{fraction.numerator}/{fraction.denominator}"


def outline_of(glyph: VMobject) -> VMobject:
    """A plain VMobject with ``glyph``'s points and style (none of its SVG or TeX baggage)."""
    outline = VMobject()
    outline.points = glyph.points.copy()
    outline.set_style(**glyph.get_style())
    return outline


class SteadyNumber(DecimalNumber):
    """A DecimalNumber for readouts that change every frame, whose digits are the same points for the
    same value whatever it showed before.

    Manim's ``set_value`` sizes and places the new digits from the old ones (their height, their left
    edge), so float noise of about 1e-15 builds up with every frame it is updated. A render that Manim's
    cache lets skip an animation updates the number once instead of once a frame, so the numbers
    on screen differ in their last bits from the cold render's, and Manim's hash of every later
    animation showing them differs: one caption made longer re-rendered every later animation with
    a readout. This ``set_value`` builds the digits afresh at the number's font size, centred on the
    origin; place it after each call (``next_to`` a label that does not move by itself).

    Its digits are plain outlines: Manim copies a whole cached MathTex per character per frame (a deep
    copy of its TeX structure, about 4 ms each), which was half of chapter 1's render time at 1080p60.
    Each character is sized once and kept as its glyphs' outlines, and a copy of those costs ~0.03 ms.

    Laying the digits out is still about 10 ms a call, and a readout is set on every frame while
    what it shows changes far less often (a step counter once in 15 frames, a frozen neuron's weights
    never): 36 of chapter 4's 51 s of updaters at 1080p60. So each text's glyphs, as laid out at the
    origin, are kept too: a text seen before gets those points back, in the glyphs on screen when it
    is the text they show, else in new glyphs. They are the points a fresh layout gives, so the
    number stays the same whatever it showed before.
    """

    _outlines: dict[tuple[str, str, float, str], VGroup] = {}  # (character, class, size, options) -> glyphs
    # (text, size, class) -> each character's glyphs' points, laid out at the origin, and their height
    _layouts: dict[tuple[str, float, str], tuple[list[list[np.ndarray]], float]] = {}

    def _string_to_mob(self, string: str, mob_class: type | None = None, **kwargs) -> VMobject:
        key = (string, (mob_class or self.mob_class).__name__, self._font_size, repr(sorted(kwargs.items())))
        if key not in self._outlines:
            sized = super()._string_to_mob(string, mob_class, **kwargs)
            self._outlines[key] = VGroup(*(outline_of(glyph) for glyph in sized.family_members_with_points()))
        return self._outlines[key].copy()

    def _glyphs(self) -> list[list[VMobject]]:
        return [character.family_members_with_points() for character in self.submobjects]

    def _draw_layout(self, layout: list[list[np.ndarray]]) -> None:
        """Give the glyphs on screen the points of ``layout`` (new arrays: none is shared)."""
        for glyphs, points in zip(self._glyphs(), layout, strict=True):
            for glyph, glyph_points in zip(glyphs, points, strict=True):
                glyph.points = glyph_points.copy()

    def set_value(self, number: float) -> SteadyNumber:
        size = self.font_size
        if not math.isclose(size, self._font_size, rel_tol=1e-6):
            self._font_size = size  # the scene scaled it: keep that size from now on
        key = (self._get_num_string(number), self._font_size, self.mob_class.__name__)
        known = self._layouts.get(key)  # the text's glyph points laid out at the origin, and their height
        if known is not None:
            layout, height = known
            if [[len(glyph.points) for glyph in glyphs] for glyphs in self._glyphs()] == \
                    [[len(points) for points in character] for character in layout]:
                self._draw_layout(layout)
                self.number, self.initial_height = number, height  # font_size reads initial_height
                return self
        old_family = self.get_family()
        old_submobjects = self.submobjects
        if known is not None:  # the characters as _set_submobjects_from_number makes them, laid out
            self.submobjects = [self._string_to_mob(character) for character in key[0]]
            self._draw_layout(layout)
            self.number, self.initial_height = number, height
        else:
            self._set_submobjects_from_number(number)
            if self.unit is None and not self.show_ellipsis and not self.include_background_rectangle:
                self._layouts[key] = ([[glyph.points.copy() for glyph in glyphs] for glyphs in self._glyphs()],
                                      self.initial_height)
        for new, old in zip(self.submobjects, old_submobjects, strict=False):
            new.match_style(old)
        if config.renderer == RendererType.CAIRO:
            # As DecimalNumber.set_value does: the old digits may still be drawn in this frame.
            for mob in old_family:
                mob.points[:] = 0
        self.init_colors()
        return self

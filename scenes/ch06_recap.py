"""Chapter 6: the recap table of the four activations, then the papers the lecture rests on."""
from __future__ import annotations

import string
import unicodedata

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    Line,
    Mobject,
    RoundedRectangle,
    VGroup,
    Write,
    config,
)

from scenes.lib.components.text import (
    fraction_tex,
    fraction_text,
    get_math,
    get_plain_text,
    get_text,
    get_wrapped_text,
    number_tex,
    number_text,
    stack,
)
from scenes.lib.cues import when_said
from scenes.lib.experiment import DEPTH
from scenes.lib.lecture_scene import LectureScene, beat
from scenes.lib.strings import raw
from scenes.lib.style import BEAT_PAUSE, EDGE_BUFF, ITEM_BUFF, LABEL_SIZE, SHORT_PAUSE, SMALL_SIZE
from scenes.model import BEST_CASE_WEIGHT, VERY_LEAKY_DIVISOR, activation, neuron_trajectory, sigmoid_slope_max

TABLE_ACTIVATIONS = ("sigmoid", "relu", "leaky_relu", "prelu")
SOURCE_COLUMNS = (  # a page each: string-table stem, and the activation each source is about (its colour)
    (("glorot", "sigmoid"), ("nielsen", "sigmoid"), ("maas", "leaky_relu")),
    (("he", "prelu"), ("xu", "leaky_relu"), ("lu", "relu")),
)

# Table
CELL_SIZE = SMALL_SIZE  # four columns with their conditions fit the frame at this size
MATH_SCALE = 1.45  # LaTeX digits are about 2/3 the height of the text font's at the same font_size
COLUMN_GAP = 0.4
ROW_GAP = 0.5  # between one row's lowest ink and the next row's highest; the rule sits halfway
WORD_GAP = 0.14  # a space between words, where a string puts a formula next to words
TIGHT_GAP = 0.05  # a formula followed directly by punctuation ("...: vanishes")
LINE_GAP = ITEM_BUFF * 0.5  # between the lines of a cell that breaks
RULE_WIDTH = 1.2
RULE_OVERHANG = 0.15  # rules reach a little past the outer columns
ENTER_SHIFT = 0.15  # how far a row or an entry drifts as it fades in
EXIT_SHIFT = 0.3
ROW_TIME = 0.9
ROW_PAUSE = 1.6  # time to read a row before the next one arrives

# Sources card
CITE_SIZE = LABEL_SIZE  # one column a page: larger than the two columns side by side were
ABOUT_SIZE = LABEL_SIZE
COLUMN_WIDTH = 10.5  # a page's column of entries wraps here
# The sources frame is a reading list, not a takeaway card: a thin muted frame with more air and a
# rounder corner than the cards' (style.CARD_PADDING, CARD_CORNER_RADIUS).
SOURCES_PADDING = 0.25
SOURCES_CORNER = 0.15
ENTRY_GAP = 0.35  # between entries of a page
NOTE_GAP = 0.35  # between the table and the note under it
MARKER_GAP = 0.25
MARKER_WIDTH = 6
PAGE_TIME = 2.0  # a page's entries arrive one after another over this long


class TextLines(VGroup):
    """The lines of one table cell, left-aligned, one under the other; it sits on its last line."""


def baseline(mob: Mobject) -> float:
    """The y the glyphs of ``mob`` sit on: the median bottom of its glyphs, so a descender ("p"),
    a bracket or a fraction's denominator does not pull it down. A cell of lines sits on its last."""
    if isinstance(mob, TextLines):
        return baseline(mob[-1])
    return float(np.median([glyph.get_bottom()[1] for glyph in mob.family_members_with_points()]))


def sit_on(mob: Mobject, y: float) -> Mobject:
    """Shift ``mob`` vertically so its baseline is at ``y``."""
    return mob.shift(UP * (y - baseline(mob)))


def gap_beside(char: str) -> float:
    """The gap between a formula and the text next to it, judged by the character that faces it:
    a space, or a full-width character (CJK, whose punctuation sits centred in a full cell), keeps
    a word's distance; Latin punctuation (":" in "...: vanishes") hugs the formula."""
    return WORD_GAP if char.isspace() or unicodedata.east_asian_width(char) in "FW" else TIGHT_GAP


def get_line_with_math(line: str, size: float, color: str | None, tex: dict[str, str]) -> VGroup:
    """One line of words with each ``{field}`` set as the formula ``tex[field]``, all on one baseline."""
    parts: list[Mobject] = []
    gaps: list[float] = []
    gap_after = 0.0
    for literal, field, _, _ in string.Formatter().parse(line):
        if literal.strip():
            if parts:
                gaps.append(gap_beside(literal[0]))
            parts.append(get_plain_text(literal.strip(), size=size, color=color))
            gap_after = gap_beside(literal[-1])
        if field:
            if parts:
                gaps.append(gap_after)
            parts.append(get_math(tex[field], size=size * MATH_SCALE, color=color))
            gap_after = WORD_GAP
    line_y = baseline(parts[0])
    for previous, part, gap in zip(parts, parts[1:], gaps):
        sit_on(part.next_to(previous, RIGHT, buff=gap), line_y)
    return VGroup(*parts)


def get_cell(key: str, size: float = CELL_SIZE, color: str | None = None, **tex: str) -> TextLines:
    """The string ``key`` as a table cell: formulas for its ``{fields}``, lines where it breaks.

    Word order and line breaks stay the translator's: "{one} on active paths" and
    "啟動的路徑上恆為 {one}" both work, and a header may break where its language reads best.
    """
    lines = [get_line_with_math(line, size, color, tex) for line in raw(key).split("\n")]
    return TextLines(*lines).arrange(DOWN, buff=LINE_GAP, aligned_edge=LEFT)


class Recap(LectureScene):
    """The four activations in one table, row by row, then a card of sources."""

    chapter_key = "ch6"

    def construct(self) -> None:
        _, self.peak = sigmoid_slope_max()
        self.build_table()
        self.sources()

    # Beat 1 ---------------------------------------------------------------------------------
    @beat
    def build_table(self) -> None:
        # A path through DEPTH inactive Leaky ReLU units keeps slope ** DEPTH: the slope revives a unit, it does
        # not carry a gradient through many inactive layers.
        slope = activation("leaky_relu").params["slope"]
        self.open_beat(peak=fraction_text(self.peak), depth=DEPTH,
                       leak_left=number_text(slope**DEPTH))
        self.title = self.enter_chapter()
        cells = [self.get_header_row(), *(self.get_activation_row(name) for name in TABLE_ACTIVATIONS)]
        rows, rules = self.lay_out_table(cells)
        note = self.get_prelu_note(rows.width)  # the rules overhang the rows; the words keep to the rows
        note.next_to(rules, DOWN, buff=NOTE_GAP).align_to(rows, LEFT)
        self.table = VGroup(rows, rules, note)
        self.center_below_title(self.table)
        self.play(Write(self.title))
        self.play(FadeIn(rows[0], shift=DOWN * ENTER_SHIFT), Create(rules[0]))
        self.wait(SHORT_PAUSE)
        for row, rule in zip(rows[1:], rules[1:]):
            self.play(LaggedStart(*(FadeIn(cell, shift=UP * ENTER_SHIFT) for cell in row), lag_ratio=0.2),
                      Create(rule), run_time=ROW_TIME)
            self.wait(ROW_PAUSE)
        self.play(FadeIn(note, shift=UP * ENTER_SHIFT))
        self.wait(BEAT_PAUSE)

    # Beat 2 ---------------------------------------------------------------------------------
    @beat
    def sources(self) -> None:
        """The sources in two pages of one column, the second when the speech reaches its first
        entry: each page stands about half the beat (issue 27: about 10 s at most), and one column
        is drawn larger than two side by side. The full list is in the description, the handout and
        the slides' notes."""
        self.open_beat()
        # The sources take the title's place, at the title's size.
        heading = get_text("ch6.sources_heading", size=self.title.font_size).move_to(self.title)
        pages = [stack(*(self.get_source_entry(stem, name) for stem, name in column), buff=ENTRY_GAP)
                 for column in SOURCE_COLUMNS]
        frame = RoundedRectangle(width=max(page.width for page in pages) + 2 * SOURCES_PADDING,
                                 height=max(page.height for page in pages) + 2 * SOURCES_PADDING,
                                 corner_radius=SOURCES_CORNER, stroke_color=self.theme.muted, stroke_width=RULE_WIDTH)
        self.center_below_title(frame)
        for page in pages:
            page.move_to(frame.get_corner(UL) + (DOWN + RIGHT) * SOURCES_PADDING, aligned_edge=UL)
        self.play(FadeOut(self.table, shift=UP * EXIT_SHIFT), FadeOut(self.title, shift=UP * EXIT_SHIFT))
        self.play(FadeIn(heading, shift=UP * EXIT_SHIFT), Create(frame))
        self.play(self.make_page_animation(pages[0]))
        when_said(self, "ch6.cue.second_page", FadeOut(pages[0], shift=UP * EXIT_SHIFT),
                  self.make_page_animation(pages[1]))
        self.wait(BEAT_PAUSE)

    def make_page_animation(self, page: VGroup) -> LaggedStart:
        """A page's entries arriving one after another."""
        return LaggedStart(*(FadeIn(entry, shift=UP * ENTER_SHIFT) for entry in page), lag_ratio=0.6,
                           run_time=PAGE_TIME)

    # Table builders ----------------------------------------------------------------------------
    def get_header_row(self) -> list[Mobject]:
        """The column headings, in the muted colour."""
        muted = self.theme.muted
        return [
            get_cell("ch6.header.activation", color=muted),
            get_math("f'(x)", size=CELL_SIZE * MATH_SCALE, color=muted),
            get_cell("ch6.header.gradient", color=muted, n="n"),
            get_cell("ch6.header.can_die", color=muted),
        ]

    def get_activation_row(self, name: str) -> list[Mobject]:
        """The name in its colour, its slopes, what survives n layers, and whether a unit can die."""
        return [
            get_cell(f"ch6.name.{name}", color=self.theme.activation_color(name)),
            self.get_slope_cell(name),
            self.get_gradient_cell(name),
            get_cell(f"ch6.can_die.{name}", zero=number_tex(float(activation("relu").df(-1.0)))),
        ]

    def get_slope_cell(self, name: str) -> Mobject:
        """The values f'(x) can take, from the model."""
        act = activation(name)
        one = number_tex(float(act.df(1.0)))
        if name == "sigmoid":
            # The infimum is the slope far out in the tails (never reached); the maximum is at x = 0.
            tail = number_tex(float(act.df(-np.inf)))
            return get_math(rf"({tail},\ {fraction_tex(self.peak)}]", size=CELL_SIZE * MATH_SCALE)
        if name == "prelu":
            return get_cell("ch6.slope.prelu", slopes=rf"\{{\alpha,\ {one}\}}", alpha=r"\alpha")
        return get_math(rf"\{{{number_tex(float(act.df(-1.0)))},\ {one}\}}", size=CELL_SIZE * MATH_SCALE)

    def get_gradient_cell(self, name: str) -> Mobject:
        """The activation's own factor over n layers, one convention for every row: the product of
        the slopes along a path, the weights left aside (they are a factor of their own)."""
        act = activation(name)
        if name == "sigmoid":
            return get_cell("ch6.gradient.sigmoid", bound=rf"\le \left({fraction_tex(self.peak)}\right)^n")
        one, zero = number_tex(float(act.df(1.0))), number_tex(float(activation("relu").df(-1.0)))
        if name == "relu":
            return get_cell("ch6.gradient.relu", one=one, zero=zero)
        # A leaky or learned slope: each inactive unit on the path multiplies in its negative-side slope.
        leak = r"|\alpha|" if name == "prelu" else number_tex(float(act.df(-1.0)))  # alpha may be negative
        return get_cell(f"ch6.gradient.{name}", one=one, leak=rf"{leak}^k")

    def get_prelu_note(self, width: float) -> Mobject:
        """PReLU's alpha is not constrained: the model's own neuron takes it below zero in one step."""
        run = neuron_trajectory("prelu")
        row = run.first_negative_alpha_row
        return get_wrapped_text("ch6.prelu_note", width, size=SMALL_SIZE, color=self.theme.muted,
                                zero=f"{float(activation('relu').df(-1.0)):g}",
                                alpha0=f"{run.alpha[row - 1]:g}", alpha1=number_text(run.alpha[row]))

    def lay_out_table(self, cells: list[list[Mobject]]) -> tuple[VGroup, VGroup]:
        """Cells left-aligned in columns, each row on one baseline, a thin rule under each row.

        Body rows are spaced evenly (by the tallest) so the table keeps its rhythm as it builds.
        """
        widths = [max(row[column].width for row in cells) for column in range(len(cells[0]))]
        descent = max(baseline(cell) - cell.get_bottom()[1] for row in cells for cell in row)
        body_ascent = max(cell.get_top()[1] - baseline(cell) for row in cells[1:] for cell in row)
        rows, rule_ys = VGroup(), []
        line_y = 0.0
        for index, row_cells in enumerate(cells):
            if index > 0:
                line_y -= descent + ROW_GAP + body_ascent
            left = 0.0
            for cell, width in zip(row_cells, widths):
                sit_on(cell.move_to(RIGHT * left, aligned_edge=LEFT), line_y)
                left += width + COLUMN_GAP
            rows.add(VGroup(*row_cells))
            rule_ys.append(line_y - descent - ROW_GAP / 2)
        # A rule under every row: the header's sets it apart, the last one closes the table.
        rules = VGroup(*(
            Line(rows.get_left() + LEFT * RULE_OVERHANG, rows.get_right() + RIGHT * RULE_OVERHANG,
                 stroke_width=RULE_WIDTH, color=self.theme.muted).set_y(rule_y)
            for rule_y in rule_ys
        ))
        return rows, rules

    # Sources builder -----------------------------------------------------------------------------
    def get_source_entry(self, stem: str, name: str) -> VGroup:
        """Authors, year and venue (the same in every language), then what the paper gives this
        lecture (translated), marked with the colour of the activation it is about."""
        values = {
            "slope": number_text(activation("leaky_relu").params["slope"]),
            "alpha": number_text(activation("prelu").params["alpha"]),
            "peak": fraction_text(self.peak),
            "one": f"{BEST_CASE_WEIGHT:g}",
            "xu_slope": f"1/{VERY_LEAKY_DIVISOR:g} \u2248 {1 / VERY_LEAKY_DIVISOR:.2f}",
        }
        cite = get_wrapped_text(f"ch6.source.{stem}.cite", COLUMN_WIDTH, size=CITE_SIZE)
        about = get_wrapped_text(f"ch6.source.{stem}.about", COLUMN_WIDTH, size=ABOUT_SIZE,
                                 color=self.theme.muted, **values)
        lines = stack(cite, about, buff=ITEM_BUFF * 0.6)
        marker = Line(lines.get_top(), lines.get_bottom(), stroke_width=MARKER_WIDTH,
                      color=self.theme.activation_color(name))
        return VGroup(marker, lines.next_to(marker, RIGHT, buff=MARKER_GAP))

    def center_below_title(self, mob: Mobject) -> None:
        """Centre ``mob`` in the room between the title and the bottom of the safe area."""
        room_bottom = -config.frame_height / 2 + EDGE_BUFF
        mob.move_to(UP * (self.title.get_bottom()[1] + room_bottom) / 2)

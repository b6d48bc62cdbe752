"""Readable subtitle cues from a beat's caption: at most two lines, lines broken at punctuation or
between words, never before closing punctuation, and enough time on screen to read them. The
scenes use it to pace beats and to write their subcaptions, and tests check the same rules.

Subtitle lines break as a subtitler would (``subtitle_tokens``): in Chinese between words, found by
jieba (the standard Chinese word segmenter, on the text's Simplified form, which OpenCC's
character table keeps the same length), never inside a formula, a number with its unit or a Latin
term; in English between words, never inside a formula. Both are imported only when subtitles are
made. ``tokens`` (words and single CJK characters) still wraps text drawn on screen.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "beat_seconds_needed",
    "break_lines",
    "CaptionRules",
    "cue_times",
    "MAX_LINES",
    "reading_seconds",
    "RULES",
    "speech_cue_times",
    "split_caption",
    "tokens",
    "visible_length",
    "wrap_lines",
]


@dataclass(frozen=True)
class CaptionRules:
    """How long a subtitle line may be and how fast a viewer reads, for one script."""

    line_chars: int  # at most this many characters on one line
    chars_per_second: float  # reading speed: a cue stays up at least len(text) / this


RULES = {
    "en": CaptionRules(line_chars=42, chars_per_second=15.0),
    "zh-TW": CaptionRules(line_chars=16, chars_per_second=6.0),
    "zh-CN": CaptionRules(line_chars=16, chars_per_second=6.0),
}
MAX_LINES = 2
CLOSING_PUNCTUATION = "，。、；：？！）」』,.;:?!)"
CLAUSE_ENDS = "，。；：？！,.;:?!"
OPERATORS = ("=", "+", "-", "×", "<", ">", "≤")


def _is_cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\uff00" <= char <= "\uffef"


def tokens(text: str) -> list[str]:
    """Pieces a line may break between: words (with their trailing space) and single CJK characters.
    Closing punctuation stays with the piece before it, and an operator with both its neighbours,
    so no line starts with "，" and "z = w x" is never split at the "="."""
    pieces: list[str] = []
    for char in text:
        joins = pieces and (
            char == " " or char in CLOSING_PUNCTUATION
            or (not _is_cjk(char) and not _is_cjk(pieces[-1][-1]) and not pieces[-1].endswith(" "))
        )
        if joins:
            pieces[-1] += char
        else:
            pieces.append(char)
    merged: list[str] = []
    for piece in pieces:
        after_operator = merged and merged[-1].strip().split(" ")[-1] in OPERATORS
        if merged and (piece.strip() in OPERATORS or after_operator):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


OPENING_PUNCTUATION = "（「『(["
MATH_CHARS = set("=+-−×<>≤≥/()|'′σ^_·⁰¹²³⁴⁵⁶⁷⁸⁹⁻")  # superscripts: 10⁻⁶ is a formula's part
_segmenter = None


def _segment(run: str) -> list[str]:
    """The words of a run of Chinese text, by jieba (on its Simplified form when that has the same length)."""
    global _segmenter
    if _segmenter is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        try:
            from opencc import OpenCC

            simplify = OpenCC("t2s").convert
        except ImportError:  # jieba alone still knows most Traditional words
            def simplify(text: str) -> str:
                return text
        _segmenter = (jieba, simplify)
    jieba, simplify = _segmenter
    simple = simplify(run)
    words = jieba.lcut(simple if len(simple) == len(run) else run, HMM=False)
    pieces, at = [], 0
    for word in words:
        pieces.append(run[at:at + len(word)])
        at += len(word)
    return pieces


def _is_han(char: str) -> bool:
    return "㐀" <= char <= "鿿" or "豈" <= char <= "﫿"


def _is_number(piece: str) -> bool:
    stripped = piece.strip().rstrip("%")
    return bool(stripped) and stripped.replace(".", "", 1).replace("-", "", 1).isdigit()


def _is_math(piece: str) -> bool:
    """A token that belongs to a formula: a single letter or number, or anything with a math symbol."""
    stripped = piece.strip().rstrip(",.;:")
    if len(stripped) > 1 and re.fullmatch(r"[A-Za-z]+(['’-][A-Za-z]+)*", stripped):
        return False  # a word, hyphenated or with an apostrophe
    return bool(stripped) and (len(stripped) == 1 or _is_number(stripped) or bool(MATH_CHARS & set(stripped)))


def _glue_formulas(pieces: list[str]) -> list[str]:
    """Runs of formula tokens that contain an operator become one piece: "w x + b" never breaks."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if any(MATH_CHARS & set(p.strip()) - {"'", "(", ")"} for p in run):
            out.append("".join(run))
        else:
            out.extend(run)
        run.clear()

    for piece in pieces:
        if _is_math(piece):
            run.append(piece)
            if piece.rstrip()[-1:] in ",.;:":  # a clause ends the formula
                flush()
        else:
            flush()
            out.append(piece)
    flush()
    return out


def subtitle_tokens(text: str) -> list[str]:
    """Pieces a subtitle line may break between (see the module's docstring)."""
    chinese = any(_is_han(char) for char in text)
    pieces: list[str] = []
    if chinese:
        at = 0
        while at < len(text):  # alternate runs: Chinese (by jieba) and everything else (kept whole)
            end = at
            han = _is_cjk(text[at])
            while end < len(text) and _is_cjk(text[end]) == han:
                end += 1
            run = text[at:end]
            if han:
                pieces += _segment(run)
            elif len(run.strip()) > 12 and not MATH_CHARS & set(run):
                pieces += [word for word in run.replace(" ", " \0").split("\0") if word]  # a long Latin phrase
            else:
                pieces.append(run)  # a formula, a number, a Latin term: never broken
            at = end
    else:
        for word in text.replace(" ", " \0").split("\0"):
            if word:
                pieces.append(word)
        pieces = _glue_formulas(pieces)
    if chinese:  # a number keeps its unit (10 層, 60 步) or, with none, the word before it (恰好是 0)
        united: list[str] = []
        for piece in pieces:
            if united and _is_number(united[-1]) and _is_han(piece[0]):
                united[-1] += piece
            else:
                united.append(piece)
        pieces = united
    merged: list[str] = []
    for piece in pieces:
        previous = merged[-1] if merged else ""
        joins = previous and (
            piece.strip() == "" or piece[0] in CLOSING_PUNCTUATION
            or previous.rstrip()[-1:] in OPENING_PUNCTUATION or previous.endswith("第")
            or (chinese and _is_number(piece.rstrip("".join(CLOSING_PUNCTUATION)))
                and _is_han(previous.rstrip()[-1:] or " "))
        )
        if joins:
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def visible_length(text: str) -> int:
    return len(text.replace("\n", "").strip())


def break_lines(pieces: list[str], width: float, measure: Callable[[str], float] = len,
                clause_fill: float | None = None) -> list[str]:
    """``pieces`` joined into lines no wider than ``width`` as ``measure`` sees it.

    The one line breaker of the project: subtitles break ``subtitle_tokens`` by characters, on-screen
    text breaks ``tokens`` by Manim's glyph widths, the thumbnail's title by its font's pixels. A
    piece wider than ``width`` alone gets a line of its own. With ``clause_fill``, a line also ends
    after a clause (punctuation) once it is that share of ``width`` full.
    """
    lines: list[str] = []
    current = ""
    for piece in pieces:
        if current and measure((current + piece).rstrip()) > width:
            lines.append(current)
            current = ""
        current += piece
        if (clause_fill is not None and current.rstrip()[-1:] in CLAUSE_ENDS
                and measure(current.rstrip()) >= clause_fill * width):
            lines.append(current)
            current = ""
    if current.strip() or not lines:
        lines.append(current)
    return [line.strip() for line in lines]


def wrap_lines(text: str, line_chars: int) -> list[str]:
    """Balanced line breaking: as few lines as fit ``line_chars``, of similar length, ending a line
    after a clause (punctuation) when it is already well filled."""
    total = visible_length(text)
    count = max(1, math.ceil(total / line_chars))
    slack = 1 if line_chars < 24 else 6
    return break_lines(subtitle_tokens(text), min(line_chars, math.ceil(total / count) + slack), clause_fill=0.75)


def split_caption(text: str, lang: str) -> list[str]:
    """The caption as cues of at most two lines each (lines joined with a newline)."""
    lines = wrap_lines(text, RULES[lang].line_chars)
    return ["\n".join(lines[i:i + MAX_LINES]) for i in range(0, len(lines), MAX_LINES)]


def reading_seconds(text: str, lang: str) -> float:
    """The least time ``text`` should stay on screen."""
    return visible_length(text) / RULES[lang].chars_per_second


def cue_times(cues: list[str], lang: str, start: float, end: float) -> list[tuple[float, float]]:
    """Start and end of each cue within [start, end], in proportion to its reading time."""
    weights = [max(reading_seconds(cue, lang), 1e-3) for cue in cues]
    total = sum(weights)
    times, at = [], start
    for weight in weights:
        length = (end - start) * weight / total
        times.append((at, at + length))
        at += length
    return times


def beat_seconds_needed(text: str, lang: str) -> float:
    """How long a beat must last so that all of its caption can be read."""
    return math.fsum(reading_seconds(cue, lang) for cue in split_caption(text, lang))


def speech_cue_times(cues: list[str], lang: str, start: float, end: float,
                     spoken_at: list[float]) -> list[tuple[float, float]]:
    """Start and end of each cue within [start, end] when the beat is narrated: each cue appears when
    its words are spoken (``spoken_at``, seconds from ``start``), but stays up at least its reading
    time, so a cue may come a little late after a fast one and early before the beat's end."""
    reading = [reading_seconds(cue, lang) for cue in cues]
    starts = [start + at for at in spoken_at]
    for i in range(1, len(starts)):  # never before the previous cue could be read
        starts[i] = max(starts[i], starts[i - 1] + reading[i - 1])
    latest = end
    for i in range(len(starts) - 1, -1, -1):  # leave every later cue its reading time
        latest -= reading[i]
        starts[i] = max(start, min(starts[i], latest))
    starts[0] = start
    return list(zip(starts, [*starts[1:], end]))

"""Readable subtitle cues from a beat's caption: at most two lines, lines broken at punctuation or
between words (between characters in Chinese, never before closing punctuation), and enough time
on screen to read them. Standard library only: the scenes use it to pace beats and to write their
subcaptions, and tests check the same rules.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


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


def visible_length(text: str) -> int:
    return len(text.replace("\n", "").strip())


def wrap_lines(text: str, line_chars: int) -> list[str]:
    """Balanced line breaking: as few lines as fit ``line_chars``, of similar length, ending a line
    after a clause (punctuation) when it is already well filled."""
    pieces = tokens(text)
    total = visible_length(text)
    count = max(1, math.ceil(total / line_chars))
    slack = 1 if line_chars < 24 else 6
    limit = min(line_chars, math.ceil(total / count) + slack)
    lines: list[str] = []
    current = ""
    for piece in pieces:
        if current and len((current + piece).rstrip()) > limit:
            lines.append(current)
            current = ""
        current += piece
        if len(current.rstrip()) >= 0.75 * limit and current.rstrip()[-1:] in CLAUSE_ENDS:
            lines.append(current)
            current = ""
    if current.strip():
        lines.append(current)
    return [line.strip() for line in lines]


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

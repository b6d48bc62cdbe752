"""Readable subtitle cues from a beat's caption or narration, cut as a subtitler cuts them, and
enough time on screen to read them. The scenes use it to pace beats and to write their subcaptions,
and tests check the same rules.

A cue has at most two lines of at most 42 characters (English) or 16 (Chinese). Cues follow
sentences and clauses: every possible break is ranked (``break_kind``: the end of a sentence, a
clause's punctuation, before a conjunction, before a preposition, between other words, or a poor
break such as after "the" or before 的) and ``split_caption`` picks the cut of least cost over the
whole text, with no line of one word or of one or two Chinese characters, and no sentence ending in
the middle of a line. A line never breaks inside a word (Chinese words are found by jieba, the
standard Chinese word segmenter, on the text's Simplified form, which OpenCC's character table
keeps the same length), a spoken number ("five and a half", 九點五乘以十的負七次方), a name, a
title in 《》, a formula, a number with its unit or a Latin term (``cue_tokens``). jieba and
OpenCC are imported only when subtitles are made. ``tokens`` (words and single CJK characters) still
wraps text drawn on screen, and ``break_lines`` breaks it.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "AT_CLAUSE",
    "beat_seconds_needed",
    "break_kind",
    "break_lines",
    "BREAK_KINDS",
    "CaptionRules",
    "cue_breaks",
    "cue_times",
    "cue_tokens",
    "MAX_LINES",
    "reading_seconds",
    "RULES",
    "speech_cue_times",
    "split_caption",
    "subtitle_tokens",
    "tokens",
    "visible_length",
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
_tools = None


def _segmenter():
    """jieba, and OpenCC's Traditional-to-Simplified conversion (imported once, when first needed)."""
    global _tools
    if _tools is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        try:
            from opencc import OpenCC

            simplify = OpenCC("t2s").convert
        except ImportError:  # jieba alone still knows most Traditional words
            def simplify(text: str) -> str:
                return text
        _tools = (jieba, simplify)
    return _tools


def _simplify(text: str) -> str:
    """``text`` in Simplified characters when that keeps its length (OpenCC's character table), else as it is."""
    simple = _segmenter()[1](text)
    return simple if len(simple) == len(text) else text


def _segment(run: str, hmm: bool = False) -> list[str]:
    """The words of a run of Chinese text, by jieba (on its Simplified form when that has the same
    length); with ``hmm``, jieba also guesses words its dictionary lacks, such as names."""
    words = _segmenter()[0].lcut(_simplify(run), HMM=hmm)
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


# -- Cues as a subtitler cuts them --------------------------------------------------------------
#
# A text becomes cues of one or two lines by choosing where to break between its words (its
# ``cue_tokens``): every break has a kind, from the end of a sentence to a poor one (after "the",
# before 的), and the cut with the least cost wins (``_best_cut``, a search over all cuts). Lines may
# not be longer than the rule's width nor an orphan (one English word, one or two Chinese
# characters); a cue ends at a sentence or a clause where it can, and a sentence does not end in
# the middle of a line.

BREAK_KINDS = ("sentence", "clause", "conjunction", "phrase", "word", "poor")
AT_CLAUSE = frozenset(BREAK_KINDS[:3])  # a break at punctuation or where a clause begins
SENTENCE_ENDS = "。！？.!?"
CLOSERS = "」』》）)\"'”’"
BRACKETS_OPEN = "《「『（([“‘"
BRACKETS_CLOSE = "》」』）)]”’"
_EN_CONJUNCTIONS = frozenset(
    "and but or so because while when where which who whose whom if unless since though although whereas "
    "that how what why whether once then".split())
_EN_PREPOSITIONS = frozenset(
    "of to in on at by for with from into onto over under between through within without per across "
    "along after before beyond near above below than like about".split())
# Words that lean on the next one: a line never ends with them if it can help it.
_EN_NO_BREAK_AFTER = frozenset(
    "a an the its their his her our your my this these those every each no some any all both "
    "of to in on at by for with from into onto over under between through within without per across "
    "along near above below than about is are was were be been has have had can could will would may "
    "might must not very more most less least only just also minus plus equals over whose "
    "such same".split())
# Chinese words, written in Traditional characters and compared in Simplified ones (``_simplified_words``).
_ZH_CONJUNCTIONS = ("而且 而 但是 但 卻 所以 因為 因此 於是 如果 只要 除非 雖然 即使 並且 並 或者 或 以及 然後 "
                    "則 就 才 也 讓 使 當 再 接著")
_ZH_PREPOSITIONS = "在 從 對 把 被 以 用 向 跟 給 比 經由 沿著 隨"
_ZH_NO_BREAK_AFTER = ("的 之 把 被 在 從 對 向 以 用 每 各 該 這個 那個 一個 每個 比 跟 給 約 第 是 都 不 沒有 "
                      "很 最 更 只 只有")
_ZH_NO_LINE_START = "了 著 過 的 地 得 嗎 呢 吧 啊 中 上 下 裡 時 後 之間 之後 以上 以下 倍 層"
_ZH_NUMERALS = "零〇一二兩两三四五六七八九十百千萬万億亿"
_ZH_MEASURES = "層层倍步個个筆笔章年次種种"
_ZH_NUMBER_PHRASE = (rf"(?:大約|大约|約|约|第|最後|最后|每)?負?(?:[{_ZH_NUMERALS}]+分之)?[{_ZH_NUMERALS}]+"
                     rf"(?:[點点][{_ZH_NUMERALS}]+)?(?:乘以十的負?[{_ZH_NUMERALS}]+次方)?")
# Spoken numbers never break: 九點五乘以十的負七次方, 約百萬分之三, 第四章, 二〇一〇年, 三到五點五倍.
_ZH_NUMBER = re.compile(rf"{_ZH_NUMBER_PHRASE}(?:到{_ZH_NUMBER_PHRASE})?[{_ZH_MEASURES}]?")
# The lecture's terms, which jieba's dictionary cuts in two (乙狀 / 函數, 線性 / 整流).
_ZH_TERMS = ("乙狀函數 線性整流 雙曲正切 激活函數 反向傳播 前向傳播 梯度消失 學習率 初始化 神經元 "
             "參數化 帶洩漏 平方範數 數量級 平均值 最大值 鏈狀網路 深度學習 網路卡在 負半軸 自身大小 深而窄")
_ZH_QUOTED = re.compile(r"《[^》]{1,14}》|「[^」]{1,14}」|『[^』]{1,14}』")
_EN_NUMBER_WORD = (r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                   r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
                   r"ninety|hundred|thousand|million|billion|oh|point|[\d.,]*\d)(?:-[a-z]+)?")
_EN_FRACTION_WORD = (r"(?:halves|half|thirds?|quarters?|fifths?|tenths?|hundredths?|thousandths?|"
                     r"(?:ten-|hundred-)?(?:thousandths?|millionths?|billionths?))")
_EN_NUMBER_PHRASE = (
    rf"(?:about |minus )?(?:(?:an? )?{_EN_FRACTION_WORD}|{_EN_NUMBER_WORD}(?:[ -]{_EN_NUMBER_WORD})*"
    rf"(?: and an? (?:half|quarter|third))?(?: {_EN_FRACTION_WORD})?(?: to the (?:minus )?{_EN_NUMBER_WORD})?)")
# "five and a half", "about three millionths", "a tenth", "twenty ten", "three to five and a half times"
_EN_NUMBER = re.compile(rf"\b{_EN_NUMBER_PHRASE}(?: to {_EN_NUMBER_PHRASE})?(?: (?:percent|times))?\b")


@lru_cache(maxsize=None)
def _simplified_words(words: str) -> tuple[str, ...]:
    """A list of Chinese words (Traditional, separated by spaces) in Simplified characters, the longest first."""
    return tuple(sorted({_simplify(word) for word in words.split()}, key=len, reverse=True))


def _protected_spans(text: str, chinese: bool) -> list[tuple[int, int]]:
    """Stretches of ``text`` no line may break inside: spoken numbers, titles and, in Chinese, the words
    (names among them) that jieba's HMM finds but its dictionary alone splits (何愷明, 任少卿)."""
    spans = []
    if chinese:
        spans += [m.span() for m in _ZH_NUMBER.finditer(text) if m.end() - m.start() > 1]
        spans += [m.span() for m in _ZH_QUOTED.finditer(text)]
        simple = _simplify(text)
        for term in _simplified_words(_ZH_TERMS):
            spans += [m.span() for m in re.finditer(re.escape(term), simple)]
        at = 0
        for run in re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+|[^\u3400-\u9fff\uf900-\ufaff]+", text):
            if _is_han(run[0]):
                for word in _segment(run, hmm=True):
                    if len(word) > 1:
                        spans.append((at, at + len(word)))
                    at += len(word)
            else:
                at += len(run)
    else:
        spans += [m.span() for m in _EN_NUMBER.finditer(text) if " " in m.group() or "-" in m.group()]
    return spans


def cue_tokens(text: str) -> list[str]:
    """The pieces a subtitle may break between: ``subtitle_tokens``, glued where a break would split
    a spoken number, a quoted title or a word jieba's dictionary does not know."""
    pieces = subtitle_tokens(text)
    inside = set()
    for start, end in _protected_spans(text, any(_is_han(char) for char in text)):
        inside.update(range(start + 1, end))
    glued: list[str] = []
    at = 0
    for piece in pieces:
        bracketed = glued and (glued[-1].rstrip()[-1:] in BRACKETS_OPEN or piece.lstrip()[:1] in BRACKETS_CLOSE)
        if glued and (at in inside or bracketed):
            glued[-1] += piece
        else:
            glued.append(piece)
        at += len(piece)
    return glued


def break_kind(before: str, after: str) -> str:
    """What kind of break falls between ``before`` and ``after`` (the text either side): one of
    BREAK_KINDS, from a sentence's end to a poor break that splits a phrase."""
    left, right = before.rstrip(), after.lstrip()
    end = left.rstrip(CLOSERS)[-1:]
    if end in SENTENCE_ENDS:
        return "sentence"
    if end in CLAUSE_ENDS or end in "、—–":
        return "clause"
    if any(_is_han(char) for char in left[-1:] + right[:1]):
        left, right = _simplify(left[-4:]), _simplify(right[:4])
        if right.startswith(_simplified_words(_ZH_CONJUNCTIONS)):
            return "conjunction"
        leaning = left.endswith(_simplified_words(_ZH_NO_BREAK_AFTER))
        if leaning or right.startswith(_simplified_words(_ZH_NO_LINE_START)):
            return "poor"
        return "phrase" if right.startswith(_simplified_words(_ZH_PREPOSITIONS)) else "word"
    first = re.sub(r"[^\w'-]", "", right.split(" ")[0]).lower()
    last = re.sub(r"[^\w'-]", "", left.split(" ")[-1]).lower()
    if first in _EN_CONJUNCTIONS:
        return "conjunction"
    if last in _EN_NO_BREAK_AFTER or (re.fullmatch(r"[\d.,]+", last) and first.isalpha()):
        return "poor"  # a word that leans on the next, or a number apart from what it counts ("36 / steps")
    return "phrase" if first in _EN_PREPOSITIONS else "word"


# What a break of each kind costs, as a line break within a cue; a cue break costs more unless it
# ends a sentence, so cues follow sentences and clauses.
_BREAK_COST = {"sentence": 0.0, "clause": 1.0, "conjunction": 3.0, "phrase": 7.0, "word": 10.0, "poor": 30.0}
_CUE_BREAK_EXTRA = {"sentence": 0.0, "clause": 2.0, "conjunction": 4.0, "phrase": 8.0, "word": 10.0, "poor": 30.0}
_CUE_COST = 6.0  # every cue: fewer, fuller cues unless a clause asks for a cut
_SENTENCE_INSIDE_LINE = 8.0  # a sentence ending mid-line, the next one starting on the same line
_TWO_LINES_THAT_FIT_ONE = 6.0  # a subtitler keeps a short cue on one line
_SHORT_CUE = 8.0  # a cue under half a line that is not a whole sentence: join it to a neighbour
_ORPHAN = 1000.0  # a line of one word (English) or one or two characters (Chinese)


def _is_orphan(line: str, chinese: bool) -> bool:
    """A line that should not stand alone: one word, or in Chinese one or two characters."""
    if chinese and any(_is_han(char) for char in line):
        return len(re.sub(r"[^\w]", "", line)) <= 2
    return len(re.findall(r"\w+(?:['’-]\w+)*", line)) <= 1


def _best_cut(pieces: list[str], width: int, chinese: bool) -> list[list[str]]:
    """The cues (each a list of lines) of least cost (see the constants above)."""
    count = len(pieces)
    ends = [0]
    for piece in pieces:
        ends.append(ends[-1] + len(piece))
    text = "".join(pieces)
    kinds = ["sentence"] + [break_kind(text[:ends[p]], text[ends[p]:]) for p in range(1, count)] + ["sentence"]

    line_cost: dict[tuple[int, int], float | None] = {}

    def line(i: int, j: int) -> float | None:
        """The cost of tokens i..j as one line (None when too long), counting sentences ending inside it."""
        if (i, j) not in line_cost:
            words = text[ends[i]:ends[j]].strip()
            if len(words) > width and j - i > 1:
                line_cost[(i, j)] = None
            else:
                inside = sum(kinds[p] == "sentence" for p in range(i + 1, j))
                line_cost[(i, j)] = (_ORPHAN if _is_orphan(words, chinese) and count > 1 else 0.0) + \
                    inside * _SENTENCE_INSIDE_LINE
        return line_cost[(i, j)]

    best: list[tuple[float, list[list[tuple[int, int]]]]] = [(0.0, [])] + [(math.inf, [])] * count
    for j in range(1, count + 1):
        end_cost = _BREAK_COST[kinds[j]] + _CUE_BREAK_EXTRA[kinds[j]] if j < count else 0.0
        for i in range(j - 1, -1, -1):
            if len(text[ends[i]:ends[j]].strip()) > MAX_LINES * width + 1 and j - i > 1:
                break
            if best[i][0] == math.inf:
                continue
            options = []
            one = line(i, j)
            if one is not None:
                options.append((one, [(i, j)]))
            for m in range(i + 1, j):
                top, bottom = line(i, m), line(m, j)
                if top is None or bottom is None:
                    continue
                lengths = len(text[ends[i]:ends[m]].strip()), len(text[ends[m]:ends[j]].strip())
                cost = top + bottom + _BREAK_COST[kinds[m]] + 2.0 * abs(lengths[0] - lengths[1]) / width
                if sum(lengths) + (0 if chinese else 1) <= width:
                    cost += _TWO_LINES_THAT_FIT_ONE
                options.append((cost, [(i, m), (m, j)]))
            whole_sentence = kinds[i] == kinds[j] == "sentence" or (i == 0 and kinds[j] == "sentence")
            short = _SHORT_CUE if len(text[ends[i]:ends[j]].strip()) < width / 2 and not whole_sentence else 0.0
            for cost, lines in options:
                total = best[i][0] + cost + end_cost + _CUE_COST + short
                if total < best[j][0]:
                    best[j] = (total, [*best[i][1], lines])
    return [[text[ends[i]:ends[j]].strip() for i, j in cue] for cue in best[count][1]]


def split_caption(text: str, lang: str) -> list[str]:
    """``text`` as subtitle cues, cut as a subtitler would (lines joined with a newline): at most
    MAX_LINES lines of at most the rule's width, broken at sentences and clauses where possible,
    never inside a word, a spoken number or a formula, and no line an orphan."""
    chinese = any(_is_han(char) for char in text)
    pieces = cue_tokens(text.strip())
    if not pieces:
        return [""]
    return ["\n".join(lines) for lines in _best_cut(pieces, RULES[lang].line_chars, chinese)]


def cue_breaks(cues: list[str]) -> list[tuple[str, str]]:
    """Each break of a text cut into ``cues`` (between lines and between cues) as the text either side."""
    lines = [line for cue in cues for line in cue.split("\n")]
    return [(" ".join(lines[:k]), " ".join(lines[k:])) for k in range(1, len(lines))]


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

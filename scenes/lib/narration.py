"""Narration: what is said in each beat, and how long a beat lasts for it.

The words come from ``assets/beats/<lang>.json`` (each beat's speech beside its caption, keyed
``ch1.show_sigmoid``), written to be heard: no symbols, and in Chinese no Latin letters (espeak-ng's
Mandarin voice reads them as pinyin). Values computed by the model fill the same ``{placeholders}``
the captions use, turned into words first ("1/4" is "one quarter", "四分之一").

Which voice says them is voice.py; the clips are made by synthesis.py, whose timing marks time the
subtitles here. Standard library only at import time.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from .strings import DERIVED_LANGUAGES, beat_table

if TYPE_CHECKING:
    from .synthesis import Clip

__all__ = [
    "PAUSE_AFTER",
    "Year",
    "beat_seconds_with_voice",
    "beats_of",
    "clip_fraction_times",
    "en_fraction",
    "en_integer",
    "en_year",
    "narration_text",
    "round_up_frames",
    "scripts",
    "speakable",
    "zh_fraction",
    "zh_integer",
    "zh_number",
    "zh_year",
]

PAUSE_AFTER = 0.6  # seconds of quiet after a beat's narration before the next beat starts


# -- What is said --------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def scripts(lang: str) -> dict[str, str]:
    """The speech of every beat of ``lang``: ``"ch1.show_sigmoid": "..."``, from the beats table
    beside the captions (Simplified Chinese is derived from the Traditional scripts, as its strings are)."""
    if lang in DERIVED_LANGUAGES:
        from .simplified import to_simplified

        return {key: to_simplified(text) for key, text in scripts(DERIVED_LANGUAGES[lang]).items()}
    return {beat: words["speech"] for beat, words in beat_table(lang).items()}


def beats_of(chapter_key: str, lang: str = "en") -> list[str]:
    """The beats of a chapter, in order, as the narration table lists them."""
    prefix = f"{chapter_key}."
    return [key[len(prefix):] for key in scripts(lang) if key.startswith(prefix)]


_EN_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
            "sixteen seventeen eighteen nineteen").split()
_EN_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_EN_FRACTIONS = {2: ("half", "halves"), 4: ("quarter", "quarters")}
_ZH_DIGITS = "零一二三四五六七八九"
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_TO_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
# Powers of ten a lecturer names: 10⁻⁶ is "a millionth", 百萬分之一; 10⁶ "a million", 一百萬.
_EN_PARTS = {1: "tenth", 2: "hundredth", 3: "thousandth", 4: "ten-thousandth", 5: "hundred-thousandth",
             6: "millionth", 7: "ten-millionth", 8: "hundred-millionth", 9: "billionth"}
_EN_WHOLES = {3: "thousand", 4: "ten thousand", 5: "hundred thousand", 6: "million", 7: "ten million",
              8: "hundred million", 9: "billion"}
_ZH_POWERS = {1: "十", 2: "百", 3: "千", 4: "萬", 5: "十萬", 6: "百萬", 7: "千萬", 8: "億", 9: "十億"}
# Fractions a lecturer says for a decimal: 0.1 is "a tenth", 十分之一 (numerator, denominator).
_SIMPLE_FRACTIONS = {"0.5": (1, 2), "0.25": (1, 4), "0.75": (3, 4), "0.1": (1, 10), "0.01": (1, 100),
                     "0.001": (1, 1000)}
_EN_DENOMINATORS = {2: ("half", "halves"), 4: ("quarter", "quarters"), 10: ("tenth", "tenths"),
                    100: ("hundredth", "hundredths"), 1000: ("thousandth", "thousandths")}
_ZH_MEASURE_WORDS = "個层層倍步筆種次章位个笔种"
HALVES_TOLERANCE = 0.03  # in English a decimal of 1 or more within 3 % of a half is said as one: 5.6 is "about 5½"


class Year(int):
    """A year, said as one: 2010 is "twenty ten" and 二〇一〇 (digit by digit), not "two thousand ten"."""


def en_integer(number: int) -> str:
    """0..999999 in English words: 36 is "thirty-six", 105 "one hundred five", 2000 "two thousand"."""
    if number < 0:
        return "minus " + en_integer(-number)
    if number < 20:
        return _EN_ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return f"{_EN_ONES[hundreds]} hundred" + (f" {en_integer(rest)}" if rest else "")
    thousands, rest = divmod(number, 1000)
    return f"{en_integer(thousands)} thousand" + (f" {en_integer(rest)}" if rest else "")


def en_year(year: int) -> str:
    """A year as said in English: 2010 "twenty ten", 2005 "two thousand five", 1998 "nineteen ninety-eight"."""
    century, rest = divmod(year, 100)
    if 2000 <= year < 2010 or not 1000 <= year < 10000:
        return en_integer(year)
    if rest == 0:
        return f"{en_integer(century)} hundred"
    return f"{en_integer(century)} {'oh ' if rest < 10 else ''}{en_integer(rest)}"


def zh_year(year: int) -> str:
    """A year as said in Chinese, digit by digit: 2010 is 二〇一〇."""
    return "".join("〇" if digit == "0" else _ZH_DIGITS[int(digit)] for digit in str(year))


def zh_integer(number: int) -> str:
    """0..99999 in Chinese numerals, as spoken: 10 is 十, 25 is 二十五, 105 is 一百零五, 2000 is 兩千."""
    if number < 0:
        return "負" + zh_integer(-number)
    if number < 10:
        return _ZH_DIGITS[number]
    units = ["", "十", "百", "千", "萬"]
    digits = [int(d) for d in str(number)][::-1]
    words, zero = [], False
    for place in range(len(digits) - 1, -1, -1):
        digit = digits[place]
        if digit == 0:
            zero = bool(words)
            continue
        if zero:
            words.append("零")
            zero = False
        if digit == 2 and place >= 3 and not words:
            digit_word = "兩"  # 兩千, 兩萬: a leading two before a thousand or ten thousand
        else:
            digit_word = "" if digit == 1 and place == 1 and len(digits) == 2 else _ZH_DIGITS[digit]
        words.append(digit_word + units[place])
    return "".join(words)


def zh_number(text: str) -> str:
    """A decimal number in Chinese numerals: 0.25 is 零點二五, -3 is 負三."""
    sign, text = ("負", text[1:]) if text.startswith("-") else ("", text)
    whole, _, decimals = text.partition(".")
    spoken = zh_integer(int(whole or 0))
    if decimals:
        spoken += "點" + "".join(_ZH_DIGITS[int(d)] for d in decimals)
    return sign + spoken


def en_fraction(numerator: int, denominator: int) -> str:
    top = _EN_ONES[numerator] if numerator < len(_EN_ONES) else str(numerator)
    if denominator in _EN_FRACTIONS:
        return f"{top} {_EN_FRACTIONS[denominator][numerator != 1]}"
    return f"{top} over {denominator}"


def zh_fraction(numerator: int, denominator: int) -> str:
    """A fraction in Chinese: 1/4 is 四分之一, 1/100 is 百分之一 (not 一百分之一)."""
    bottom = zh_integer(denominator)
    if re.fullmatch(r"10+", str(denominator)):
        bottom = bottom.removeprefix("一")
    return f"{bottom}分之{zh_integer(numerator)}"


def _power_of_ten(mantissa: float, exponent: int, lang: str) -> str:
    """m × 10ⁿ said as a lecturer says it, to one significant digit: 3.3 × 10⁻⁶ is "about three
    millionths", 約百萬分之三; 1 × 10⁻⁵ is "a hundred-thousandth", 十萬分之一."""
    sign, mantissa = ("-", -mantissa) if mantissa < 0 else ("", mantissa)
    digit = round(mantissa)
    if digit >= 10:
        digit, exponent = 1, exponent + 1
    digit = max(digit, 1)
    about = not math.isclose(mantissa, digit, rel_tol=1e-9)
    if lang == "en":
        count = "a" if digit == 1 else _EN_ONES[digit]
        if -exponent in _EN_PARTS:
            said = f"{count} {_EN_PARTS[-exponent]}{'s' if digit > 1 else ''}"
        elif exponent in _EN_WHOLES:
            said = f"{count} {_EN_WHOLES[exponent]}"
        else:
            said = (f"{'' if digit == 1 else _EN_ONES[digit] + ' times '}ten to the "
                    f"{'minus ' if exponent < 0 else ''}{en_integer(abs(exponent))}")
        return ("minus " if sign else "") + ("about " if about else "") + said
    if -exponent in _ZH_POWERS:
        said = f"{_ZH_POWERS[-exponent]}分之{_ZH_DIGITS[digit]}"
    elif exponent in _ZH_POWERS:
        said = zh_integer(digit) + _ZH_POWERS[exponent]
    else:
        said = (f"{'' if digit == 1 else _ZH_DIGITS[digit] + '乘以'}十的"
                f"{'負' if exponent < 0 else ''}{zh_integer(abs(exponent))}次方")
    return ("負" if sign else "") + ("約" if about else "") + said


def _decimal(text: str, lang: str) -> str | None:
    """A decimal (with a point) as a lecturer says it, or None to say it digit by digit: 3.0 is
    "three" and 三; 0.1 "a tenth", 十分之一; in English 5.6 is "about five and a half" (under 10,
    within HALVES_TOLERANCE of a half; from 10, of a whole number: "about" whenever that rounds).
    Chinese keeps the digits (五點六): 五點五 would be another number, not a rounder way to say it."""
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    value = float(digits)
    trimmed = digits.rstrip("0").rstrip(".") if "." in digits else digits
    if trimmed in _SIMPLE_FRACTIONS:
        top, bottom = _SIMPLE_FRACTIONS[trimmed]
        if lang == "en":
            said = f"{'a' if top == 1 else _EN_ONES[top]} {_EN_DENOMINATORS[bottom][top != 1]}"
            return ("minus " if sign else "") + said
        return ("負" if sign else "") + zh_fraction(top, bottom)
    if lang != "en":
        return zh_number(sign + trimmed)
    if value < 1:
        return None
    halves = round(value * 2) / 2 if value < 10 else float(round(value))  # 12.5 stays 12.5, "twelve point five"
    if abs(value - halves) > HALVES_TOLERANCE * value:
        return None
    whole, half = int(halves), halves % 1 == 0.5
    about = "about " if not math.isclose(value, halves) else ""
    if whole >= 10:
        return about + sign + str(whole)
    return ("minus " if sign else "") + about + en_integer(whole) + (" and a half" if half else "")


def speakable(value: object, lang: str) -> str:
    """A computed value as words a lecturer says: fractions, powers of ten (to one significant digit,
    "about three millionths"), decimals near a half ("five and a half"), simple decimal fractions
    ("a tenth") and years ("twenty ten", 二〇一〇) are spelled out, and in Chinese every number, so
    no engine reads "/", drops a superscript or says "three point zero". Other numbers stay digits
    in English (every voice reads them right; subtitles show them as numerals)."""
    if isinstance(value, Year):
        return en_year(value) if lang == "en" else zh_year(value)
    text = str(value).strip().replace("\u2212", "-")  # a minus sign on screen is a minus to say
    fraction = re.fullmatch(r"(\d+)/(\d+)", text)
    text = re.sub(r"^(-?)10(?=[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+$)", r"\g<1>1 × 10", text)  # 10⁻²⁰ is 1 × 10⁻²⁰
    power = re.fullmatch(r"(-?[\d.]+)\s*[×x]\s*10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)", text)
    exponent_form = re.fullmatch(r"(-?[\d.]+)e([+-]?\d+)", text)  # what "{:g}" makes of tiny numbers
    if exponent_form:
        text = f"{exponent_form[1]} × 10{str(int(exponent_form[2])).translate(_TO_SUPERSCRIPT)}"
        power = re.fullmatch(r"(-?[\d.]+)\s*[×x]\s*10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)", text)
    if fraction:
        top, bottom = int(fraction[1]), int(fraction[2])
        return en_fraction(top, bottom) if lang == "en" else zh_fraction(top, bottom)
    if power:
        return _power_of_ten(float(power[1]), int(power[2].translate(_SUPERSCRIPT)), lang)
    if re.fullmatch(r"-?\d+\.\d+", text):
        said = _decimal(text, lang)
        if said is not None:
            return said
    if lang != "en" and re.fullmatch(r"-?\d+(\.\d+)?", text):
        return zh_number(text)
    return text


def narration_text(chapter_key: str, beat: str, lang: str, values: dict[str, object] | None = None) -> str:
    """What is said in ``beat``, its computed values filled in as words."""
    template = scripts(lang)[f"{chapter_key}.{beat}"]
    spoken = {name: speakable(value, lang) for name, value in (values or {}).items()}
    if lang != "en":  # two of something is 兩: 兩層, 兩倍, not 二層
        template = re.sub(rf"\{{(\w+)\}}(?=[{_ZH_MEASURE_WORDS}])",
                          lambda found: "兩" if spoken.get(found[1]) == "二" else found[0], template)
    text = template.format(**spoken)
    if lang in DERIVED_LANGUAGES:  # the values were spelled out in the source language's characters
        from .simplified import to_simplified

        text = to_simplified(text)
    return text


# -- How long a beat lasts for it ------------------------------------------------------------


def clip_fraction_times(clip: Clip, cue_lengths: list[int]) -> list[float]:
    """Seconds into ``clip`` at which each cue starts, for cues of ``cue_lengths`` characters."""
    total = max(1, sum(cue_lengths))
    starts, said = [], 0
    for length in cue_lengths:
        starts.append(clip.time_at(said / total) if said else 0.0)
        said += length
    return starts


def beat_seconds_with_voice(clip: Clip | None) -> float:
    """How long a beat must last for its narration: the clip plus a short pause."""
    return 0.0 if clip is None else clip.duration + PAUSE_AFTER


def round_up_frames(seconds: float, fps: float) -> float:
    return math.ceil(seconds * fps - 1e-9) / fps

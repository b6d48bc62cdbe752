"""Pronunciation: how each engine is told to say the lecture's names and terms.

One table per language, beside the scripts: ``assets/pronunciation/en.json`` (English terms, as
hibari's phonemes and espeak-ng's phoneme mnemonics) and ``assets/pronunciation/zh.json`` (Mandarin
phrases as tone-numbered pinyin, with Taiwan's and the mainland's dictionary readings where they
differ, and the spoken form of Latin terms a Mandarin script may write). Every engine applies the
table in its own way:

- hibari: inline phonemes, ``[ReLU](/ɹˈAlu/)``;
- espeak-ng (English): its phoneme input, ``[[r'eIlu:]]``;
- Piper: its raw phoneme input, ``[[ɹˈeɪluː]]``, the IPA espeak-ng makes of the same mnemonics;
- espeak-ng (Mandarin): the whole text as tone-numbered pinyin (``cmn-latn-pinyin`` reads it as
  written): converted to Simplified characters first, the table's phrases as written there, pypinyin
  for the rest.

``spoken_form`` gives what an engine receives; ``./render.sh proofread`` prints it for every beat.
Standard library only at import time; pypinyin and OpenCC are imported when Mandarin is read.
"""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .settings import ASSETS

__all__ = [
    "PRONUNCIATION_DIR",
    "Term",
    "table_file",
    "table_digest",
    "english_terms",
    "english_for",
    "espeak_ipa",
    "simplified_characters",
    "mandarin_phrases",
    "latin_terms",
    "mandarin_pinyin",
    "latin_words",
    "spoken_form",
]

PRONUNCIATION_DIR = ASSETS / "pronunciation"
ENGLISH_ENGINES = ("hibari", "espeak", "piper")
# Chinese punctuation as the pause espeak-ng makes for its ASCII twin; brackets and quotes are not said.
_PAUSES = {"，": ",", "、": ",", "；": ";", "：": ":", "。": ".", "？": "?", "！": "!", "…": ",",
           ",": ",", ";": ";", ":": ":", ".": ".", "?": "?", "!": "!"}
_SILENT = set("《》「」『』“”‘’（）()\"'")
# Characters only, no phrases: tw2sp would turn Taiwan's words into the mainland's (資料 -> 数据,
# 設定 -> 设置), and the zh-TW voice would say words its script does not have.
CHARACTERS_ONLY = "tw2s"
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_PLACEHOLDER = re.compile(r"\{\w+\}")  # a template's {value}, kept whole (the reviewed lists read templates)


def table_file(lang: str) -> Path:
    """The pronunciation table of ``lang``: en.json, or zh.json for both Mandarin scripts."""
    return PRONUNCIATION_DIR / ("en.json" if lang == "en" else "zh.json")


def table_digest(lang: str) -> str:
    """A hash of ``lang``'s table, for the fingerprints: an edited pronunciation re-renders."""
    return hashlib.sha256(table_file(lang).read_bytes()).hexdigest()[:16]


@lru_cache(maxsize=None)
def _table(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


# -- English ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One English term: its written form, its phonemes for each engine, and a reviewer's reading."""

    written: str
    hibari: str
    espeak: str
    say: str = ""
    when: str | None = None  # what must follow it ("He" the surname: "He initialisation")

    @property
    def pattern(self) -> re.Pattern[str]:
        """The term as a whole word, also capitalised, with an optional 's or s after it."""
        forms = {self.written, self.written[:1].upper() + self.written[1:]}
        alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
        follows = f"(?={self.when})" if self.when else ""
        return re.compile(rf"(?<![\w'’-])({alternatives})('s|’s|s)?(?![\w-]){follows}")


@lru_cache(maxsize=None)
def english_terms() -> tuple[Term, ...]:
    """The English table's terms, longest first (PReLU before ReLU)."""
    entries = _table(table_file("en"))["terms"]
    terms = [Term(written, entry["hibari"], entry["espeak"], entry.get("say", ""), entry.get("when"))
             for written, entry in entries.items()]
    return tuple(sorted(terms, key=lambda term: len(term.written), reverse=True))


@lru_cache(maxsize=None)
def espeak_ipa(mnemonics: str) -> str:
    """The IPA espeak-ng makes of its phoneme mnemonics: what Piper's phoneme input takes."""
    result = subprocess.run(["espeak-ng", "-q", "-v", "en-us", "--ipa", f"[[{mnemonics}]]"],
                            capture_output=True, text=True, check=True)
    return result.stdout.strip()


def _phonemes(term: Term, suffix: str | None, engine: str) -> str:
    ending = "z" if suffix else ""  # ReLU's, sigmoids: a voiced s after a vowel or voiced consonant
    if engine == "hibari":
        return term.hibari + ending
    if engine == "espeak":
        return term.espeak + ending
    return espeak_ipa(term.espeak + ending)


def english_for(engine: str, text: str) -> str:
    """``text`` with every table term given as ``engine``'s phonemes (hibari, espeak or piper)."""
    if engine not in ENGLISH_ENGINES:
        raise ValueError(f"no English phoneme input for {engine}")
    found: list[tuple[int, int, Term, str | None]] = []
    for term in english_terms():
        for match in term.pattern.finditer(text):
            if all(match.end() <= start or end <= match.start() for start, end, _, _ in found):
                found.append((match.start(), match.end(), term, match[2]))
    pieces, at = [], 0
    for start, end, term, suffix in sorted(found, key=lambda item: item[0]):
        pieces.append(text[at:start])
        phonemes = _phonemes(term, suffix, engine)
        pieces.append(f"[{text[start:end]}](/{phonemes}/)" if engine == "hibari" else f"[[{phonemes}]]")
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


# -- Mandarin ---------------------------------------------------------------------------------------


def _reading(entry: object, lang: str) -> str:
    if isinstance(entry, str):
        return entry
    return entry.get(lang) or entry["reading"]


@lru_cache(maxsize=None)
def _character_converter():
    import opencc  # in the venv (requirements.txt)

    return opencc.OpenCC(CHARACTERS_ONLY)


def simplified_characters(text: str, lang: str) -> str:
    """The text pypinyin reads: zh-TW in Simplified characters, its words kept (網路 stays 网路, never
    the mainland 网络, read wǎngluò); zh-CN is Simplified already."""
    return _character_converter().convert(text) if lang == "zh-TW" else text


@lru_cache(maxsize=None)
def mandarin_phrases(lang: str) -> tuple[tuple[str, str], ...]:
    """The table's phrases as (their form in the text pypinyin reads, pinyin for ``lang``), longest first."""
    # Characters only, for zh-CN too: the reviewed zh-CN overrides would turn a phrase into another
    # word (偏差 into 偏置) and give it the first word's reading (pian1 cha1).
    phrases = _table(table_file(lang))["phrases"]
    found = {simplified_characters(phrase, "zh-TW"): _reading(entry, lang) for phrase, entry in phrases.items()}
    return tuple(sorted(found.items(), key=lambda item: len(item[0]), reverse=True))


@lru_cache(maxsize=None)
def latin_terms() -> dict[str, str]:
    """The spoken form (pinyin) of each Latin term a Mandarin script may write."""
    return dict(_table(table_file("zh-TW")).get("latin", {}))


def latin_words(text: str) -> list[str]:
    """The Latin words of a Mandarin text (each needs a spoken form in the table)."""
    return _LATIN.findall(text)


def _han_pinyin(run: str, lang: str) -> list[str]:
    """Tone-numbered syllables of a run of (Simplified) characters: table phrases first, pypinyin between."""
    from pypinyin import Style, lazy_pinyin

    syllables: list[str] = []
    plain_from = at = 0
    phrases = mandarin_phrases(lang)

    def flush(until: int) -> None:
        if until > plain_from:
            syllables.extend(lazy_pinyin(run[plain_from:until], style=Style.TONE3, neutral_tone_with_five=True))

    while at < len(run):
        phrase = next(((p, reading) for p, reading in phrases if run.startswith(p, at)), None)
        if phrase is None:
            at += 1
            continue
        flush(at)
        syllables.extend(phrase[1].split())
        at += len(phrase[0])
        plain_from = at
    flush(len(run))
    return syllables


def mandarin_pinyin(text: str, lang: str) -> str:
    """What espeak-ng's ``cmn-latn-pinyin`` voice is given for ``text``: tone-numbered pinyin, one
    syllable a word, punctuation kept as the pauses it makes. zh-TW is converted to Simplified
    characters first (pypinyin reads Simplified more reliably: 幾乎 ji3, 測量 liang4 on Traditional input)."""
    simple = simplified_characters(text, lang)
    words: list[str] = []
    latin = latin_terms()
    at = 0
    while at < len(simple):
        character = simple[at]
        han = _HAN.match(simple, at)
        word = _LATIN.match(simple, at)
        placeholder = _PLACEHOLDER.match(simple, at)
        if placeholder:
            words.append(placeholder[0])
            at = placeholder.end()
        elif han:
            words.extend(_han_pinyin(han[0], lang))
            at = han.end()
        elif word:
            term = word[0].rstrip("'’")
            words.extend((latin.get(term) or term).split())
            at = word.end()
        else:
            if character in _PAUSES and words and words[-1][-1] not in ",;:.?!":
                words[-1] += _PAUSES[character]
            elif not character.isspace() and character not in _SILENT and character not in _PAUSES:
                words.append(character)
            at += 1
    return " ".join(words)


def spoken_form(engine: str, lang: str, text: str) -> str:
    """What ``engine`` is given to say ``text`` in ``lang``, the pronunciation table applied."""
    if lang != "en":
        return mandarin_pinyin(text, lang) if engine == "espeak" else text
    return english_for(engine, text) if engine in ENGLISH_ENGINES else text

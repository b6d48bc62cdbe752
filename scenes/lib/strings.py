"""Every on-screen word and caption, looked up by meaning in the active language's string table.

Tables live in ``assets/strings/<lang>.json`` (flat ``"chapter.key": "text"`` maps); the languages
are the tables present plus those derived from one of them at build time (Simplified Chinese from
Traditional, see simplified.py). Each beat's caption sits beside its speech in
``assets/beats/<lang>.json`` (``{"ch4.big_update": {"caption": ..., "speech": ...}}``) and is looked
up here as ``ch4.big_update.caption``. The font for each language is in ``assets/fonts.json``.
Standard library only: the render pipeline validates ``--lang`` with it before any install.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from .lecture import Lecture, current_lecture
from .settings import ASSETS

__all__ = [
    "beat_file",
    "beat_table",
    "CAPTION_SUFFIX",
    "current_language",
    "DEFAULT_LANGUAGE",
    "font",
    "languages",
    "raw",
    "t",
    "table",
]

STRINGS_DIR = ASSETS / "strings"
# One table of beats per language: a beat's words, shown and spoken, side by side (narration.py reads
# the speech).
BEATS_DIR = ASSETS / "beats"
CAPTION_SUFFIX = ".caption"
DEFAULT_LANGUAGE = Lecture().language  # one default, the lecture context's (lecture.py)
# Languages made from another language's table when needed, never kept as a file of their own.
DERIVED_LANGUAGES = {"zh-CN": "zh-TW"}


def languages() -> tuple[str, ...]:
    """The languages that have a string table (English first), then those derived from one."""
    found = sorted(p.stem for p in STRINGS_DIR.glob("*.json"))
    derived = [lang for lang, source in DERIVED_LANGUAGES.items() if source in found]
    return (*sorted(found, key=lambda lang: lang != DEFAULT_LANGUAGE), *derived)


def current_language() -> str:
    """The language of the lecture being drawn (lecture.py; default English)."""
    lang = current_lecture().language
    if lang not in languages():
        raise ValueError(f"no string table for language {lang!r}; choose one of {', '.join(languages())}")
    return lang


@lru_cache(maxsize=None)
def table(lang: str) -> dict[str, str]:
    """The whole string table of ``lang``."""
    if lang in DERIVED_LANGUAGES:
        from .simplified import simplified_table  # needs OpenCC, from the venv

        return simplified_table(table(DERIVED_LANGUAGES[lang]))
    with open(STRINGS_DIR / f"{lang}.json", encoding="utf-8") as fh:
        entries = json.load(fh)
    entries.update({f"{beat}{CAPTION_SUFFIX}": words["caption"] for beat, words in beat_table(lang).items()})
    return entries


@lru_cache(maxsize=None)
def beat_table(lang: str) -> dict[str, dict[str, str]]:
    """The beats table of ``lang`` as written (a derived language reads its source's): each beat's
    caption and speech, in the lecture's order."""
    with open(beat_file(lang), encoding="utf-8") as fh:
        return json.load(fh)


def beat_file(lang: str) -> Path:
    """The beats table ``lang``'s captions and speech come from (the source table for a derived language)."""
    return BEATS_DIR / f"{DERIVED_LANGUAGES.get(lang, lang)}.json"


def raw(key: str, lang: str | None = None) -> str:
    """The text for ``key`` with its ``{placeholders}`` left in (for callers that fill them with formulas)."""
    lang = lang or current_language()
    entries = table(lang)
    if key not in entries:
        raise KeyError(f"string {key!r} is missing from the {lang} table")
    return entries[key]


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The text for ``key`` in ``lang`` (default: the active language), with ``{values}`` filled in.
    A placeholder without a value is an error, never a literal "{depth}" on screen.

    Examples
    --------
    >>> t("ch1.title", lang="en")
    "The sigmoid's slope never exceeds 1/4"
    """
    return raw(key, lang).format(**values)


@lru_cache(maxsize=None)
def _fonts() -> dict[str, str]:
    with open(ASSETS / "fonts.json", encoding="utf-8") as fh:
        return json.load(fh)


def font(lang: str | None = None) -> str:
    """The font family used for text in ``lang`` (default: the active language)."""
    return _fonts()[lang or current_language()]

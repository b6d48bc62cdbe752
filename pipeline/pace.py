"""Measure a voice's pace over the whole script: ``python -m pipeline.pace [--voice V] [--lang L]``.

Every beat's narration is synthesised into a fresh cache (so the time is a cold one), each computed
value said as one number word ("ten", 十: the pace, not the values, is measured), and the clips'
seconds are counted: English in words a minute (a lecturer speaks about 150-160), Mandarin in
syllables a second (about 4-4.5; a syllable is one pinyin word of what espeak-ng is given). The
rates in scenes/lib/synthesis.py were set from these numbers (docs/voices.md).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

from scenes.lib.settings import CACHE_DIR_ENV, ROOT
from scenes.lib.strings import languages

SAMPLE_VALUE = {"en": "ten", "zh-TW": "十", "zh-CN": "十"}
MEASURE = "import json, sys; from pipeline.pace import measure; print(json.dumps(measure(*sys.argv[1:3])))"


def measure(voice_spec: str, lang: str) -> dict[str, float]:
    """Synthesise the whole script of ``lang`` cold; its units said, seconds of clips, and wall time."""
    from scenes.lib import narration, pronunciation, synthesis
    from scenes.lib.voice import parse_voice

    voice = parse_voice(voice_spec)
    units = seconds = 0.0
    started = time.perf_counter()
    for key, template in narration.scripts(lang).items():
        chapter, beat = key.split(".", 1)
        values = {name: SAMPLE_VALUE[lang] for name in re.findall(r"\{(\w+)\}", template)}
        text = narration.narration_text(chapter, beat, lang, values)
        clip = synthesis.clip_for(voice, lang, text, int(chapter[2:]), beat)
        seconds += clip.duration
        units += len(text.split()) if lang == "en" else len(pronunciation.mandarin_pinyin(text, lang).split())
    wall = time.perf_counter() - started
    pace = units / seconds * 60 if lang == "en" else units / seconds
    return {"units": units, "seconds": seconds, "pace": pace, "wall": wall}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.pace", description=__doc__.splitlines()[0])
    parser.add_argument("--voice", default="hibari")
    parser.add_argument("--lang", choices=languages(), default="en")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        # A cold cache, so every clip is synthesised: the cache is found through the environment, so
        # the measuring runs in a process of its own, given that cache.
        measured = subprocess.run([sys.executable, "-c", MEASURE, args.voice, args.lang], cwd=ROOT,
                                  env={**os.environ, CACHE_DIR_ENV: cache}, capture_output=True, text=True,
                                  check=True)
        found = json.loads(measured.stdout.strip().splitlines()[-1])
    unit = "words a minute" if args.lang == "en" else "syllables a second"
    print(f"{args.voice} {args.lang}: {found['units']:.0f} {'words' if args.lang == 'en' else 'syllables'} in "
          f"{found['seconds']:.1f} s of speech: {found['pace']:.2f} {unit}; synthesised in {found['wall']:.1f} s")


if __name__ == "__main__":
    main()

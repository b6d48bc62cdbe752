"""Write the pinyin espeak-ng is given for every Mandarin beat, for review:
``.venv/bin/python tests/review_pinyin.py`` rewrites ``tests/reviewed/pinyin-<lang>.json``.

test_pronunciation.py compares the scripts' pinyin with these files, so a new or edited sentence
fails until someone has read its pinyin here (``git diff``), fixed any misread polyphone with a
line in ``assets/pronunciation/zh.json``, and written the files again.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REVIEWED = ROOT / "tests" / "reviewed"
LANGUAGES = ("zh-TW", "zh-CN")


def script_pinyin(lang: str) -> dict[str, str]:
    """Each beat's template (its {values} kept) as the tone-numbered pinyin espeak-ng reads."""
    from scenes.lib.narration import scripts
    from scenes.lib.pronunciation import mandarin_pinyin

    return {key: mandarin_pinyin(text, lang) for key, text in sorted(scripts(lang).items())}


def reviewed_file(lang: str) -> Path:
    return REVIEWED / f"pinyin-{lang}.json"


if __name__ == "__main__":
    REVIEWED.mkdir(exist_ok=True)
    for lang in LANGUAGES:
        text = json.dumps(script_pinyin(lang), ensure_ascii=False, indent=1) + "\n"
        reviewed_file(lang).write_text(text, encoding="utf-8")
        print(f"wrote {reviewed_file(lang).relative_to(ROOT)}")

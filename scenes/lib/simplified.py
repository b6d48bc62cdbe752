"""Simplified Chinese, derived at build time from the Traditional Chinese table so the two never
drift apart: OpenCC's Taiwan-to-mainland conversion (``tw2sp``: characters and phrases, 網路 -> 网络,
資料 -> 数据), then a small reviewed table of replacements for terms it gets wrong
(``assets/strings/overrides/zh-CN.json``).

OpenCC (the ``opencc`` package, the C++ library's own Python binding with its dictionaries) is the
converter every Chinese input method and Wikipedia's tooling builds on; a hand-made character map
would miss the phrase-level differences. It is imported only when a Simplified table is needed, so
validating ``--lang zh-CN`` needs nothing installed.
"""
from __future__ import annotations

import json
from functools import lru_cache

from .settings import ASSETS

__all__ = ["to_simplified", "simplified_table", "overrides"]

OPENCC_CONFIG = "tw2sp"  # Traditional (Taiwan standard) to Simplified, with mainland phrases
OVERRIDES = ASSETS / "strings" / "overrides" / "zh-CN.json"


@lru_cache(maxsize=None)
def overrides() -> tuple[tuple[str, str], ...]:
    """The reviewed replacements, (OpenCC's output, the mainland term), in order."""
    with open(OVERRIDES, encoding="utf-8") as fh:
        return tuple((item["from"], item["to"]) for item in json.load(fh)["replacements"])


@lru_cache(maxsize=None)
def _converter():
    import opencc  # in the venv (requirements.txt), not needed to validate options

    return opencc.OpenCC(OPENCC_CONFIG)


def to_simplified(text: str) -> str:
    """``text`` (Traditional, Taiwan usage) in Simplified characters and mainland terms."""
    converted = _converter().convert(text)
    for found, replacement in overrides():
        converted = converted.replace(found, replacement)
    return converted


def simplified_table(traditional: dict[str, str]) -> dict[str, str]:
    """A whole string table converted; ``{placeholders}`` are ASCII and pass through unchanged."""
    return {key: to_simplified(text) for key, text in traditional.items()}

"""Shared fixtures: run scenes in-process with Manim's dry run, and the project's paths."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def lecture_env(monkeypatch):
    """Set the language and theme a scene reads at construct time."""

    def apply(lang: str = "en", theme: str = "dark") -> None:
        monkeypatch.setenv("LECTURE_LANG", lang)
        monkeypatch.setenv("LECTURE_THEME", theme)

    return apply

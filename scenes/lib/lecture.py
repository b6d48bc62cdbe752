"""The lecture's context: the language, theme, voice and course a chapter is drawn in, in one record.

It is built once and passed on, never looked up piecemeal:

- the build tool writes it into a Manim process's environment (``Lecture.environment``), because
  Manim runs a chapter in a process of its own;
- a Manim process reads it from there once (``current_lecture``, the first time it is asked);
- an in-process run (the tests, the key frames, the stills) sets it for what it runs with
  ``lecture_context``, a ``contextvars.ContextVar``: nothing patches ``os.environ``.

No other module reads these four from the environment: ``strings.current_language``,
``style.current_theme``, ``voice.current_voice`` and ``course.current_course`` ask this one.
Standard library only: render.sh reads it before anything is installed.
"""
from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = [
    "CONFIG_ENV",
    "LANG_ENV",
    "THEME_ENV",
    "VOICE_ENV",
    "Lecture",
    "current_lecture",
    "lecture_context",
    "scene_env",
]

LANG_ENV = "LECTURE_LANG"  # the language a chapter is drawn in
THEME_ENV = "LECTURE_THEME"  # its colour theme
VOICE_ENV = "LECTURE_VOICE"  # the narration voice (see scenes/lib/voice.py); unset: none
CONFIG_ENV = "LECTURE_CONFIG"  # the lecturer's course file (--config), read by the cards


@dataclass(frozen=True)
class Lecture:
    """What a chapter is drawn in: ``language`` (a string table), ``theme`` (a theme's name),
    ``voice`` (a ``--voice`` value; ``none`` in dry runs) and ``course`` (the ``--config`` file, or
    None for today's cards). Each is checked where it is used (strings, style, voice, course)."""

    language: str = "en"
    theme: str = "dark"
    voice: str = "none"
    course: Path | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Lecture:
        """The lecture a Manim process was started for; the defaults for anything unset."""
        default = cls()
        config = environ.get(CONFIG_ENV)
        return cls(environ.get(LANG_ENV) or default.language, environ.get(THEME_ENV) or default.theme,
                   environ.get(VOICE_ENV) or default.voice, Path(config) if config else None)

    def environment(self, base: Mapping[str, str] = os.environ) -> dict[str, str]:
        """``base`` with this lecture written in, for a Manim process (a course left in ``base`` is
        dropped: the cards show this lecture's, never one left in the shell)."""
        env = {**base, LANG_ENV: self.language, THEME_ENV: self.theme, VOICE_ENV: self.voice}
        env.pop(CONFIG_ENV, None)
        if self.course is not None:
            env[CONFIG_ENV] = str(self.course)
        return env

    def but(self, **changes: object) -> Lecture:
        """The same lecture with ``changes`` (``lecture.but(theme="light")``)."""
        return replace(self, **changes)


_CONTEXT: ContextVar[Lecture | None] = ContextVar("lecture", default=None)
_from_environment: list[Lecture] = []  # this process's lecture, read from its environment once


def current_lecture() -> Lecture:
    """The lecture being drawn: the one set by ``lecture_context`` around this call, else this
    process's (read from its environment the first time, as a Manim worker's)."""
    lecture = _CONTEXT.get()
    if lecture is not None:
        return lecture
    if not _from_environment:
        _from_environment.append(Lecture.from_environment())
    return _from_environment[0]


@contextmanager
def lecture_context(lecture: Lecture) -> Iterator[Lecture]:
    """Draw in ``lecture`` inside the ``with`` block (in-process runs: tests, key frames, stills)."""
    token = _CONTEXT.set(lecture)
    try:
        yield lecture
    finally:
        _CONTEXT.reset(token)


def scene_env(lang: str, theme: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment for a Manim process that draws in ``lang`` and ``theme`` (voice and course as
    ``base`` has them)."""
    return {**(os.environ if base is None else base), LANG_ENV: lang, THEME_ENV: theme}

"""The lecturer's own course on the cards: ``render.sh --config FILE``, a TOML file such as::

    course = "CS 189 · Lecture 7"
    lecturer = "Ada Chen"
    institution = "Example University"
    logo = "logo.png"          # PNG or SVG, relative to the config file
    accent = "#E69F00"         # a colour for the card's rule and the thumbnail's stripe
    licence = "CC BY 4.0"      # the licence of the rendered lecture (this is the default)

Every key is optional; absent keys leave today's cards. They appear on the title card, the closing
card and the thumbnail, in every language, and the licence in the YouTube metadata. A bad file
(unknown key, missing logo, unreadable colour, not TOML) is one line of error before anything
renders. Standard library only (tomllib, Python 3.11): render.sh checks the file before any install.
"""
from __future__ import annotations

import hashlib
import os
import re
import tomllib
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from .lecture import current_lecture

__all__ = ["DEFAULT_LICENCE", "CODE_LICENCE", "KEYS", "ConfigError", "Course", "load_course", "current_course"]

DEFAULT_LICENCE = "CC BY 4.0"
CODE_LICENCE = "MIT"  # LICENSE, for the code that makes the lecture
TEXT_KEYS = ("course", "lecturer", "institution")
MAX_TEXT = 60  # characters of course, lecturer or institution: one line on the title card
LOGO_SUFFIXES = (".png", ".svg")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


class ConfigError(ValueError):
    """A config file that cannot be used, said in one line."""


@dataclass(frozen=True)
class Course:
    """The lecturer's course, as the config file gives it (empty strings where it says nothing)."""

    course: str = ""
    lecturer: str = ""
    institution: str = ""
    logo: Path | None = None
    accent: str | None = None  # "#rrggbb"
    licence: str = DEFAULT_LICENCE
    source: Path | None = None  # the config file itself

    @property
    def names(self) -> str:
        """Lecturer and institution on one line: "Ada Chen · Example University"."""
        return " · ".join(part for part in (self.lecturer, self.institution) if part)

    @property
    def is_empty(self) -> bool:
        """Whether there is nothing to put on a card besides the licence."""
        return not (self.course or self.names or self.logo)

    def digest(self) -> str:
        """A hash of the config file and the logo: what the cards are drawn from."""
        hasher = hashlib.sha256()
        for path in (self.source, self.logo):
            hasher.update(path.read_bytes() if path else b"-")
        return hasher.hexdigest()[:16]


KEYS = tuple(field.name for field in fields(Course) if field.name != "source")


def _colour(value: str) -> str:
    if not _HEX_COLOUR.fullmatch(value):
        raise ConfigError(f"accent {value!r} is not a colour; write it as #RRGGBB, for example #E69F00")
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return f"#{digits.lower()}"


def _logo(value: str, folder: Path) -> Path:
    path = (folder / value).expanduser().resolve()
    if not path.is_file():
        raise ConfigError(f"logo {value!r} not found (looked for {path}; a relative path starts at the config file)")
    if path.suffix.lower() not in LOGO_SUFFIXES:
        raise ConfigError(f"logo {value!r} is neither PNG nor SVG; use a .png or .svg file")
    if path.suffix.lower() == ".png":
        with open(path, "rb") as fh:
            if fh.read(len(_PNG_SIGNATURE)) != _PNG_SIGNATURE:
                raise ConfigError(f"logo {value!r} is not a readable PNG image")
    else:
        try:
            root = ElementTree.parse(path).getroot()
        except (ElementTree.ParseError, OSError):
            raise ConfigError(f"logo {value!r} is not a readable SVG image") from None
        if not root.tag.endswith("svg"):
            raise ConfigError(f"logo {value!r} is not a readable SVG image (its root is not <svg>)")
    return path


def load_course(path: Path) -> Course:
    """Read and check a config file; raise ConfigError with one line on anything wrong."""
    path = Path(path).expanduser()
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {str(path)!r} not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"config file {str(path)!r} cannot be read ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config file {str(path)!r} is not valid TOML ({error})") from None
    unknown = [key for key in data if key not in KEYS]
    if unknown:
        raise ConfigError(f"unknown key {unknown[0]!r} in config file {str(path)!r}; the keys are {', '.join(KEYS)}")
    for key, value in data.items():
        if not isinstance(value, str):
            raise ConfigError(f"{key} in config file {str(path)!r} must be a string in quotes, not {value!r}")
    values: dict[str, object] = {key: " ".join(data[key].split()) for key in TEXT_KEYS if key in data}
    for key, text in values.items():
        if len(text) > MAX_TEXT:
            raise ConfigError(f"{key} is {len(text)} characters long; at most {MAX_TEXT} fit on the title card")
    if "logo" in data:
        values["logo"] = _logo(data["logo"], path.resolve().parent)
    if "accent" in data:
        values["accent"] = _colour(data["accent"].strip())
    if "licence" in data:
        if not data["licence"].strip():
            raise ConfigError("licence is empty; name the licence of the rendered lecture, e.g. \"CC BY 4.0\"")
        values["licence"] = " ".join(data["licence"].split())
    return Course(**values, source=path.resolve())


@lru_cache(maxsize=None)
def _cached(path: str, stamp: float) -> Course:
    return load_course(Path(path))


def current_course() -> Course:
    """The course of the lecture being drawn (its ``--config``, lecture.py), or the default: no
    course, CC BY 4.0."""
    path = current_lecture().course
    if path is None:
        return Course()
    return _cached(str(path), os.stat(path).st_mtime)

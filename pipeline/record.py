"""``./render.sh record``: the lecturer's own voice, one take per beat, in the terminal.

It walks the chosen chapters' beats in lecture order and, for each beat not yet recorded, shows
what to say (the beat's narration, its numbers in words as the scene computes them: each chapter
runs once with its animations skipped, as for the stills), records from the microphone until Enter,
trims the silence at both ends and asks: keep, retake, skip or quit. Takes go to
``DIR/<lang>/<NN-chapter>/<beat>.wav`` (default DIR: ``takes/``), which ``--voice recorded:DIR``
reads. Beats already recorded are skipped, so a session can stop and go on later.

The microphone is read by ALSA's ``arecord`` (alsa-utils, which render.sh installs): 48 kHz, 16-bit,
mono, until it is stopped. ``LECTURE_RECORDER`` names another program taking the same arguments
(the tests use a stand-in, as CI has no microphone).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.options import BeatCommandOptions, UsageError, beat_command_parser, parse_command_options
from pipeline.registry import Chapter, find_chapters
from pipeline.settings import RECORDER_ENV
from scenes.lib import synthesis
from scenes.lib.settings import ROOT, cache_root
from scenes.lib.voice import VoiceError

RECORDER = "arecord"
RATE = 48000
DEFAULT_TAKES = "takes"


@dataclass(frozen=True)
class RecordOptions(BeatCommandOptions):
    takes: Path


def parse_record_options(argv: list[str]) -> RecordOptions:
    parser = beat_command_parser("record")
    parser.add_argument("--takes", default=str(ROOT / DEFAULT_TAKES))
    args = parse_command_options(parser, argv, "record", "--lang, --scenes and --takes")
    takes = Path(args.takes).expanduser()
    if takes.exists() and not takes.is_dir():
        raise UsageError(f"takes folder {args.takes!r} is a file")
    return RecordOptions(args.lang, tuple(find_chapters(args.scenes)), takes.resolve())


def scripts_to_read(chapter: Chapter, lang: str) -> dict[str, str]:
    """What is said in each of the chapter's beats, computed values filled in, as the video says it."""
    from pipeline.key_frames import render_key_frames

    # A small picture: only the words are wanted, but the chapter must run to compute them.
    frames = render_key_frames(chapter, lang, "dark", cache_root() / "record-media", 160, 90)
    return {beat: frame.spoken for beat, frame in frames.items()}


def recorder_command(target: Path) -> list[str]:
    program = os.environ.get(RECORDER_ENV) or RECORDER
    return [program, "-q", "-f", "S16_LE", "-r", str(RATE), "-c", "1", "-t", "wav", str(target)]


def ask(prompt: str) -> str:
    print(prompt, end="", flush=True)
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.strip().lower()


def record_take(target: Path) -> tuple[Path | None, str]:
    """Record until Enter; return the trimmed take (a temporary file) or None, and what happened."""
    raw = target.with_name(f".{target.stem}.raw.wav")
    command = recorder_command(raw)
    if shutil.which(command[0]) is None:
        raise FileNotFoundError(f"no recorder '{command[0]}' (render.sh installs alsa-utils; "
                                f"or set {RECORDER_ENV} to a program taking arecord's arguments)")
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
    try:
        ask("  recording... press Enter to stop ")
    finally:
        started = time.monotonic()  # a recorder stopped before it opened its file writes nothing
        while process.poll() is None and not raw.exists() and time.monotonic() - started < 3:
            time.sleep(0.05)
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # arecord finishes the WAV header on SIGINT
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
    try:
        samples, rate = synthesis.read_wav(raw)
        speech, _ = synthesis.trimmed(samples, rate, "the take")
    except VoiceError as error:
        return None, str(error)
    finally:
        raw.unlink(missing_ok=True)
    trimmed = target.with_name(f".{target.stem}.take.wav")
    synthesis.write_wav(trimmed, speech, rate)
    return trimmed, f"{len(speech) / rate:.1f} s after trimming the silence"


def record(options: RecordOptions) -> int:
    todo = [(chapter, beat) for chapter in options.chapters for beat in chapter.beats()]

    def take_of(chapter: Chapter, beat: str) -> Path:
        return synthesis.recorded_take(options.takes, options.lang, chapter.number, beat, chapter.stem)

    print(f"Recording {options.lang} takes into {options.takes}/{options.lang}/ ({len(todo)} beats; "
          "beats already recorded are skipped). Enter starts and stops a take.", flush=True)
    done = 0
    to_say: dict[str, dict[str, str]] = {}
    try:
        for index, (chapter, beat) in enumerate(todo, start=1):
            target = take_of(chapter, beat)
            if target.is_file():
                continue
            if chapter.slug not in to_say:
                print(f"\n{chapter.slug}: computing what its beats say...", flush=True)
                to_say[chapter.slug] = scripts_to_read(chapter, options.lang)
            target.parent.mkdir(parents=True, exist_ok=True)
            print(f"\n[{index}/{len(todo)}] {chapter.slug} / {beat}\n  {to_say[chapter.slug][beat]}")
            while True:
                answer = ask("  Enter: record, s: skip, q: quit > ")
                if answer == "q":
                    raise KeyboardInterrupt
                if answer == "s":
                    break
                take, said = record_take(target)
                print(f"  {said}")
                if take is None:
                    continue  # a silent or broken take: record it again
                if ask("  Enter: keep, r: retake > ") == "r":
                    take.unlink(missing_ok=True)
                    continue
                os.replace(take, target)
                done += 1
                break
    except (EOFError, KeyboardInterrupt):
        print()
    except FileNotFoundError as error:
        print(f"render.sh: {error}", file=sys.stderr)
        return 1
    have = sum(take_of(chapter, beat).is_file() for chapter, beat in todo)
    print(f"{done} take(s) recorded; {have} of {len(todo)} beats have one.")
    if have == len(todo):
        print(f"Render with them: ./render.sh --lang {options.lang} --voice recorded:{options.takes}")
    return 0

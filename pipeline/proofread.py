"""``./render.sh proofread``: what each beat will say, as the engine will read it.

For every beat of the chosen chapters, in lecture order: the narration with the numbers the scene
computes spelled out (each chapter runs once, its animations skipped, as for ``record``), then what
the voice's engine is given or makes of it: hibari's phonemes and espeak-ng's phoneme mnemonics for
English, the tone-numbered pinyin espeak-ng reads for Mandarin. A misread term is fixed with one
line in ``assets/pronunciation/`` (see README, Narration).
"""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.options import (
    BeatCommandOptions,
    UsageError,
    beat_command_parser,
    parse_command_options,
    voice_option,
)
from pipeline.registry import find_chapters
from scenes.lib.voice import DEFAULT_VOICE, Voice


@dataclass(frozen=True)
class ProofreadOptions(BeatCommandOptions):
    voice: Voice


def parse_proofread_options(argv: list[str]) -> ProofreadOptions:
    parser = beat_command_parser("proofread")
    parser.add_argument("--voice", default=DEFAULT_VOICE)
    args = parse_command_options(parser, argv, "proofread", "--lang, --scenes and --voice")
    voice = voice_option(args.voice)
    if voice.engine(args.lang) in (None, "recorded"):
        raise UsageError(f"--voice {args.voice} reads nothing to proofread; choose hibari, espeak, piper or a .onnx")
    return ProofreadOptions(args.lang, tuple(find_chapters(args.scenes)), voice)


def proofread(options: ProofreadOptions) -> int:
    from pipeline.record import scripts_to_read
    from scenes.lib.synthesis import engine_reading

    engine = options.voice.engine(options.lang)
    notation = "pinyin" if options.lang != "en" else {"hibari": "phonemes", "espeak": "espeak-ng phonemes",
                                                      "piper": "IPA"}.get(engine, "text")
    print(f"What {options.voice.describe(options.lang)['engine']} says in {options.lang} ({notation}):", flush=True)
    for chapter in options.chapters:
        said = scripts_to_read(chapter, options.lang)
        for beat in chapter.beats():
            text = said[beat]
            reading = engine_reading(options.voice, options.lang, text)
            print(f"\n{chapter.stem} / {beat}\n  text: {text}\n  says: {reading}", flush=True)
    return 0

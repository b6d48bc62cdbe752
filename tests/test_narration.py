"""Narration, checked without anyone listening: the scripts (every beat, both languages, nothing an
engine would misread), the clips (WAV header, plausible length for the text, loud enough, no long
silence), the voices' bad input, and the sound of real renders (AAC 48 kHz stereo, -14 LUFS, true
peak under -1 dBTP, each beat's speech at its first frame, recorded takes setting the beats' length).
"""
from __future__ import annotations

import json
import math
import re
import subprocess
import wave
from pathlib import Path

import av
import numpy as np
import pytest
import srt
from conftest import run_render

from pipeline.audio import loudness
from pipeline.settings import RECORDER_ENV
from scenes.lib import narration, pronunciation, synthesis
from scenes.lib.narration import scripts
from scenes.lib.settings import CACHE_DIR_ENV
from scenes.lib.strings import languages, table
from scenes.lib.voice import ESPEAK_VOICES, Voice, VoiceError, parse_voice

# The render tests share the session's renders (conftest.py), so they run on one xdist worker.
pytestmark = pytest.mark.xdist_group("render")

CHARS_PER_SECOND = {"en": (12, 20), "zh-TW": (3, 6), "zh-CN": (3, 6)}  # plausible speaking rates, in characters
MAX_EDGE_SILENCE = 0.5
MAX_GAP = 1.5
FIELDS = re.compile(r"\{(\w+)\}")
# One value of each kind the scenes pass (fractions, powers of ten, decimals, whole numbers).
SAMPLE_VALUES = ["1/4", "2.7 \u00d7 10\u207b\u2077", "0.01", "59", "10", "0"]


def error_lines(stderr: str) -> list[str]:
    """What a failed render said, less render.sh's own install notes (a fresh venv prints them once)."""
    return [line for line in stderr.strip().splitlines() if not line.startswith("render.sh: installing")]


def caption_beats() -> dict[str, str]:
    """Every beat the captions name (``ch1.show_sigmoid``) and its English caption."""
    return {key.removesuffix(".caption"): text for key, text in table("en").items() if key.endswith(".caption")}


def filled(key: str, lang: str, value: str) -> str:
    fields = FIELDS.findall(scripts(lang)[key])
    chapter, beat = key.split(".", 1)
    return narration.narration_text(chapter, beat, lang, {name: value for name in fields})


@pytest.fixture
def clip_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache" / "narration"


# -- Scripts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", languages())
def test_every_beat_has_a_narration_script_using_only_its_captions_values(lang):
    beats = caption_beats()
    assert set(scripts(lang)) == set(beats), "narration and captions must name the same beats"
    for key, text in scripts(lang).items():
        caption_fields = set(FIELDS.findall(table(lang)[f"{key}.caption"]))
        assert set(FIELDS.findall(text)) <= caption_fields, f"{key}: a value the scene does not compute"


@pytest.mark.parametrize("lang", languages())
def test_every_beat_a_chapter_plays_has_a_script(lang):
    from pipeline.registry import CHAPTERS

    for chapter in CHAPTERS:
        beats = chapter.beats()
        assert beats, chapter.slug
        missing = [beat for beat in beats if f"{chapter.key}.{beat}" not in scripts(lang)]
        assert not missing, f"{lang} {chapter.slug}: no narration for {missing}"


@pytest.mark.parametrize("lang", languages())
def test_scripts_read_no_symbols_aloud(lang):
    for key, text in scripts(lang).items():
        spoken = FIELDS.sub("", text)
        assert not re.search(r"[=+/<>|\u00d7\u03c3\u2032'(){}\[\]_^]", spoken.replace("'s", "").replace("s'", "")), key
        if lang != "en":
            assert not re.search(r"[0-9]", spoken), f"{key}: numbers are spelled out in Chinese"
            # espeak reads Latin letters in Chinese as pinyin: each Latin term needs its spoken form
            unknown = [w for w in pronunciation.latin_words(spoken) if w not in pronunciation.latin_terms()]
            assert not unknown, f"{key}: {unknown} have no spoken form in assets/pronunciation/zh.json"


@pytest.mark.parametrize("lang", [lang for lang in languages() if lang != "en"])
def test_mandarin_narration_never_switches_espeak_to_english(lang):
    for key in scripts(lang):
        for value in SAMPLE_VALUES:
            text = pronunciation.spoken_form("espeak", lang, filled(key, lang, value))
            phonemes = subprocess.run(["espeak-ng", "-q", "-x", "-v", ESPEAK_VOICES[lang], text],
                                      capture_output=True, text=True, check=True).stdout
            assert "(en)" not in phonemes, f"{key} with {value!r}: {text}"


# -- Voices: bad input -------------------------------------------------------------------------


def test_voice_values(tmp_path):
    assert parse_voice("none") == Voice("none") and not Voice("none").speaks
    assert parse_voice("hibari").engine("en") == "hibari" and parse_voice("hibari").engine("zh-CN") == "espeak"
    assert parse_voice("piper").engine("zh-TW") == "espeak", "Piper has no offline Mandarin: espeak speaks it"
    (tmp_path / "takes").mkdir()
    assert parse_voice(f"recorded:{tmp_path / 'takes'}").path == (tmp_path / "takes").resolve()
    cases = [("robot", 2), (f"recorded:{tmp_path / 'nowhere'}", 2), ("recorded:", 2),
             (str(tmp_path / "missing.onnx"), 2)]
    for value, status in cases:
        with pytest.raises(VoiceError) as raised:
            parse_voice(value)
        assert raised.value.status == status, value
        assert "\n" not in str(raised.value)
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"not a model")
    with pytest.raises(VoiceError) as raised:
        parse_voice(str(model))
    assert raised.value.status == 2 and "voice.onnx.json" in str(raised.value), "an option naming half a voice"
    (tmp_path / "voice.onnx.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(VoiceError) as raised:
        parse_voice(str(model))
    assert raised.value.status == 1, "a broken file"


def test_bad_voice_options_exit_with_one_line_and_write_nothing(tmp_path):
    out = tmp_path / "out"
    for args, status in ((["--voice", "robot"], 2), (["--voice", str(tmp_path / "x.onnx")], 2)):
        result = run_render("--quality", "preview", "--scenes", "title", "--out", str(out), *args)
        assert result.returncode == status, result.stderr
        assert len(error_lines(result.stderr)) == 1, result.stderr
        assert not out.exists()
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"\0" * 64)
    (tmp_path / "broken.onnx.json").write_text(json.dumps({"audio": {"sample_rate": 22050}}), encoding="utf-8")
    result = run_render("--quality", "preview", "--scenes", "title", "--out", str(out), "--voice", str(broken))
    assert result.returncode == 1, result.stderr
    assert "cannot load the Piper voice" in result.stderr and len(error_lines(result.stderr)) == 1
    assert not out.exists() or not any(out.iterdir())


# -- Clips ---------------------------------------------------------------------------------------


def check_clip(clip: synthesis.Clip, text: str, lang: str) -> None:
    """The issue's checks of one clip: header, length for its text, loudness, silence at the ends and inside."""
    with wave.open(str(clip.path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        assert wav.getframerate() in (16000, 22050, 24000, 44100, 48000)
        assert wav.getnframes() / wav.getframerate() == pytest.approx(clip.duration, abs=1e-3)
    samples, rate = synthesis.read_wav(clip.path)
    chars = len(text.strip())  # characters as a reader counts them, spaces and punctuation included
    low, high = CHARS_PER_SECOND[lang]
    assert low <= chars / clip.duration <= high, f"{chars} characters in {clip.duration:.2f} s: {text}"
    assert synthesis.rms_dbfs(samples) > -35, text
    loud = synthesis.loud_windows(samples, rate)
    window = 0.02
    first, last = int(np.argmax(loud)), int(np.argmax(loud[::-1]))
    assert first * window <= MAX_EDGE_SILENCE and last * window <= MAX_EDGE_SILENCE, text
    quiet_runs = [len(run) for run in "".join("1" if x else "0" for x in loud).strip("0").split("1") if run]
    assert max(quiet_runs, default=0) * window <= MAX_GAP, text
    times = [t for _, t in clip.marks]
    assert times == sorted(times) and 0 <= times[0] and times[-1] <= clip.duration + 1e-6


@pytest.mark.parametrize("lang", languages())
def test_espeak_clips_of_every_beat(lang, clip_cache):
    voice = parse_voice("espeak")
    for key in scripts(lang):
        text = filled(key, lang, "1/4")
        clip = synthesis.clip_for(voice, lang, text, int(key.split(".")[0][2:]), key.split(".")[1])
        check_clip(clip, text, lang)


def test_a_rerun_synthesises_nothing_and_a_changed_text_one_clip(clip_cache, monkeypatch):
    voice = parse_voice("espeak")
    first = synthesis.clip_for(voice, "en", "The forward pass computes each layer.", 2, "forward_pass")
    made = sorted(clip_cache.rglob("*.wav"))

    def refuse(*args, **kwargs):
        raise AssertionError("synthesised again")

    monkeypatch.setattr(synthesis, "synthesize_espeak", refuse)
    again = synthesis.clip_for(voice, "en", "The forward pass computes each layer.", 2, "forward_pass")
    assert again == first and sorted(clip_cache.rglob("*.wav")) == made
    with pytest.raises(AssertionError, match="synthesised again"):
        synthesis.clip_for(voice, "en", "The backward pass computes each layer.", 2, "forward_pass")


def test_piper_clip_is_deterministic_and_timed_word_by_word(clip_cache):
    voice = parse_voice("piper")
    text = scripts("en")["ch1.show_sigmoid"]
    clip = synthesis.clip_for(voice, "en", text, 1, "show_sigmoid")
    check_clip(clip, text, "en")
    first = clip.path.read_bytes()
    for path in clip_cache.rglob("*"):
        if path.is_file():
            path.unlink()
    assert synthesis.clip_for(voice, "en", text, 1, "show_sigmoid").path.read_bytes() == first
    assert len(clip.marks) == len(text.split()) + 1, "one mark per word boundary from Piper's alignments"
    assert parse_voice("piper").unclear_terms("en") and parse_voice("piper").notes("en")


# -- Recorded takes ----------------------------------------------------------------------------


def write_take(path: Path, seconds: float, level: float = 0.3, rate: int = 44100) -> None:
    """A stand-in for a spoken take: a tone at ``level`` (or silence at 0), mono 16-bit."""
    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(seconds * rate)) / rate
    tone = level * np.sin(2 * np.pi * 220 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes((tone * 32767).astype("<i2").tobytes())


# Longer than the beats' animations and reading times.
TAKES = {"cold_open": 12.0, "show_title": 4.0, "preview_ideas": 11.0}


def beat_starts(takes: dict[str, float], fps: int = 15) -> list[float]:
    starts, at = [], 0.0
    for seconds in takes.values():
        starts.append(at)
        at += math.ceil((seconds + narration.PAUSE_AFTER) * fps - 1e-6) / fps
    return [*starts, at]


def audio_onsets(video: Path, after: list[float]) -> list[float]:
    """When the sound first rises above silence (-50 dBFS over 5 ms; the tracks are digital silence
    between clips) at or after each time in ``after``."""
    with av.open(str(video)) as container:
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        samples = np.concatenate([frame.to_ndarray().mean(axis=0) for frame in container.decode(stream)])
    size = int(rate * 0.005)
    blocks = samples[: len(samples) // size * size].reshape(-1, size)
    loud = 20 * np.log10(np.maximum(np.sqrt((blocks ** 2).mean(axis=1)), 1e-10)) > -50
    onsets = []
    for t in after:
        later = loud[int(t * rate / size):]
        onsets.append((int(np.argmax(later)) + int(t * rate / size)) * size / rate if later.any() else math.inf)
    return onsets


def test_recorded_takes_set_the_beats_lengths_and_start_at_their_first_frames(tmp_path):
    takes = tmp_path / "takes"
    for beat, seconds in TAKES.items():
        write_take(takes / "en" / "00-title" / f"{beat}.wav", seconds)
    out = tmp_path / "out"
    result = run_render("--quality", "preview", "--scenes", "title", "--out", str(out), "--voice",
                        f"recorded:{takes}", "--jobs", "1", env={CACHE_DIR_ENV: str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr[-2000:]
    folder = out / "en-dark-preview"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    *starts, end = beat_starts(TAKES)
    assert manifest["chapters"][0]["duration"] == pytest.approx(end, abs=1 / 15 + 1e-3)
    cues = list(srt.parse((folder / "00-title.srt").read_text(encoding="utf-8")))
    assert any(abs(cue.start.total_seconds() - starts[1]) < 1e-3 for cue in cues), "the second beat starts there"
    for onset, start in zip(audio_onsets(folder / "00-title.mp4", starts), starts):
        assert abs(onset - start) <= 1 / 15, f"sound at {onset:.3f} s for a beat starting at {start:.3f} s"
    assert manifest["narration"]["engine"].startswith("recorded")
    # Again with Manim's cache warm (every animation taken from it): the same sound at the same times.
    again = tmp_path / "again"
    result = run_render("--quality", "preview", "--scenes", "title", "--out", str(again), "--voice",
                        f"recorded:{takes}", "--jobs", "1", env={CACHE_DIR_ENV: str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr[-2000:]
    for onset, start in zip(audio_onsets(again / "en-dark-preview" / "00-title.mp4", starts), starts):
        assert abs(onset - start) <= 1 / 15, f"warm cache: sound at {onset:.3f} s for a beat at {start:.3f} s"


@pytest.mark.parametrize("problem", ["missing", "silent", "not a wav", "cut short"])
def test_a_bad_take_stops_the_render_with_one_line(problem, tmp_path):
    takes = tmp_path / "takes"
    for beat, seconds in TAKES.items():
        write_take(takes / "en" / "00-title" / f"{beat}.wav", seconds)
    bad = takes / "en" / "00-title" / "preview_ideas.wav"
    if problem == "missing":
        bad.unlink()
    elif problem == "silent":
        write_take(bad, 3.0, level=0.0)
    elif problem == "not a wav":
        bad.write_bytes(b"ID3 this is an mp3 pretending")
    else:
        bad.write_bytes(bad.read_bytes()[: len(bad.read_bytes()) // 2])
    out = tmp_path / "out"
    result = run_render("--quality", "preview", "--scenes", "title", "--out", str(out), "--voice",
                        f"recorded:{takes}", env={CACHE_DIR_ENV: str(tmp_path / "cache")})
    assert result.returncode == 1, result.stderr
    lines = error_lines(result.stderr)
    assert len(lines) == 1 and "preview_ideas.wav" in lines[0], result.stderr
    assert "Rendering" not in result.stdout, "nothing renders before the takes are checked"
    assert not out.exists() or not any(out.iterdir())


# -- The published sound -----------------------------------------------------------------------


def audio_stream_facts(path: Path) -> tuple[str, str, int, int, float, float]:
    with av.open(str(path)) as container:
        audio, video = container.streams.audio, container.streams.video[0]
        assert len(audio) == 1, f"{path.name} has {len(audio)} audio tracks"
        context = audio[0].codec_context
        return (context.name, context.profile, context.sample_rate, context.channels,
                float(audio[0].duration * audio[0].time_base), float(video.duration * video.time_base))


def test_published_files_carry_one_normalised_aac_track_as_long_as_the_picture(preview_render, chinese_render):
    for folder in (preview_render, chinese_render):
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        engine = "hibari-tts" if manifest["language"] == "en" else "espeak-ng"
        assert manifest["narration"]["engine"].startswith(engine), "hibari speaks English by default, espeak Mandarin"
        assert manifest["narration"]["licence"]
        fps = manifest["fps"]
        for video in [folder / "lecture.mp4", *(folder / entry["video"] for entry in manifest["chapters"])]:
            codec, profile, rate, channels, audio_seconds, video_seconds = audio_stream_facts(video)
            assert (codec, profile, rate, channels) == ("aac", "LC", 48000, 2), video.name
            assert abs(audio_seconds - video_seconds) <= 1 / fps, f"{video.name}: {audio_seconds} vs {video_seconds}"
            level = loudness(video)
            assert level["integrated_lufs"] == pytest.approx(-14, abs=1), (video.name, level)
            assert level["true_peak_dbtp"] <= -1, (video.name, level)
    with av.open(str(preview_render / "lecture.webm")) as container:
        assert [stream.codec_context.name for stream in container.streams.audio] == ["opus"], "the WebM speaks too"


def test_each_narrated_beat_speaks_from_its_first_frame(preview_render):
    """hibari's clips begin with speech: the sound comes up at each chapter's first frame and after
    each beat's first cue (the beat's start) within a frame."""
    manifest = json.loads((preview_render / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["chapters"][0]
    video = preview_render / entry["video"]
    cues = list(srt.parse((preview_render / entry["captions"]["srt"]).read_text(encoding="utf-8")))
    beats = narration.beats_of("ch0")
    # The title card's beats: the first cue of each (the first line of the cue opens the beat's
    # narration), looked for in order after the previous beat's.
    starts, index = [0.0], 0
    for beat in beats[1:]:
        script = scripts("en")[f"ch0.{beat}"]
        index = next(i for i in range(index + 1, len(cues)) if script.startswith(cues[i].content.split("\n")[0]))
        starts.append(cues[index].start.total_seconds())
    assert len(starts) == len(beats)
    for onset, start in zip(audio_onsets(video, starts), starts):
        assert abs(onset - start) <= 1 / manifest["fps"], f"sound at {onset:.3f} s, beat at {start:.3f} s"


# -- Subtitles split as a subtitler would ------------------------------------------------------


@pytest.mark.parametrize(("text", "lang", "whole"), [
    ("每個點是一筆輸入在激活前的值 z = w x + b；在零的右邊，神經元被激活。", "zh-TW", "z = w x + b"),
    ("再訓練 60 步，什麼都沒動：這個神經元死了。", "zh-TW", "什麼"),
    ("再訓練 60 步，什麼都沒動：這個神經元死了。", "zh-TW", "60 步"),
    ("所以兩個梯度都恰好是 0。", "zh-TW", "是 0"),
    ("斜率 0.01 的 Leaky ReLU 有 25% 沒有被激活", "zh-TW", "Leaky ReLU"),
    ("用第 4 章的資料", "zh-TW", "第 4 章"),
    ("Each dot is an input's pre-activation z = w x + b; right of zero the neuron is active.", "en", "z = w x + b"),
    ("At x = 0 the slope peaks at 1/4, because s(1 - s) never exceeds 1/4.", "en", "s(1 - s)"),
])
def test_subtitle_lines_never_break_inside_a_word_formula_number_or_term(text, lang, whole):
    from scenes.lib.captions import subtitle_tokens

    pieces = subtitle_tokens(text)
    assert "".join(pieces) == text, "splitting loses nothing"
    assert any(whole in piece for piece in pieces), pieces


def test_chinese_subtitles_break_between_words_not_characters():
    from scenes.lib.captions import subtitle_tokens

    pieces = subtitle_tokens("反向傳播每經過一層就乘上一個局部因子")
    assert "傳播" in pieces and "局部" in pieces and "因子" in pieces, pieces
    assert len(pieces) < 15, "words, not single characters"


# -- ./render.sh record, with a stand-in for the microphone ----------------------------------

STAND_IN = """#!{python}
import signal; signal.signal(signal.SIGINT, signal.SIG_IGN)  # arecord stops on SIGINT; this one just ends
import math, os, struct, sys, wave
out, rate = sys.argv[-1], 48000
level = {level}
tone = b"".join(struct.pack("<h", int(level * math.sin(2 * math.pi * 220 * i / rate))) for i in range(2 * rate))
with wave.open(out + ".part", "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
    w.writeframes(b"\\0\\0" * int(0.8 * rate) + tone + b"\\0\\0" * int(0.8 * rate))
os.replace(out + ".part", out)
"""


def stand_in_recorder(folder: Path, level: int) -> Path:
    """A program taking arecord's arguments that 'records' 0.8 s of silence, 2 s of tone, 0.8 s of silence."""
    import sys

    program = folder / f"recorder-{level}"
    program.write_text(STAND_IN.format(python=sys.executable, level=level), encoding="utf-8")
    program.chmod(0o755)
    return program


def run_record(takes: Path, recorder: Path, answers: str) -> subprocess.CompletedProcess:
    from conftest import RENDER, ROOT

    return subprocess.run([RENDER, "record", "--scenes", "title", "--takes", str(takes)], cwd=ROOT,
                          input=answers, capture_output=True, text=True, timeout=300,
                          env={**__import__("os").environ, RECORDER_ENV: str(recorder)})


def test_record_walks_the_beats_with_retake_trim_and_skip(tmp_path):
    takes = tmp_path / "takes"
    # Beat 1: record, stop, retake; record, stop, keep. Beat 2: skip. Beat 3: the input ends.
    result = run_record(takes, stand_in_recorder(tmp_path, 9000), "\n\nr\n\n\n\ns\n")
    assert result.returncode == 0, result.stderr
    assert "Why does ReLU fix vanishing gradients?" in result.stdout, "the beat's narration is shown"
    first = takes / "en" / "00-title" / "cold_open.wav"
    assert first.is_file() and not (takes / "en" / "00-title" / "show_title.wav").exists()
    with wave.open(str(first)) as wav:
        assert wav.getnframes() / wav.getframerate() == pytest.approx(2.0, abs=0.05), "silence trimmed"
    assert "1 of 3 beats" in result.stdout
    again = run_record(takes, stand_in_recorder(tmp_path, 9000), "q\n")
    assert "cold_open" not in again.stdout and "show_title" in again.stdout, "recorded beats are skipped"


def test_record_refuses_a_silent_take(tmp_path):
    takes = tmp_path / "takes"
    result = run_record(takes, stand_in_recorder(tmp_path, 0), "\n\nq\n")
    assert "silent" in result.stdout
    assert not list(takes.rglob("*.wav")), "a silent take is not kept"


@pytest.mark.parametrize("args", [
    ("bench", "--voice", "robot"),
    ("slides", "--voice", "robot"),
    ("present", "--voice", "espeak"),
    ("record", "--lang", "fr"),
    ("record", "--voice", "espeak"),
    ("proofread", "--lang", "fr"),
    ("proofread", "--voice", "robot"),
])
def test_voice_and_record_options_are_checked_before_anything_runs(args):
    result = run_render(*args)
    assert result.returncode == 2, result.stderr
    assert len(error_lines(result.stderr)) == 1, result.stderr


def test_record_shows_the_numbers_the_scene_computes(tmp_path):
    """The lecturer reads what the video will say: the chain's depth in words, not a placeholder."""
    from conftest import RENDER, ROOT

    from scenes.lib.experiment import DEPTH
    from scenes.lib.narration import speakable

    result = subprocess.run([RENDER, "record", "--scenes", "compounding", "--takes", str(tmp_path / "takes")],
                            cwd=ROOT, input="q\n", capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"{speakable(DEPTH, 'en')} layers deep" in result.stdout, result.stdout
    assert "{" not in result.stdout and "‹" not in result.stdout

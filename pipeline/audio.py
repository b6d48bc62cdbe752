"""The sound of a narrated render: each chapter's narration track (Manim writes it beside the video,
every clip at its beat's first frame) mastered for publishing, and the lecture's track joined.

Mastering: loudness normalised to -14 LUFS integrated with true peak at most -1 dBTP (what YouTube
plays back at; it turns louder uploads down and never quiet ones up), by ffmpeg's ``loudnorm`` in
two passes (the first measures, the second applies one linear gain, which keeps speech natural),
resampled to 48 kHz stereo and encoded as AAC-LC. The track is padded or cut to end exactly with
the video.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from pipeline.publish import ffmpeg

TARGET_LUFS = -14.0
TARGET_TRUE_PEAK = -1.5  # loudnorm's ceiling; the AAC encoder can add a few tenths, so aim below -1
TARGET_LRA = 11.0
SAMPLE_RATE = 48000
AAC_BITRATE = "160k"
AAC_FRAME = 1024  # samples per AAC frame: a chapter's track is made a whole number of them long
LIMITER_CEILING = 10 ** (-2.5 / 20)  # sample peaks at -2.5 dBFS before the final pass


def _ffmpeg_stderr(*args: str) -> str:
    command = ["ffmpeg", "-hide_banner", "-nostdin", "-y", *args]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"ffmpeg failed ({last})")
    return result.stderr


def _loudnorm(extra: str = "") -> str:
    return f"loudnorm=I={TARGET_LUFS}:TP={TARGET_TRUE_PEAK}:LRA={TARGET_LRA}{extra}"


def measure_for_loudnorm(source: list[str], chain: str, label: str = "a") -> dict:
    """loudnorm's first pass over ``chain`` (a filter graph ending in [label]) as its JSON numbers."""
    output = _ffmpeg_stderr(*source, "-filter_complex", f"{chain};[{label}]{_loudnorm(':print_format=json')}[m]",
                            "-map", "[m]", "-f", "null", "-")
    found = re.search(r"\{[^{}]*\"input_i\"[^{}]*\}", output, re.S)
    if not found:
        raise RuntimeError("ffmpeg's loudnorm printed no measurement")
    return json.loads(found.group(0))


def levelled(source: list[str], chain: str) -> tuple[str, dict]:
    """``chain`` raised towards the target loudness with its peaks limited, and loudnorm's measurement
    of the result. Synthetic speech peaks far above its loudness (espeak's peak-to-loudness ratio is
    near 19 dB; -14 LUFS under a -1.5 dBTP ceiling allows 12.5), so one linear gain cannot reach the
    target: a gain, then a limiter whose ceiling leaves the final pass room, found in a few passes."""
    measured = measure_for_loudnorm(source, chain)
    if measured["input_i"] == "-inf":
        return chain, measured  # nothing to level: silence stays silence
    boost = TARGET_LUFS - float(measured["input_i"])
    for _ in range(4):
        limited = (f"{chain};[a]volume={boost:.2f}dB,"
                   f"alimiter=limit={LIMITER_CEILING:.4f}:attack=1:release=50:level=false[l]")
        measured = measure_for_loudnorm(source, limited, "l")
        shortfall = TARGET_LUFS - float(measured["input_i"])
        if shortfall <= 0.3:
            break
        boost += shortfall
    return limited.replace("[l]", "[a]"), measured


def track_samples(seconds: float) -> int:
    """The track's length in samples: the whole AAC frames nearest ``seconds`` (the encoder pads the
    last frame, so a length of whole frames is the length the file gets)."""
    return max(1, round(seconds * SAMPLE_RATE / AAC_FRAME)) * AAC_FRAME


def master(video: Path, sources: list[str], chain: str, duration: float, target: Path) -> dict:
    """Write ``target``: ``video``'s picture (copied) with the audio of ``chain`` (over the inputs
    ``sources``; ``video`` is input 0) normalised in two passes, 48 kHz stereo AAC, as long as the
    video. Return the loudness the first pass measured."""
    inputs = ["-i", str(video), *sources]
    chain, measured = levelled(inputs, chain)
    second = _loudnorm(
        f":measured_I={measured['input_i']}:measured_TP={measured['input_tp']}:measured_LRA={measured['input_lra']}"
        f":measured_thresh={measured['input_thresh']}:offset={measured['target_offset']}:linear=true")
    samples = track_samples(duration)
    graph = (f"{chain};[a]{second},aresample={SAMPLE_RATE},aformat=channel_layouts=stereo,"
             f"apad=whole_len={samples},atrim=end_sample={samples}[m]")
    ffmpeg(*inputs, "-filter_complex", graph, "-map", "0:v", "-map", "[m]", "-c:v", "copy",
           "-c:a", "aac", "-b:a", AAC_BITRATE, "-ar", str(SAMPLE_RATE), "-ac", "2",
           "-movflags", "+faststart", str(target))
    return measured


def master_chapter(video: Path, narration: Path, duration: float, target: Path) -> None:
    """A chapter: Manim's video with its narration track (the WAV Manim wrote beside it)."""
    master(video, ["-i", str(narration)], "[1:a]aresample=48000[a]", duration, target)


def master_lecture(joined_video: Path, chapters: list[tuple[Path, float, bool]], target: Path) -> None:
    """The lecture: ``joined_video``'s picture with its chapters' tracks one after another (each
    ``(video, duration, has_audio)``; a chapter without narration is silence of its length)."""
    sources, parts = [], []
    for index, (video, seconds, has_audio) in enumerate(chapters, start=1):
        samples = round(seconds * SAMPLE_RATE)  # exactly the chapter's picture, so no chapter drifts
        if has_audio:
            sources += ["-i", str(video)]
            parts.append(f"[{len(sources) // 2}:a]aresample={SAMPLE_RATE},aformat=channel_layouts=stereo,"
                         f"apad=whole_len={samples},atrim=end_sample={samples}[p{index}]")
        else:
            parts.append(f"anullsrc=r={SAMPLE_RATE}:cl=stereo,atrim=end_sample={samples}[p{index}]")
    labels = "".join(f"[p{index}]" for index in range(1, len(chapters) + 1))
    chain = ";".join(parts) + f";{labels}concat=n={len(chapters)}:v=0:a=1[a]"
    total = sum(seconds for _, seconds, _ in chapters)
    master(joined_video, sources, chain, total, target)


def has_audio(video: Path) -> bool:
    import av

    with av.open(str(video)) as container:
        return bool(container.streams.audio)


def loudness(path: Path) -> dict[str, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of a file's audio, by ffmpeg's ebur128."""
    output = _ffmpeg_stderr("-i", str(path), "-map", "0:a", "-af", "ebur128=peak=true", "-f", "null", "-")
    summary = output[output.rfind("Summary:"):]
    integrated = re.search(r"I:\s*(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"Peak:\s*(-?[\d.]+|-inf) dBFS", summary)
    if not integrated or not peak:
        raise RuntimeError(f"ffmpeg's ebur128 measured nothing in {path.name}")
    return {"integrated_lufs": float(integrated[1]), "true_peak_dbtp": float(peak[1])}

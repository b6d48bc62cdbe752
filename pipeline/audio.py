"""The sound of a narrated render: each chapter's narration track (Manim writes it beside the video,
every clip at its beat's first frame) mastered for publishing, and the lecture's track joined.

Mastering: loudness brought to -14 LUFS integrated with true peak at most -1 dBTP (what YouTube
plays back at; it turns louder uploads down and never quiet ones up): measured with ffmpeg's EBU
R128 meter, one linear gain and a peak limiter (see ``levelled``), resampled to 48 kHz stereo and
encoded as AAC-LC. The track is padded or cut to end exactly with the video.
"""
from __future__ import annotations

import math
import re
import subprocess
from pathlib import Path

from pipeline.ffmpeg import ffmpeg

TARGET_LUFS = -14.0
SAMPLE_RATE = 48000
AAC_BITRATE = "160k"
# ffmpeg's fast AAC coder, not its default two-loop search: encoding chapter 3's narration alone
# (48 kHz stereo, 160k, from the WAV) took 4.9 s instead of 9.0; the file is 9 % larger, and its
# decoded waveform no further from the source (signal-to-noise 49.5 dB against 30.4, aligned by
# cross-correlation; not a perceptual measure, but no sign of a worse track). The lecture's
# track, encoded on one core after every chapter is done, took 47.5 s of a 53 s master before.
AAC_CODER = "fast"
AAC_FRAME = 1024  # samples per AAC frame: a chapter's track is made a whole number of them long
# Sample peaks at -2.5 dBFS: between samples and through the AAC encoder a peak grows by a few
# tenths of a dB, so the true peak stays under -1 dBTP (measured: -3.8 to -4.4 dBTP).
LIMITER_CEILING = 10 ** (-2.5 / 20)


def _ffmpeg_stderr(*args: str) -> str:
    command = ["ffmpeg", "-hide_banner", "-nostdin", "-y", *args]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"ffmpeg failed ({last})")
    return result.stderr


def integrated_loudness(source: list[str], chain: str, label: str = "a") -> float:
    """The integrated loudness (LUFS, EBU R128 by ffmpeg's ebur128) of ``chain``'s output [label];
    -inf for silence."""
    output = _ffmpeg_stderr(*source, "-filter_complex", f"{chain};[{label}]ebur128[m]", "-map", "[m]",
                            "-f", "null", "-")
    summary = output[output.rfind("Summary:"):]
    found = re.search(r"I:\s*(-?[\d.]+|-inf|nan) LUFS", summary)
    if not found:
        raise RuntimeError("ffmpeg's ebur128 measured nothing")
    value = float(found[1])
    return value if value > -70 else -math.inf  # ebur128 reports -70 (its gate) for silence


def levelled(source: list[str], chain: str) -> str:
    """``chain`` brought to TARGET_LUFS with its peaks limited. Synthetic speech peaks far above its
    loudness (espeak's peak-to-loudness ratio is near 19 dB, while -14 LUFS under a -1 dBTP ceiling
    allows 13), so one linear gain cannot reach the target: a gain, then a limiter with its ceiling
    at LIMITER_CEILING, the gain corrected by measuring until the result is within 0.1 LU. This is
    what ``loudnorm`` would do in its two passes, without its 192 kHz resampling in every pass (it
    took 10 s for a minute of speech, this takes about 2) and without its fallback to dynamic
    normalisation, which pumps quiet syllables up."""
    loudness_now = integrated_loudness(source, chain)
    if loudness_now == -math.inf:
        return chain  # nothing to level: silence stays silence
    boost = TARGET_LUFS - loudness_now
    for _ in range(5):
        limited = (f"{chain};[a]volume={boost:.2f}dB,"
                   f"alimiter=limit={LIMITER_CEILING:.4f}:attack=1:release=50:level=false[l]")
        shortfall = TARGET_LUFS - integrated_loudness(source, limited, "l")
        if abs(shortfall) <= 0.1:
            break
        boost += shortfall
    return limited.replace("[l]", "[a]")


def track_samples(seconds: float) -> int:
    """The track's length in samples: the whole AAC frames nearest ``seconds`` (the encoder pads the
    last frame, so a length of whole frames is the length the file gets)."""
    return max(1, round(seconds * SAMPLE_RATE / AAC_FRAME)) * AAC_FRAME


def master(video: Path, sources: list[str], chain: str, duration: float, target: Path) -> None:
    """Write ``target``: ``video``'s picture (copied) with the audio of ``chain`` (over the inputs
    ``sources``; ``video`` is input 0) levelled to the target loudness, 48 kHz stereo AAC, as long as
    the video."""
    inputs = ["-i", str(video), *sources]
    chain = levelled(inputs, chain)
    samples = track_samples(duration)
    graph = (f"{chain};[a]aresample={SAMPLE_RATE},aformat=channel_layouts=stereo,"
             f"apad=whole_len={samples},atrim=end_sample={samples}[m]")
    ffmpeg(*inputs, "-filter_complex", graph, "-map", "0:v", "-map", "[m]", "-c:v", "copy",
           "-c:a", "aac", "-aac_coder", AAC_CODER, "-b:a", AAC_BITRATE, "-ar", str(SAMPLE_RATE), "-ac", "2",
           "-movflags", "+faststart", str(target))


def master_chapter(video: Path, narration: Path, duration: float, target: Path) -> None:
    """A chapter: Manim's video with its narration track (the WAV Manim wrote beside it)."""
    # Levelled in the published format (48 kHz stereo), so what is measured is what is heard.
    chain = f"[1:a]aresample={SAMPLE_RATE},aformat=channel_layouts=stereo[a]"
    master(video, ["-i", str(narration)], chain, duration, target)


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

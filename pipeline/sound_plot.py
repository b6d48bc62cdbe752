"""Make the narration's sound visible: ``python -m pipeline.sound_plot VARIANT_DIR -o docs/narration.png``.

Draws the waveform of a render's ``lecture.mp4`` over its chapter marks and, below it, the loudness
over time as EBU R128 measures it (momentary over 0.4 s, short-term over 3 s, from ffmpeg's
``ebur128`` filter), with the -14 LUFS target and the lecture's integrated loudness and true peak.
matplotlib draws it (pinned in requirements.txt): the standard plotting library, and nothing in
the render needs it.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import av
import numpy as np

from pipeline.audio import TARGET_LUFS, loudness

LINE = re.compile(r"t:\s*([\d.]+)\s+TARGET:.*?M:\s*(-?[\d.]+|-?inf|nan)\s+S:\s*(-?[\d.]+|-?inf|nan)")


def waveform(video: Path) -> tuple[np.ndarray, int]:
    with av.open(str(video)) as container:
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        # AAC decodes to planar float: one row per channel.
        samples = np.concatenate([frame.to_ndarray().mean(axis=0) for frame in container.decode(stream)])
    return samples, rate


def loudness_curve(video: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Times, momentary and short-term loudness (LUFS) every 0.1 s."""
    result = subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "verbose", "-i", str(video),
                             "-map", "0:a", "-af", "ebur128=framelog=verbose", "-f", "null", "-"],
                            capture_output=True, text=True, check=True)
    rows = [(float(t), float(m), float(s)) for t, m, s in LINE.findall(result.stderr)]
    times, momentary, short = (np.nan_to_num(np.array(column), nan=-np.inf) for column in zip(*rows))
    return times, momentary, short  # silence (nan in ffmpeg's log) as -inf


def plot(variant: Path, target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    manifest = json.loads((variant / "manifest.json").read_text(encoding="utf-8"))
    video = variant / manifest["lecture"]["video"]
    samples, rate = waveform(video)
    times, momentary, short = loudness_curve(video)
    level = loudness(video)
    seconds = len(samples) / rate
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(12, 5.4), sharex=True,
                                         gridspec_kw={"height_ratios": [1.1, 1]}, constrained_layout=True)
    bins = 2400
    usable = samples[: len(samples) // bins * bins].reshape(bins, -1)
    x = np.linspace(0, seconds, bins)
    top.fill_between(x, usable.min(axis=1), usable.max(axis=1), color="#3b7dd8", linewidth=0)
    top.set_ylim(-1, 1)
    top.set_ylabel("waveform")
    offsets = manifest["lecture"]["chapter_offsets"]
    for axis in (top, bottom):
        for offset in offsets:
            axis.axvline(offset, color="#888888", linewidth=0.8, linestyle="--")
    for offset, chapter in zip(offsets, manifest["chapters"]):
        top.text(offset + 0.5, 0.92, f"{chapter['number']} {chapter['name']}", fontsize=8, va="top")
    floor = -50
    bottom.plot(times, np.maximum(momentary, floor), color="#9bbce8", linewidth=0.7, label="momentary (0.4 s)")
    bottom.plot(times, np.maximum(short, floor), color="#1a4f9c", linewidth=1.4, label="short-term (3 s)")
    bottom.axhline(TARGET_LUFS, color="#d0602a", linewidth=1.2, label=f"target {TARGET_LUFS:g} LUFS")
    bottom.set_ylim(floor, 0)
    bottom.set_ylabel("loudness (LUFS)")
    bottom.set_xlabel("seconds into the lecture")
    bottom.set_xlim(0, seconds)
    bottom.legend(loc="lower right", fontsize=8)
    narration = manifest.get("narration", {})
    top.set_title(f"{manifest['title']} ({manifest['language']}, voice: {narration.get('engine')}): "
                  f"integrated {level['integrated_lufs']:.1f} LUFS, true peak {level['true_peak_dbtp']:.1f} dBTP",
                  fontsize=10)
    target.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(target, dpi=110)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.sound_plot")
    parser.add_argument("variant", type=Path, help="a render's folder, e.g. build/en-dark-preview")
    parser.add_argument("-o", "--out", type=Path, default=Path("docs/narration.png"))
    args = parser.parse_args(argv)
    plot(args.variant, args.out)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""ffmpeg and PyAV helpers shared by the builders: run ffmpeg quietly, move a video's index to the
front, and read a video's length, size and frame rate. A module of its own so that audio.py and
publish.py both lean on it and not on each other."""
from __future__ import annotations

import subprocess
from pathlib import Path

import av


def ffmpeg(*args: str) -> None:
    """Run ffmpeg quietly; a failure becomes a RuntimeError with ffmpeg's own last words."""
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args]
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError:
        raise RuntimeError("ffmpeg is not installed (render.sh installs it; run ./render.sh once)") from None
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"ffmpeg failed ({last})")


def remux_faststart(source: Path, target: Path) -> None:
    """Copy a video with its index (moov) moved to the front, as browsers and YouTube prefer."""
    ffmpeg("-i", str(source), "-c", "copy", "-movflags", "+faststart", str(target))


def probe_video(path: Path) -> dict[str, float | int]:
    """Duration, resolution and frame rate of a video file, read with PyAV."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        # The picture's own length: a sound track may end a fraction of a frame later.
        if stream.duration:
            duration = float(stream.duration * stream.time_base)
        else:
            duration = float(container.duration / av.time_base)
        return {
            "duration": round(duration, 3),
            "width": stream.codec_context.width,
            "height": stream.codec_context.height,
            "fps": float(stream.base_rate),
        }

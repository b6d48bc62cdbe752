"""What pipeline/manim_worker.py changes in Manim's encoding: the quality's x264 settings reach the
encoder, and frames handed over without copies make the very same video."""
from __future__ import annotations

import json

import av
import numpy as np
from manim.scene.scene_file_writer import _PartialMovieEncodeJob

from pipeline.manim_worker import encode_and_write_frame, x264_options
from pipeline.options import QUALITIES

WIDTH, HEIGHT = 160, 96


def x264_settings_of(video) -> str:
    """The settings x264 wrote into the stream it encoded (its SEI message in the first packets)."""
    with av.open(str(video)) as container:
        for packet in container.demux(video=0):
            data = bytes(packet)
            if b"options: " in data:
                return data.split(b"options: ", 1)[1].split(b"\x00", 1)[0].decode("ascii", "replace")
    raise AssertionError(f"{video} carries no x264 settings")


def test_the_quality_s_x264_settings_reach_the_encoder(preview_render):
    manifest = json.loads((preview_render / "manifest.json").read_text(encoding="utf-8"))
    settings = x264_settings_of(preview_render / manifest["chapters"][0]["video"])
    # preview asks for ultrafast: no sub-pixel refinement, where Manim's own preset (medium) uses 7.
    assert "preset=ultrafast" in QUALITIES["preview"].x264
    assert " subme=0 " in f" {settings} ", settings


def test_the_published_settings_give_x264_what_they_name(tmp_path, monkeypatch):
    """x264 ignores a parameter it does not know, with a log line: read back what it used."""
    video = tmp_path / "published.mp4"
    encode(video, [(np.zeros((HEIGHT, WIDTH, 4), dtype=np.uint8), 3)], True, monkeypatch)
    used = set(x264_settings_of(video).split())
    options = x264_options(QUALITIES["1080p"].x264)
    asked = {pair.replace("-", "_") for pair in options["x264-params"].split(":")}
    assert asked <= used, asked - used
    # Manim asks for crf 23; the quantiser in x264-params must win over it (x264 reads its params last).
    assert "rc=cqp" in used and "crf" not in options, used
    assert options["preset"] == "ultrafast" and "subme=0" in used  # the preset's own choice


def encode(path, frames: list[tuple[np.ndarray, int]], handed_over_cheaply: bool, monkeypatch) -> None:
    """Encode ``frames`` (a picture and how many times it is shown) through Manim's encode job."""
    if handed_over_cheaply:
        monkeypatch.setattr(_PartialMovieEncodeJob, "_encode_and_write_frame", encode_and_write_frame)
    else:
        monkeypatch.undo()
    container = av.open(str(path), mode="w")
    # Opened as Manim opens a partial movie (crf 23), the quality's options on top (use_x264_options).
    stream = container.add_stream("libx264", rate=60, options={"crf": "23", **x264_options(QUALITIES["1080p"].x264)})
    stream.pix_fmt, stream.width, stream.height = "yuv420p", WIDTH, HEIGHT
    job = _PartialMovieEncodeJob(path, 0, container, stream, frame_queue_size=8)
    for picture, times in frames:
        job.put(times, picture)
    job.seal()
    job.join()


def test_frames_handed_over_without_copies_make_the_same_video(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    pictures = [rng.integers(0, 256, (HEIGHT, WIDTH, 4), dtype=np.uint8) for _ in range(4)]
    frames = list(zip(pictures, (1, 30, 1, 7)))  # moving frames, and held ones as a still wait makes
    encode(tmp_path / "manim.mp4", frames, False, monkeypatch)
    encode(tmp_path / "cheap.mp4", frames, True, monkeypatch)

    def packets(path) -> list[tuple[int, int, bytes]]:
        with av.open(str(path)) as container:
            return [(packet.pts, packet.dts, bytes(packet)) for packet in container.demux(video=0) if packet.size]

    assert len(packets(tmp_path / "manim.mp4")) == 1 + 30 + 1 + 7
    assert packets(tmp_path / "cheap.mp4") == packets(tmp_path / "manim.mp4")


def test_manim_s_sound_track_is_encoded_with_the_fast_coder_and_keeps_its_length(tmp_path, monkeypatch):
    """The AAC Manim muxes into a narrated chapter's video (never published: render.sh masters the
    sound from the WAV beside it) is the track's length, and not what the default coder writes."""
    import manim.scene.scene_file_writer as writer

    from pipeline.manim_worker import convert_audio_quickly, encode_sound_quickly

    wav = tmp_path / "track.wav"
    rate, seconds = 22050, 2.0
    tone = (0.3 * 32767 * np.sin(2 * np.pi * 440 * np.arange(int(rate * seconds)) / rate)).astype(np.int16)
    with av.open(str(wav), "w") as container:
        stream = container.add_stream("pcm_s16le", rate=rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(tone[np.newaxis, :], format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in [*stream.encode(frame), *stream.encode()]:
            container.mux(packet)
    quick, default = tmp_path / "quick.aac", tmp_path / "default.aac"
    convert_audio_quickly(wav, quick, "aac")
    writer.convert_audio(wav, default, "aac")  # Manim's own (the worker patches it only in its process)
    with av.open(str(quick)) as container:
        length = sum(frame.samples / frame.sample_rate for frame in container.decode(audio=0))
    assert abs(length - seconds) < 0.1, length  # AAC adds at most a few frames of 1024 samples
    assert quick.read_bytes() != default.read_bytes()
    monkeypatch.setattr(writer, "convert_audio", writer.convert_audio)  # undone after the test
    encode_sound_quickly()  # what the worker's main() does before Manim runs
    assert writer.convert_audio is convert_audio_quickly

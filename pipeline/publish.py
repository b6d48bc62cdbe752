"""From chapter videos to what a lecturer uploads or plays: one joined lecture (stream copy, index at
the front), subtitles for the lecture and each chapter (.srt and .vtt), YouTube chapter lines, a
thumbnail, and on request WebM and GIF exports. Every file is written into the staging folder;
render.py moves them into place only when all of them succeeded.
"""
from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import av
import srt
from PIL import Image, ImageDraw, ImageFont

from pipeline.audio import has_audio, loudness, master_lecture
from pipeline.chapter_marks import (
    YOUTUBE_MIN_CHAPTERS,
    YOUTUBE_MIN_SECONDS,
    ChapterMark,
    chapter_lines,
    ffmetadata,
    youtube_chapters,
)
from pipeline.ffmpeg import ffmpeg
from scenes.lib.captions import break_lines, tokens
from scenes.lib.course import Course
from scenes.lib.strings import font, t

THUMBNAIL_SIZE = (1280, 720)
THUMBNAIL_CHAPTER = "relu"  # its side-by-side comparison is the lecture in one picture
THUMBNAIL_AT = 0.6  # fraction of that chapter's duration
THUMBNAIL_MARGIN = 60  # pixels
THUMBNAIL_COURSE_SIZE = 40  # the --config course line under the title
THUMBNAIL_COURSE_COLOUR = (220, 224, 230)
THUMBNAIL_COURSE_GAP = 12  # pixels between the title and the course line
THUMBNAIL_STRIPE = 8  # pixels of the accent colour over the title band
THUMBNAIL_LOGO_HEIGHT = 100
GIF_MAX_SECONDS = 30.0  # longer chapters make GIFs too large to be useful
GIF_WIDTH = 480
GIF_FPS = 10


@dataclass(frozen=True)
class ChapterFiles:
    """One chapter's published files and where it starts in the lecture."""

    entry: dict
    video: Path
    captions: Path | None
    offset: float


def join_videos(videos: list[Path], target: Path, audio: bool = True) -> None:
    """Concatenate same-format videos without re-encoding (ffmpeg's concat demuxer); without their
    sound tracks when ``audio`` is false."""
    listing = target.with_suffix(".txt")
    # The concat list quotes paths in single quotes; a quote inside a path is written as '\''.
    quoted = (str(video.resolve()).replace("'", "'\\''") for video in videos)
    listing.write_text("".join(f"file '{path}'\n" for path in quoted), encoding="utf-8")
    try:
        ffmpeg("-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", *([] if audio else ["-an"]),
               "-movflags", "+faststart", str(target))
    finally:
        listing.unlink(missing_ok=True)


def video_duration(path: Path) -> float:
    with av.open(str(path)) as container:
        return float(container.duration / av.time_base)


def read_cues(path: Path | None) -> list[srt.Subtitle]:
    if path is None or not path.is_file():
        return []
    return list(srt.parse(path.read_text(encoding="utf-8")))


def shifted_cues(chapters: list[ChapterFiles], lecture_end: float = float("inf")) -> list[srt.Subtitle]:
    """Every chapter's cues moved to its place in the lecture and kept inside its chapter and inside the
    joined lecture, which can end a few milliseconds before the sum of its chapters' durations."""
    cues = []
    for chapter in chapters:
        start_of = chapter.offset
        end_of = min(chapter.offset + chapter.entry["duration"], lecture_end)
        for cue in read_cues(chapter.captions):
            start = min(max(cue.start.total_seconds() + start_of, start_of), end_of)
            end = min(cue.end.total_seconds() + start_of, end_of)
            if end > start:
                cues.append(srt.Subtitle(len(cues) + 1, timedelta(seconds=start), timedelta(seconds=end),
                                         cue.content))
    return cues


def write_srt(cues: list[srt.Subtitle], path: Path) -> None:
    path.write_text(srt.compose(cues, reindex=True), encoding="utf-8")


def vtt_time(delta: timedelta) -> str:
    millis = round(delta.total_seconds() * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def write_vtt(cues: list[srt.Subtitle], path: Path) -> None:
    """WebVTT for browsers' <track> elements and the slide decks."""
    blocks = [f"{vtt_time(c.start)} --> {vtt_time(c.end)}\n{c.content}" for c in cues]
    path.write_text("WEBVTT\n\n" + "\n\n".join(blocks) + "\n", encoding="utf-8")


def chapter_marks(chapters: list[ChapterFiles]) -> list[ChapterMark]:
    """Where each chapter starts in the lecture, with its title in the render's language."""
    return [ChapterMark(c.offset, c.entry["title"]) for c in chapters]


def write_chapter_lines(marks: list[ChapterMark], end: float, target: Path) -> list[ChapterMark]:
    """Write the chapter lines YouTube will accept into ``target`` (none, and one line saying so, when
    its rules cannot be met); return those chapters."""
    on_youtube = youtube_chapters(marks, end)
    if on_youtube is None:
        print(f"Note: the description carries no YouTube chapters: YouTube needs {YOUTUBE_MIN_CHAPTERS} or more "
              f"of {YOUTUBE_MIN_SECONDS} s or more, which these {len(marks)} do not make (lecture.mp4 has them)",
              flush=True)
    target.write_text(chapter_lines(on_youtube or []), encoding="utf-8")
    return on_youtube or []


def embed_chapters(video: Path, marks: list[ChapterMark], end: float) -> None:
    """Write every chapter into ``video`` (MP4 chapters, stream copy), for players in a classroom."""
    listing = video.with_name(video.stem + "-chapters.txt")
    listing.write_text(ffmetadata(marks, end), encoding="utf-8")
    marked = video.with_name(video.stem + "-marked.mp4")
    try:
        ffmpeg("-i", str(video), "-f", "ffmetadata", "-i", str(listing), "-map", "0", "-map_chapters", "1",
               "-c", "copy", "-movflags", "+faststart", str(marked))
        marked.replace(video)
    finally:
        listing.unlink(missing_ok=True)
        marked.unlink(missing_ok=True)


def font_file(lang: str) -> tuple[str, int]:
    """The file (and face index in a collection) of the language's font, found by fontconfig."""
    found = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", f"{font(lang)}:weight=bold"],
                           capture_output=True, text=True, check=True).stdout.split("\n")
    return found[0], int(found[1] or 0)


def frame_at(video: Path, seconds: float) -> Image.Image:
    """The decoded frame at (or just after) ``seconds``."""
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        container.seek(int(seconds / stream.time_base), stream=stream, backward=True)
        for frame in container.decode(stream):
            if frame.time is not None and frame.time >= seconds - 1e-6:
                return frame.to_image()
    raise RuntimeError(f"no frame at {seconds:.2f} s in {video.name}")


def wrap_to_width(text: str, text_font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Lines no wider than ``width`` pixels, broken where subtitles may break (words, CJK characters)."""
    return break_lines(tokens(text), width, measure=text_font.getlength)


def logo_image(logo: Path, height: int) -> Image.Image:
    """The course's logo (PNG, or SVG drawn by CairoSVG, which rides on the cairo Manim uses) at
    ``height`` pixels, RGBA."""
    if logo.suffix.lower() == ".svg":
        import cairosvg  # only for SVG logos

        image = Image.open(io.BytesIO(cairosvg.svg2png(url=str(logo), output_height=height * 2)))
    else:
        image = Image.open(logo)
    image = image.convert("RGBA")
    return image.resize((max(1, round(image.width * height / image.height)), height), Image.LANCZOS)


def make_thumbnail(chapters: list[ChapterFiles], lang: str, target: Path, course: Course = Course()) -> None:
    """A lecture frame with the title over a dark band, 1280x720, for YouTube. With a --config
    course: its line under the title, an accent stripe over the band and the logo at the band's right."""
    chosen = next((c for c in chapters if c.entry["name"] == THUMBNAIL_CHAPTER),
                  max(chapters, key=lambda c: c.entry["duration"]))
    image = frame_at(chosen.video, chosen.entry["duration"] * THUMBNAIL_AT).convert("RGB").resize(THUMBNAIL_SIZE)
    path, index = font_file(lang)
    size = 76
    title_font = ImageFont.truetype(path, size, index=index)
    course_font = ImageFont.truetype(path, THUMBNAIL_COURSE_SIZE, index=index)
    full_width = THUMBNAIL_SIZE[0] - 2 * THUMBNAIL_MARGIN
    title_lines = wrap_to_width(t("lecture.title", lang=lang), title_font, full_width)
    title_height = len(title_lines) * int(size * 1.25)
    # The course block: the course, then "lecturer · institution", beside the logo on the right.
    logo = logo_image(course.logo, THUMBNAIL_LOGO_HEIGHT) if course.logo else None
    course_width = full_width - (logo.width + THUMBNAIL_MARGIN if logo else 0)
    course_lines = [line for part in (course.course, course.names) if part
                    for line in wrap_to_width(part, course_font, course_width)]
    course_height = max(len(course_lines) * int(THUMBNAIL_COURSE_SIZE * 1.25), logo.height if logo else 0)
    if course_height:
        course_height += THUMBNAIL_COURSE_GAP
    band_height = title_height + course_height + 60
    band_top = THUMBNAIL_SIZE[1] - band_height
    # Nearly opaque: the frame's own labels must not show through the title at thumbnail size.
    band = Image.new("RGBA", (THUMBNAIL_SIZE[0], band_height), (0, 0, 0, 232))
    image.paste(band, (0, band_top), band)
    draw = ImageDraw.Draw(image)
    if course.accent:
        draw.rectangle((0, band_top - THUMBNAIL_STRIPE, THUMBNAIL_SIZE[0], band_top), fill=course.accent)
    y = band_top + 30
    for line in title_lines:
        draw.text((THUMBNAIL_MARGIN, y), line, font=title_font, fill=(255, 255, 255))
        y += int(size * 1.25)
    y += THUMBNAIL_COURSE_GAP
    if logo:
        image.paste(logo, (THUMBNAIL_SIZE[0] - THUMBNAIL_MARGIN - logo.width, y), logo)
    for line in course_lines:
        draw.text((THUMBNAIL_MARGIN, y), line, font=course_font, fill=THUMBNAIL_COURSE_COLOUR)
        y += int(THUMBNAIL_COURSE_SIZE * 1.25)
    image.save(target, format="PNG")


def make_gif(video: Path, target: Path) -> None:
    """A small looping GIF: reduced size and frame rate, one palette computed for the clip."""
    filters = f"fps={GIF_FPS},scale={GIF_WIDTH}:-1:flags=lanczos,split[a][b];[a]palettegen=max_colors=128[p];" \
              "[b][p]paletteuse=dither=bayer"
    ffmpeg("-i", str(video), "-vf", filters, "-loop", "0", str(target))


def make_webm(video: Path, target: Path) -> None:
    """VP9 in WebM for web pages and some slide tools (constant quality, row multithreading); the
    narration, if any, in Opus (WebM's audio codecs are Opus and Vorbis)."""
    ffmpeg("-i", str(video), "-c:v", "libvpx-vp9", "-b:v", "0", "-crf", "34", "-row-mt", "1",
           "-deadline", "good", "-cpu-used", "4", "-c:a", "libopus", "-b:a", "96k", str(target))


def publish_lecture(chapters: list[ChapterFiles], stage: Path, lang: str, formats: tuple[str, ...],
                    course: Course = Course(), metadata: Callable[[str], dict] | None = None) -> dict:
    """Write the lecture-wide files into ``stage``; return their manifest entry. ``metadata(chapter
    lines)`` writes the YouTube description and upload file and returns their entries."""
    lecture = stage / "lecture.mp4"
    voiced = [has_audio(c.video) for c in chapters]
    if any(voiced):
        # The pictures join by stream copy; the sound is joined, normalised and encoded once.
        pictures = stage / "lecture-picture.mp4"
        join_videos([c.video for c in chapters], pictures, audio=False)
        master_lecture(pictures, [(c.video, c.entry["duration"], v) for c, v in zip(chapters, voiced)], lecture)
        pictures.unlink()
    else:
        join_videos([c.video for c in chapters], lecture)
    duration = round(video_duration(lecture), 3)
    marks = chapter_marks(chapters)
    embed_chapters(lecture, marks, duration)
    cues = shifted_cues(chapters, duration)
    write_srt(cues, stage / "lecture.srt")
    write_vtt(cues, stage / "lecture.vtt")
    on_youtube = write_chapter_lines(marks, duration, stage / "chapters.txt")
    lines = chapter_lines(on_youtube)
    make_thumbnail(chapters, lang, stage / "thumbnail.png", course)
    entry = {
        "video": lecture.name,
        "duration": duration,
        "captions": {"srt": "lecture.srt", "vtt": "lecture.vtt"},
        "chapters": "chapters.txt",
        "youtube_chapters": len(on_youtube),
        "chapter_offsets": [round(c.offset, 3) for c in chapters],
        "thumbnail": "thumbnail.png",
        **(metadata(lines) if metadata else {}),
    }
    if any(voiced):
        entry["loudness"] = loudness(lecture)
    if "webm" in formats:
        make_webm(lecture, stage / "lecture.webm")
        entry["webm"] = {"video": "lecture.webm", "duration": round(video_duration(stage / "lecture.webm"), 3)}
    return entry

"""The handout (``--format handout``): one PDF to print and annotate. A title page (the lecture, your
course with ``--config``, a summary, the chapters, the licences), then per chapter its beats, each
its key frame beside its caption, then the sources with their links.

The pages are laid out by WeasyPrint from HTML and CSS: it rides on Pango and fontconfig, already
here for Manim, so Chinese text is set in the same Noto Sans CJK fonts and stays real, selectable
text (with its Unicode mapping) in the PDF. The key frames are drawn on the light theme whatever the
video's theme, so the handout prints in greyscale without black boxes of toner. A4 pages (on US
Letter, "fit to page" prints them at 94 %).
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from pipeline.metadata import licence_url, sources
from pipeline.registry import Chapter
from scenes.lib.course import CODE_LICENCE, Course
from scenes.lib.strings import font, raw, t

HANDOUT_NAME = "handout.pdf"
FRAME_SIZE = (1280, 720)  # pixels of each key frame: about 220 dpi at the width it is printed
FRAME_THEME = "light"  # print-friendly, whatever the video's theme
HTML_LANG = {"en": "en", "zh-TW": "zh-Hant-TW", "zh-CN": "zh-Hans-CN"}  # picks the right CJK glyphs

STYLE = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm;
        @bottom-center { content: counter(page); font-size: 8.5pt; color: #555; } }
@page :first { @bottom-center { content: none; } }
html { font-family: "%(font)s", sans-serif; font-size: 10pt; line-height: 1.45; color: #111; }
h1 { font-size: 24pt; line-height: 1.2; margin: 30mm 0 6mm; }
h2 { font-size: 15pt; margin: 0 0 4mm; padding-bottom: 1.5mm; border-bottom: 1.2pt solid %(accent)s; }
.course { font-size: 14pt; margin: 0 0 1mm; }
.names { font-size: 11pt; color: #444; margin: 0 0 6mm; }
.logo { height: 18mm; margin-bottom: 4mm; }
.summary { font-size: 11pt; margin: 8mm 0; }
.contents { margin: 0 0 8mm; padding-left: 0; list-style: none; }
.contents li { margin: 1mm 0; }
.playground { font-size: 10pt; margin: -4mm 0 8mm; }
.licence { font-size: 9pt; color: #444; position: absolute; bottom: 0; }
.cover { page-break-after: always; position: relative; height: 255mm; }
.chapter { page-break-before: always; }
.beat { display: flex; gap: 5mm; margin: 0 0 4mm; break-inside: avoid; }
.beat img { width: 100mm; height: auto; border: 0.5pt solid #999; flex: none; }
.beat p { margin: 0; font-size: 9.5pt; }
.beat .number { color: #555; font-size: 8.5pt; margin-bottom: 1mm; }
.sources { page-break-before: always; }
.sources li { margin: 0 0 3mm; }
.sources a { color: #111; font-size: 8.5pt; word-break: break-all; }
"""


@dataclass(frozen=True)
class ChapterFrames:
    """A chapter and its beats' key frames: ``beat``, ``image`` (a file) and ``caption`` each."""

    chapter: Chapter
    title: str
    beats: list[dict]


def _cover(lang: str, chapters: list[ChapterFrames], course: Course, summary: str) -> str:
    parts = ['<section class="cover">']
    if course.logo:
        parts.append(f'<img class="logo" src="{course.logo.as_uri()}" alt="">')
    parts.append(f"<h1>{escape(t('lecture.title', lang=lang))}</h1>")
    if course.course:
        parts.append(f'<p class="course">{escape(course.course)}</p>')
    if course.names:
        parts.append(f'<p class="names">{escape(course.names)}</p>')
    parts.append(f'<p class="summary">{escape(summary)}</p>')
    parts.append(f'<p class="playground">{escape(t("playground.mention", lang=lang))}</p>')
    parts.append('<ol class="contents">')
    parts += [f"<li>{item.chapter.number}. {escape(item.title)}</li>" for item in chapters]
    parts.append("</ol>")
    url = licence_url(course.licence)
    licence = escape(course.licence) + (f' (<a href="{escape(url)}">{escape(url)}</a>)' if url else "")
    parts.append(f'<p class="licence">{escape(raw("licence.lecture", lang)).format(licence=licence)}<br>'
                 f'{escape(t("licence.code", lang=lang, licence=CODE_LICENCE))}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _chapter(item: ChapterFrames) -> str:
    parts = ['<section class="chapter">', f"<h2>{item.chapter.number}. {escape(item.title)}</h2>"]
    for number, beat in enumerate(item.beats, start=1):
        parts.append(f'<div class="beat"><img src="{Path(beat["image"]).resolve().as_uri()}" alt="">'
                     f'<div><p class="number">{item.chapter.number}.{number}</p>'
                     f'<p>{escape(beat["caption"])}</p></div></div>')
    parts.append("</section>")
    return "\n".join(parts)


def _sources(lang: str) -> str:
    items = "".join(f'<li>{escape(cite)}<br><a href="{escape(url)}">{escape(url)}</a></li>'
                    for cite, url in sources(lang))
    heading = escape(t("ch6.sources_heading", lang=lang))
    return f'<section class="sources"><h2>{heading}</h2><ul>{items}</ul></section>'


def handout_html(lang: str, chapters: list[ChapterFrames], course: Course, summary: str) -> str:
    """The handout as one HTML document (images by absolute file URL)."""
    style = STYLE % {"font": font(lang), "accent": course.accent or "#777"}
    body = "\n".join([_cover(lang, chapters, course, summary), *map(_chapter, chapters), _sources(lang)])
    title = escape(t("lecture.title", lang=lang))
    return (f'<!DOCTYPE html><html lang="{HTML_LANG.get(lang, lang)}"><head><meta charset="utf-8">'
            f"<title>{title}</title><style>{style}</style></head><body>{body}</body></html>")


def write_handout(lang: str, chapters: list[ChapterFrames], course: Course, summary: str, target: Path) -> None:
    """Lay the handout out with WeasyPrint and write it to ``target``."""
    from weasyprint import HTML  # in the venv (requirements.txt)

    html = handout_html(lang, chapters, course, summary)
    HTML(string=html, base_url=str(target.parent)).write_pdf(target)

"""Ready-to-paste YouTube metadata: ``description.txt`` (title, the course, a one-paragraph summary,
the chapter lines, the sources with links, the licences) and ``youtube.json`` (title, description,
tags, category, default language, licence and the caption files per language, in the shape of the
YouTube Data API's ``videos.insert`` body, for an upload tool). YouTube's limits are checked here:
a title of at most 100 characters, a description of at most 5,000 bytes (UTF-8) without angle
brackets, tags of at most 500 characters in all.
"""
from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

from scenes.lib.course import CODE_LICENCE, Course
from scenes.lib.strings import ASSETS, languages, t, table

TITLE_MAX = 100  # characters
DESCRIPTION_MAX_BYTES = 5000  # the API counts UTF-8 bytes
TAGS_MAX = 500  # characters, counted as YouTube does: commas between tags, quotes around tags with spaces
EDUCATION_CATEGORY = "27"
SOURCES_FILE = ASSETS / "sources.json"
_CC = re.compile(r"CC[ -](BY(?:-NC)?(?:-SA|-ND)?)[ -](\d\.\d)", re.IGNORECASE)


class MetadataError(RuntimeError):
    """Metadata that YouTube would refuse."""


def licence_url(licence: str) -> str | None:
    """The Creative Commons deed of a "CC BY 4.0"-style licence; None for any other licence."""
    found = _CC.fullmatch(licence.strip())
    if not found:
        return None
    return f"https://creativecommons.org/licenses/{found[1].lower()}/{found[2]}/"


def youtube_licence(licence: str) -> str:
    """YouTube offers two licences: Creative Commons Attribution (CC BY) or its standard one."""
    found = _CC.fullmatch(licence.strip())
    return "creativeCommon" if found and found[1].upper() == "BY" else "youtube"


def sources(lang: str) -> list[tuple[str, str]]:
    """The recap's sources in the recap's order, each with its link."""
    links = json.loads(SOURCES_FILE.read_text(encoding="utf-8"))
    cited = [key.split(".")[2] for key in table("en") if key.startswith("ch6.source.") and key.endswith(".cite")]
    missing = [stem for stem in cited if stem not in links]
    if missing:
        raise MetadataError(f"no link for the source {missing[0]!r} in {SOURCES_FILE.name}")
    return [(t(f"ch6.source.{stem}.cite", lang=lang), links[stem]) for stem in cited]


def summary(lang: str) -> str:
    """The lecture in one paragraph; its number (the sigmoid's steepest slope) from the model."""
    from scenes.model import sigmoid_slope_max

    peak = Fraction(sigmoid_slope_max()[1]).limit_denominator(16)
    return t("lecture.description", lang=lang, peak=f"{peak.numerator}/{peak.denominator}")


def tags(lang: str) -> list[str]:
    return [tag.strip() for tag in t("lecture.tags", lang=lang).split(",") if tag.strip()]


def description(lang: str, chapter_lines: str, course: Course) -> str:
    """The video description: title, course, summary, the playground, chapters, sources, licences."""
    blocks = [t("lecture.title", lang=lang)]
    course_line = " · ".join(part for part in (course.course, course.names) if part)
    if course_line:
        blocks[0] += "\n" + course_line
    blocks.append(summary(lang))
    blocks.append(t("playground.mention", lang=lang))  # a lecturer can host the page beside the video
    if chapter_lines.strip():  # none where YouTube's chapter rules cannot be met (chapter_marks.py)
        blocks.append(f"{t('meta.chapters', lang=lang)}\n{chapter_lines.rstrip()}")
    blocks.append(f"{t('ch6.sources_heading', lang=lang)}\n"
                  + "\n".join(f"- {cite}: {url}" for cite, url in sources(lang)))
    url = licence_url(course.licence)
    blocks.append(t("licence.lecture", lang=lang, licence=course.licence + (f" ({url})" if url else "")) + "\n"
                  + t("licence.code", lang=lang, licence=CODE_LICENCE))
    return "\n\n".join(blocks) + "\n"


def check_limits(title: str, text: str, tag_list: list[str]) -> None:
    """Raise MetadataError, naming the limit, where YouTube would refuse the metadata."""
    if len(title) > TITLE_MAX:
        raise MetadataError(f"the title is {len(title)} characters; YouTube allows {TITLE_MAX}")
    size = len(text.encode("utf-8"))
    if size > DESCRIPTION_MAX_BYTES:
        raise MetadataError(f"the description is {size} bytes; YouTube allows {DESCRIPTION_MAX_BYTES}")
    for name, value in (("title", title), ("description", text)):
        if "<" in value or ">" in value:
            raise MetadataError(f"the {name} contains < or >, which YouTube refuses")
    counted = sum(len(tag) + (2 if " " in tag else 0) for tag in tag_list) + max(len(tag_list) - 1, 0)
    if counted > TAGS_MAX:
        raise MetadataError(f"the tags come to {counted} characters; YouTube allows {TAGS_MAX}")


def caption_tracks(variant_dir: Path, lang: str, theme: str, quality: str) -> list[dict]:
    """This render's subtitles, then those of the other languages already rendered beside it (same
    theme and quality, in the same output folder), paths relative to ``variant_dir``."""
    tracks = [{"language": lang, "file": "lecture.srt"}]
    for other_lang in languages():
        other = variant_dir.parent / f"{other_lang}-{theme}-{quality}"
        if other_lang != lang and (other / "lecture.srt").is_file():
            tracks.append({"language": other_lang, "file": f"../{other.name}/lecture.srt"})
    return tracks


def write_metadata(stage: Path, variant_dir: Path, lang: str, theme: str, quality: str, chapter_lines: str,
                   course: Course) -> dict:
    """Write description.txt and youtube.json into ``stage``; return their manifest entries."""
    title = t("lecture.title", lang=lang)
    text = description(lang, chapter_lines, course)
    tag_list = tags(lang)
    check_limits(title, text, tag_list)
    (stage / "description.txt").write_text(text, encoding="utf-8")
    upload = {
        "snippet": {
            "title": title,
            "description": text,
            "tags": tag_list,
            "categoryId": EDUCATION_CATEGORY,
            "defaultLanguage": lang,
            "defaultAudioLanguage": lang,
        },
        "status": {"license": youtube_licence(course.licence), "privacyStatus": "private",
                   "selfDeclaredMadeForKids": False},
        "video": "lecture.mp4",
        "thumbnail": "thumbnail.png",
        "captions": caption_tracks(variant_dir, lang, theme, quality),
        "licence": course.licence,
    }
    (stage / "youtube.json").write_text(json.dumps(upload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return {"description": "description.txt", "youtube": "youtube.json"}

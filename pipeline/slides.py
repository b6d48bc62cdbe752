"""Click-through decks of the lecture: ``render.sh slides``.

Each chapter is rendered once more by Manim, this time on manim-slides' ``Slide`` (``decks.py`` builds
each chapter on the slides adapter, scenes/lib/slides.py): every beat is one slide with its caption as the
speaker notes, plus a looping slide where an animation idles while the lecturer talks. manim-slides
then converts the decks into, under ``OUT/<variant>/slides/``:

- ``lecture.html`` with ``lecture_assets/``: all chapters in order. reveal.js comes from its npm
  package at a pinned version (checked against the registry's checksum, cached in ``.cache/npm``)
  and ships inside the assets folder, so the deck runs from a USB stick with no network;
- ``lecture.pptx`` and one ``NN-chapter.pptx`` per chapter: PowerPoint is known to stop playing
  embedded videos after about 30 in one deck, so each chapter also stands alone.

The slides folder and the manifest's ``slides`` entry are replaced together, all or nothing.
"""
from __future__ import annotations

import base64
import hashlib
import html as html_text
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.request
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn

from pipeline.jobs import ProgressRunner, run_in_parallel
from pipeline.manim_run import (
    log_dir,
    make_key_frames,
    manim_cache,
    manim_command,
    manim_env,
    manim_session,
    match_encoder_settings,
)
from pipeline.options import RenderOptions, slides_cache
from pipeline.playground import GRIDS, PAGE_NAME, write_playground
from pipeline.registry import Chapter
from pipeline.settings import SLIDES_DIR_ENV
from pipeline.staging import MANIFEST_NAME, manifest_header, read_manifest, run_staged, write_json_atomically
from scenes.lib.settings import ROOT, cache_root
from scenes.lib.strings import t
from scenes.lib.style import THEMES

# The reveal.js release manim-slides 5.7.0's HTML template is written for, from the npm registry.
REVEAL_VERSION = "6.0.1"
REVEAL_TARBALL = f"https://registry.npmjs.org/reveal.js/-/reveal.js-{REVEAL_VERSION}.tgz"
REVEAL_INTEGRITY = "sha512-9eacArNIgqO2HGWOK+93gJNn+gvdGDVbSq+i2u3Ja9kjiHps0XNLpgYTZTYjKRH91uXy3clGimeGiw4umHG/tg=="

DECKS_FILE = Path(__file__).with_name("decks.py")  # Manim's entry for the chapters as decks
SLIDES_FOLDER = "slides"  # inside the variant folder
POSTERS_FOLDER = "posters"  # beside the staged slides folder, never published
POSTERS_JSON = "posters.json"  # a chapter's poster per slide, in order
DECK = "lecture"  # lecture.html, lecture_assets/, lecture.pptx
REVEAL_FOLDER = "reveal.js"  # inside lecture_assets/
REVEAL_THEMES = {"light": "white", "dark": "black"}  # reveal.js's own page theme around the videos
PLAYGROUND_AFTER = "relu"  # the deck's playground slide follows this chapter (or ends the deck without it)
# One slide of manim-slides' reveal.js template: a section with its video (or image) as background.
SLIDE_SECTION = re.compile(r"<section\b[^>]*data-background-(?:video|image)=.*?</section>", re.DOTALL)


def npm_integrity(data: bytes) -> str:
    """The npm registry's ``dist.integrity`` of a tarball (Subresource Integrity, sha512)."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def fetch_revealjs(cache: Path | None = None, url: str = REVEAL_TARBALL, integrity: str = REVEAL_INTEGRITY) -> Path:
    """The pinned reveal.js npm tarball, downloaded once into ``cache`` and checked."""
    cache = cache or cache_root() / "npm"
    tarball = cache / url.rsplit("/", 1)[1]
    if tarball.is_file() and npm_integrity(tarball.read_bytes()) == integrity:
        return tarball
    print(f"Downloading reveal.js {REVEAL_VERSION} from the npm registry", flush=True)
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            data = response.read()
    except OSError as error:
        raise RuntimeError(f"cannot download reveal.js from {url} ({error}); it is needed once, then cached in "
                           f"{cache}") from None
    if npm_integrity(data) != integrity:
        raise RuntimeError(f"the reveal.js tarball from {url} does not match its pinned checksum")
    cache.mkdir(parents=True, exist_ok=True)
    partial = tarball.with_suffix(".part")
    partial.write_bytes(data)
    os.replace(partial, tarball)
    return tarball


def ship_revealjs(tarball: Path, dest: Path) -> None:
    """Unpack what the deck loads (reveal.js's ``dist/`` and its licence) into ``dest``."""
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            name = member.name.removeprefix("package/")
            wanted = name == "LICENSE" or (name.startswith("dist/") and not name.endswith((".mjs", ".d.ts")))
            if not member.isfile() or not wanted or ".." in Path(name).parts:
                continue
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as source:
                target.write_bytes(source.read())


def slide_posters(slides: list[dict], beats: list[dict]) -> list[str]:
    """The poster of each slide of a chapter's deck: its beat's key frame. Every beat opens one slide;
    a looping (idle) slide follows its beat and shows the same picture."""
    if sum(not slide["loop"] for slide in slides) != len(beats):
        raise RuntimeError(f"the deck has {len(slides)} slides but the chapter plays {len(beats)} beats")
    images, beat = [], -1
    for slide in slides:
        beat += not slide["loop"]
        images.append(beats[max(beat, 0)]["image"])
    return images


def set_posters(deck: Path, posters: list[Path]) -> None:
    """Make each slide's video show ``posters[i]`` before it plays (and in the slide sorter, in PDFs
    and wherever it cannot play). manim-slides takes a video's first frame, which is blank where a
    beat fades in; python-pptx (manim-slides' own PowerPoint writer) swaps the picture."""
    presentation = Presentation(str(deck))
    if len(presentation.slides) != len(posters):
        raise RuntimeError(f"{deck.name} has {len(presentation.slides)} slides for {len(posters)} posters")
    for slide, poster in zip(presentation.slides, posters):
        for shape in slide.shapes:
            if shape.shape_type != MSO_SHAPE_TYPE.MEDIA:
                continue
            blip = shape._element.xpath("./p:blipFill/a:blip")[0]
            old = blip.get(qn("r:embed"))
            _, new = slide.part.get_or_add_image_part(str(poster))
            blip.set(qn("r:embed"), new)
            slide.part.drop_rel(old)  # only dropped when nothing else on the slide uses it
    presentation.save(str(deck))


def render_chapter_slides(chapter: Chapter, options: RenderOptions, folder: Path, posters: Path, label: str,
                          runner: ProgressRunner) -> dict:
    """Render one chapter as a manim-slides deck into ``folder`` and its slides' posters (each beat's
    key frame) into ``posters``; return its manifest entry."""
    runner.say(f"{label}: rendering slides")
    started = time.monotonic()
    media_dir = slides_media(options) / chapter.module
    # Manim names the videos' folder after the file it renders: decks.py, which builds each chapter on Slide.
    match_encoder_settings(media_dir / "videos" / DECKS_FILE.stem / options.quality.manim_folder, options.quality.x264)
    env = dict(manim_env(options), **{SLIDES_DIR_ENV: str(folder)})
    runner.run(label, manim_command(chapter, options, media_dir, scene_file=DECKS_FILE), env, ROOT,
               slides_log(chapter, options), phase="slides ")
    slides = json.loads((folder / f"{chapter.scene}.json").read_text(encoding="utf-8"))["slides"]
    beats = make_key_frames(chapter, options, posters / chapter.stem, runner, label, media_dir=media_dir,
                            log=slides_log(chapter, options).with_suffix(".key-frames.log"))
    (posters / chapter.stem / POSTERS_JSON).write_text(json.dumps(
        [str(posters / chapter.stem / image) for image in slide_posters(slides, beats)]), encoding="utf-8")
    runner.say(f"{label}: {len(slides)} slides in {time.monotonic() - started:.0f} s")
    return {
        "name": chapter.slug,
        "number": chapter.number,
        "title": t(f"{chapter.key}.title", lang=options.lang),
        "pptx": f"{SLIDES_FOLDER}/{chapter.stem}.pptx",
        "slides": len(slides),
        "looping": [number for number, slide in enumerate(slides, start=1) if slide["loop"]],
    }


def playground_slide_number(options: RenderOptions, entries: list[dict]) -> int:
    """Where the playground slide goes (1-based): right after the ReLU chapter, whose question it lets
    students ask again; at the end of a deck without that chapter."""
    names = [chapter.slug for chapter in options.chapters]
    chapters = names.index(PLAYGROUND_AFTER) + 1 if PLAYGROUND_AFTER in names else len(names)
    return sum(entry["slides"] for entry in entries[:chapters]) + 1


def playground_section(options: RenderOptions) -> str:
    """The deck's playground slide and its speaker note. reveal.js shows the page as the slide's
    interactive background: the whole window at the screen's own resolution (a frame inside the
    slide would keep the deck's size, 854x480 at preview), loaded when the slide comes near."""
    theme = THEMES[options.theme]
    return (f'<section data-playground data-background-color="{theme.background}" '
            f'data-background-iframe="{PAGE_NAME}" data-background-interactive>'
            f'<aside class="notes">{html_text.escape(t("playground.slide_note", lang=options.lang))}</aside>'
            "</section>\n")


def insert_playground_slide(deck: Path, number: int, section: str) -> None:
    """Put ``section`` into manim-slides' HTML deck so that it becomes slide ``number``."""
    html = deck.read_text(encoding="utf-8")
    slides = list(SLIDE_SECTION.finditer(html))
    if not slides or not 1 <= number <= len(slides) + 1:
        raise RuntimeError(f"{deck.name} has {len(slides)} slides: no place for a slide {number}")
    at = slides[number - 2].end() if number > 1 else slides[0].start()
    deck.write_text(html[:at] + "\n" + section + html[at:], encoding="utf-8")


def slides_log(chapter: Chapter, options: RenderOptions) -> Path:
    """Manim's output for one chapter's deck."""
    return log_dir() / f"slides-{options.variant}" / f"{chapter.stem}.log"


def slides_media(options: RenderOptions) -> Path:
    """Manim's media folders for the slide renders of one language and theme, one per chapter."""
    return manim_cache() / f"slides-{options.lang}-{options.theme}"


def render_decks(options: RenderOptions, folder: Path, posters: Path, runner: ProgressRunner) -> list[dict]:
    """Every chosen chapter's deck, ``options.jobs`` at a time; their manifest entries in order."""
    total = len(options.chapters)
    jobs = min(options.jobs, total)
    runner.say(f"Rendering {total} chapter(s) as slides, {jobs} at a time ({options.lang}, {options.theme}, "
               f"{options.quality.name}); Manim's output: {log_dir() / ('slides-' + options.variant)}/")
    labels = {chapter: f"[{index}/{total}] {chapter.slug}" for index, chapter in enumerate(options.chapters, start=1)}
    runner.plan({labels[chapter]: slides_log(chapter, options) for chapter in options.chapters})
    return run_in_parallel(runner, [partial(render_chapter_slides, chapter, options, folder, posters,
                                            labels[chapter], runner)
                                    for chapter in options.chapters], jobs)


def convert(folder: Path, scenes: list[str], dest: Path, *config: str) -> None:
    """``manim-slides convert`` of ``scenes`` (in this order) from ``folder`` into ``dest``."""
    command = [sys.executable, "-m", "manim_slides", "convert", "--folder", str(folder),
               *(f"-c{option}" for option in config), *scenes, str(dest)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0 or not dest.is_file():
        raise RuntimeError(f"manim-slides could not write {dest.name}: {result.stderr.strip()[-2000:]}")


def build_decks(options: RenderOptions, folder: Path, entries: list[dict], stage: Path, posters: Path) -> dict:
    """The HTML deck (reveal.js inside, with the playground's slide), the playground page, the
    lecture's and each chapter's PowerPoint (each slide's poster its beat's key frame, from
    ``posters``), in ``stage``; return the playground's manifest entry."""
    scenes = [chapter.scene for chapter in options.chapters]
    theme = THEMES[options.theme]
    print(f"Writing {DECK}.html (offline reveal.js {REVEAL_VERSION}) and the PowerPoint decks", flush=True)
    html = stage / f"{DECK}.html"
    convert(folder, scenes, html,
            f"cdn_url={DECK}_assets/{REVEAL_FOLDER}",  # reveal.js ships beside the deck, never from a CDN
            f"reveal_theme={REVEAL_THEMES[options.theme]}",
            f"background_color={theme.background}",
            f"title={t('lecture.title', lang=options.lang)}",
            "controls=true", "progress=true", "slide_number=c/t")
    ship_revealjs(fetch_revealjs(), stage / f"{DECK}_assets" / REVEAL_FOLDER)
    playground = write_playground(stage, options.lang, options.theme, GRIDS[options.playground_grid])
    playground["slide"] = playground_slide_number(options, entries)
    insert_playground_slide(html, playground["slide"], playground_section(options))
    size = f"width={options.quality.width}", f"height={options.quality.height}"
    chapter_posters = [[Path(path) for path in json.loads((posters / chapter.stem / POSTERS_JSON).read_text())]
                       for chapter in options.chapters]
    convert(folder, scenes, stage / f"{DECK}.pptx", *size)
    set_posters(stage / f"{DECK}.pptx", [poster for chapter in chapter_posters for poster in chapter])
    for chapter, entry, own in zip(options.chapters, entries, chapter_posters):
        convert(folder, [chapter.scene], stage.parent / entry["pptx"], *size)
        set_posters(stage.parent / entry["pptx"], own)
    return {**playground, "html": f"{SLIDES_FOLDER}/{playground['html']}"}


def replace_slides(stage: Path, variant_dir: Path, slides: dict, options: RenderOptions) -> Path:
    """Swap the staged slides folder in and record it in the manifest; on failure keep the old."""
    variant_dir.mkdir(parents=True, exist_ok=True)
    target, backup = variant_dir / SLIDES_FOLDER, stage.parent / "previous-slides"
    manifest_path = variant_dir / MANIFEST_NAME
    manifest = read_manifest(manifest_path) or manifest_header(options)
    manifest["slides"] = slides
    had_slides = target.exists()
    if had_slides:
        os.replace(target, backup)
    try:
        os.replace(stage, target)
        write_json_atomically(manifest_path, manifest)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        if had_slides:
            os.replace(backup, target)
        raise
    shutil.rmtree(backup, ignore_errors=True)
    return manifest_path


def publish_slides(options: RenderOptions, staging: Path, runner: ProgressRunner) -> tuple[list[dict], Path]:
    """Render the decks, build the HTML and PowerPoint files in ``staging`` and swap them in; return
    the chapters' entries and the manifest's path."""
    stage = staging / SLIDES_FOLDER
    stage.mkdir()
    folder = slides_cache() / options.variant
    # manim-slides' joined slide videos in ``folder`` can be cut short by a kill too.
    with manim_session(options, runner, slides_media(options), folder):
        entries = render_decks(options, folder, staging / POSTERS_FOLDER, runner)
        playground = build_decks(options, folder, entries, stage, staging / POSTERS_FOLDER)
        slides = {
            "html": f"{SLIDES_FOLDER}/{DECK}.html",
            "pptx": f"{SLIDES_FOLDER}/{DECK}.pptx",
            "reveal_js": REVEAL_VERSION,
            "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "chapters": entries,
            "playground": playground,
        }
        return entries, replace_slides(stage, options.variant_dir, slides, options)


def make_slides(options: RenderOptions) -> int:
    """Render the chosen chapters as decks; on any failure leave the output folder as it was."""
    started = time.monotonic()
    entries, manifest_path = run_staged(options, partial(publish_slides, options))
    deck = options.variant_dir / SLIDES_FOLDER
    print(f"\n{sum(entry['slides'] for entry in entries)} slides from {len(entries)} chapter(s) in "
          f"{time.monotonic() - started:.0f} s:")
    print(f"  {deck / (DECK + '.html')}  (open in a browser; works offline, keep {DECK}_assets/ beside it)")
    print(f"  {deck / PAGE_NAME}  (the classroom playground, offline; also slide "
          f"{read_manifest(manifest_path)['slides']['playground']['slide']} of the HTML deck)")
    print(f"  {deck / (DECK + '.pptx')}  (the whole lecture in PowerPoint)")
    for entry in entries:
        print(f"  {options.variant_dir / entry['pptx']}")
    print(f"Manifest: {manifest_path}")
    return 0


def make_slides_variants(variants: list[RenderOptions]) -> int:
    """``render.sh slides`` for every language, theme and quality asked for, one after another."""
    for options in variants:
        make_slides(options)
    return 0


def present(options: RenderOptions) -> int:
    """Hand the chosen chapters' decks to manim-slides' own player (it replaces this process)."""
    command = [sys.executable, "-m", "manim_slides", "present", "--folder", str(slides_cache() / options.variant),
               *(chapter.scene for chapter in options.chapters)]
    print(f"Presenting {len(options.chapters)} chapter(s): right arrow = next slide, left = back, Q = quit", flush=True)
    os.execv(command[0], command)

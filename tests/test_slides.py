"""``render.sh slides``: the HTML deck plays every slide in a real headless Chromium with the network
cut off and loads nothing from outside its folder, its playground slide included; the PowerPoint
decks have one slide per beat (plus the looping idle slides), each with its video, its beat's key
frame as the poster and its narration script as notes."""
from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import run_render
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from pipeline.settings import PLAYGROUND_GRID_ENV
from pipeline.slides import fetch_revealjs, npm_integrity
from scenes.lib.narration import scripts
from scenes.lib.strings import t

pytestmark = pytest.mark.xdist_group("render")

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Every slide of chapters 0 and 1: the title card's three beats, then chapter 1's six beats and the
# idle loop after its sweep (beat 3).
SCENES = "title,sigmoid-slope"
BEATS = {"title": 3, "sigmoid-slope": 6}
LOOPS = {"title": [], "sigmoid-slope": [4]}


@pytest.fixture(scope="session")
def slides_render(tmp_path_factory):
    """Decks of the first two chapters at preview quality, on the (default) light theme, with the
    playground on the tests' small grid (the full one takes minutes to compute the first time)."""
    out = tmp_path_factory.mktemp("slides") / "out"
    result = run_render("slides", "--quality", "preview", "--scenes", SCENES, "--out", str(out),
                        env={PLAYGROUND_GRID_ENV: "small"})
    assert result.returncode == 0, result.stderr[-3000:]
    variant = out / "en-light-preview"
    return variant, json.loads((variant / "manifest.json").read_text(encoding="utf-8"))


def test_manifest_lists_the_decks_with_a_slide_per_beat_and_the_idle_loop(slides_render):
    variant, manifest = slides_render
    slides = manifest["slides"]
    assert manifest["theme"] == "light", "slides default to the light theme"
    assert (variant / slides["html"]).is_file() and (variant / slides["pptx"]).is_file()
    assert [entry["name"] for entry in slides["chapters"]] == SCENES.split(",")
    for entry in slides["chapters"]:
        assert entry["slides"] == BEATS[entry["name"]] + len(LOOPS[entry["name"]])
        assert entry["looping"] == LOOPS[entry["name"]]
        assert (variant / entry["pptx"]).is_file()
    # Without the ReLU chapter in the deck, the playground's slide ends it.
    assert slides["playground"]["slide"] == sum(BEATS.values()) + sum(map(len, LOOPS.values())) + 1
    assert (variant / slides["playground"]["html"]).stat().st_size == slides["playground"]["bytes"]


def pptx_slides(path: Path) -> list[tuple[int, str]]:
    """(number of videos, notes) of every slide of a PowerPoint deck."""
    slides = []
    for slide in Presentation(str(path)).slides:
        videos = sum(shape.shape_type == MSO_SHAPE_TYPE.MEDIA for shape in slide.shapes)
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        slides.append((videos, notes))
    return slides


def test_powerpoint_decks_have_a_video_and_the_narration_on_every_slide(slides_render):
    variant, manifest = slides_render
    lecture = pptx_slides(variant / manifest["slides"]["pptx"])
    chapters = [pptx_slides(variant / entry["pptx"]) for entry in manifest["slides"]["chapters"]]
    assert lecture == [slide for chapter in chapters for slide in chapter], "the lecture deck is the chapters in order"
    assert len(lecture) == sum(BEATS.values()) + sum(map(len, LOOPS.values()))
    assert all(videos == 1 for videos, _ in lecture), "each slide plays exactly one video"
    assert all(notes.strip() for _, notes in lecture), "each slide has its narration as speaker notes"
    # Beat 1 of chapter 1 and its narration script (it has no computed values).
    assert chapters[1][0][1] == scripts("en")["ch1.show_sigmoid"]
    loop = LOOPS["sigmoid-slope"][0]
    assert chapters[1][loop - 1][1] == chapters[1][loop - 2][1], "the idle loop keeps its beat's notes"


def test_every_poster_libreoffice_shows_is_its_beat_key_frame_not_a_blank(slides_render, tmp_path):
    """A poster is what a deck shows before its video plays, in the slide sorter and in exported
    PDFs. LibreOffice Impress (a client no one here wrote) exports the lecture deck to PDF; every
    page must show a picture, not the blank first frame of a beat that fades in."""
    variant, manifest = slides_render
    deck = variant / manifest["slides"]["pptx"]
    result = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                             "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck)],
                            capture_output=True, text=True, timeout=300)
    pdf = tmp_path / f"{deck.stem}.pdf"
    assert result.returncode == 0 and pdf.is_file(), result.stderr
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"), key=lambda path: int(path.stem.split("-")[-1]))
    assert len(pages) == sum(entry["slides"] for entry in manifest["slides"]["chapters"])
    blank = [page.name for page in pages if np.asarray(Image.open(page).convert("L"), dtype=float).std() < 5]
    assert not blank, f"blank posters: {blank}"


def chromium_driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file(), "render.sh test installs chromium"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,720", "--autoplay-policy=no-user-gesture-required",
                 "--allow-file-access-from-files",
                 # No network at all: no name resolves and every connection goes to a dead proxy.
                 "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--no-first-run", "--metrics-recording-only"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    return driver


def requested_urls(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


# The current slide's background video: playing means not paused, not ended, and time moving on.
CURRENT_VIDEO = """
const video = document.querySelector('.backgrounds .slide-background.present video');
if (!video) return null;
return {paused: video.paused, time: video.currentTime, ready: video.readyState, loop: video.loop,
        error: video.error && video.error.code, src: video.currentSrc};
"""


def wait_until_playing(driver, slide: int, timeout: float = 15.0) -> dict:
    deadline, first = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        state = driver.execute_script(CURRENT_VIDEO)
        assert state is None or not state["error"], f"slide {slide}: the video failed to decode: {state}"
        if state and state["ready"] >= 2 and not state["paused"]:
            if first is None:
                first = state["time"]
            elif state["time"] > first:
                return state
        time.sleep(0.1)
    raise AssertionError(f"slide {slide}: no video playing after {timeout} s (last state {state})")


# The playground inside the current slide's frame: its gradient ratio, and a click on ReLU.
PLAYGROUND_RATIO = "return document.getElementById('ratio').textContent"


def check_playground_slide(driver, slide: int) -> None:
    """The current slide's background is the playground, running: a click changes its readout, and
    Page Up (a presenter's clicker) pressed inside it goes back a slide."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    assert driver.execute_script("return Reveal.getSlideNotes()").strip() == t("playground.slide_note", lang="en")
    deadline = time.monotonic() + 10
    while not driver.find_elements(By.CSS_SELECTOR, ".backgrounds .slide-background.present iframe[src]"):
        assert time.monotonic() < deadline, f"slide {slide} should show the playground"
        time.sleep(0.1)
    driver.switch_to.frame(driver.find_element(By.CSS_SELECTOR, ".backgrounds .slide-background.present iframe"))
    try:
        while not driver.execute_script(PLAYGROUND_RATIO):
            assert time.monotonic() < deadline, "the playground did not start inside the deck"
            time.sleep(0.1)
        before = driver.execute_script(PLAYGROUND_RATIO)
        driver.find_element(By.CSS_SELECTOR, 'input[name=activation][value="relu"] + span').click()
        assert driver.execute_script(PLAYGROUND_RATIO) != before, "choosing ReLU changes the ratio"
        assert driver.execute_script("return window.innerWidth") == 1280, "the page gets the whole window"
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.PAGE_UP)
    finally:
        driver.switch_to.default_content()
    deadline = time.monotonic() + 5
    while driver.execute_script("return Reveal.getIndices().h") != slide - 2:
        assert time.monotonic() < deadline, "Page Up inside the playground goes back a slide"
        time.sleep(0.1)
    driver.execute_script("Reveal.next()")


def test_html_deck_plays_every_slide_offline_in_chromium(slides_render, tmp_path):
    variant, manifest = slides_render
    deck = variant / manifest["slides"]["html"]
    # From its own copy, as from a USB stick: nothing may point back at the render folder.
    stick = tmp_path / "usb-stick"
    shutil.copytree(deck.parent, stick)
    driver = chromium_driver()
    try:
        driver.get((stick / deck.name).as_uri())
        deadline = time.monotonic() + 20
        while not driver.execute_script("return !!(window.Reveal && Reveal.isReady())"):
            assert time.monotonic() < deadline, "reveal.js did not start: is it in the deck's folder?"
            time.sleep(0.1)
        total = driver.execute_script("return Reveal.getTotalSlides()")
        expected = [entry["slides"] for entry in manifest["slides"]["chapters"]]
        playground = manifest["slides"]["playground"]["slide"]
        assert total == sum(expected) + 1, "every chapter's slides and the playground's"
        loops = {sum(expected[:i]) + number for i, entry in enumerate(manifest["slides"]["chapters"])
                 for number in entry["looping"]}
        for slide in range(1, total + 1):
            if slide > 1:
                driver.execute_script("Reveal.next()")
            assert driver.execute_script("return Reveal.getIndices().h") == slide - 1
            if slide == playground:
                check_playground_slide(driver, slide)
                driver.save_screenshot(str(tmp_path / "playground-slide.png"))
                continue
            state = wait_until_playing(driver, slide)
            video_slide = slide - (slide > playground)  # counted among the chapters' slides
            assert state["loop"] == (video_slide in loops), f"slide {slide}: looping is {state['loop']}"
            assert driver.execute_script("return Reveal.getSlideNotes()").strip(), f"slide {slide} has no notes"
            if video_slide == min(loops):
                time.sleep(1.0)  # let the sweep move into view before the picture
                driver.save_screenshot(str(tmp_path / "loop-slide.png"))
        urls = requested_urls(driver)
    finally:
        driver.quit()
    assert any(url.endswith(".mp4") for url in urls), "the request log sees the videos"
    outside = [url for url in urls if not url.startswith((stick.as_uri() + "/", "data:", "blob:", "about:"))]
    assert not outside, f"requests left the deck's folder: {outside[:5]}"
    assert (tmp_path / "loop-slide.png").stat().st_size > 10_000
    assert any(url.endswith("/playground.html") for url in urls), "the deck loads its playground"
    print(f"screenshots of the looping slide and the playground: {tmp_path / 'loop-slide.png'}, "
          f"{tmp_path / 'playground-slide.png'}")


def test_revealjs_comes_from_the_pinned_npm_tarball_or_not_at_all(tmp_path):
    tarball = tmp_path / "registry" / "reveal.js-9.9.9.tgz"
    tarball.parent.mkdir()
    tarball.write_bytes(b"not the real reveal.js")
    with pytest.raises(RuntimeError, match="does not match its pinned checksum"):
        fetch_revealjs(tmp_path / "cache", tarball.as_uri(), npm_integrity(b"the real one"))
    assert not (tmp_path / "cache").exists(), "a tarball that fails its checksum is never cached"
    cached = fetch_revealjs(tmp_path / "cache", tarball.as_uri(), npm_integrity(tarball.read_bytes()))
    assert cached.read_bytes() == tarball.read_bytes()
    tarball.unlink()  # offline from now on: the cached copy serves
    assert fetch_revealjs(tmp_path / "cache", tarball.as_uri(), npm_integrity(cached.read_bytes())) == cached
    with pytest.raises(RuntimeError, match="cannot download reveal.js"):
        fetch_revealjs(tmp_path / "empty", tarball.as_uri(), npm_integrity(b""))


@pytest.mark.parametrize(("args", "named"), [(["--format", "gif"], "--format"), (["--transparent"], "--transparent"),
                                             (["--lang", "fr"], "'fr'"), (["--scenes", "nope"], "'nope'")])
def test_bad_slides_options_exit_2_with_one_line_and_write_nothing(args, named, tmp_path):
    result = run_render("slides", *args, "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0], result.stderr
    assert not (tmp_path / "out").exists()


def test_present_without_decks_says_which_slides_command_to_run_first():
    result = run_render("present", "--lang", "zh-TW", "--theme", "dark", "--quality", "4k", "--scenes", "recap")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "render.sh: no zh-TW-dark-4k slides of recap yet; make them first with "
        "'./render.sh slides --lang zh-TW --theme dark --quality 4k --scenes recap'"]

"""The classroom playground (playground.html): built from scenes/model for every choice it offers,
self-contained, and in headless Chromium with the network cut off every control changes the
readouts, which are the model's numbers. The data is built once per session on the small grid,
without rendering anything; the deck's playground slide is tested with the deck (test_slides.py)."""
from __future__ import annotations

import re
import shutil
import time
from html import escape

import pytest
from test_slides import chromium_driver, requested_urls

from pipeline.options import UsageError, parse_render_options
from pipeline.playground import ACTIVATIONS, SMALL_GRID, page_html, playground_data, setting_key
from pipeline.render import lecture_entry_files, stage_playground
from pipeline.settings import PLAYGROUND_GRID_ENV
from scenes.lib.settings import CACHE_DIR_ENV
from scenes.lib.strings import t
from scenes.model.playground import neuron_death, playground_gradients, playground_training

# Settings no other test uses: (activation id on the page, depth, init, scale), the last one diverges.
SETTINGS = [("tanh", 5, "he", 2.0), ("leaky_0.25", 3, "xavier", 1.0), ("prelu", 5, "he", 1.0),
            ("leaky_0.01", 5, "xavier", 2.0)]
DIVERGES = ("leaky_0.01", 5, "xavier", 2.0)
SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


@pytest.fixture(scope="session")
def small_data(tmp_path_factory):
    """The page's data on the tests' small grid, built from nothing (a fresh cache), and how long it took."""
    started = time.monotonic()
    data = playground_data(SMALL_GRID, tmp_path_factory.mktemp("playground-cache"))
    return data, time.monotonic() - started


@pytest.fixture(scope="session")
def pages(small_data, tmp_path_factory):
    """playground.html in English on the dark theme and in Traditional Chinese on the light one."""
    folder = tmp_path_factory.mktemp("playground")
    written = {}
    for lang, theme in (("en", "dark"), ("zh-TW", "light")):
        written[lang] = folder / lang / "playground.html"
        written[lang].parent.mkdir()
        written[lang].write_text(page_html(small_data[0], lang, theme), encoding="utf-8")
    return written


def model_numbers(activation: str, depth: int, init: str, scale: float) -> dict:
    """What the page must read out for one setting, straight from scenes/model."""
    _, name, params = next(choice for choice in ACTIVATIONS if choice[0] == activation)
    grads = playground_gradients(name, depth, init, scale, **params)
    run = playground_training(name, depth, init, scale, steps=SMALL_GRID.steps, **params)
    return {"ratio": grads.weight_norms[0] / grads.weight_norms[-1],
            "signal_ratio": grads.signal_norms[0] / grads.signal_norms[-1],
            "loss": None if run.diverged else run.loss[-1], "baseline": run.baseline_loss,
            "stuck": (run.stuck_start, run.stuck_end)}


def shown_numbers(text: str) -> list[float]:
    """The numbers in a readout as the page writes them: 0.249, 2.7 × 10⁻⁷, 4.9%."""
    text = text.translate(SUPERSCRIPT)
    numbers = []
    for mantissa, exponent, plain, percent in re.findall(r"(\d+(?:\.\d+)?) × 10(-?\d+)|(\d+(?:\.\d+)?)(%?)", text):
        if mantissa:
            numbers.append(float(mantissa) * 10 ** int(exponent))
        else:
            numbers.append(float(plain) / (100 if percent else 1))
    return numbers


def test_the_small_grid_builds_in_seconds_and_holds_every_choice(small_data):
    data, seconds = small_data
    assert seconds < 30, f"the tests' grid took {seconds:.0f} s"
    grid = SMALL_GRID
    assert len(data["settings"]) == len(ACTIVATIONS) * len(grid.depths) * len(grid.inits) * len(grid.scales)
    assert set(data["neuron"]) == {f"{lr:g}" for lr in grid.neuron_lrs}


def test_a_diverged_setting_carries_no_number_to_show(small_data):
    settings = small_data[0]["settings"]
    assert settings[setting_key(*DIVERGES)]["diverged"]
    for key, setting in settings.items():
        if setting["diverged"]:
            assert setting["final_loss"] is None and setting["stuck_end"] is None, key
        else:
            assert None not in (setting["final_loss"], setting["stuck_end"], *setting["curve"]), key


def test_the_page_is_one_file_that_asks_for_nothing(pages):
    # SVG's namespace is a name, not an address: nothing is fetched from it.
    html = pages["en"].read_text(encoding="utf-8").replace('"http://www.w3.org/2000/svg"', "")
    assert not re.search(r"""\b(src|href)\s*=|@import|url\(|https?://""", html), "the page must load nothing"
    assert "/*DATA*/" not in html and "{{" not in html


def readouts(driver) -> dict[str, str]:
    return driver.execute_script("""
        const text = (id) => document.getElementById(id).textContent;
        return {ratio: text('ratio'), signal_ratio: text('signal-ratio'), loss: text('final-loss'),
                stuck: text('stuck'), neuron: text('neuron-status'), setting: document.body.dataset.setting,
                bars: document.querySelectorAll('#gradient-chart rect').length,
                curve: document.querySelector('#loss-chart polyline').getAttribute('points')};""")


def choose(driver, activation: str, depth: int, init: str, scale: float) -> None:
    """Set the four controls as a student would: mouse on the activation and the init, keyboard on
    the depth slider and the scale's radio group."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.find_element(By.CSS_SELECTOR, f'input[name=activation][value="{activation}"] + span').click()
    driver.find_element(By.CSS_SELECTOR, f'input[name=init][value="{init}"] + span').click()
    slider = driver.find_element(By.ID, "depth")
    slider.send_keys(Keys.HOME)
    for _ in range(SMALL_GRID.depths.index(depth)):
        slider.send_keys(Keys.ARROW_RIGHT)
    checked = driver.find_element(By.CSS_SELECTOR, "input[name=scale]:checked")
    steps = SMALL_GRID.scales.index(scale) - SMALL_GRID.scales.index(float(checked.get_attribute("value")))
    for _ in range(abs(steps)):
        checked.send_keys(Keys.ARROW_RIGHT if steps > 0 else Keys.ARROW_LEFT)
        checked = driver.find_element(By.CSS_SELECTOR, "input[name=scale]:checked")


def test_every_control_changes_the_readouts_to_the_models_numbers_offline(pages, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    stick = tmp_path / "usb-stick"
    shutil.copytree(pages["en"].parent, stick)
    driver = chromium_driver()
    try:
        # Opened twice: the first open also pays for starting the browser's renderer, which no reader
        # sees twice, and on a machine shared with other tests it varies by more than the page.
        driver.get((stick / "playground.html").as_uri())
        driver.refresh()
        loaded = driver.execute_script("return performance.getEntriesByType('navigation')[0].loadEventEnd")
        assert 0 < loaded < 1000, f"the page loads in under a second, not {loaded:.0f} ms"
        seen = [readouts(driver)]
        for setting in SETTINGS:
            choose(driver, *setting)
            shown = readouts(driver)
            assert shown["setting"] == setting_key(*setting)
            assert shown != seen[-1], f"nothing changed for {setting}"
            assert shown["bars"] == setting[1], "one bar per layer"
            seen.append(shown)
            model = model_numbers(*setting)
            assert shown_numbers(shown["ratio"]) == [pytest.approx(model["ratio"], rel=0.05)]
            assert shown_numbers(shown["signal_ratio"]) == [pytest.approx(model["signal_ratio"], rel=0.05)]
            if model["loss"] is None:
                assert shown["loss"] == t("playground.diverged", lang="en"), "a diverged run says so"
                assert shown_numbers(shown["stuck"]) == [pytest.approx(model["stuck"][0], abs=5e-4)]
                assert t("playground.diverged", lang="en") in shown["stuck"], "no count after a divergence"
            else:
                assert shown_numbers(shown["loss"]) == [pytest.approx(model["loss"], rel=5e-3),
                                                        pytest.approx(model["baseline"], rel=5e-3)]
                assert shown_numbers(shown["stuck"]) == [pytest.approx(v, abs=5e-4) for v in model["stuck"]]
        # The neuron's learning rate, by keyboard: alive at 1, dead at 4 and 6, at the model's step.
        slider = driver.find_element(By.ID, "lr")
        for lr in SMALL_GRID.neuron_lrs[1:]:
            slider.send_keys(Keys.ARROW_RIGHT)
            status = readouts(driver)["neuron"]
            died_at = neuron_death(lr).died_at
            assert status == t("playground.neuron_died", lang="en", step=died_at), (lr, status)
        slider.send_keys(Keys.HOME)
        assert readouts(driver)["neuron"].startswith("Alive")
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        urls = requested_urls(driver)
    finally:
        driver.quit()
    assert not errors, errors
    outside = [url for url in urls if not url.startswith((stick.as_uri() + "/", "data:", "about:"))]
    assert not outside, f"the page asked for {outside[:5]}"


def test_the_chinese_page_reads_in_chinese_on_the_light_theme(pages):
    driver = chromium_driver()
    try:
        driver.get(pages["zh-TW"].as_uri())
        title, background = driver.execute_script(
            "return [document.getElementById('title').textContent, getComputedStyle(document.body).backgroundColor]")
    finally:
        driver.quit()
    assert title == t("playground.title", lang="zh-TW")
    assert background == "rgb(255, 255, 255)"


def test_a_render_asked_for_the_playground_writes_it_beside_the_lecture(tmp_path, monkeypatch):
    """``--format playground`` (the render's hook, without rendering a video): the page in the
    render's language and theme, named in the manifest's lecture entry."""
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv(PLAYGROUND_GRID_ENV, "small")
    options = parse_render_options(["--format", "playground", "--lang", "zh-TW", "--theme", "light"])
    entry = stage_playground(options, tmp_path)
    page = (tmp_path / entry["html"]).read_text(encoding="utf-8")
    assert '<html lang="zh-TW">' in page and t("playground.title", lang="zh-TW") in page
    assert entry["bytes"] == len(page.encode()) and entry["settings"] == 48
    assert entry["html"] in lecture_entry_files({"video": "lecture.mp4", "captions": {}, "chapters": "c",
                                                 "thumbnail": "t", "description": "d", "youtube": "y",
                                                 "playground": entry})


def test_an_unknown_playground_grid_is_refused_in_one_line(monkeypatch):
    monkeypatch.setenv(PLAYGROUND_GRID_ENV, "huge")
    with pytest.raises(UsageError, match="LECTURE_PLAYGROUND_GRID 'huge'"):
        parse_render_options([])


@pytest.mark.parametrize("lang", ["en", "zh-TW", "zh-CN"])
def test_the_description_and_the_handout_say_the_playground_exists(lang):
    from pipeline.handout import handout_html
    from pipeline.metadata import check_limits, description, tags
    from scenes.lib.course import Course

    mention = t("playground.mention", lang=lang)
    text = description(lang, "", Course())
    assert mention in text
    check_limits(t("lecture.title", lang=lang), text, tags(lang))
    assert escape(mention) in handout_html(lang, [], Course(), "summary")


def test_the_decks_playground_slide_follows_the_relu_chapter(tmp_path):
    """Placed in manim-slides' HTML without rendering: after ReLU's slides, or last without ReLU."""
    from pipeline.slides import insert_playground_slide, playground_section, playground_slide_number

    options = parse_render_options(["--scenes", "compounding,relu,dying-relu"])
    entries = [{"slides": 4}, {"slides": 7}, {"slides": 5}]
    assert playground_slide_number(options, entries) == 4 + 7 + 1
    assert playground_slide_number(parse_render_options(["--scenes", "title,sigmoid-slope"]), entries[:2]) == 12
    deck = tmp_path / "lecture.html"
    videos = "".join(f'<section data-background-color="#fff" data-background-video="v{i}.mp4"></section>\n'
                     for i in range(16))
    deck.write_text(f'<div class="slides">\n{videos}</div>', encoding="utf-8")
    insert_playground_slide(deck, 12, playground_section(options))
    sections = re.findall(r'<section[^>]*?(data-playground|data-background-video="v\d+)', deck.read_text())
    assert len(sections) == 17 and sections[11] == "data-playground" and sections[10].endswith("v10")

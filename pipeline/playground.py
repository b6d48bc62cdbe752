"""The classroom playground: ``playground.html``, one offline page beside the deck.

Students choose the activation, the depth and the initialisation and see where the gradient goes
layer by layer, how the network then trains, and at what learning rate chapter 4's neuron dies.

Every number on the page comes from ``scenes.model.playground``, computed here ahead of time for
every choice the page offers (:data:`FULL_GRID`) and shipped inside the page as JSON: the page
draws and looks up, it computes nothing, so there is no second implementation of the model to
drift from the first. The data is cached under ``.cache/playground/``, keyed by the model's source
and the grid, so a deck rebuilds it only when the model changes. The page has no library and no
request: its script, styles and data are inline, so it works from a USB stick.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from scenes.lib.settings import ROOT, cache_root
from scenes.lib.strings import font, raw
from scenes.lib.style import BODY_SIZE, HEADING_SIZE, LABEL_SIZE, SMALL_SIZE, THEMES
from scenes.model import DEFAULT_DEEP_RUN
from scenes.model.playground import neuron_death, playground_gradients, playground_training

PAGE_NAME = "playground.html"
TEMPLATE = Path(__file__).with_name("playground_page.html")
MODEL_DIR = ROOT / "scenes" / "model"
DATA_VERSION = "1"  # bump when the data's shape changes

#: The activations the page offers: (its id on the page, the model's name, the model's parameters).
ACTIVATIONS: tuple[tuple[str, str, dict[str, float]], ...] = (
    ("sigmoid", "sigmoid", {}),
    ("tanh", "tanh", {}),
    ("relu", "relu", {}),
    ("leaky_0.01", "leaky_relu", {"slope": 0.01}),
    ("leaky_0.25", "leaky_relu", {"slope": 0.25}),
    ("prelu", "prelu", {"alpha": 0.25}),
)
SIGNIFICANT = 4  # digits kept of every number the page reads out (it shows at most three); curves keep 3


@dataclass(frozen=True)
class Grid:
    """Every choice the page offers; the data holds one answer per combination."""

    depths: tuple[int, ...] = tuple(range(2, 21))
    inits: tuple[str, ...] = ("xavier", "he")
    scales: tuple[float, ...] = (0.5, 1.0, 2.0)
    steps: int = DEFAULT_DEEP_RUN.steps  # the lecture's deep run, at its learning rate
    curve_every: int = 5  # a loss curve keeps every 5th step (and the last)
    neuron_lrs: tuple[float, ...] = tuple(round(0.25 * k, 2) for k in range(1, 33))  # 0.25 .. 8


FULL_GRID = Grid()
#: A quick grid for the tests: every activation and init, fewer depths, scales and steps.
SMALL_GRID = Grid(depths=(3, 5), scales=(1.0, 2.0), steps=60, curve_every=5, neuron_lrs=(1.0, 4.0, 6.0))
GRIDS = {"full": FULL_GRID, "small": SMALL_GRID}


def setting_key(activation: str, depth: int, init: str, scale: float) -> str:
    """How the page names one combination of choices."""
    return f"{activation}|{depth}|{init}|{scale:g}"


def _rounded(value: float, digits: int = SIGNIFICANT) -> float | None:
    # JSON has no NaN or infinity: a non-finite number is shipped as null and never shown.
    value = float(value)
    return float(f"{value:.{digits}g}") if math.isfinite(value) else None


def setting_data(activation: str, depth: int, init: str, scale: float, grid: Grid) -> dict:
    """The page's numbers for one combination: gradients at initialisation, then training."""
    _, name, params = next(choice for choice in ACTIVATIONS if choice[0] == activation)
    grads = playground_gradients(name, depth, init, scale, **params)
    run = playground_training(name, depth, init, scale, steps=grid.steps, **params)
    ratio = grads.weight_norms[0] / grads.weight_norms[-1]
    signal_ratio = grads.signal_norms[0] / grads.signal_norms[-1]
    # Every curve_every-th step, then the last: the page spaces them so.
    shown = [*range(0, len(run.loss) - 1, grid.curve_every), len(run.loss) - 1] if len(run.loss) else []
    return {
        "signal": [_rounded(v) for v in grads.signal_norms],
        "weight": [_rounded(v) for v in grads.weight_norms],
        "ratio": _rounded(ratio),
        "signal_ratio": _rounded(signal_ratio),
        "curve": [_rounded(run.loss[step], 3) for step in shown],
        "last_step": len(run.loss) - 1,
        "final_loss": None if run.diverged else _rounded(run.loss[-1]),
        "baseline": _rounded(run.baseline_loss),
        # np.isfinite, checked here too: a run the model did not flag still never shows a number.
        "diverged": bool(run.diverged or not all(map(math.isfinite, run.loss))),
        "stuck_start": _rounded(run.stuck_start),
        "stuck_end": None if run.diverged or run.stuck_end is None else _rounded(run.stuck_end),
    }


def neuron_data(lr: float) -> dict:
    """Chapter 4's neuron trained at ``lr``: active inputs and loss per step, and when it died."""
    death = neuron_death(lr)
    return {"active": death.active.tolist(), "inputs": death.inputs, "died_at": death.died_at,
            "loss": [_rounded(v) for v in death.loss]}


def _setting_job(args: tuple) -> tuple[str, dict]:
    activation, depth, init, scale, grid = args
    return setting_key(activation, depth, init, scale), setting_data(activation, depth, init, scale, grid)


def data_key(grid: Grid) -> str:
    """The cache key: the model's source, the grid and the data's shape."""
    digest = hashlib.sha256(f"{DATA_VERSION}\n{json.dumps(asdict(grid))}".encode())
    for path in sorted(MODEL_DIR.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def build_data(grid: Grid = FULL_GRID, jobs: int | None = None) -> dict:
    """Compute every combination of ``grid`` (``jobs`` processes; default up to 2)."""
    jobs = jobs or min(2, os.cpu_count() or 1)
    combos = [(a, d, i, s, grid) for a, _, _ in ACTIVATIONS for d in grid.depths for i in grid.inits
              for s in grid.scales]
    # Deep settings first, so the slowest jobs do not come last.
    combos.sort(key=lambda combo: -combo[1])
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            settings = dict(pool.map(_setting_job, combos, chunksize=4))
    else:
        settings = dict(map(_setting_job, combos))
    return {
        "grid": {"activations": [a for a, _, _ in ACTIVATIONS], "depths": list(grid.depths),
                 "inits": list(grid.inits), "scales": list(grid.scales), "steps": grid.steps, "lr": DEFAULT_DEEP_RUN.lr,
                 "curve_every": grid.curve_every,
                 "neuron_lrs": list(grid.neuron_lrs)},
        "settings": {key: settings[key] for key in sorted(settings)},
        "neuron": {f"{lr:g}": neuron_data(lr) for lr in grid.neuron_lrs},
    }


def playground_data(grid: Grid = FULL_GRID, cache: Path | None = None) -> dict:
    """:func:`build_data`, cached under ``.cache/playground/`` until the model or the grid changes."""
    cache = cache or cache_root() / "playground"
    path = cache / f"data-{data_key(grid)}.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    started = time.monotonic()
    print(f"Computing the playground's {len(ACTIVATIONS) * len(grid.depths) * len(grid.inits) * len(grid.scales)} "
          "settings with scenes.model (once, then cached)", flush=True)
    data = build_data(grid)
    cache.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    os.replace(partial, path)
    print(f"Playground data computed in {time.monotonic() - started:.0f} s", flush=True)
    return data


#: The page's words, from the string tables (placeholders filled in by the page).
STRING_KEYS = (
    "playground.title", "playground.activation", "playground.depth",
    "playground.init", "playground.scale", "playground.gradients_heading", "playground.signal",
    "playground.weight_gradient", "playground.layer", "playground.ratio", "playground.signal_ratio",
    "playground.training_heading", "playground.baseline", "playground.step",
    "playground.final_loss", "playground.diverged", "playground.inactive", "playground.saturated",
    "playground.neuron_heading", "playground.lr", "playground.neuron_alive",
    "playground.neuron_died", "playground.act.sigmoid", "playground.act.tanh", "playground.act.relu",
    "playground.act.leaky_0.01", "playground.act.leaky_0.25", "playground.act.prelu", "playground.init.xavier",
    "playground.init.he", "playground.source",
)


def page_html(data: dict, lang: str, theme: str) -> str:
    """``playground.html`` in ``lang`` and ``theme``: the template with the data, words and colours inline."""
    colours = asdict(THEMES[theme])
    words = {key: raw(key, lang=lang) for key in STRING_KEYS}
    html = TEMPLATE.read_text(encoding="utf-8")
    for marker, value in (("/*DATA*/", data), ("/*WORDS*/", words), ("/*THEME*/", colours)):
        # "</" inside inline JSON would end the script element early.
        html = html.replace(marker, json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/"))
    # The lecture's sizes relative to its body text, which the page sets for the screen it is on.
    scale = " ".join(f"--{name}: {size / BODY_SIZE:.3f}em;" for name, size in
                     (("heading", HEADING_SIZE), ("label", LABEL_SIZE), ("small", SMALL_SIZE)))
    return (html.replace("{{lang}}", lang).replace("{{type_scale}}", scale).replace("{{font}}", font(lang))
            .replace("{{title}}", raw("playground.title", lang=lang)))


def write_playground(folder: Path, lang: str, theme: str, grid: Grid = FULL_GRID) -> dict:
    """Write ``playground.html`` into ``folder``; return its manifest entry (name, size, settings)."""
    target = folder / PAGE_NAME
    data = playground_data(grid)
    target.write_text(page_html(data, lang, theme), encoding="utf-8")
    return {"html": PAGE_NAME, "bytes": target.stat().st_size, "settings": len(data["settings"])}

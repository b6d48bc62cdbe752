"""The pipeline's modules import one another in one direction: builders (render.py, slides.py) sit
side by side over shared layers (manim_run.py, staging.py, timings.py, ffmpeg.py), and no chain of
imports, at the top of a module or inside a function, leads back to where it started."""
from __future__ import annotations

import ast
from pathlib import Path

PIPELINE = Path(__file__).resolve().parent.parent / "pipeline"


def pipeline_imports(source: str) -> set[str]:
    """The pipeline modules that ``source`` imports, anywhere in it (``from pipeline.x import``,
    ``import pipeline.x``, ``from pipeline import x``)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "pipeline":
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pipeline."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[1] for alias in node.names if alias.name.startswith("pipeline."))
    return found


def import_graph(folder: Path) -> dict[str, set[str]]:
    modules = {path.stem: path for path in folder.glob("*.py") if path.stem != "__init__"}
    return {name: pipeline_imports(path.read_text(encoding="utf-8")) & modules.keys()
            for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One chain of imports that comes back to its start, or None (depth-first search)."""
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        if module in path:
            return path[path.index(module):] + [module]
        if module in done:
            return None
        path.append(module)
        for imported in sorted(graph.get(module, ())):
            cycle = visit(imported)
            if cycle:
                return cycle
        path.pop()
        done.add(module)
        return None

    for module in sorted(graph):
        cycle = visit(module)
        if cycle:
            return cycle
    return None


def test_no_chain_of_pipeline_imports_leads_back_to_its_start():
    cycle = find_cycle(import_graph(PIPELINE))
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_sees_a_cycle_through_a_local_import(tmp_path):
    (tmp_path / "audio.py").write_text("from pipeline.ffmpeg import ffmpeg\n")
    (tmp_path / "ffmpeg.py").write_text("def ffmpeg():\n    from pipeline import publish\n")
    (tmp_path / "publish.py").write_text("import pipeline.audio\n")
    assert find_cycle(import_graph(tmp_path)) == ["audio", "ffmpeg", "publish", "audio"]


def test_render_and_slides_are_siblings():
    graph = import_graph(PIPELINE)
    assert "render" not in graph["slides"] and "slides" not in graph["render"]

"""The code keeps the house style's lint rules (ruff: pyflakes, pycodestyle, import order)."""
from __future__ import annotations

import ast
import importlib
import importlib.util
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from scenes.lib.settings import ROOT


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "scenes", "pipeline", "tests"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def library_modules() -> list[str]:
    """The modules of the scenes' library and of the model (each says what it offers in ``__all__``)."""
    paths = [*(ROOT / "scenes" / "lib").rglob("*.py"), *(ROOT / "scenes" / "model").rglob("*.py")]
    return sorted(module_name(path) for path in paths
                  if path.name != "__init__.py" or path.parent.name == "model")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@dataclass(frozen=True)
class ModuleNames:
    """What a module's source says at its top level: the names it defines (functions, classes,
    assignments), the public functions and classes among them, what it imports from where, and its
    ``__all__`` (None when it has none)."""

    defined: frozenset[str]
    functions_and_classes: frozenset[str]
    imported_from: dict[str, str]  # name -> the module it comes from
    exported: tuple[str, ...] | None


def module_names(name: str) -> ModuleNames:
    module = importlib.import_module(name)
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    package = name if Path(module.__file__).name == "__init__.py" else name.rpartition(".")[0]
    defined, functions, imported, exported = set(), set(), {}, None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
            if not node.name.startswith("_"):
                functions.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name) and target.id == "__all__":
                    exported = tuple(ast.literal_eval(node.value))
                elif isinstance(target, ast.Name):
                    defined.add(target.id)
                elif isinstance(target, ast.Tuple):  # A, B = ...
                    defined.update(element.id for element in target.elts if isinstance(element, ast.Name))
        elif isinstance(node, ast.ImportFrom):
            source = importlib.util.resolve_name("." * node.level + (node.module or ""), package) if node.level \
                else node.module
            imported.update({alias.asname or alias.name: source for alias in node.names})
    return ModuleNames(frozenset(defined), frozenset(functions), imported, exported)


@pytest.mark.parametrize("name", library_modules())
def test_every_library_module_says_what_it_offers(name):
    assert module_names(name).exported is not None, f"{name} has no __all__"


@pytest.mark.parametrize("name", library_modules())
def test_a_library_module_exports_only_what_it_defines_or_passes_on_from_a_module_that_exports_it(name):
    names = module_names(name)
    wrong = []
    for public in names.exported or ():
        if public in names.defined:
            continue
        source = names.imported_from.get(public)
        if source is None or not source.startswith(("scenes.", "pipeline.")):
            wrong.append(f"{public} (neither defined here nor imported from the project)")
        elif public not in (module_names(source).exported or ()):
            wrong.append(f"{public} (imported from {source}, which does not export it)")
    assert not wrong, f"{name}.__all__ names: {', '.join(wrong)}"
    assert len(set(names.exported or ())) == len(names.exported or ()), f"{name}.__all__ names a name twice"


@pytest.mark.parametrize("name", library_modules())
def test_a_library_module_exports_every_public_function_and_class_it_defines(name):
    names = module_names(name)
    unexported = sorted(names.functions_and_classes - set(names.exported or ()))
    assert not unexported, f"{name} defines {unexported} without exporting them: export them, or make them private"

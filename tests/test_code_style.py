"""The code keeps the house style's lint rules (ruff: pyflakes, pycodestyle, import order)."""
from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from scenes.lib.settings import ROOT


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "scenes", "pipeline", "tests"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def library_modules() -> list[str]:
    lib = ROOT / "scenes" / "lib"
    return sorted(".".join(path.relative_to(ROOT).with_suffix("").parts) for path in lib.rglob("*.py")
                  if path.name != "__init__.py")


@pytest.mark.parametrize("name", library_modules())
def test_every_library_module_says_what_it_offers(name):
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__"


@pytest.mark.parametrize("name", library_modules())
def test_a_library_module_offers_only_names_it_has(name):
    module = importlib.import_module(name)
    missing = [public for public in getattr(module, "__all__", []) if not hasattr(module, public)]
    assert not missing, f"{name}.__all__ names what it does not define: {missing}"

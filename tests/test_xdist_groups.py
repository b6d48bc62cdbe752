"""Tests marked with one xdist_group run on one worker (xdist_groups.py restores it on pytest 9.2)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent

GROUPED = '''import os
from pathlib import Path

import pytest

@pytest.mark.parametrize("i", range(6))
@pytest.mark.xdist_group("render")
def test_grouped(i):
    (Path(os.environ["WORKER_LOG"]) / f"grouped-{i}").write_text(os.environ["PYTEST_XDIST_WORKER"])

@pytest.mark.parametrize("i", range(6))
def test_free(i):
    pass
'''


def test_tests_of_one_group_run_on_one_worker(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "pytest.ini").write_text("[pytest]\n")
    (project / "test_grouped.py").write_text(GROUPED)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "xdist_groups", "-p", "no:cacheprovider", "-p", "no:hypothesispytest",
         "-n", "2", "--dist", "loadgroup", str(project)],
        cwd=project, env={**os.environ, "PYTHONPATH": str(TESTS_DIR), "WORKER_LOG": str(tmp_path)},
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout
    workers = {(tmp_path / f"grouped-{i}").read_text() for i in range(6)}
    assert len(workers) == 1, f"the group ran on {sorted(workers)}"

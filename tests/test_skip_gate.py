"""The skip gate (skip_gate.py) turns a skipped or xfailed test into a failed session, with and
without pytest-xdist, and names the tests that did not run."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent

PASSING = "def test_passes():\n    assert True\n"
SKIPPED = "import pytest\n\ndef test_needs_cairo_1_18():\n    pytest.skip('cairo is too old')\n"
XFAILED = "import pytest\n\n@pytest.mark.xfail\ndef test_known_bug():\n    assert False\n"
MODULE_SKIPPED = "import pytest\n\npytest.importorskip('no_such_module')\n\ndef test_never_collected():\n    pass\n"


def run_gated_session(tmp_path: Path, workers: int, **modules: str) -> subprocess.CompletedProcess:
    """pytest on ``modules`` (name -> source) in an empty project, the gate on, ``workers`` xdist workers."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # keep the project's pytest.ini out of it
    for name, source in modules.items():
        (tmp_path / f"{name}.py").write_text(source)
    env = {**os.environ, "PYTHONPATH": str(TESTS_DIR)}
    # Without hypothesis's plugin a session starts in well under a second.
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "skip_gate", "-p", "no:cacheprovider",
                           "-p", "no:hypothesispytest", "-n", str(workers), str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_the_gate_is_on_for_this_suite(pytestconfig):
    assert pytestconfig.pluginmanager.has_plugin("skip_gate")


def test_a_session_of_passing_tests_still_passes(tmp_path):
    result = run_gated_session(tmp_path, 2, test_ok=PASSING)
    assert result.returncode == 0, result.stdout
    assert "skip gate" not in result.stdout


@pytest.mark.parametrize("workers", [0, 2])
def test_skipped_and_xfailed_tests_fail_the_session_and_are_named(tmp_path, workers):
    result = run_gated_session(tmp_path, workers, test_ok=PASSING, test_skip=SKIPPED, test_xfail=XFAILED,
                               test_importorskip=MODULE_SKIPPED)
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout
    gate_lines = [line for line in result.stdout.splitlines() if line.startswith("skip gate:")]
    assert len(gate_lines) == 1, result.stdout
    for named in ("test_skip.py::test_needs_cairo_1_18 (skipped)", "test_xfail.py::test_known_bug (xfailed)",
                  "test_importorskip.py (skipped)"):
        assert named in gate_lines[0], result.stdout

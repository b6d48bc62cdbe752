"""A pytest plugin: a session with any skipped or expected-to-fail test fails.

A skipped test checks nothing, yet a green run hides it (Manim's own ``frames_comparison`` skips
itself below cairo 1.18, for example). So every skip, ``importorskip``, skipped module, xfail and
xpass ends the session with exit status 1 and one line naming those tests.

It works under pytest-xdist: the controller receives every worker's reports through
``pytest_runtest_logreport`` and ``pytest_collectreport`` and sets the exit status in
``pytest_sessionfinish``; workers keep quiet. ``tests/conftest.py`` turns it on for the suite,
``-p skip_gate`` anywhere else.
"""
from __future__ import annotations

import pytest


class SkipGate:
    """Collects the tests that did not really run and fails the session if there are any."""

    def __init__(self) -> None:
        self.not_run: list[str] = []

    @staticmethod
    def how_not_run(report: pytest.CollectReport | pytest.TestReport) -> str | None:
        """"skipped", "xfailed" or "xpassed" when ``report`` is of a test that checked nothing."""
        if hasattr(report, "wasxfail"):
            return "xfailed" if report.skipped else "xpassed"
        return "skipped" if report.skipped else None

    def record(self, report: pytest.CollectReport | pytest.TestReport) -> None:
        how = self.how_not_run(report)
        if how is not None:
            self.not_run.append(f"{report.nodeid or '(collection)'} ({how})")

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.record(report)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        self.record(report)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.not_run and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.not_run:
            terminalreporter.write_line(
                f"skip gate: {len(self.not_run)} test(s) did not run, so the session fails: "
                + ", ".join(self.not_run), red=True, bold=True)


def pytest_configure(config: pytest.Config) -> None:
    # In an xdist worker the controller sees the same reports and judges the whole session.
    if not hasattr(config, "workerinput") and not config.pluginmanager.has_plugin("skip-gate"):
        config.pluginmanager.register(SkipGate(), "skip-gate")

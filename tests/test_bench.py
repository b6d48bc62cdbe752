"""The benchmark's arithmetic: its core-count simulation and how it reads chapter times."""
from __future__ import annotations

import pytest

from pipeline.bench import chapter_seconds, schedule, simulated_walls


def test_one_worker_runs_the_units_one_after_another_and_enough_workers_are_bound_by_the_longest():
    units = [30.0, 20.0, 10.0, 10.0]
    assert schedule(units, 1) == pytest.approx(70.0)
    assert schedule(units, 2) == pytest.approx(40.0)  # 30 + 10 beside 20 + 10
    assert schedule(units, 4) == schedule(units, 16) == pytest.approx(30.0)


def test_the_simulation_keeps_the_measured_serial_part_and_reproduces_the_measured_run():
    units = [30.0, 20.0, 10.0, 10.0]
    walls = simulated_walls(units, cold_wall=45.0, jobs=2)  # 40 s of schedule, 5 s of joining
    assert walls[2] == pytest.approx(45.0)
    assert walls[4] == walls[16] == pytest.approx(35.0)


def test_chapter_times_are_read_from_render_sh_output():
    output = ("[1/2] title: rendering\n[2/2] relu: done in 97 s (60.1 s of video)\n"
              "[1/2] title: done in 12 s (9.0 s of video)\n")
    assert chapter_seconds(output) == {"relu": 97.0, "title": 12.0}

"""The benchmark's arithmetic: its core-count simulation and how it reads the units of work."""
from __future__ import annotations

import json
import shutil

import pytest

from pipeline.bench import Work, chapter_seconds, schedule_work, simulated_walls, work_of


def whole(*seconds: float) -> Work:
    return Work({f"chapter{index}": value for index, value in enumerate(seconds)}, {}, {})


def test_one_worker_runs_the_units_one_after_another_and_enough_workers_are_bound_by_the_longest():
    units = whole(30.0, 20.0, 10.0, 10.0)
    assert schedule_work(units, 1) == pytest.approx(70.0)
    assert schedule_work(units, 2) == pytest.approx(40.0)  # 30 + 10 beside 20 + 10
    assert schedule_work(units, 4) == schedule_work(units, 16) == pytest.approx(30.0)


def test_a_cut_chapter_is_joined_after_its_last_part_on_that_part_s_worker():
    work = Work({"title": 10.0}, {"relu": [40.0, 30.0]}, {"relu": 15.0})
    # 2 workers: relu's parts side by side, the title after the 30 s one; the join follows the 40 s part
    assert schedule_work(work, 2) == pytest.approx(55.0)
    assert schedule_work(work, 3) == pytest.approx(55.0)
    assert schedule_work(work, 1) == pytest.approx(95.0)  # everything one after another


def test_the_simulation_keeps_the_measured_serial_part_and_reproduces_the_measured_run():
    walls = simulated_walls(whole(30.0, 20.0, 10.0, 10.0), cold_wall=45.0, jobs=2)  # 40 s of schedule, 5 of joining
    assert walls[2] == pytest.approx(45.0)
    assert walls[4] == walls[16] == pytest.approx(35.0)


def test_chapter_times_are_read_from_render_sh_output():
    output = ("[1/2] title: rendering\n[2/2] relu: done in 97 s (60.1 s of video)\n"
              "[1/2] title: done in 12 s (9.0 s of video)\n")
    assert chapter_seconds(output) == {"relu": 97.0, "title": 12.0}


def test_parts_and_joins_are_read_from_render_sh_output():
    output = ("[4/8] relu: cut into 2 parts for 8 cores\n[4/8] relu part 1/2: rendering animations 0 to 30\n"
              "[1/8] title: done in 12 s (9.0 s of video)\n[4/8] relu part 2/2: done in 61 s (33 animations)\n"
              "[4/8] relu part 1/2: done in 58 s (31 animations)\n[4/8] relu: joining its parts\n"
              "[4/8] relu: done in 19 s (106.4 s of video)\n")
    assert work_of(output) == Work({"title": 12.0}, {"relu": [61.0, 58.0]}, {"relu": 19.0})


def test_narration_cost_compares_the_narrated_cold_run_with_the_silent_one():
    from pipeline.bench import SILENT_RUN, narration_cost

    rows = [("plain manim, one by one", 300.0, 70.0), ("render.sh, cold (2 jobs)", 110.0, 77.0),
            ("render.sh, nothing changed", 5.0, 77.0), (f"{SILENT_RUN} (2 jobs)", 100.0, 70.0)]
    wall, per_second = narration_cost(rows)
    assert wall == pytest.approx(0.10)
    assert per_second == pytest.approx(0.0), "10 % more video for 10 % more time costs nothing per second"
    assert narration_cost(rows[:3]) is None, "a silent bench has nothing to compare"
    assert narration_cost([rows[1], rows[3]]) == (wall, per_second), "--narration makes only these two runs"


def test_narration_only_needs_a_voice_and_excludes_the_variant_runs():
    from pipeline.bench import parse_bench_options
    from pipeline.options import UsageError

    assert parse_bench_options(["--narration", "--quality", "1080p"]).narration_only
    with pytest.raises(UsageError, match="silent"):
        parse_bench_options(["--narration", "--voice", "none"])
    with pytest.raises(UsageError, match="one of them"):
        parse_bench_options(["--narration", "--variants"])


def test_the_caption_edit_adds_a_word_to_the_chapter_s_first_beat_in_a_copy(tmp_path):
    from pipeline.bench import EDITED_WORD, edit_one_caption
    from pipeline.registry import find_chapters
    from scenes.lib.settings import ROOT

    table, copy = (root / "assets" / "beats" / "en.json" for root in (ROOT, tmp_path))
    copy.parent.mkdir(parents=True)
    shutil.copy(table, copy)
    chapter = find_chapters(["relu"])[0]
    key = edit_one_caption(tmp_path, chapter)
    before, after = (json.loads(path.read_text(encoding="utf-8")) for path in (table, copy))
    assert key == next(name for name in before if name.startswith(f"{chapter.key}."))
    assert after[key]["caption"] == before[key]["caption"] + EDITED_WORD
    assert {name: entry for name, entry in after.items() if name != key} == \
        {name: entry for name, entry in before.items() if name != key}, "one caption, nothing else"

"""Progress a planner can trust: from the first replication, time left from the measured rate, lines in a pipe."""
from __future__ import annotations

import run_sim
from sim.experiments.parallel import Runner, Variant
from sim import load_scenario


def test_time_left_comes_from_the_measured_rate():
    assert run_sim.time_left(30.0, 10, 40) == "0:01:30"  # 3 s a replication, 30 to go
    assert run_sim.time_left(5.0, 0, 40) == "-:--:--"
    assert run_sim.time_left(5.0, 3, None) == "-:--:--"


def test_a_piped_run_reports_from_the_start_in_lines(capsys, monkeypatch):
    monkeypatch.setattr(run_sim, "LOG_EVERY_S", 0.0)
    assert run_sim.main(["run", "-r", "4", "--workers", "1", "--no-failures"]) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if "replications" in line]
    assert lines[0].startswith("bank_branch: replications: 0/4 replications")
    assert [line.split(": ")[2].split(" ")[0] for line in lines] == ["0/4", "1/4", "2/4", "3/4", "4/4"]


def test_the_staffing_search_counts_on_one_bar_without_restarting(capsys, monkeypatch):
    monkeypatch.setattr(run_sim, "LOG_EVERY_S", 0.0)
    with run_sim.progress_while("search", known_total=False) as report:
        for done, total in ((0, 10), (10, 10), (10, 30), (30, 30)):
            report(done, total)
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[1].split(" ")[0] for line in lines] == ["0", "10", "10", "30"]  # never back to a total


def test_replications_are_reported_in_small_steps():
    seen = []
    with Runner(workers=1) as runner:
        runner.run([(Variant(load_scenario("scenarios/hotel_checkin.yaml", {"failures": "off"})), r) for r in range(6)], seen.append)
    assert seen == [1, 2, 3, 4, 5, 6]

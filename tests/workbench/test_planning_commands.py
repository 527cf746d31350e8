"""The planner's sweep, staff and compare commands (and run's new flags) as a user meets them."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from workbench_helpers import same_numbers

import run_sim
import sim

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run_sim.py"), *args], capture_output=True, text=True, cwd=ROOT)


def test_sweep_writes_one_row_per_point_and_the_same_file_for_any_worker_count(lounge_file, tmp_path, capsys):
    common = ["sweep", str(lounge_file), "--param", "staff.agent.count=4:6:2", "--param", "recovery.empowerment=low,high",
              "-r", "4", "--seed", "3"]
    assert run_sim.main([*common, "--workers", "1", "--csv", str(tmp_path / "a.csv"), "--json", str(tmp_path / "a.json")]) == 0
    assert run_sim.main([*common, "--workers", "2", "--json", str(tmp_path / "b.json")]) == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    rows = list(csv.DictReader((tmp_path / "a.csv").open(encoding="utf-8")))
    assert [(r["staff.agent.count"], r["recovery.empowerment"]) for r in rows] == [("4", "low"), ("4", "high"), ("6", "low"), ("6", "high")]
    assert {"service_level.mean", "service_level.low", "service_level.high", "retention_rate.mean"} <= set(rows[0])
    payload = json.loads((tmp_path / "a.json").read_text())
    assert payload["params"] == {"staff.agent.count": [4, 6], "recovery.empowerment": ["low", "high"]}
    assert "4 points" in capsys.readouterr().out


def test_run_stops_when_precise_and_writes_a_report(lounge_file, tmp_path, capsys):
    out = tmp_path / "run.json"
    code = run_sim.main(["run", str(lounge_file), "-r", "5", "--precision", "0.1", "--kpi", "mean_wait_min",
                         "--workers", "1", "--json", str(out), "--report", str(tmp_path / "report")])
    assert code == 0
    payload = json.loads(out.read_text())
    assert payload["replications"] > 5
    entry = payload["kpis"]["mean_wait_min"]
    assert (entry["ci95"][1] - entry["ci95"][0]) / 2 <= 0.1 * entry["mean"]
    assert (tmp_path / "report" / "index.html").exists() and (tmp_path / "report" / "funnel.png").exists()


def test_compare_prints_paired_differences(lounge_file, capsys):
    code = run_sim.main(["compare", str(lounge_file), "--policy", "standard_process", "--policy", "empowered",
                         "--variant", "staff.agent.count=7", "-r", "5", "--workers", "1", "--kpi", "mean_wait_min"])
    assert code == 0
    out = capsys.readouterr().out
    assert "common random numbers" in out and "baseline: standard_process" in out
    assert "empowered" in out and "staff.agent.count=7" in out


def test_staff_prints_schedule_cost_targets_and_effort(lounge_file, tmp_path, capsys):
    code = run_sim.main(["staff", str(lounge_file), "--target", "service_level>=0.75", "-r", "5", "--workers", "1",
                         "--json", str(tmp_path / "staff.json")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "18:00-19:00" in out and "cost:" in out and "lower bound" in out and "full grid" in out
    payload = json.loads((tmp_path / "staff.json").read_text())
    assert payload["confirmed"] is True and payload["simulation_runs"] == payload["evaluations"] * 5
    assert "staff.agent.count" in payload["overrides"]


@pytest.mark.parametrize("args,fragment", [
    (["sweep", "{f}", "--param", "staff.agnt.count=2:4"], "--param staff.agnt.count: 'staff.agnt' does not exist"),
    (["sweep", "{f}", "--param", "staff.agent.count"], "write it as KEY.PATH=VALUES"),
    (["sweep", "{f}", "--param", "staff.agent.count=9:2"], "'9:2' is an empty range"),
    (["sweep", "{f}"], "the following arguments are required: --param"),
    (["compare", "{f}", "--policy", "standard_process", "--policy", "expert"], "unknown policy 'expert'"),
    (["staff", "{f}", "--target", "missed_calls<=1"], "--target: unknown KPI 'missed_calls'; this scenario reports: arrived"),
    (["staff", "{f}", "--target", "service_level=0.8"], "write it as KPI>=VALUE"),
    (["run", "{f}", "--kpi", "retention"], "unknown KPI 'retention'"),
    (["run", "{f}", "--workers", "0"], "--workers 0"),
])
def test_user_mistakes_get_one_clear_message(lounge_file, args, fragment):
    result = cli(*(a.replace("{f}", str(lounge_file)) for a in args))
    assert result.returncode == 2, result.stdout + result.stderr
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") <= 2  # one message (and at most a hint or a problem line)


def test_staff_writes_the_schedule_as_a_scenario_file_that_runs_to_the_same_result(lounge_file, lounge, tmp_path, capsys):
    from sim.exercise.runtime import run_once
    from sim.scenario.variants import scenario_variant

    out = tmp_path / "plans" / "lounge_staffed.yaml"
    code = run_sim.main(["staff", str(lounge_file), "--target", "service_level>=0.75", "-r", "5", "--workers", "1",
                         "--set", "operation.service_level_threshold_min=4", "--json", str(tmp_path / "staff.json"),
                         "--out", str(out)])
    assert code == 0 and f"wrote {out}" in capsys.readouterr().out
    assert run_sim.main(["validate", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# The cheapest staffing") and "service_level>=0.75" in text
    overrides = json.loads((tmp_path / "staff.json").read_text())["overrides"]
    written = sim.load_scenario(out)
    assert written.operation.service_level_threshold_min == 4  # the command line's settings are kept too
    same = scenario_variant(lounge, {"operation.service_level_threshold_min": 4, **overrides})
    for replication in range(2):
        assert same_numbers(run_once(written, 3, replication), run_once(same, 3, replication))
    # an existing file is kept unless --force; the source file is never replaced
    assert run_sim.main(["staff", str(lounge_file), "--target", "service_level>=0.75", "-r", "5", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err and out.read_text(encoding="utf-8") == text
    assert run_sim.main(["staff", str(lounge_file), "--target", "service_level>=0.75", "-r", "5", "--workers", "1",
                         "--out", str(lounge_file), "--force"]) == 2
    assert "the scenario file this command reads" in capsys.readouterr().err
    assert sim.load_scenario(lounge_file).staff["agent"].count == lounge.staff["agent"].count

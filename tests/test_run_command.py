"""The planner's `run`, `validate` and `schema` commands as a user meets them."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import run_sim

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run_sim.py"), *args], capture_output=True, text=True, cwd=ROOT)


def test_run_writes_the_documented_json_and_is_reproducible(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert run_sim.main(["run", "--seed", "3", "--replications", "3", "--json", str(first)]) == 0
    assert run_sim.main(["run", "--seed", "3", "--replications", "3", "--json", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    payload = json.loads(first.read_text())
    assert payload["scenario"] == "bank_branch" and payload["seed"] == 3 and payload["replications"] == 3
    for name in ("arrived", "served", "abandoned", "mean_wait_min", "p90_wait_min", "service_level",
                 "utilization.teller", "mean_queue_length"):
        entry = payload["kpis"][name]
        low, high = entry["ci95"]
        assert low <= entry["mean"] <= high


def test_another_seed_gives_other_results(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    run_sim.main(["run", "--seed", "1", "-r", "2", "--json", str(a)])
    run_sim.main(["run", "--seed", "2", "-r", "2", "--json", str(b)])
    assert json.loads(a.read_text())["kpis"]["arrived"] != json.loads(b.read_text())["kpis"]["arrived"]


def test_set_overrides_change_the_outcome(tmp_path):
    few, many = tmp_path / "few.json", tmp_path / "many.json"
    run_sim.main(["run", "-r", "3", "--set", "staff.teller.count=4", "--set", "staff.teller.shifts=[]", "--json", str(few)])
    run_sim.main(["run", "-r", "3", "--set", "staff.teller.count=10", "--set", "staff.teller.shifts=[]", "--json", str(many)])
    few_kpis, many_kpis = json.loads(few.read_text())["kpis"], json.loads(many.read_text())["kpis"]
    assert few_kpis["mean_wait_min"]["mean"] > many_kpis["mean_wait_min"]["mean"]
    assert json.loads(few.read_text())["overrides"]["staff.teller.count"] == 4


@pytest.mark.parametrize("args,fragment", [
    (["run", "--bogus"], "unrecognized arguments: --bogus"),
    (["run", "--set", "staff.tellr.count=3"], "'staff.tellr' does not exist"),
    (["run", "--set", "staffcount"], "KEY.PATH=VALUE"),
    (["run", "--set", "staff.teller.count=-1"], "staff.teller.count"),
    (["run", "no/such/file.yaml"], "no such file"),
    (["run", "--replications", "0"], "at least 1"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_user_mistakes_get_one_clear_message(args, fragment):
    result = cli(*args)
    assert result.returncode == 2
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_run_prints_a_table_with_intervals():
    result = cli("run", "-r", "2")
    assert result.returncode == 0, result.stderr
    assert "95 % interval" in result.stdout and "service_level" in result.stdout


def test_schema_is_json_schema_with_descriptions():
    result = cli("schema")
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert {"meta", "segments", "staff", "failures"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False


def test_events_file_holds_the_typed_log_of_one_replication(tmp_path):
    events = tmp_path / "events.jsonl"
    assert run_sim.main(["run", "-r", "1", "--workers", "1", "--set", "failures={}", "--events", str(events)]) == 0
    records = [json.loads(line) for line in events.read_text().splitlines()]
    kinds = {record["kind"] for record in records}
    assert {"arrival", "service_start", "service_end", "departure", "failure"} <= kinds
    assert [r["time"] for r in records] == sorted(r["time"] for r in records)
    assert run_sim.main(["run", "-r", "1", "--workers", "1", "--events", str(tmp_path / "no" / "such" / "dir.jsonl")]) == 2


def test_the_event_log_records_the_run_and_never_changes_its_json(tmp_path):
    """`--events` logs the replication `run` ran (exercise and policy included); the JSON stays the same, byte for byte."""
    plain, logged, events = tmp_path / "plain.json", tmp_path / "logged.json", tmp_path / "events.jsonl"
    flight = str(ROOT / "scenarios" / "delayed_flight.yaml")
    common = ["run", flight, "--seed", "4", "-r", "2", "--policy", "expert", "--workers", "1"]
    assert run_sim.main([*common, "--json", str(plain)]) == 0
    assert run_sim.main([*common, "--json", str(logged), "--events", str(events)]) == 0
    assert plain.read_bytes() == logged.read_bytes()
    records = [json.loads(line) for line in events.read_text().splitlines()]
    decisions = {r["detail"]["decision"]: r["detail"]["choice"] for r in records if r["kind"] == "decision"}
    assert {"storm_question": "honest_update", "hungry_child": "children_first", "connection": "rebook_promise"}.items() <= decisions.items()


def test_a_file_of_the_first_outcome_model_still_loads_with_a_note(tmp_path):
    old = tmp_path / "old.yaml"
    text = (ROOT / "scenarios" / "bank_branch.yaml").read_text(encoding="utf-8")
    old.write_text(text.replace("behaviour:\n", "behaviour:\n  retention:\n    resolved_quickly: {minor: 0.95, major: 0.82, critical: 0.7}\n"
                                "    slow_after_min: 1440\n", 1), encoding="utf-8")
    done = cli("validate", str(old))
    assert done.returncode == 0, done.stderr
    assert "retention.resolved_quickly is no longer used" in done.stderr and "slow_after_min" in done.stderr

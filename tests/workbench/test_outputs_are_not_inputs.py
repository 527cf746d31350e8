"""An output flag never replaces what the command reads, nor another output of the same command.

Refused before any simulation, with one message naming the flag and the fix (exit code 2); the files
stay byte for byte as they were.
"""
from __future__ import annotations

import os

import pytest

import run_sim

# a few replications at most: every case here must be refused before the first one
COMMANDS = {
    "run": ["run", "-r", "2", "--workers", "1"],
    "sweep": ["sweep", "-r", "2", "--workers", "1", "--param", "staff.agent.count=3,4"],
    "compare": ["compare", "-r", "2", "--workers", "1", "--policy", "standard_process", "--policy", "empowered"],
    "staff": ["staff", "-r", "2", "--workers", "1", "--target", "service_level>=0.5"],
}


@pytest.mark.parametrize("command,flag", [("run", "--json"), ("run", "--events"), ("run", "--queue-log"), ("sweep", "--csv"),
                                          ("compare", "--json"), ("staff", "--json"), ("staff", "--out")])
@pytest.mark.parametrize("spelling", ["same", "relative", "hard link", "symbolic link"])
def test_an_output_on_the_scenario_file_is_refused(lounge_file, capsys, monkeypatch, command, flag, spelling):
    monkeypatch.chdir(lounge_file.parent)
    target = {"same": lounge_file, "relative": f"./{lounge_file.name}"}.get(spelling)
    if target is None:
        target = lounge_file.parent / "other_name.yaml"
        os.link(lounge_file, target) if spelling == "hard link" else target.symlink_to(lounge_file)
    before = lounge_file.read_bytes()
    name, *rest = COMMANDS[command]
    extra = ["--force"] if flag == "--out" else []
    assert run_sim.main([name, str(lounge_file), *rest, flag, str(target), *extra]) == 2
    err = capsys.readouterr().err
    assert f"{flag} {target}: that is the scenario file this command reads" in err and "Give another file name" in err
    assert "Traceback" not in err and lounge_file.read_bytes() == before


def test_the_default_scenario_is_protected_too(lounge_file, monkeypatch, capsys):
    default = lounge_file  # standing in for scenarios/bank_branch.yaml, which a failure here would overwrite
    monkeypatch.setattr(run_sim, "DEFAULT_SCENARIO", default)
    before = default.read_bytes()
    assert run_sim.main(["run", "-r", "2", "--json", str(default)]) == 2
    assert "that is the scenario file this command reads" in capsys.readouterr().err and default.read_bytes() == before


def test_two_outputs_on_one_file_are_refused(lounge_file, tmp_path, capsys):
    out = tmp_path / "results.json"
    assert run_sim.main(["sweep", str(lounge_file), *COMMANDS["sweep"][1:], "--json", str(out), "--csv", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--json and --csv both name" in err and "its own file name" in err and not out.exists()


def test_fit_never_writes_over_its_queue_log(tmp_path, capsys):
    log = tmp_path / "log.csv"
    log.write_text("arrival,service_start,service_end\n", encoding="utf-8")
    before = log.read_bytes()
    assert run_sim.main(["fit", str(log), "--out", str(log), "--force"]) == 2
    assert "--out" in capsys.readouterr().err and log.read_bytes() == before


def test_outputs_elsewhere_are_written(lounge_file, tmp_path, capsys):
    out = tmp_path / "sub folder ü" / "run.json"
    assert run_sim.main(["run", str(lounge_file), *COMMANDS["run"][1:], "--json", str(out)]) == 0
    assert out.exists()

"""A variant written as a scenario file of its own loads, validates and runs exactly as the variant does."""
from __future__ import annotations

from pathlib import Path

import pytest
from workbench_helpers import same_numbers

import sim
from sim.exercise.runtime import run_once
from sim.outputs.scenario_file import write_variant

LIBRARY = sorted(Path("scenarios").glob("*.yaml"))


@pytest.mark.parametrize("source", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_every_library_scenario_written_with_settings_runs_as_the_variant(source, tmp_path):
    settings = {"operation.warmup_min": 0, "operation.service_level_threshold_min": 7}
    path = write_variant(tmp_path / "variant.yaml", source, settings, ["a comment line"])
    written = sim.load_scenario(path)
    assert path.read_text(encoding="utf-8").startswith("# a comment line\n")
    assert same_numbers(run_once(written, 2, 0), run_once(sim.load_scenario(source, settings), 2, 0))


def test_a_file_that_extends_another_is_written_standing_alone(tmp_path):
    (tmp_path / "base.yaml").write_text(Path("scenarios/bank_branch.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "child.yaml").write_text("extends: base.yaml\nstaff:\n  teller:\n    count: 9\n", encoding="utf-8")
    path = write_variant(tmp_path / "elsewhere" / "alone.yaml", tmp_path / "child.yaml", {"staff.teller.cost_per_hour": 31})
    alone = sim.load_scenario(path)
    assert "extends" not in path.read_text(encoding="utf-8")
    assert alone.staff["teller"].count == 9 and alone.staff["teller"].cost_per_hour == 31


def test_a_variant_that_would_not_load_is_never_written(tmp_path):
    with pytest.raises(sim.ScenarioError):
        write_variant(tmp_path / "bad.yaml", "scenarios/bank_branch.yaml", {"staff.teller.count": -3})
    assert not (tmp_path / "bad.yaml").exists()

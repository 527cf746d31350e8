"""The planner's first tries on the default scenario: a staffing search that works, a sweep that makes sense."""
from __future__ import annotations

import pytest

import sim
from sim.experiments.optimiser import optimise_staffing
from sim.experiments.targets import parse_target
from sim.scenario.variants import scenario_variant

BANK = "scenarios/bank_branch.yaml"


def test_staff_with_one_target_succeeds_first_time_and_holds_in_every_block_with_fresh_seeds():
    bank = sim.load_scenario(BANK)
    result = optimise_staffing(bank, ["service_level>=0.8"], replications=10, seed=0, workers=2)
    assert result.confirmed
    labels = [f"{9 + h:02d}:00" for h in range(8)]
    assert [t.target for t in result.targets] == [f"block.{label}.service_level >= 0.8" for label in labels]
    fresh = sim.replicate(scenario_variant(bank, result.overrides), 30, seed=424_242, workers=2)
    for label in labels:
        target = parse_target(f"block.{label}.service_level>=0.8")
        assert target.met(fresh.kpis[target.kpi]), (label, fresh.kpis[target.kpi])
    # the lunch peak needs more tellers than the first hour
    counts = {b.start: b.count for b in result.schedule}
    assert counts["12:00"] > counts["09:00"]


def test_a_whole_day_target_is_judged_over_the_day_when_asked():
    bank = sim.load_scenario(BANK)
    result = optimise_staffing(bank, ["service_level>=0.8"], replications=6, seed=1, workers=2, whole_day=True, min_staff=2)
    assert [t.target for t in result.targets] == ["service_level >= 0.8"]
    assert min(b.count for b in result.schedule) >= 2


def test_service_level_never_falls_beyond_its_interval_as_tellers_are_added():
    bank = sim.load_scenario(BANK)
    grid = sim.sweep(bank, {"staff.teller.count": range(3, 10)}, 12, seed=3, workers=2)
    levels = [point.kpis["service_level"] for point in grid.points]
    for fewer, more in zip(levels, levels[1:]):
        assert more["mean"] >= fewer["ci95"][0], (fewer, more)
    assert levels[-1]["mean"] > levels[0]["mean"] + 0.2  # three tellers cannot cope with the lunch rush

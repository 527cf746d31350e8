"""Settings as a planner writes them: failures off, counts that move their shifts, --set through defaults."""
from __future__ import annotations

import pytest

import run_sim
from sim import load_scenario, replicate
from sim.scenario import distribution_mean

BANK = "scenarios/bank_branch.yaml"
PURE_QUEUE = {  # the bank without abandonment or balking: all offered work is done
    "segments.regular.patience_min": None, "segments.regular.balk_queue_length": None,
    "segments.priority.patience_min": None, "operation.days": 10,
}


@pytest.mark.parametrize("off", ["off", False, None])
def test_failures_off_gives_the_pure_queue_exercise_included(off):
    scenario = load_scenario(BANK, {**PURE_QUEUE, "failures": off})
    assert scenario.exercise is not None and scenario.failures is None
    result = replicate(scenario, 12, seed=5, workers=1)
    assert "failures" not in result.kpis and "retention_rate" not in result.kpis
    # utilisation equals the offered load: work arriving per day over staff-minutes on duty per day
    op = scenario.operation
    work = sum(sum(seg.hourly_rates(op.hours_per_day)) * distribution_mean(seg.service.time)
               for seg in scenario.segments.values())
    staff_minutes = sum(scenario.staff["teller"].count_at(m + 0.5) for m in range(int(op.duration_min)))
    low, high = result.kpis["utilization"]["ci95"]
    assert low <= work / staff_minutes <= high


def test_failures_as_an_empty_section_are_on_with_the_defaults():
    scenario = load_scenario(BANK, {"failures": {}})
    assert scenario.failures is not None and scenario.failures.categories.delivery_system == 0.03


def test_cli_no_failures_flag_and_set_failures_off(tmp_path, capsys):
    for flags in (["--no-failures"], ["--set", "failures=off"]):
        assert run_sim.main(["run", "-r", "2", "--workers", "1", *flags]) == 0
        out = capsys.readouterr().out
        assert "service_level" in out and "complaints" not in out


def test_a_count_moves_its_relative_shift_and_warns_about_an_absolute_one(capsys):
    bank = load_scenario(BANK, {"staff.teller.count": 10})
    assert bank.staff["teller"].schedule(480) == [(0.0, 10), (180.0, 12), (300.0, 10)]  # lunch: two extra
    fixed = load_scenario(BANK, {"staff.teller.shifts": [{"start_min": 180, "end_min": 300, "count": 8}],
                                 "staff.teller.count": 10})
    assert fixed.staff["teller"].count_at(200) == 8
    assert run_sim.main(["run", "-r", "1", "--workers", "1", "--set", "staff.teller.count=10",
                         "--set", "staff.teller.shifts=[{start_min: 180, end_min: 300, count: 8}]"]) == 0
    err = capsys.readouterr().err
    assert "staff.teller.count does not reach minutes 180-300" in err and "extra:" in err


def test_a_shift_takes_either_extra_or_count():
    with pytest.raises(Exception, match="either `extra`"):
        load_scenario(BANK, {"staff.teller.shifts": [{"start_min": 0, "end_min": 60, "count": 3, "extra": 1}]})


def test_set_reaches_a_default_the_file_leaves_out():
    scenario = load_scenario("scenarios/vip_lounge.yaml", {"quality.wait_tolerance_min": 3, "operation.block_min": 30})
    assert scenario.quality.wait_tolerance_min == 3 and scenario.operation.block_min == 30


def test_set_through_a_section_that_is_off_says_how_to_switch_it_on(capsys):
    assert run_sim.main(["run", "--set", "failures=off", "--set", "failures.detection=0.2", "-r", "1"]) == 2
    assert "switch it on first" in capsys.readouterr().err


def test_overlapping_extra_shifts_add_up():
    """A morning team of 12 more and, inside it, a lunch stagger of 6 fewer: 46 on duty at noon, not the
    34 that letting the last shift win would give; an absolute count sets the base the extras add to."""
    shifts = [{"start_min": 60, "end_min": 300, "extra": 12}, {"start_min": 240, "end_min": 300, "extra": -6},
              {"start_min": 300, "end_min": 360, "extra": -8}]
    bank = load_scenario(BANK, {"staff.teller.count": 40, "staff.teller.shifts": shifts})
    role = bank.staff["teller"]
    assert role.schedule(480) == [(0.0, 40), (60.0, 52), (240.0, 46), (300.0, 32), (360.0, 40)]
    assert role.max_count == 52
    mixed = load_scenario(BANK, {"staff.teller.count": 5, "staff.teller.shifts": [
        {"start_min": 0, "end_min": 240, "count": 8}, {"start_min": 120, "end_min": 180, "extra": 2}]})
    assert [mixed.staff["teller"].count_at(t) for t in (60, 150, 300)] == [8, 10, 5]


def test_the_most_staff_on_duty_can_begin_where_a_shift_ends():
    """A stagger of 2 fewer ends at 100 while a team of 3 more is still on: 8 on duty from 100 to 150, a
    peak that begins at no shift's start (the resources are sized by this most)."""
    shifts = [{"start_min": 0, "end_min": 100, "extra": -2}, {"start_min": 50, "end_min": 150, "extra": 3}]
    role = load_scenario(BANK, {"staff.teller.count": 5, "staff.teller.shifts": shifts}).staff["teller"]
    assert max(count for _, count in role.schedule(480)) == 8
    assert role.max_count == 8

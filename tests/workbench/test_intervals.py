"""Intervals a planner can believe: inside each KPI's range, and said plainly when there are none."""
from __future__ import annotations

import math

import pytest

import run_sim
from sim import load_scenario, replicate
from sim.experiments.statistics import kpi_interval, wilson_interval
from sim.model.kpis import kpi_range


@pytest.mark.parametrize("path", ["scenarios/bank_branch.yaml", "scenarios/vip_lounge.yaml"])
def test_no_interval_leaves_its_kpis_range(path):
    result = replicate(load_scenario(path), 3, seed=11, workers=1)  # few replications: wide t-intervals
    cut = 0
    for name, entry in result.kpis.items():
        low, high = entry["ci95"]
        if math.isnan(low):
            continue
        lowest, highest = kpi_range(name)
        assert lowest <= low <= entry["mean"] <= high <= highest, (name, entry)
        cut += low == lowest or high == highest
    assert cut > 0  # some intervals did reach a bound, so the check above had work to do
    assert kpi_range("block.09:00.service_level") == (0.0, 1.0)
    assert kpi_range("segment.vip.arrived") == (0.0, math.inf)
    assert kpi_range("block.09:00.paradox_share") == (0.0, 1.0)
    assert kpi_range("segment.vip.left_dissatisfied") == (0.0, math.inf)
    assert kpi_range("block.09:00.customers.silent") == (0.0, math.inf)


def test_a_share_every_replication_puts_at_one_gets_wilsons_interval_not_certainty():
    mean, low, high = kpi_interval("service_level", [1.0] * 10)
    assert mean == 1.0 and high == 1.0 and low == pytest.approx(wilson_interval(1.0, 10)[0])
    assert 0.6 < low < 0.8  # 10 runs all at 1: the mean is at least about 0.72, not exactly 1
    assert wilson_interval(0.5, 100) == pytest.approx((0.4038, 0.5962), abs=1e-4)  # textbook value


def test_one_replication_says_why_there_is_no_interval(capsys):
    assert run_sim.main(["run", "-r", "1", "--workers", "1", "--no-failures"]) == 0
    assert "no interval from one replication" in capsys.readouterr().out


def test_a_share_no_customer_moved_is_bounded_by_the_customers_not_the_runs():
    """Nobody of 5 x 150 customers abandoned: the rate is below half a per cent, not "0 .. 43 %" (the
    bound five replications alone would give). Without counts to go by (utilisation), the runs decide."""
    from sim.experiments.statistics import summarise

    runs = [{"abandon_rate": 0.0, "served": 150.0, "abandoned": 0.0, "prob_wait": 1.0, "utilization.crew": 0.0,
             "segment.vip.served": 3.0, "segment.vip.abandoned": 0.0, "segment.vip.abandon_rate": 0.0,
             "customers.resolved_quickly": 4.0, "customers.resolved_slowly": 0.0, "customers.unresolved": 1.0,
             "paradox_share": 0.0}] * 5
    summary = summarise(runs)
    assert summary["abandon_rate"]["ci95"] == pytest.approx(list(wilson_interval(0.0, 750)))
    assert summary["abandon_rate"]["ci95"][1] < 0.006
    assert summary["prob_wait"]["ci95"] == pytest.approx(list(wilson_interval(1.0, 750)))  # of the 750 served
    assert summary["segment.vip.abandon_rate"]["ci95"] == pytest.approx(list(wilson_interval(0.0, 15)))  # the segment's own
    assert summary["paradox_share"]["ci95"] == pytest.approx(list(wilson_interval(0.0, 25)))  # of those recovery was tried on
    assert summary["utilization.crew"]["ci95"] == pytest.approx(list(wilson_interval(0.0, 5)))


def test_a_run_without_abandonment_says_so_with_a_narrow_bound():
    result = replicate(load_scenario("scenarios/delayed_flight.yaml"), 3, seed=2, workers=1)
    entry = result.kpis["abandon_rate"]
    assert entry["mean"] == 0.0 and entry["ci95"][0] == 0.0 and 0 < entry["ci95"][1] < 3.9 / (3 * 100)  # rule of three

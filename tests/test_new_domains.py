"""Scenarios from domains the library does not cover, written from the documented format only.

`tests/scenarios/newdomains/` holds an emergency department (a journey with priorities, long skewed
service times and an ambulance surge), an insurance contact centre (two channels, shifts, callers who
hang up, thousands of calls a day) and a one-person repair kiosk over three weeks (capacity 1, empty
hours, very rare failures, chances of 0 and 1). Each must load, run and keep the invariants a domain
expert checks on any output, on several seeds, whichever policy plays.
"""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from sim import load_scenario, run_once
from sim.experiments.queueing_theory import erlang_c
from sim.experiments.statistics import confidence_interval
from sim.model.kpis import kpi_range

FOLDER = Path(__file__).parent / "scenarios" / "newdomains"
FILES = sorted(FOLDER.glob("*.yaml"))
SEEDS = (1, 2, 3)
PATHS = ("no_failure", "silent", "unresolved", "resolved_quickly", "resolved_slowly")


def test_the_folder_holds_the_three_domains():
    assert {f.stem for f in FILES} == {"emergency_department", "insurance_contact_centre", "repair_kiosk"}


@pytest.fixture(scope="module", params=FILES, ids=lambda f: f.stem)
def runs(request):
    scenario = load_scenario(request.param)
    return scenario, [(policy, seed, run_once(scenario, seed=seed, policy=policy))
                      for policy in ("standard_process", "expert") for seed in SEEDS]


def test_every_kpi_is_finite_or_undefined_and_within_its_range(runs):
    _, results = runs
    for policy, seed, kpis in results:
        for name, value in kpis.items():
            where = f"{policy}, seed {seed}: {name} = {value}"
            assert not math.isinf(value), where
            if math.isnan(value):  # undefined (a ratio over nobody), printed as '-'
                assert "." in name or name in ("mean_recovery_delay_min", "recovered_retention_rate", "paradox_share"), where
                continue
            low, high = kpi_range(name)
            assert low <= value <= high, where


def test_nothing_exceeds_its_population(runs):
    _, results = runs
    for policy, seed, k in results:
        where = f"{policy}, seed {seed}"
        assert k["served"] + k["abandoned"] + k["balked"] <= k["arrived"] + 1e-9, where
        ended = sum(k[f"customers.{p}"] for p in PATHS)  # visits that ended (served, or gave up waiting)
        assert ended <= k["served"] + k["abandoned"] + k["balked"] + 1e-9, where
        assert k["dissatisfied"] <= ended + 1e-9, where
        assert k["left_dissatisfied"] <= k["dissatisfied"] + 1e-9, where
        assert k["silent_dissatisfied"] <= k["dissatisfied"] + 1e-9, where
        assert k["customers_lost_wom"] <= k["market"] + 1e-9, where
        assert k["customers_lost_wom"] <= k["wom_reached"] + 1e-9, where
        assert k["customers_won_wom"] <= k["wom_positive_reached"] + 1e-9, where
        assert k["revenue_lost"] <= k["market_value"] + 1e-6, where
        assert 0.0 <= k["retention_rate"] <= 1.0 and 0.0 <= k["quality_score"] <= 1.0, where


def test_the_parts_add_up_to_the_whole(runs):
    scenario, results = runs
    for policy, seed, k in results:
        for kpi in ("arrived", "served", "complaints", "failures"):
            parts = sum(k[f"segment.{s}.{kpi}"] for s in scenario.segments)
            assert parts == pytest.approx(k[kpi]), f"{policy}, seed {seed}: segments' {kpi} {parts} != {k[kpi]}"
        typed = [name for name in k if name.startswith("complaints.")]
        if typed:
            assert sum(k[n] for n in typed) == pytest.approx(k["complaints"]), f"{policy}, seed {seed}"


def test_the_expert_keeps_more_customers_than_the_standard_process(runs):
    """Paired on the same seeds (common random numbers), summed over three seeds."""
    _, results = runs
    by = {(p, s): k for p, s, k in results}
    gain = sum(by["expert", s]["retention_rate"] - by["standard_process", s]["retention_rate"] for s in SEEDS)
    assert gain > 0


def test_the_emergency_department_serves_by_acuity():
    """Resuscitation before urgent before minor: the priority scheme shows in each segment's wait."""
    scenario = load_scenario(FOLDER / "emergency_department.yaml", {"failures": "off"})
    runs = [run_once(scenario, seed=11, replication=r) for r in range(8)]
    waits = {s: confidence_interval(r[f"segment.{s}.mean_wait_min"] for r in runs)[0] for s in ("resus", "urgent", "minor")}
    assert waits["resus"] < waits["urgent"] < waits["minor"], waits


def test_the_chat_channel_as_a_pure_queue_matches_erlang_c():
    """The contact centre's chat queue made M/M/c (flat rate, exponential handling, patient customers,
    failures off): its wait and queue length match Erlang C, and Little's law holds on the run's own
    figures."""
    rate_per_hour, agents, handling = 120.0, 18, 7.5
    scenario = load_scenario(FOLDER / "insurance_contact_centre.yaml", {
        "failures": "off", "exercise": None,
        "segments.phone.arrivals": {"per_hour": 0.0},
        "segments.chat.arrivals_per_hour": rate_per_hour,
        "segments.chat.service.time": {"dist": "exponential", "mean": handling},
        "segments.chat.patience_min": None, "segments.chat.balk_queue_length": None,
        "staff.chat_agent.skill": 1.0,
        "operation.duration_min": 3000, "operation.warmup_min": 300,
    })
    theory = erlang_c(rate_per_hour / 60, 1 / handling, agents)
    runs = [run_once(scenario, seed=5, replication=r) for r in range(20)]
    for name, expected in (("mean_wait_min", theory.mean_wait), ("mean_queue_length", theory.mean_queue_length)):
        mean, low, high = confidence_interval(r[name] for r in runs)
        assert low <= expected <= high, f"{name}: Erlang C {expected:.3f} outside [{low:.3f}, {high:.3f}]"
    for r in runs:
        minutes = 3000 - 300
        little = r["arrived"] / minutes * r["mean_wait_min"]
        assert little == pytest.approx(r["mean_queue_length"], rel=0.15, abs=0.05)


def test_the_kiosk_has_one_repairer_and_edge_values():
    """Capacity 1 is never more than fully used; Sunday brings no walk-ins; chance 1 of complaining
    makes every dissatisfied customer complain, conversion 0 of good news wins nobody."""
    scenario = load_scenario(FOLDER / "repair_kiosk.yaml")
    for seed in SEEDS:
        k = run_once(scenario, seed=seed)
        assert 0.0 <= k["utilization.repairer"] <= 1.0
        assert k["complaint_rate"] == pytest.approx(1.0) or k["dissatisfied"] == 0
        assert k["customers_won_wom"] == 0
        assert k["customers_lost_wom"] == pytest.approx(k["wom_reached"])  # conversion 1: every first hearer lost


@pytest.mark.parametrize("path", FILES, ids=lambda f: f.stem)
def test_the_game_separates_the_experts_answers_from_the_worst(path):
    """Played by rule as a trainee would: the expert's answers score at least 90, the worst at most 20, each
    within its own interval, and both are scored on the scenario's key KPIs (not the fallback)."""
    from game.scripted import report

    scenario, cache = load_scenario(path), {}
    results = {rule: report(scenario, rule, seed=0, replications=4, cache=cache) for rule in ("expert", "worst")}
    assert results["expert"]["score"] >= 90 and results["worst"]["score"] <= 20, results
    for result in results.values():
        low, high = result["ci95"]
        assert low <= result["score"] <= high and result["basis"] == "positions"

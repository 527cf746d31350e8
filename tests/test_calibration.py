"""Under default parameters the model reproduces the published figures of DOMAIN.md (95 % intervals)."""
from __future__ import annotations

import numpy as np
import pytest
import yaml

from sim import load_scenario_text, run_once
from sim.experiments.statistics import confidence_interval
from sim.model.recovery_cost import recovery_cost_factor
from sim.model.retention import retention_probability
from sim.model.word_of_mouth import expected_customers_lost, simulate_reach
from sim.scenario.behaviour import Retention
from sim.scenario.word_of_mouth import WordOfMouth

REPLICATIONS = 30
SEED = 7


def default_operation(failures: dict | None = None, **recovery) -> object:
    """A ten-day operation with every failure, behaviour and recovery figure left at its default."""
    data = {
        "meta": {"title": "calibration"},
        "operation": {"duration_min": 600, "days": 10},
        "segments": {"customer": {"arrivals_per_hour": 60, "value": 50,
                                  "service": {"role": "agent", "time": {"dist": "exponential", "mean": 5}}}},
        "staff": {"agent": {"count": 8}, "supervisor": {"count": 2}},
        "failures": failures or {},
        "recovery": {"supervisor_role": "supervisor", **recovery},
    }
    return load_scenario_text(yaml.safe_dump(data))


def interval(scenario, kpi: str, policy=None):
    runs = [run_once(scenario, SEED, r, policy) for r in range(REPLICATIONS)]
    return confidence_interval(run[kpi] for run in runs)


@pytest.fixture(scope="module")
def default_runs():
    scenario = default_operation()
    return [run_once(scenario, SEED, r) for r in range(REPLICATIONS)]


def test_five_to_ten_percent_of_the_dissatisfied_complain(default_runs):
    mean, low, high = confidence_interval(run["complaint_rate"] for run in default_runs)
    assert 0.05 <= low and high <= 0.10, (mean, low, high)


def test_the_silent_are_the_least_likely_to_return(default_runs):
    silent = confidence_interval(run["retention.silent"] for run in default_runs)
    for path in ("no_failure", "resolved_quickly"):
        other = confidence_interval(run[f"retention.{path}"] for run in default_runs)
        assert silent[2] < other[1], (path, silent, other)


def test_complainers_resolved_quickly_stay_90_percent(default_runs):
    mean, low, high = confidence_interval(run["retention.resolved_quickly"] for run in default_runs)
    assert mean >= 0.90 and high >= 0.90 and low > 0.85, (mean, low, high)


def test_complainers_resolved_slowly_stay_about_60_percent():
    mean, low, high = interval(default_operation(back_office_delay_min=2880), "retention.resolved_slowly")
    assert 0.55 <= low and high <= 0.65, (mean, low, high)


def test_tarp_retention_figures_are_the_defaults():
    retention = Retention()
    minor = [retention_probability(p, "minor", retention) for p in ("silent", "unresolved")]
    major = [retention_probability(p, "major", retention) for p in ("silent", "unresolved")]
    assert minor == [0.37, 0.46] and major == [0.09, 0.19]
    assert retention_probability("resolved_quickly", "minor", retention) == 0.95
    assert retention_probability("resolved_quickly", "major", retention) == 0.82
    # TARP's "complained, satisfied" 70 % for a minor loss lies on the way from quick to slow
    delays = np.geomspace(61, 1439, 200)
    minor_curve = [retention_probability("resolved_slowly", "minor", retention, d) for d in delays]
    assert min(minor_curve) < 0.70 < max(minor_curve)
    assert all(a >= b for a, b in zip(minor_curve, minor_curve[1:]))


def test_recovery_cost_grows_1_10_100_with_delay():
    assert recovery_cost_factor(0) == 1.0
    assert recovery_cost_factor(1440) == pytest.approx(10.0)
    assert recovery_cost_factor(10080) == pytest.approx(100.0)
    factors = [recovery_cost_factor(d) for d in range(0, 12000, 37)]
    assert all(a <= b for a, b in zip(factors, factors[1:]))


def test_recovery_cost_per_case_in_the_model_follows_1_10_100():
    costs = {}
    for label, delay in (("spot", 0), ("next day", 1440), ("later", 10080)):
        scenario = default_operation(back_office_delay_min=delay, empowerment="high")
        runs = [run_once(scenario, SEED, r) for r in range(10)]
        per_case = [run["recovery_cost"] / (run["customers.resolved_quickly"] + run["customers.resolved_slowly"] + run["customers.unresolved"]) for run in runs]
        costs[label] = confidence_interval(per_case)
    spot = costs["spot"][0]
    # staff time on the spot adds a few minutes of delay, so "spot" costs slightly more than 1x
    for label, ratio in (("next day", 10), ("later", 100)):
        mean, low, high = costs[label]
        assert low / spot <= ratio * 1.05 and high / spot >= ratio * 0.85, (label, mean / spot)


def test_word_of_mouth_counts_are_long_tailed():
    wom = WordOfMouth()
    rng = np.random.default_rng(3)
    p = wom.dispersion / (wom.dispersion + wom.negative_mean_told)
    told = rng.negative_binomial(wom.dispersion, p, 200_000)
    assert 9.0 <= told.mean() <= 10.0  # DOMAIN.md: 9-10 people on average
    share = (told > 20).mean()
    half = 1.96 * np.sqrt(share * (1 - share) / told.size)
    assert share - half <= 0.135 and share + half >= 0.125  # about 13 % tell more than 20


def test_one_badly_handled_failure_costs_about_100_customers():
    wom = WordOfMouth()
    rng = np.random.default_rng(11)
    reach = simulate_reach(rng, 20_000, wom.negative_mean_told, wom)
    lost = rng.binomial(reach, wom.conversion)
    mean, low, high = confidence_interval(lost)
    expected = expected_customers_lost(wom)
    assert low <= expected <= high
    assert 80 <= low and high <= 120, (mean, low, high)


def test_model_loses_about_100_customers_per_dissatisfied_teller(default_runs):
    per_teller = [run["customers_lost_wom"] / (run["customers.silent"] + run["customers.unresolved"]) for run in default_runs]
    mean, low, high = confidence_interval(per_teller)
    assert low <= expected_customers_lost(WordOfMouth()) <= high


def test_bad_news_reaches_twice_as_many_as_good_news():
    wom = WordOfMouth()
    assert wom.negative_mean_told / wom.positive_mean_told == pytest.approx(2.0)


def test_recovery_paradox_lifts_satisfaction_not_loyalty(default_runs):
    """de Matos et al. (2007): satisfaction rises above no failure; repurchase does not clearly."""
    recovered = confidence_interval(run["quality.resolved_quickly"] for run in default_runs)
    untouched = confidence_interval(run["quality.no_failure"] for run in default_runs)
    assert recovered[1] > untouched[2], (recovered, untouched)
    differences = [run["retention.resolved_quickly"] - run["retention.no_failure"] for run in default_runs]
    mean, low, high = confidence_interval(differences)
    assert low <= 0.0, (mean, low, high)  # no significant gain in loyalty


def test_no_paradox_for_a_severe_failure():
    # every failure critical: a superb recovery may restore, but never lift above no failure
    generous = ["acknowledge", "apologise", "fix", "compensate", "follow_up"]
    minor = default_operation({"severity_mix": {"minor": 1.0, "major": 0.0, "critical": 0.0}}, default_actions=generous)
    critical = default_operation({"severity_mix": {"minor": 0.0, "major": 0.0, "critical": 1.0}}, default_actions=generous)
    assert all(run_once(minor, SEED, r)["wom_positive_reached"] > 0 for r in range(3))
    for r in range(3):
        kpis = run_once(critical, SEED, r)
        assert kpis["customers.resolved_quickly"] > 0 and kpis["wom_positive_reached"] == 0

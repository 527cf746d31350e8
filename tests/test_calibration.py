"""Under default parameters the model reproduces the published figures of DOMAIN.md (95 % intervals).

Each figure is checked on the test's own seed and, in the slow variants, on five more seeds: a figure
that holds on one chosen seed only is not reproduced. Tolerances come from the figure, not from the
run: a 95 % interval over replications must lie inside the band the literature gives.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from sim import load_scenario, load_scenario_text, run_once
from sim.experiments.statistics import confidence_interval
from sim.model.recovery_cost import recovery_cost_factor
from sim.model.word_of_mouth import expected_customers_lost, simulate_reach
from sim.scenario.word_of_mouth import WordOfMouth

REPLICATIONS = 15
SEED = 7
SEEDS = [SEED, *(pytest.param(seed, marks=pytest.mark.slow) for seed in (1, 2, 3, 4, 5))]
TARP_BAND = 0.08  # the TARP ladder is second-hand (DOMAIN.md): a cell within 8 points reproduces it


def operation(failures: dict | None = None, behaviour: dict | None = None, days: int = 5, quality: dict | None = None,
              **recovery) -> object:
    """A counter open ``days`` days with every figure left at its default unless given."""
    data = {
        "meta": {"title": "calibration"},
        "operation": {"duration_min": 600, "days": days},
        "segments": {"customer": {"arrivals_per_hour": 60, "value": 50,
                                  "service": {"role": "agent", "time": {"dist": "exponential", "mean": 5}}}},
        "staff": {"agent": {"count": 8}, "supervisor": {"count": 2}},
        "failures": failures or {},
        "behaviour": behaviour or {},
        "quality": quality or {},
        "recovery": {"supervisor_role": "supervisor", **recovery},
    }
    return load_scenario_text(yaml.safe_dump(data))


def own_fault(severity: str) -> dict:
    """Failures of the firm's own process (the TARP problems), all of one severity."""
    mix = dict.fromkeys(("minor", "major", "critical"), 0.0) | {severity: 1.0}
    return {"severity_mix": mix, "categories": {"delivery_system": 0.06, "customer_needs": 0.0, "employee_action": 0.0}}


def runs_of(scenario, seed: int, replications: int = REPLICATIONS, policy=None) -> list[dict[str, float]]:
    return [run_once(scenario, seed, r, policy) for r in range(replications)]


def interval(runs, kpi: str):
    return confidence_interval(run[kpi] for run in runs)


def within(kpi_interval, target: float, band: float) -> bool:
    _, low, high = kpi_interval
    return target - band <= low and high <= target + band


# -- TARP: who still buys after a problem, by what happened (DOMAIN.md) ----------------------------------
TARP = {  # silent / complained, not satisfied / complained, satisfied / satisfied quickly
    "minor": (0.37, 0.46, 0.70, 0.95),
    "major": (0.09, 0.19, 0.54, 0.82),
}
EASY_COMPLAINING = {"complaint_propensity": {"minor": 0.3, "major": 0.3, "critical": 0.3}}  # enough complainers per cell


def satisfied_complainers_retention(run: dict[str, float]) -> float:
    quick, slow = run["customers.resolved_quickly"], run["customers.resolved_slowly"]
    if quick + slow == 0:
        return float("nan")
    kept = run["retention.resolved_quickly"] * quick + (run["retention.resolved_slowly"] * slow if slow else 0.0)
    return kept / (quick + slow)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("severity", ["minor", "major"])
def test_the_tarp_ladder_comes_out_of_the_mechanism(severity, seed):
    """Each TARP cell from a response that puts real customers in it: the ladder is not an input table.

    A reply of mere acknowledgement leaves complainers unsatisfied; a front line that can act in one case
    in ten leaves most complaints to head office, the next day (TARP's households complained mostly by
    letter and telephone, and its "complained, satisfied" pools fast and slow answers); an empowered
    front line resolves them at once.
    """
    silent, unresolved, satisfied, quickly = TARP[severity]
    poor = runs_of(operation(own_fault(severity), EASY_COMPLAINING, supervisor_role=None, default_actions=["acknowledge"]), seed, 10)
    slow = runs_of(operation(own_fault(severity), EASY_COMPLAINING, supervisor_role=None, empowerment="low",
                             on_the_spot_share={"low": 0.1, "medium": 0.6, "high": 0.95}), seed, 10)
    fast = runs_of(operation(own_fault(severity), EASY_COMPLAINING, supervisor_role=None, empowerment="high"), seed, 10)
    for runs, kpi in ((poor, "customers.unresolved"), (slow, "customers.resolved_slowly"), (fast, "customers.resolved_quickly")):
        assert min(run[kpi] for run in runs) > 0, kpi  # real customers in every cell
    assert within(interval(poor, "retention.silent"), silent, TARP_BAND)
    assert within(interval(poor, "retention.unresolved"), unresolved, TARP_BAND), interval(poor, "retention.unresolved")
    satisfied_interval = confidence_interval(satisfied_complainers_retention(run) for run in slow)
    assert within(satisfied_interval, satisfied, TARP_BAND), satisfied_interval
    assert within(interval(fast, "retention.resolved_quickly"), quickly, TARP_BAND), interval(fast, "retention.resolved_quickly")


# -- complaints, and retention against recovery delay -----------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_five_to_ten_percent_of_the_dissatisfied_complain(seed):
    mean, low, high = interval(runs_of(operation(days=10), seed), "complaint_rate")
    assert 0.05 <= low and high <= 0.10, (mean, low, high)


@pytest.mark.parametrize("seed", SEEDS)
def test_complainers_resolved_quickly_stay_90_percent_and_slowly_about_60(seed):
    """The DOMAIN.md figures for the everyday (minor) problem: a fast answer keeps 90 %+, a slow one about 60 %."""
    quick = interval(runs_of(operation(own_fault("minor"), EASY_COMPLAINING), seed), "retention.resolved_quickly")
    assert quick[1] >= 0.90, quick
    slow = interval(runs_of(operation(own_fault("minor"), EASY_COMPLAINING, back_office_delay_min=2880), seed), "retention.resolved_slowly")
    assert within(slow, 0.60, 0.05), slow


@pytest.mark.parametrize("seed", SEEDS)
def test_the_silent_are_the_least_likely_to_return(seed):
    runs = runs_of(operation(days=10), seed)
    silent = interval(runs, "retention.silent")
    for path in ("no_failure", "unresolved", "resolved_quickly"):
        other = interval(runs, f"retention.{path}")
        assert silent[2] < other[1], (path, silent, other)


LIBRARY = sorted(Path(__file__).resolve().parent.parent.glob("scenarios/*.yaml"))


def quick_resolutions(scenario, seeds, replications: int) -> list[float]:
    """``retention.resolved_quickly`` of every run (each policy of the file, and its defaults) that has such customers."""
    kept = []
    for policy in (None, *scenario.policies):
        for seed in seeds:
            for run in runs_of(scenario, seed, replications, policy):
                if run["customers.resolved_quickly"] > 0:
                    kept.append(run["retention.resolved_quickly"])
    return kept


def test_complainers_resolved_quickly_in_the_library_stay_as_tarp_says():
    """Every library scenario that resolves complaints within the hour keeps those customers as TARP's
    "satisfied quickly" cell does (82 % after a major loss to 95 % after a minor one, within the ladder's
    band), on several seeds, whichever way its policies play; a mere acknowledgement that lifts a barely
    dissatisfied customer over their expectation is not a resolved complaint."""
    low_bound, high_bound = TARP["major"][3] - TARP_BAND, TARP["minor"][3]
    checked = {}
    for path in LIBRARY:
        scenario = load_scenario(path)
        if scenario.failures is None:
            continue
        kept = quick_resolutions(scenario, (SEED, 1, 2), 3)
        if len(kept) < 5:  # the exercise's own cast only: too few quick resolutions to judge
            continue
        mean, low, high = confidence_interval(kept)
        checked[path.stem] = (round(mean, 3), round(low, 3), round(high, 3))
        assert low_bound <= low and high <= high_bound + 1e-9, (path.stem, mean, low, high)
    assert len(checked) >= 7, checked


# -- recovery cost ---------------------------------------------------------------------------------------
def test_recovery_cost_grows_1_10_100_with_delay():
    assert recovery_cost_factor(0) == 1.0
    assert recovery_cost_factor(1440) == pytest.approx(10.0)
    assert recovery_cost_factor(10080) == pytest.approx(100.0)
    factors = [recovery_cost_factor(d) for d in range(0, 12000, 37)]
    assert all(a <= b for a, b in zip(factors, factors[1:]))


def test_recovery_cost_per_case_in_the_model_follows_1_10_100():
    """The whole cost of a case (staff time at the role's rate and the actions' money) follows the curve."""
    costs = {}
    for label, delay in (("spot", 0), ("next day", 1440), ("later", 10080)):
        scenario = operation(own_fault("minor"), EASY_COMPLAINING, back_office_delay_min=delay, empowerment="high")
        scenario.staff["agent"].cost_per_hour = 30.0
        runs = runs_of(scenario, SEED, 8)
        per_case = [run["recovery_cost"] / (run["customers.resolved_quickly"] + run["customers.resolved_slowly"] + run["customers.unresolved"]) for run in runs]
        costs[label] = confidence_interval(per_case)
    spot = costs["spot"][0]
    # staff time on the spot adds a few minutes of delay, so "spot" costs slightly more than 1x
    for label, ratio in (("next day", 10), ("later", 100)):
        mean, low, high = costs[label]
        assert low / spot <= ratio * 1.05 and high / spot >= ratio * 0.85, (label, mean / spot)


# -- word of mouth -----------------------------------------------------------------------------------------
def test_word_of_mouth_counts_are_long_tailed():
    wom = WordOfMouth()
    rng = np.random.default_rng(3)
    p = wom.dispersion / (wom.dispersion + wom.negative_mean_told)
    told = rng.negative_binomial(wom.dispersion, p, 200_000)
    assert 9.0 <= told.mean() <= 10.0  # DOMAIN.md: 9-10 people on average
    share = (told > 20).mean()
    half = 1.96 * np.sqrt(share * (1 - share) / told.size)
    assert share - half <= 0.135 and share + half >= 0.125  # about 13 % tell more than 20


def test_the_rule_of_thumb_of_100_customers_per_failure_needs_its_own_assumptions():
    """"One failure costs about 100 customers" has no primary source (DOMAIN.md): the defaults lose far
    fewer; with every told person retelling as widely and 60 % of listeners lost, the tree gives it."""
    assert expected_customers_lost(WordOfMouth()) < 20
    rule_of_thumb = WordOfMouth(mean_retold=9.5, conversion=0.6)
    rng = np.random.default_rng(11)
    reach = simulate_reach(rng, rule_of_thumb.negative_mean_told, rule_of_thumb, tellers=20_000)
    lost = rng.binomial(reach, rule_of_thumb.conversion)
    mean, low, high = confidence_interval(lost)
    assert low <= expected_customers_lost(rule_of_thumb) <= high
    assert 80 <= low and high <= 120, (mean, low, high)


@pytest.mark.parametrize("seed", SEEDS)
def test_bad_news_reaches_about_twice_as_many_as_good_news(seed):
    """TARP: about twice as many people hear of a bad experience as of a good one (10:5, 16:8)."""
    scenario = operation(days=2)
    scenario.word_of_mouth.market_multiple = 1000.0  # a market too large to saturate: the ratio per teller
    runs = runs_of(scenario, seed, 20)
    ratios = [(run["wom_reached"] / run["wom_negative_tellers"]) / (run["wom_positive_reached"] / run["wom_positive_tellers"]) for run in runs]
    assert within(confidence_interval(ratios), 2.0, 0.5), confidence_interval(ratios)


@pytest.mark.parametrize("seed", SEEDS)
def test_word_of_mouth_never_loses_more_than_the_market(seed):
    small = operation(days=3)
    small.word_of_mouth.market_multiple = 1.5
    for run in runs_of(small, seed, 5):
        assert run["customers_lost_wom"] + run["customers_won_wom"] <= run["market"]
        assert run["revenue_lost"] <= run["market_value"]
        assert run["wom_reached"] <= run["market"]


# -- the recovery paradox: rare, small, on satisfaction only ---------------------------------------------------
def slips(chance: float | None = None) -> object:
    """One-off employee slips, minor, answered well and at once: where the paradox can happen (Magnini et al.).

    Demanding customers (expectation 0.93) make most slips felt, so there are many recoveries to count.
    """
    paradox = {} if chance is None else {"paradox": {"chance": chance}}
    return operation({"severity_mix": {"minor": 1.0, "major": 0.0, "critical": 0.0},
                      "categories": {"delivery_system": 0.0, "customer_needs": 0.0, "employee_action": 0.06}},
                     EASY_COMPLAINING, quality={"expectation": 0.93}, empowerment="high",
                     default_actions=["acknowledge", "apologise", "fix"], **paradox)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_recovery_paradox_is_rare(seed):
    """Michel & Meuter (2008): rare and small; by default at most a few percent of recovered customers."""
    default = interval(runs_of(operation(days=10), seed), "paradox_share")
    assert default[2] <= 0.03, default
    qualifying = interval(runs_of(slips(), seed), "paradox_share")
    assert 0 < qualifying[1] and qualifying[2] <= 0.15, qualifying


@pytest.mark.parametrize("seed", SEEDS)
def test_the_recovery_paradox_lifts_satisfaction_not_loyalty_nor_word_of_mouth(seed):
    """de Matos et al. (2007): on satisfaction, not on repurchase or word of mouth. With common random
    numbers, a paradox for every qualifying recovery against none changes satisfaction only."""
    never, always = runs_of(slips(0.0), seed, 6), runs_of(slips(1.0), seed, 6)
    lifted = [a["quality.resolved_quickly"] - n["quality.resolved_quickly"] for a, n in zip(always, never)]
    assert confidence_interval(lifted)[1] > 0
    for a, n in zip(always, never):
        assert a["paradox_share"] > 0 == n["paradox_share"]
        for kpi in ("retention_rate", "retention.resolved_quickly", "customers_won_wom", "customers_lost_wom", "revenue_lost"):
            assert a[kpi] == n[kpi], kpi
    assert max(a["quality.resolved_quickly"] for a in always) < 1.0 + slips().recovery.paradox_bonus


# -- attribution: a storm costs less loyalty than the firm's own mistake ------------------------------------
def disrupted(cause: str, stable: bool, actions: list[str] | None = None) -> object:
    storm = {"id": "outage", "at_min": 120, "severity": "major", "cause": cause, "stable": stable, "window_min": 240}
    failures = {"categories": {"delivery_system": 0.0, "customer_needs": 0.0, "employee_action": 0.0}, "disruptions": [storm]}
    extra = {"default_actions": actions} if actions else {}
    return operation(failures, days=1, **extra)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_cause_the_firm_controls_and_will_repeat_costs_more(seed):
    """Folkes et al. (1987): controllable, stable causes bring more complaints, less repurchase and more
    warnings to others; compared on the same customers (common random numbers)."""
    external, internal = runs_of(disrupted("external", False), seed, 10), runs_of(disrupted("internal", True), seed, 10)
    paired = lambda kpi: confidence_interval(i[kpi] - e[kpi] for i, e in zip(internal, external))
    assert paired("retention_rate")[2] < 0
    assert paired("complaints")[1] > 0
    assert paired("customers_lost_wom")[1] > 0

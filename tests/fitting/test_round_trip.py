"""Round trip: simulate a scenario with known parameters, export its queue log, fit it, recover them."""
from __future__ import annotations

import math

import numpy as np
import pytest
import yaml
from scipy import stats

from sim import load_scenario_text, replicate
from sim.fitting import FitOptions, as_text, fit_log
from sim.fitting.cleaning import clean_log
from sim.fitting.families import fit_family
from sim.fitting.reading import map_columns
from sim.fitting.simulated_log import simulate_queue_log

DAYS = 30
REGULAR_RATES = [40, 55, 70, 90, 85, 60, 45, 35]
TRUTH = {
    "operation": {"opens_at": "08:30", "duration_min": 480, "days": DAYS},
    "meta": {"title": "known parameters"},
    "segments": {
        "regular": {
            "arrivals_per_hour": REGULAR_RATES,
            "service": {"role": "clerk", "time": {"dist": "lognormal", "mean": 6.0, "sd": 3.0}},
            "patience_min": {"dist": "exponential", "mean": 12.0},
            "balk_queue_length": 8,
        },
        "business": {
            "arrivals_per_hour": 8,
            "priority": 1,
            "service": {"role": "clerk", "time": {"dist": "gamma", "shape": 3.0, "scale": 3.0}},
            "patience_min": {"dist": "weibull", "shape": 1.5, "scale": 6.0},
        },
    },
    "staff": {"clerk": {"count": 7, "shifts": [{"start_min": 180, "end_min": 300, "count": 9}]}},
}
# every check below at a family-wise 95 %: Bonferroni over the parameters checked
CHECKS = 2 * 8 + 2 + 2 + 1 + 2
LEVEL = 1 - 0.05 / CHECKS


def truth_scenario():
    return load_scenario_text(yaml.safe_dump(TRUTH), "truth.yaml")


@pytest.fixture(scope="module")
def fitted():
    scenario = truth_scenario()
    table = as_text(simulate_queue_log(scenario, seed=7))
    log = clean_log(table, map_columns(table, {}, "truth"), "truth.csv")
    return fit_log(log, FitOptions(by="none"))  # simulated days have no weekly pattern


def poisson_interval(total: int, exposure: float) -> tuple[float, float]:
    alpha = 0.05 / CHECKS
    low = stats.chi2.ppf(alpha / 2, 2 * total) / 2 if total else 0.0
    return low / exposure, stats.chi2.ppf(1 - alpha / 2, 2 * total + 2) / 2 / exposure


def test_the_log_is_clean(fitted):
    assert fitted.log.defects == []
    assert fitted.log.rows_dropped == 0
    assert len(fitted.log.days) == DAYS


def test_opening_hours_and_arrival_rates_are_recovered(fitted):
    hours = fitted.arrivals.hours
    assert (hours.clock, hours.hours) == ("08:30", 8)
    for segment, truth in (("regular", REGULAR_RATES), ("business", [8] * 8)):
        profile = fitted.arrivals.profile(segment)
        for hour, true_rate in enumerate(truth):
            assert profile.days == DAYS
            low, high = poisson_interval(int(profile.counts[:, hour].sum()), DAYS)
            assert low <= true_rate <= high, f"{segment} hour {hour}: {true_rate} outside {low:.1f}..{high:.1f}"
    assert fitted.arrivals.warnings == []  # Poisson arrivals pass the dispersion test


@pytest.mark.parametrize("segment,family,truth", [
    ("regular", "lognormal", {"mean": 6.0, "sd": 3.0}),
    ("business", "gamma", {"shape": 3.0, "scale": 3.0}),
])
def test_service_family_and_parameters_are_recovered(fitted, segment, family, truth):
    service = fitted.service[segment]
    assert service.best.family == family
    assert service.role == "clerk"
    for key, value in truth.items():
        low, high = service.best.interval(key, LEVEL)
        assert low <= value <= high, f"{segment} {key}: {value} outside {low:.3f}..{high:.3f}"


@pytest.mark.parametrize("segment,family,truth", [
    ("regular", "exponential", {"mean": 12.0}),
    ("business", "weibull", {"shape": 1.5, "scale": 6.0}),
])
def test_patience_is_recovered_from_censored_waits(fitted, segment, family, truth):
    patience = fitted.patience[segment]
    chosen = patience.choice
    true_fit = chosen.get(family)
    # the true family is the best by AIC, or indistinguishable from it (within 2 AIC points)
    assert true_fit.aic - chosen.fits[0].aic <= 2.0
    for key, value in truth.items():
        low, high = true_fit.interval(key, LEVEL)
        assert low <= value <= high, f"{segment} patience {key}: {value} outside {low:.3f}..{high:.3f}"
    # the naive estimate (mean wait of those who abandoned) is far too low: censoring matters
    rows = fitted.log.customers
    abandoned = rows[(rows["segment"] == segment) & (rows["outcome"] == "abandoned")]["wait"]
    assert abandoned.mean() < 0.6 * true_fit.mean


def test_balking_priority_and_staffing_are_recovered(fitted):
    assert fitted.balking["regular"].threshold == 8
    assert "business" not in fitted.balking
    assert fitted.priorities["business"].priority == 1 and "regular" not in fitted.priorities
    staffing = fitted.staffing["clerk"]
    assert staffing.method == "staff ids"
    assert staffing.as_schedule() == (7, [{"start_min": 180, "end_min": 300, "count": 9}])
    assert all(0 < b <= 1 for b in staffing.busy_share)


def test_the_fitted_scenario_behaves_like_the_original(fitted):
    original = truth_scenario()
    data = yaml.safe_load(fitted.text)
    data["operation"]["days"] = 1
    refit = load_scenario_text(yaml.safe_dump(data), "refit.yaml")
    single = load_scenario_text(yaml.safe_dump({**TRUTH, "operation": {**TRUTH["operation"], "days": 1}}), "truth1.yaml")
    assert refit.operation.opens_at == original.operation.opens_at
    a = replicate(single, 30, seed=101)
    b = replicate(refit, 30, seed=202)
    for kpi in ("mean_wait_min", "service_level", "abandon_rate", "balked", "mean_queue_length", "utilization", "served"):
        x, y = np.array(a.values(kpi)), np.array(b.values(kpi))
        va, vb = x.var(ddof=1) / x.size, y.var(ddof=1) / y.size
        dof = (va + vb) ** 2 / (va**2 / (x.size - 1) + vb**2 / (y.size - 1))
        half = stats.t.ppf(0.975, dof) * math.sqrt(va + vb)
        diff = y.mean() - x.mean()
        assert abs(diff) <= half, f"{kpi}: refit - original = {diff:.4g}, 95 % interval half-width {half:.4g}"


def test_every_family_fit_recovers_its_own_parameters():
    """Each family, fitted to its own draws, brackets the true parameters (scipy and lifelines paths)."""
    rng = np.random.default_rng(5)
    samples = {
        "exponential": ({"mean": 4.0}, rng.exponential(4.0, 3000)),
        "lognormal": ({"mean": 5.0, "sd": 2.0}, rng.lognormal(math.log(5 / math.sqrt(1.16)), math.sqrt(math.log(1.16)), 3000)),
        "gamma": ({"shape": 2.0, "scale": 2.5}, rng.gamma(2.0, 2.5, 3000)),
        "weibull": ({"shape": 0.8, "scale": 5.0}, 5.0 * rng.weibull(0.8, 3000)),
    }
    censor = rng.exponential(8.0, 3000)
    for family, (truth, draws) in samples.items():
        for observed in (None, draws <= censor):
            durations = draws if observed is None else np.minimum(draws, censor)
            fit = fit_family(family, durations, observed)
            for key, value in truth.items():
                low, high = fit.interval(key, LEVEL)
                assert low <= value <= high, f"{family} {key} ({'censored' if observed is not None else 'complete'})"


QUIET_KIOSK = {
    "operation": {"opens_at": "10:00", "duration_min": 420, "days": 20},
    "meta": {"title": "a quiet one-person kiosk"},
    "segments": {"walk_in": {"arrivals_per_hour": 1.0,
                             "service": {"role": "repairer", "time": {"dist": "exponential", "mean": 15.0}}}},
    "staff": {"repairer": {"count": 1}},
}


def test_a_quiet_desk_is_staffed_in_every_hour_its_customers_came():
    """One repairer, a customer an hour: on most days the first customer comes after 10:30 and a repair
    takes a quarter of an hour, so staff seen only from their first to their last service of the day would
    leave 10:00 (and the last hour) unstaffed, and the fitted kiosk would keep its morning customers waiting
    for an hour. Each hour is judged on the days that show it, and whoever starts a service is at work."""
    scenario = load_scenario_text(yaml.safe_dump(QUIET_KIOSK), "kiosk.yaml")
    table = as_text(simulate_queue_log(scenario, seed=3))
    log = clean_log(table, map_columns(table, {}, "kiosk"), "kiosk.csv")
    staffing = fit_log(log, FitOptions(by="none")).staffing["repairer"]
    assert staffing.method == "staff ids"
    assert staffing.counts == [1] * 7

"""Service times per segment and station: a segment served at two stations is fitted apart at each."""
from __future__ import annotations

import math

import yaml
from scipy import stats

from sim import load_scenario_text
from sim.fitting import FitOptions, as_text, fit_log
from sim.fitting.cleaning import clean_log
from sim.fitting.reading import map_columns
from sim.fitting.simulated_log import simulate_queue_log

TRUTH = {
    "meta": {"title": "two stations"},
    "operation": {"opens_at": "09:00", "duration_min": 480, "days": 15},
    "segments": {
        "member": {"arrivals_per_hour": 20, "service": {"role": "desk", "time": {"dist": "exponential", "mean": 4.0}},
                   "patience_min": {"dist": "exponential", "mean": 15.0}},
        "member_at_counter": {"arrivals_per_hour": 6,
                              "service": {"role": "counter", "time": {"dist": "lognormal", "mean": 9.0, "sd": 6.0}}},
    },
    "staff": {"desk": {"count": 3}, "counter": {"count": 2}},
}
Z = stats.norm.ppf(1 - 0.05 / 3 / 2)  # three parameters checked at a family-wise 95 %


def test_a_segment_served_at_two_stations_gets_a_fit_at_each(seed: int = 1):
    table = as_text(simulate_queue_log(load_scenario_text(yaml.safe_dump(TRUTH), "truth.yaml"), seed=seed))
    table["segment"] = "member"  # the queue system knows one kind of customer; the station tells them apart
    log = clean_log(table, map_columns(table, {}, "log"), "two_stations.csv")
    fit = fit_log(log, FitOptions(by="none"))
    assert set(fit.service) == {"member", "member_counter"}
    desk, counter = fit.service["member"], fit.service["member_counter"]
    assert (desk.role, counter.role) == ("desk", "counter")
    assert desk.best.family == "exponential" and counter.best.family == "lognormal"
    for fitted, truth in ((desk.best, {"mean": 4.0}), (counter.best, {"mean": 9.0, "sd": 6.0})):
        for name, value in truth.items():
            estimate, se = fitted.params[name], fitted.log_se[name]
            low, high = estimate * math.exp(-Z * se), estimate * math.exp(Z * se)
            assert low <= value <= high, (fitted.family, name, low, value, high)
    segments = fit.scenario.segments
    assert segments["member"].service.role == "desk" and segments["member_counter"].service.role == "counter"
    assert abs(sum(segments["member_counter"].hourly_rates(8)) / 8 - 6) < 1.5  # its own arrivals, about 6 an hour
    assert any("served at 2 stations" in note for note in fit.notes)

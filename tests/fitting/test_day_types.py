"""Arrivals per day type and weekday survive the round trip: simulate a calendar, fit it, write `arrivals_by_day`."""
from __future__ import annotations

import pytest
import yaml
from scipy import stats

from sim import load_scenario_text
from sim.fitting import FitOptions, as_text, fit_log
from sim.fitting.cleaning import clean_log
from sim.fitting.reading import map_columns
from sim.fitting.simulated_log import simulate_queue_log

WEEKDAY, SATURDAY, SUNDAY = [30, 60, 40], [80, 90, 70], [20, 20, 20]
TRUTH = {
    "meta": {"title": "a shop's week"},
    "operation": {"opens_at": "10:00", "duration_min": 180, "days": 28, "first_day": "Monday"},
    "segments": {"shopper": {
        "arrivals_per_hour": WEEKDAY,
        "arrivals_by_day": {"Saturday": {"per_hour": SATURDAY}, "Sunday": {"per_hour": SUNDAY}},
        "service": {"role": "till", "time": {"dist": "exponential", "mean": 2.0}},
    }},
    "staff": {"till": {"count": 5}},
}
LEVEL = 1 - 0.05 / (3 * 7)  # every (day, hour) rate at a family-wise 95 %


@pytest.fixture(scope="module")
def log():
    table = as_text(simulate_queue_log(load_scenario_text(yaml.safe_dump(TRUTH), "truth.yaml"), seed=3))
    return clean_log(table, map_columns(table, {}, "week"), "week.csv")


def within(rate: float, truth: float, days: int) -> bool:
    total = rate * days
    alpha = 1 - LEVEL
    low = stats.chi2.ppf(alpha / 2, 2 * total) / 2 / days if total else 0.0
    high = stats.chi2.ppf(1 - alpha / 2, 2 * total + 2) / 2 / days
    return low <= truth <= high


def test_each_weekday_gets_its_own_rates_in_the_scenario(log):
    fit = fit_log(log, FitOptions(by="weekday"))
    scenario = fit.scenario
    shopper = scenario.segments["shopper"]
    assert scenario.operation.first_day == fit.arrivals.chosen_day_type  # day 1 is a usual day
    assert set(shopper.arrivals_by_day) | {fit.arrivals.chosen_day_type} == {
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
    truth = {"Saturday": SATURDAY, "Sunday": SUNDAY}
    for day in range(7):
        weekday = scenario.operation.weekday_of(day)
        rates = [rate for *_, rate in scenario.arrival_blocks("shopper", day)]
        assert len(rates) == 3
        for hour, rate in enumerate(rates):
            assert within(rate, truth.get(weekday, WEEKDAY)[hour], 4), (weekday, hour, rate)


def test_weekday_and_weekend_by_default(log):
    fit = fit_log(log, FitOptions())
    shopper = fit.scenario.segments["shopper"]
    assert fit.arrivals.chosen_day_type == "weekday" and fit.scenario.operation.first_day == "Monday"
    assert list(shopper.arrivals_by_day) == ["weekend"]
    weekend = shopper.arrivals_by_day["weekend"].per_hour
    for hour, rate in enumerate(weekend):  # the mean of Saturday and Sunday
        assert within(rate, (SATURDAY[hour] + SUNDAY[hour]) / 2, 8), (hour, rate)
    assert "arrivals_by_day:" in fit.text and "first_day: Monday" in fit.text


def test_without_day_types_the_file_has_one_profile(log):
    fit = fit_log(log, FitOptions(by="none"))
    assert fit.scenario.operation.first_day is None
    assert not fit.scenario.segments["shopper"].arrivals_by_day

"""Queue logs from a different simulator (Ciw) fit back to the distributions Ciw drew from."""
from __future__ import annotations

import math
from datetime import datetime, timedelta

import ciw
import pandas as pd
import pytest
from scipy import stats

from sim.fitting import FitOptions, fit_log
from sim.fitting.cleaning import clean_log
from sim.fitting.reading import map_columns, parse_column_spec

DAY_MIN = 480
DAYS = 25
SERVERS = 3
RATE = 0.5  # arrivals per minute
CHECKS = 8 + 2 + 2  # hourly rates, service parameters, patience parameters (Bonferroni)
LEVEL = 1 - 0.05 / CHECKS
CASES = {
    # name: (ciw service, scenario family and parameters), (ciw patience, family and parameters)
    "lognormal service, exponential patience": (
        (ciw.dists.Lognormal(mean=math.log(4.5), sd=0.5), "lognormal", {"mean": 4.5 * math.exp(0.125), "sd": 4.5 * math.exp(0.125) * math.sqrt(math.expm1(0.25))}),
        (ciw.dists.Exponential(rate=1 / 15), "exponential", {"mean": 15.0}),
    ),
    "gamma service, lognormal patience": (
        (ciw.dists.Gamma(shape=2.5, scale=2.0), "gamma", {"shape": 2.5, "scale": 2.0}),
        (ciw.dists.Lognormal(mean=math.log(8.0), sd=0.6), "lognormal", {"mean": 8.0 * math.exp(0.18), "sd": 8.0 * math.exp(0.18) * math.sqrt(math.expm1(0.36))}),
    ),
    "weibull service, gamma patience": (
        (ciw.dists.Weibull(scale=5.5, shape=1.8), "weibull", {"shape": 1.8, "scale": 5.5}),
        (ciw.dists.Gamma(shape=2.0, scale=6.0), "gamma", {"shape": 2.0, "scale": 6.0}),
    ),
}
COLUMNS = "id=Ticket,arrival=Joined,service_start=Called,service_end=Finished,abandoned_at=Left,staff=Desk"


def ciw_queue_log(service, patience, seed: int) -> pd.DataFrame:
    """A queue log as a ticket system would export it: local times with a +08:00 offset, own column names."""
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=RATE)], service_distributions=[service],
        number_of_servers=[SERVERS], reneging_time_distributions=[patience],
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(DAY_MIN * DAYS)
    first = datetime(2024, 5, 6, 9, 0)
    rows = []
    for record in simulation.get_all_records():
        day = int(record.arrival_date // DAY_MIN)
        if day >= DAYS - 1 and record.arrival_date > DAY_MIN * DAYS - 60:
            continue  # the last hour's customers may still be waiting when the run stops
        origin = first + timedelta(days=day) - timedelta(minutes=day * DAY_MIN)

        def stamp(t: float) -> str:
            return "" if t is None or math.isnan(t) else (origin + timedelta(minutes=t)).isoformat(timespec="milliseconds") + "+08:00"

        served = record.record_type == "service"
        rows.append({
            "Ticket": f"T{record.id_number}", "Joined": stamp(record.arrival_date),
            "Called": stamp(record.service_start_date) if served else "", "Finished": stamp(record.service_end_date) if served else "",
            "Left": "" if served else stamp(record.exit_date), "Desk": f"desk {record.server_id}" if served else "",
        })
    return pd.DataFrame(rows)


@pytest.mark.parametrize("case", list(CASES))
def test_ciw_log_fits_to_the_right_families(case):
    (service, service_family, service_truth), (patience, patience_family, patience_truth) = CASES[case]
    table = ciw_queue_log(service, patience, seed=list(CASES).index(case) + 3)
    log = clean_log(table, map_columns(table, parse_column_spec(COLUMNS), "ciw"), "ciw.csv", timezone="Asia/Shanghai")
    # Ciw lists customers as they leave, so rows are out of arrival order: sorted, nothing dropped
    assert [d.code for d in log.defects] == ["out_of_order"] and log.rows_dropped == 0
    fit = fit_log(log, FitOptions(by="none", hours="09:00-17:00"))
    profile = fit.arrivals.profile("unspecified")
    for hour, count in enumerate(profile.counts.sum(axis=0)):
        alpha = 0.05 / CHECKS
        low = stats.chi2.ppf(alpha / 2, 2 * count) / 2 / DAYS
        high = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2 / DAYS
        if hour < 7:  # the last hour of the last day was cut off above
            assert low <= RATE * 60 <= high, f"hour {hour}: {RATE * 60} outside {low:.1f}..{high:.1f}"
    best = fit.service["unspecified"].best
    assert best.family == service_family
    for key, value in service_truth.items():
        low, high = best.interval(key, LEVEL)
        assert low <= value <= high, f"service {key}: {value} outside {low:.3f}..{high:.3f}"
    choice = fit.patience["unspecified"].choice
    true_fit = choice.get(patience_family)
    assert true_fit.aic - choice.fits[0].aic <= 2.0, f"patience: {choice.best.family} beats {patience_family} by {true_fit.aic - choice.fits[0].aic:.1f} AIC"
    for key, value in patience_truth.items():
        low, high = true_fit.interval(key, LEVEL)
        assert low <= value <= high, f"patience {key}: {value} outside {low:.3f}..{high:.3f}"
    assert fit.staffing["staff"].counts == [SERVERS] * 8
    assert fit.scenario is not None and fit.scenario.staff["staff"].count == SERVERS

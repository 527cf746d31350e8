"""The fit's own check: simulating the fitted scenario reproduces the log hour by hour, and a wrong one does not."""
from __future__ import annotations

import dataclasses

import pytest
import yaml

from sim import load_scenario_text
from sim.fitting import FitOptions, as_text, fit_log
from sim.fitting.block_kpis import block_kpis
from sim.fitting.cleaning import clean_log
from sim.fitting.reading import map_columns
from sim.fitting.simulated_log import simulate_queue_log, simulated_customers
from sim.fitting.validation import validate_fit

SCENARIO = {
    "meta": {"title": "validation"},
    "operation": {"opens_at": "10:00", "duration_min": 360, "days": 12},
    "segments": {"caller": {"arrivals_per_hour": [30, 45, 60, 60, 45, 30],
                            "service": {"role": "agent", "time": {"dist": "gamma", "shape": 2, "scale": 2.5}},
                            "patience_min": {"dist": "exponential", "mean": 8}}},
    "staff": {"agent": {"count": 5}},
}


@pytest.fixture(scope="module")
def fit():
    scenario = load_scenario_text(yaml.safe_dump(SCENARIO), "validation.yaml")
    table = as_text(simulate_queue_log(scenario, seed=4))
    return fit_log(clean_log(table, map_columns(table, {}, "log"), "log.csv"), FitOptions(by="none"))


def test_block_kpis_of_text_and_direct_simulation_agree():
    """The text export and the direct customer table of one run give the same hourly KPIs."""
    scenario = load_scenario_text(yaml.safe_dump({**SCENARIO, "operation": {**SCENARIO["operation"], "days": 2}}), "v.yaml")
    table = as_text(simulate_queue_log(scenario, seed=1, replication=2))
    log = clean_log(table, map_columns(table, {}, "log"), "log.csv")
    fitted = fit_log(log, FitOptions(by="none"))
    via_text = block_kpis(log.customers, fitted.arrivals.hours, 5.0)
    direct = block_kpis(simulated_customers(scenario, 1, 2), fitted.arrivals.hours, 5.0)
    assert ((via_text - direct).abs() < 1e-3).all().all()


def test_a_correct_fit_reproduces_the_log(fit):
    validation = validate_fit(fit, replications=12, seed=1)
    assert validation.fits, validation.verdict()
    assert len(validation.compared) == 6 * 5
    for row in validation.rows:
        assert row.low <= row.mean <= row.high
        if row.kpi in ("service_level", "abandon_rate"):
            assert 0.0 <= row.low and row.high <= 1.0


def test_a_wrong_fit_is_called_out(fit):
    wrong = yaml.safe_load(fit.text)
    wrong["staff"]["agent"]["count"] = 4  # one agent short of what the log shows
    validation = validate_fit(dataclasses.replace(fit, text=yaml.safe_dump(wrong)), replications=12, seed=1)
    assert not validation.fits
    assert "differs from the log" in validation.verdict()
    assert any(r.kpi == "mean_wait_min" for r in validation.disagreements)

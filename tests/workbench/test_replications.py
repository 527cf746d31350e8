"""Replications: summaries, common random numbers, warm-up deletion and the stop-when-precise rule."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import sim
from sim.errors import UserError
from sim.experiments.replications import check_kpis, is_precise, known_kpis, replicate
from sim.experiments.statistics import half_width, summarise


def test_summary_is_the_t_interval_of_the_runs(lounge):
    result = replicate(lounge, 8, seed=3, workers=1)
    values = np.array(result.values("mean_wait_min"))
    half = stats.t.ppf(0.975, 7) * values.std(ddof=1) / math.sqrt(8)
    entry = result.kpis["mean_wait_min"]
    assert entry["mean"] == pytest.approx(values.mean(), rel=1e-12)
    assert entry["ci95"] == pytest.approx([values.mean() - half, values.mean() + half], rel=1e-12)
    assert result.replications == 8 and result.label == "lounge"


def test_policies_share_the_customers_of_each_replication(lounge):
    """Common random numbers: replication i brings the same arrivals whatever the policy."""
    standard = replicate(lounge, 6, seed=4, policy="standard_process", workers=1)
    empowered = replicate(lounge, 6, seed=4, policy="empowered", workers=1)
    assert standard.values("arrived") == empowered.values("arrived")
    assert standard.values("recovery_cost") != empowered.values("recovery_cost")


def test_warm_up_deletion_drops_the_first_minutes_from_the_kpis(lounge):
    """With the same numbers, the arrivals left out are those of the first 60 minutes: Poisson with mean 40."""
    full = replicate(lounge, 30, seed=6, workers=1)
    trimmed = replicate(lounge, 30, seed=6, warmup_min=60, workers=1)
    dropped = np.array(full.values("arrived")) - np.array(trimmed.values("arrived"))
    assert (dropped > 0).all()
    # the mean of 30 Poisson(40) counts lies within 4 standard errors of 40
    assert abs(dropped.mean() - 40) < 4 * math.sqrt(40 / 30)


def test_stop_when_precise_reaches_the_precision_asked(lounge):
    result = replicate(lounge, 5, seed=1, precision=0.1, kpis=["mean_wait_min"], workers=1)
    entry = result.kpis["mean_wait_min"]
    assert result.replications > 5 and result.imprecise == []
    assert half_width(entry) <= 0.1 * entry["mean"]
    half_the_runs = summarise(result.runs[: result.replications // 2])
    assert not is_precise(half_the_runs["mean_wait_min"], 0.1)


def test_the_replication_cap_is_respected_and_reported(lounge):
    result = replicate(lounge, 4, seed=1, precision=0.001, kpis=["mean_wait_min"], max_replications=12, workers=1)
    assert result.replications == 12
    assert result.imprecise == ["mean_wait_min"]


def test_kpi_names_come_from_the_model(lounge):
    names = known_kpis(lounge)
    assert {"service_level", "retention_rate", "retention.resolved_quickly", "utilization.agent"} <= set(names)
    with pytest.raises(UserError) as caught:
        check_kpis(["service_levl"], lounge)
    assert "unknown KPI 'service_levl'" in caught.value.message and "service_level" in caught.value.message


@pytest.mark.parametrize("options,fragment", [
    (dict(policy="nope"), "unknown policy 'nope'; the scenario defines: empowered, standard_process"),
    (dict(precision=1.5), "--precision 1.5"),
    (dict(precision=0.1, max_replications=2), "--max-replications 2 is below --replications 5"),
    (dict(kpis=["retention"]), "unknown KPI 'retention'"),
])
def test_mistakes_are_user_errors(lounge, options, fragment):
    with pytest.raises(UserError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        replicate(lounge, 5, workers=1, **options)


def test_a_scenario_without_failures_says_where_the_outcome_kpis_come_from(tmp_path):
    from workbench_helpers import lounge_data, write_scenario

    plain = sim.load_scenario(write_scenario(tmp_path, lounge_data(failures=False)))
    with pytest.raises(UserError, match="need a `failures:` section"):
        replicate(plain, 2, kpis=["retention_rate"], workers=1)

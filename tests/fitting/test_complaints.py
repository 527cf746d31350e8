"""A complaint log calibrates the scenario's failures and recovery to the organisation's complaint figures."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

import run_sim
from sim import load_scenario, load_scenario_text, replicate
from sim.fitting import as_text
from sim.fitting.simulated_log import simulate_queue_log

SCENARIO = {
    "meta": {"title": "complaints"},
    "operation": {"opens_at": "09:00", "duration_min": 480, "days": 5},
    "segments": {"client": {"arrivals_per_hour": 40, "service": {"role": "clerk", "time": {"dist": "lognormal", "mean": 6, "sd": 3}},
                            "patience_min": {"dist": "exponential", "mean": 20}}},
    "staff": {"clerk": {"count": 6}},
}
RATE = 0.03
MIX = {"billing error": 0.5, "outage": 0.2, "refused request": 0.2, "rude": 0.1}
BITNER = {"billing error": "delivery_system", "outage": "delivery_system", "refused request": "customer_needs", "rude": "employee_action"}


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("complaints")
    records = simulate_queue_log(load_scenario_text(yaml.safe_dump(SCENARIO), "c.yaml"), seed=5)
    as_text(records).to_csv(folder / "queue.csv", index=False)
    rng = np.random.default_rng(9)
    served = records[records["outcome"] == "served"]
    chosen = served[rng.random(len(served)) < RATE]
    quick = rng.random(len(chosen)) < 0.4
    delay = np.where(quick, rng.uniform(5, 50, len(chosen)), rng.uniform(1200, 1800, len(chosen)))
    complaints = pd.DataFrame({
        "received": chosen["service_end"].dt.strftime("%Y-%m-%d %H:%M:%S"), "case": chosen["id"],
        "category": rng.choice(list(MIX), len(chosen), p=list(MIX.values())),
        "resolved_at": (chosen["service_end"] + pd.to_timedelta(delay, unit="min")).dt.strftime("%Y-%m-%d %H:%M:%S"),
    })
    complaints["outcome"] = np.where(rng.random(len(chosen)) < 0.05, "open", "resolved")
    complaints.to_csv(folder / "complaints.csv", index=False)
    quick = quick & (complaints["outcome"] == "resolved").to_numpy()
    delay = np.where(complaints["outcome"] == "resolved", delay, np.nan)
    (folder / "bitner.yaml").write_text(yaml.safe_dump(BITNER))
    return folder, len(chosen) / len(served), quick.mean(), np.nanmedian(delay[delay > 60])


def test_complaint_log_sets_failures_and_recovery(logs):
    folder, rate, quick_share, slow_median = logs
    out = folder / "fitted.yaml"
    assert run_sim.main(["fit", str(folder / "queue.csv"), "--out", str(out), "--force", "-r", "0", "--complaints",
                         str(folder / "complaints.csv"), "--complaint-columns", "time=received", "--categories", str(folder / "bitner.yaml")]) == 0
    scenario = load_scenario(out)
    text = out.read_text()
    assert "severity_mix" in text and "default: not in the log" in text
    assert scenario.recovery.on_the_spot_share["medium"] == pytest.approx(quick_share, abs=1e-3)
    assert scenario.recovery.escalation_delay_min == pytest.approx(slow_median, rel=1e-3)
    chances = scenario.failures.categories
    total = chances.delivery_system + chances.customer_needs + chances.employee_action
    # the mix of failure chances is the log's mix of complaints by Bitner category (within sampling error)
    assert chances.delivery_system / total == pytest.approx(0.7, abs=0.1)
    assert chances.employee_action / total == pytest.approx(0.1, abs=0.06)
    # the fitted scenario complains at the log's rate: fresh replications, interval against the log's rate
    result = replicate(scenario, 20, seed=77, workers=1)
    simulated = np.array(result.values("complaints")) / np.array(result.values("served"))
    half = 1.96 * np.sqrt(rate * (1 - rate) / 2000) + 1.96 * simulated.std(ddof=1) / np.sqrt(simulated.size)
    assert abs(simulated.mean() - rate) <= half, f"simulated {simulated.mean():.4f} vs log {rate:.4f} (+/- {half:.4f})"


def test_unmapped_categories_are_named(logs, capsys):
    folder, *_ = logs
    code = run_sim.main(["fit", str(folder / "queue.csv"), "--out", str(folder / "x.yaml"), "-r", "0",
                         "--complaints", str(folder / "complaints.csv"), "--complaint-columns", "time=received",
                         "--categories", "outage=delivery_system"])
    err = capsys.readouterr().err
    assert code == 2 and "without a Bitner category" in err and "billing error" in err and "Traceback" not in err
    code = run_sim.main(["fit", str(folder / "queue.csv"), "--out", str(folder / "x.yaml"), "-r", "0",
                         "--complaints", str(folder / "complaints.csv"), "--complaint-columns", "time=received",
                         "--categories", "outage=systems"])
    assert code == 2 and "map each category to one of" in capsys.readouterr().err

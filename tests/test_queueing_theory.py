"""With failures off, the model reproduces queueing theory: Erlang C, Little's law, Erlang A."""
from __future__ import annotations

import pytest
import yaml

from sim import run_once
from sim.experiments.queueing_theory import erlang_a, erlang_c
from sim.experiments.statistics import confidence_interval

REPLICATIONS = 30
SEED = 2026


def replicate(scenario, kpis):
    runs = [run_once(scenario, SEED, r) for r in range(REPLICATIONS)]
    return {name: confidence_interval(run[name] for run in runs) for name in kpis}, runs


def customers_per_run(rho: float, servers: int) -> int:
    """Heavier traffic relaxes more slowly, so it needs longer runs for the warm-up to wash out."""
    if rho < 0.9:
        return 12_000
    return 60_000 if servers == 1 else 25_000


@pytest.mark.parametrize("servers", [1, 5, 20])
@pytest.mark.parametrize("rho", [0.5, 0.8, 0.95])
def test_mmc_matches_erlang_c_and_littles_law(make_queue, rho, servers):
    service_mean = 1.0
    arrivals = rho * servers / service_mean
    minutes = customers_per_run(rho, servers) / arrivals
    scenario = make_queue(arrivals, service_mean, servers, minutes, warmup_share=0.15)
    theory = erlang_c(arrivals, 1 / service_mean, servers)
    ci, runs = replicate(scenario, ["mean_wait_min", "prob_wait", "mean_queue_length", "utilization"])

    for name, expected in [("mean_wait_min", theory.mean_wait), ("prob_wait", theory.prob_wait),
                           ("mean_queue_length", theory.mean_queue_length), ("utilization", rho)]:
        mean, low, high = ci[name]
        assert low <= expected <= high, f"{name}: theory {expected:.4f} outside 95% CI [{low:.4f}, {high:.4f}] (mean {mean:.4f})"

    # Little's law, L = lambda W, with lambda and W measured in the same runs
    measured = sum(run["arrived"] / (minutes * 0.85) * run["mean_wait_min"] for run in runs) / len(runs)
    _, low, high = ci["mean_queue_length"]
    assert low <= measured <= high


def test_mmc_with_abandonment_matches_erlang_a(make_queue):
    arrivals, servers, patience = 5.4, 5, 2.0  # offered load 5.4 on 5 staff: only abandonment keeps it stable
    scenario = make_queue(arrivals, 1.0, servers, 4_000, warmup_share=0.1, patience_mean=patience)
    theory = erlang_a(arrivals, 1.0, servers, 1 / patience)
    ci, _ = replicate(scenario, ["abandon_rate", "mean_queue_length", "prob_wait"])
    for name, expected in [("abandon_rate", theory.abandon_prob), ("mean_queue_length", theory.mean_queue_length)]:
        mean, low, high = ci[name]
        assert low <= expected <= high, f"{name}: theory {expected:.4f} outside 95% CI [{low:.4f}, {high:.4f}]"


def test_erlang_c_known_values():
    # M/M/1 at rho 0.8 (mean service 1): P(wait) = rho, Wq = rho / (mu - lambda) = 4
    single = erlang_c(0.8, 1.0, 1)
    assert single.prob_wait == pytest.approx(0.8)
    assert single.mean_wait == pytest.approx(4.0)
    # Erlang A with negligible abandonment tends to Erlang C
    assert erlang_a(4.0, 1.0, 5, 1e-9).prob_wait == pytest.approx(erlang_c(4.0, 1.0, 5).prob_wait, rel=1e-6)
    with pytest.raises(ValueError):
        erlang_c(5.0, 1.0, 5)


def test_two_priority_classes_match_cobham_per_segment():
    """Non-preemptive priority M/M/3 at utilisation 0.75: each segment's mean wait within its interval of Cobham's."""
    from sim import load_scenario_text
    from sim.experiments.queueing_theory import priority_waits

    vip, regular, servers, service_mean = 0.15, 0.30, 3, 5.0
    service = {"role": "agent", "time": {"dist": "exponential", "mean": service_mean}}
    data = {
        "meta": {"title": "two priority classes"},
        "operation": {"duration_min": 12_000, "warmup_min": 1_200},
        "segments": {"vip": {"arrivals_per_hour": vip * 60, "priority": 1, "service": service},
                     "regular": {"arrivals_per_hour": regular * 60, "service": service}},
        "staff": {"agent": {"count": servers}},
    }
    scenario = load_scenario_text(yaml.safe_dump(data), "priority.yaml")
    expected = dict(zip(("vip", "regular"), priority_waits([vip, regular], 1 / service_mean, servers)))
    ci, runs = replicate(scenario, [f"segment.{name}.mean_wait_min" for name in expected] + ["mean_wait_min"])
    for name, wait in expected.items():
        mean, low, high = ci[f"segment.{name}.mean_wait_min"]
        assert low <= wait <= high, f"{name}: Cobham {wait:.3f} outside 95% CI [{low:.3f}, {high:.3f}] (mean {mean:.3f})"
    # the classes split the whole queue's wait, weighted by their arrivals
    overall = erlang_c(vip + regular, 1 / service_mean, servers).mean_wait
    assert (vip * expected["vip"] + regular * expected["regular"]) / (vip + regular) == pytest.approx(overall)

"""The queueing core agrees with Ciw, a peer queueing library, on the same M/M/c queues."""
from __future__ import annotations

import ciw
import numpy as np
import pytest

from sim import run_once
from sim.experiments.statistics import welch_interval

REPLICATIONS = 30
CUSTOMERS = 6_000


def ciw_run(arrivals: float, service_rate: float, servers: int, minutes: float, warmup: float, seed: int) -> dict:
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=arrivals)],
        service_distributions=[ciw.dists.Exponential(rate=service_rate)],
        number_of_servers=[servers],
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(minutes)
    waits = np.array([r.waiting_time for r in simulation.get_all_records() if r.arrival_date >= warmup])
    return {"mean_wait_min": float(waits.mean()), "prob_wait": float((waits > 0).mean())}


@pytest.mark.parametrize("rho,servers", [(0.5, 5), (0.8, 5), (0.8, 1), (0.9, 20)])
def test_model_and_ciw_agree(make_queue, rho, servers):
    arrivals = rho * servers
    minutes = CUSTOMERS / arrivals
    warmup = minutes * 0.15
    scenario = make_queue(arrivals, 1.0, servers, minutes, warmup_share=0.15)
    ours = [run_once(scenario, 11, r) for r in range(REPLICATIONS)]
    theirs = [ciw_run(arrivals, 1.0, servers, minutes, warmup, 1000 + r) for r in range(REPLICATIONS)]
    for name in ("mean_wait_min", "prob_wait"):
        low, high = welch_interval([run[name] for run in ours], [run[name] for run in theirs])
        assert low <= 0.0 <= high, f"{name}: model - Ciw difference interval [{low:.4f}, {high:.4f}] excludes 0"


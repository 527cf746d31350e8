"""Customers simulated per second: the model against plain SimPy and Ciw on the same M/M/c queue.

Prints, in one run: the model with failures off, a minimal plain-SimPy M/M/c, Ciw, and the full model
(failures, complaints, recovery, word of mouth) with the default failure figures and on a
failure-heavy variant (three times the failure chances, proactive recovery), with their ratios.
Targets: model (failures off) >= Ciw; full model (default figures) >= 0.5 x plain SimPy.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import simpy
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim import load_scenario_text, run_once  # noqa: E402

ARRIVALS, SERVICE_MEAN, SERVERS = 0.8, 5.0, 5  # per minute, minutes; utilisation 0.8


def plain_simpy(customers: int, seed: int) -> int:
    """The smallest honest SimPy M/M/c: a source process and one process per customer."""
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    staff = simpy.Resource(env, capacity=SERVERS)
    gaps = rng.exponential(1 / ARRIVALS, customers).tolist()
    services = rng.exponential(SERVICE_MEAN, customers).tolist()
    waits = []

    def customer(service):
        arrived = env.now
        with staff.request() as request:
            yield request
            waits.append(env.now - arrived)
            yield env.timeout(service)

    def source():
        for gap, service in zip(gaps, services):
            yield env.timeout(gap)
            env.process(customer(service))

    env.process(source())
    env.run()
    return len(waits)


def ciw_run(customers: int, seed: int) -> int:
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=ARRIVALS)],
        service_distributions=[ciw.dists.Exponential(rate=1 / SERVICE_MEAN)],
        number_of_servers=[SERVERS],
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(customers / ARRIVALS)
    return len(simulation.get_all_records())


def scenario(customers: int, failures: str | None):
    """The benchmark queue; ``failures``: None (off), "default" (DOMAIN.md defaults) or "heavy"."""
    data = {
        "meta": {"title": "benchmark"},
        "operation": {"duration_min": customers / ARRIVALS},
        "segments": {"customer": {"arrivals_per_hour": ARRIVALS * 60,
                                  "service": {"role": "agent", "time": {"dist": "exponential", "mean": SERVICE_MEAN}}}},
        "staff": {"agent": {"count": SERVERS}, "supervisor": {"count": 2}},
    }
    if failures == "default":
        data["failures"] = {}
        data["recovery"] = {"supervisor_role": "supervisor"}
    if failures == "heavy":
        # three times the default failure chances (about one visit in seven fails), the default
        # behaviour, recovery escalated to supervisors, proactive follow-up and word of mouth
        data["failures"] = {"categories": {"delivery_system": 0.09, "customer_needs": 0.03, "employee_action": 0.03}}
        data["recovery"] = {"supervisor_role": "supervisor", "proactive_share": 0.2}
    return load_scenario_text(yaml.safe_dump(data))


def model_run(customers: int, seed: int, failures: str | None) -> int:
    kpis = run_once(scenario(customers, failures), seed)
    return int(kpis["arrived"])


def interleaved_rates(contenders: dict, repeats: int) -> dict[str, float]:
    """Median customers per second of each contender, run in turn so machine load hits them alike."""
    rates: dict[str, list[float]] = {name: [] for name in contenders}
    for seed in range(repeats):
        for name, (function, customers, kwargs) in contenders.items():
            begin = time.perf_counter()
            done = function(customers, seed, **kwargs)
            rates[name].append(done / (time.perf_counter() - begin))
    return {name: statistics.median(values) for name, values in rates.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    n, k = args.customers, args.repeats
    rates = interleaved_rates({
        "plain": (plain_simpy, n, {}),
        "ciw": (ciw_run, max(n // 4, 1000), {}),
        "off": (model_run, n, {"failures": None}),
        "full": (model_run, n, {"failures": "default"}),
        "heavy": (model_run, n, {"failures": "heavy"}),
    }, k)
    plain, ciw_rate, model_off, model_full, model_heavy = (rates[key] for key in ("plain", "ciw", "off", "full", "heavy"))
    print(f"M/M/{SERVERS} at utilisation {ARRIVALS * SERVICE_MEAN / SERVERS:.2f}, {n:,} customers, median of {k} runs")
    print(f"{'plain SimPy M/M/c':32s} {plain:12,.0f} customers/s")
    print(f"{'Ciw':32s} {ciw_rate:12,.0f} customers/s")
    print(f"{'model, failures off':32s} {model_off:12,.0f} customers/s")
    print(f"{'full model, default failures':32s} {model_full:12,.0f} customers/s")
    print(f"{'full model, failure-heavy':32s} {model_heavy:12,.0f} customers/s")
    print(f"ratio model (failures off) / Ciw:          {model_off / ciw_rate:6.2f}  (target >= 1.0)")
    print(f"ratio model (failures off) / plain SimPy:  {model_off / plain:6.2f}")
    print(f"ratio full model (default) / plain SimPy:  {model_full / plain:6.2f}  (target >= 0.5)")
    print(f"ratio full model (heavy) / plain SimPy:    {model_heavy / plain:6.2f}")


if __name__ == "__main__":
    main()

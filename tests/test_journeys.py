"""Journeys through several stations agree with Ciw (a peer queueing library) and with open-Jackson-network theory."""
from __future__ import annotations

from collections import defaultdict

import ciw
import numpy as np
import pytest

from sim import run_once
from sim.experiments.queueing_theory import erlang_c
from sim.experiments.statistics import confidence_interval, welch_interval
from sim.scenario.journeys import expected_visits

REPLICATIONS = 20

TANDEM = [("registration", 2, 2.0), ("pharmacy", 1, 0.8)]
FEEDBACK = [("desk", 2, 2.4), ("lab", 1, 1.8)]
FEEDBACK_ROUTING = [[0.2, 0.6], [0.1, 0.0]]  # desk: again 20 %, to the lab 60 %; lab: back to the desk 10 %


@pytest.mark.parametrize("stations,routing", [(TANDEM, None), (FEEDBACK, FEEDBACK_ROUTING)], ids=["tandem", "feedback"])
def test_open_jackson_network_time_in_system(make_network, stations, routing):
    """Mean time in system = sum over stations of visits x the M/M/c sojourn at the station's total arrival rate."""
    arrivals, minutes, warmup = 0.5 if routing else 0.8, 20_000.0, 2_000.0
    scenario = make_network(arrivals, stations, routing, minutes, warmup)
    visits = expected_visits(scenario.segments["customer"].steps)
    runs = [run_once(scenario, 29, r) for r in range(REPLICATIONS)]
    expected = 0.0
    for name, servers, mean in stations:
        rate = arrivals * visits[name]
        station = erlang_c(rate, 1 / mean, servers)
        sojourn = station.mean_wait + mean
        expected += visits[name] * sojourn
        _, low, high = confidence_interval(run[f"station.{name}.mean_wait_min"] for run in runs)
        assert low <= station.mean_wait <= high, f"{name}: Erlang C wait {station.mean_wait:.4f} outside [{low:.4f}, {high:.4f}]"
    mean, low, high = confidence_interval(run["mean_time_in_system_min"] for run in runs)
    assert low <= expected <= high, f"time in system: theory {expected:.4f} outside 95% CI [{low:.4f}, {high:.4f}] (mean {mean:.4f})"


def test_traffic_equations_count_feedback(make_network):
    scenario = make_network(0.5, FEEDBACK, FEEDBACK_ROUTING, 100.0, 0.0)
    visits = expected_visits(scenario.segments["customer"].steps)
    # desk: 1 + 0.2 desk + 0.1 lab; lab: 0.6 desk
    assert visits["desk"] == pytest.approx(1 / 0.74)
    assert visits["lab"] == pytest.approx(0.6 / 0.74)


def ciw_network(arrivals: float, stations, routing, minutes: float, warmup: float, seed: int) -> dict[str, float]:
    n = len(stations)
    if routing is None:  # a tandem: each station hands on to the next
        routing = [[1.0 if j == i + 1 else 0.0 for j in range(n)] for i in range(n)]
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=arrivals)] + [None] * (n - 1),
        service_distributions=[ciw.dists.Exponential(rate=1 / mean) for _, _, mean in stations],
        number_of_servers=[servers for _, servers, _ in stations],
        routing=routing,
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(minutes)
    by_customer = defaultdict(list)
    for record in simulation.get_all_records():
        by_customer[record.id_number].append(record)
    waits = defaultdict(list)
    in_system = []
    for records in by_customer.values():
        records.sort(key=lambda r: r.arrival_date)
        if records[0].arrival_date < warmup:
            continue
        for record in records:
            waits[record.node].append(record.waiting_time)
        if records[-1].destination == -1:
            in_system.append(records[-1].exit_date - records[0].arrival_date)
    result = {f"station.{name}.mean_wait_min": float(np.mean(waits[i + 1])) for i, (name, _, _) in enumerate(stations)}
    result["mean_time_in_system_min"] = float(np.mean(in_system))
    return result


@pytest.mark.parametrize("stations,routing", [(TANDEM, None), (FEEDBACK, FEEDBACK_ROUTING)], ids=["tandem", "feedback"])
def test_journeys_agree_with_ciw(make_network, stations, routing):
    arrivals, minutes, warmup = 0.5 if routing else 0.8, 5_000.0, 750.0
    scenario = make_network(arrivals, stations, routing, minutes, warmup)
    ours = [run_once(scenario, 17, r) for r in range(REPLICATIONS)]
    theirs = [ciw_network(arrivals, stations, routing, minutes, warmup, 500 + r) for r in range(REPLICATIONS)]
    for kpi in theirs[0]:
        low, high = welch_interval([run[kpi] for run in ours], [run[kpi] for run in theirs])
        assert low <= 0.0 <= high, f"{kpi}: model - Ciw difference interval [{low:.4f}, {high:.4f}] excludes 0"

"""Closed-form and exact numerical results for the queues the model must reproduce when failures are off.

Erlang C (M/M/c) and Erlang A (M/M/c+M, exponential patience) are the planner's first estimate of
staffing and the test oracle of the queueing core; Cobham's formulas are the oracle of priority classes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class QueueFigures:
    """Steady-state figures of a queue: probability of waiting, mean wait, queue length, abandonment."""

    prob_wait: float
    mean_wait: float  # over all arrivals, minutes
    mean_queue_length: float
    abandon_prob: float = 0.0
    utilization: float = math.nan


def erlang_c(arrival_rate: float, service_rate: float, servers: int) -> QueueFigures:
    """M/M/c in steady state (rates per minute); needs offered load below ``servers``."""
    load = arrival_rate / service_rate
    if servers <= 0 or load >= servers:
        raise ValueError(f"unstable queue: offered load {load:.3g} needs more than {servers} servers")
    # Erlang B by its stable recursion, then Erlang C from it
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = load * blocking / (k + load * blocking)
    rho = load / servers
    prob_wait = blocking / (1 - rho + rho * blocking)
    mean_wait = prob_wait / (servers * service_rate - arrival_rate)
    return QueueFigures(prob_wait, mean_wait, arrival_rate * mean_wait, 0.0, rho)


def priority_waits(arrival_rates: list[float], service_rate: float, servers: int) -> list[float]:
    """Mean wait of each class of a non-preemptive priority M/M/c, highest priority first (Cobham 1954).

    All classes share the exponential service rate; class ``k`` waits
    ``W0 / ((1 - s[k-1]) (1 - s[k]))`` with ``W0 = C(c, a) / (c mu)`` and ``s[k]`` the load of classes 1..k.
    """
    total = sum(arrival_rates)
    first = erlang_c(total, service_rate, servers)
    w0 = first.prob_wait / (servers * service_rate)
    waits, above = [], 0.0
    for rate in arrival_rates:
        below = above + rate / (servers * service_rate)
        waits.append(w0 / ((1 - above) * (1 - below)))
        above = below
    return waits


def erlang_a(arrival_rate: float, service_rate: float, servers: int, abandon_rate: float, tolerance: float = 1e-12) -> QueueFigures:
    """M/M/c+M in steady state, solved exactly on the birth-death chain truncated where its tail vanishes."""
    if abandon_rate <= 0:
        return erlang_c(arrival_rate, service_rate, servers)
    weights = [1.0]
    n = 0
    while True:
        n += 1
        death = min(n, servers) * service_rate + max(n - servers, 0) * abandon_rate
        weights.append(weights[-1] * arrival_rate / death)
        if n > servers and weights[-1] < tolerance * sum(weights):
            break
    p = np.array(weights) / sum(weights)
    states = np.arange(len(p))
    queue = np.maximum(states - servers, 0)
    mean_queue = float((p * queue).sum())
    busy = float((p * np.minimum(states, servers)).sum())
    return QueueFigures(
        prob_wait=float(p[servers:].sum()),  # PASTA: an arrival waits when all servers are busy
        mean_wait=mean_queue / arrival_rate,
        mean_queue_length=mean_queue,
        abandon_prob=abandon_rate * mean_queue / arrival_rate,
        utilization=busy / servers,
    )


def servers_needed(arrival_rate: float, service_rate: float, max_wait: float, share: float, abandon_rate: float = 0.0) -> int:
    """Fewest servers for which the share of arrivals served within ``max_wait`` reaches ``share`` (Erlang C).

    With abandonment the Erlang C answer is an upper bound (impatient customers shorten the queue).
    """
    servers = max(1, math.floor(arrival_rate / service_rate) + 1)
    while True:
        figures = erlang_c(arrival_rate, service_rate, servers)
        within = 1 - figures.prob_wait * math.exp(-(servers * service_rate - arrival_rate) * max_wait)
        if within >= share:
            return servers
        servers += 1

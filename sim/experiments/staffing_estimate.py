"""First staffing estimate per role and block of the day from queueing theory (Erlang C, or A with patience).

Each block is treated as its own steady-state queue with that block's arrival rate. Patience is
modelled as exponential with the segments' mean patience (Erlang A); without patience the queue is
Erlang C. Targets on queueing KPIs give a count; other KPIs only ask for a stable queue.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from ..scenario import Scenario, distribution_mean
from .queueing_theory import QueueFigures, erlang_a, erlang_c, servers_needed
from ..scenario.journeys import expected_visits
from .targets import Target

MAX_EXTRA_SERVERS = 1000


@dataclass(frozen=True)
class BlockLoad:
    """Demand on one role during one block: arrivals and abandonment per minute, mean service time."""

    arrival_rate: float
    service_min: float
    abandon_rate: float  # 1 / mean patience, weighted over the arrivals that have patience

    @property
    def offered_load(self) -> float:
        """Erlangs: the staff the block keeps busy on average."""
        return self.arrival_rate * self.service_min


def blocks_of_day(duration_min: float, block_min: float) -> list[tuple[float, float]]:
    """``[(start, end), ...]`` covering the opening day in blocks of ``block_min`` minutes (the last may be shorter)."""
    count = max(1, math.ceil(duration_min / block_min - 1e-9))
    return [(i * block_min, min((i + 1) * block_min, duration_min)) for i in range(count)]


def _mean_rate(blocks: list[tuple[float, float, float]], start: float, end: float) -> float:
    """Arrivals per minute averaged over [start, end) from a profile of ``(start, end, per_hour)`` blocks."""
    total = 0.0
    for lo, hi, rate in blocks:
        overlap = min(end, hi) - max(start, lo)
        if overlap > 0:
            total += rate / 60.0 * overlap
    return total / (end - start)


def block_load(scenario: Scenario, role: str, start: float, end: float) -> BlockLoad:
    """The demand on ``role`` in the block [start, end) of each day, over every journey step it serves."""
    rate = work = impatience = 0.0
    for name, segment in scenario.segments.items():
        steps = segment.steps
        visits = expected_visits(steps) if len(steps) > 1 else {steps[0].name: 1.0}
        arrivals = None
        for i, step in enumerate(steps):
            if step.station != role:
                continue
            if arrivals is None:
                arrivals = _mean_rate(scenario.arrival_blocks(name), start, end)
            here = arrivals * visits[step.name]
            rate += here
            work += here * distribution_mean(step.time)
            patience = step.patience_min or (segment.patience_min if i == 0 else None)
            if patience is not None:
                impatience += here / max(distribution_mean(patience), 1e-9)
    if rate == 0:
        return BlockLoad(0.0, 0.0, 0.0)
    return BlockLoad(rate, work / rate, impatience / rate)


def _figures(load: BlockLoad, servers: int) -> QueueFigures:
    mu = 1.0 / load.service_min
    if load.abandon_rate > 0:
        return erlang_a(load.arrival_rate, mu, servers, load.abandon_rate)
    return erlang_c(load.arrival_rate, mu, servers)


def _fewest(load: BlockLoad, ok: Callable[[QueueFigures], bool]) -> int:
    """Fewest servers whose steady-state figures satisfy ``ok`` (stable ones only without abandonment)."""
    first = 1 if load.abandon_rate > 0 else math.floor(load.offered_load) + 1
    for servers in range(max(first, 1), first + MAX_EXTRA_SERVERS):
        if ok(_figures(load, servers)):
            return servers
    return first + MAX_EXTRA_SERVERS


def servers_for_target(load: BlockLoad, target: Target, role: str, threshold_min: float) -> int:
    """Fewest staff for ``target`` in a block with ``load``; KPIs queueing theory cannot speak to ask for stability."""
    if load.arrival_rate == 0:
        return 0
    stable = math.floor(load.offered_load) + 1
    kpi, value = target.kpi, target.value
    if kpi == "service_level" and target.at_least and value < 1:
        return servers_needed(load.arrival_rate, 1.0 / load.service_min, threshold_min, value, load.abandon_rate)
    if target.at_least:
        return stable
    checks: dict[str, Callable[[QueueFigures], bool]] = {
        "mean_wait_min": lambda f: f.mean_wait <= value,
        "prob_wait": lambda f: f.prob_wait <= value,
        "abandon_rate": lambda f: f.abandon_prob <= value,
        "mean_queue_length": lambda f: f.mean_queue_length <= value,
    }
    if kpi in checks:
        return _fewest(load, checks[kpi])
    if kpi in ("utilization", f"utilization.{role}") and value > 0:
        return max(1, math.ceil(load.offered_load / value - 1e-9))
    return stable


def erlang_schedule(scenario: Scenario, roles: list[str], blocks: list[tuple[float, float]], targets: list[Target],
                    labels: list[str] | None = None) -> dict[str, tuple[int, ...]]:
    """``{role: (count per block, ...)}``: per block, the largest count any target asks for.

    A target on one block's KPI (``block.HH:MM.KPI``, blocks named by ``labels``) counts in that block only.
    """
    threshold = scenario.operation.service_level_threshold_min
    schedule = {}
    for role in roles:
        counts = []
        for b, (start, end) in enumerate(blocks):
            load = block_load(scenario, role, start, end)
            prefix = f"block.{labels[b]}." if labels else None
            here = [Target(t.kpi[len(prefix):], t.op, t.value) if prefix and t.kpi.startswith(prefix) else t
                    for t in targets if not t.kpi.startswith("block.") or (prefix and t.kpi.startswith(prefix))]
            counts.append(max([servers_for_target(load, t, role, threshold) for t in here], default=0))
        schedule[role] = tuple(counts)
    return schedule

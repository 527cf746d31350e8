"""The queue KPIs of one run, for the whole run and split into parts, gathered by streaming counters.

A counted customer (arrived after the warm-up) is booked in the tally of the whole run and in one
tally per *dimension* it belongs to: its segment and the block of the day it arrived in. Results are
named ``KPI`` for the whole run and ``DIMENSION.NAME.KPI`` for a part (``segment.vip.mean_wait_min``,
``block.09:00.service_level``). A further dimension (a station of a journey) plugs in the same way:
take its tally with :meth:`QueueKpis.part` and book into it. Memory depends on the number of parts,
never on the number of customers.
"""
from __future__ import annotations

import math
from typing import Iterable

from .accumulators import BinnedQuantiles, BlockTimeAverage, DayBlocks, TimeAverage

SEGMENT, BLOCK, STATION = "segment", "block", "station"
STATION_KPIS = ("arrived", "served", "abandoned", "abandon_rate", "mean_wait_min", "p90_wait_min", "prob_wait",
                "service_level", "mean_queue_length")  # what a station of a journey reports (its own queue only)
DIMENSIONS = (SEGMENT, BLOCK, STATION)  # what a run's KPIs can be split by


def dimension_of(kpi: str) -> str | None:
    """``"segment"`` for ``segment.vip.mean_wait_min``; None for a whole-run KPI."""
    first = kpi.split(".", 1)[0]
    return first if first in DIMENSIONS and kpi.count(".") >= 2 else None


SHARES = {"abandon_rate", "prob_wait", "service_level", "complaint_rate", "retention_rate", "recovered_retention_rate",
          "paradox_share"}
NON_NEGATIVE = {
    "arrived", "served", "abandoned", "balked", "mean_queue_length", "failures", "failures_prevented", "failure_rate",
    "dissatisfied", "left_dissatisfied", "complaints", "silent_dissatisfied", "proactive_recoveries", "wom_reached",
    "customers_lost_wom", "wom_negative_tellers", "wom_positive_tellers", "wom_positive_reached", "customers_won_wom",
    "market", "market_value", "recovery_cost", "revenue_lost", "escalations_passed_on", "quality_score",
}


def kpi_range(kpi: str) -> tuple[float, float]:
    """The values a KPI can take: [0, 1] for shares, [0, inf) for counts, times and money, else unbounded.

    Intervals are cut to this range: the true mean lies inside it, so cutting costs no coverage.
    """
    base = kpi.split(".", 2)[2] if dimension_of(kpi) else kpi
    head = base.split(".", 1)[0]
    if base in SHARES or head in ("utilization", "retention"):
        return 0.0, 1.0
    if base in NON_NEGATIVE or head in ("customers", "failures", "complaints") or base.endswith("_min"):
        return 0.0, math.inf
    return -math.inf, math.inf


def whole_run(kpis):
    """The whole-run KPIs among ``kpis`` (names, or a mapping keyed by name), in order."""
    if isinstance(kpis, dict):
        return {name: value for name, value in kpis.items() if dimension_of(name) is None}
    return [name for name in kpis if dimension_of(name) is None]


def safe_ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, or NaN when there is nothing to divide by."""
    return numerator / denominator if denominator else math.nan


class QueueTally:
    """Waiting, service and abandonment of one group of customers (the whole run, or one part of it)."""

    __slots__ = ("threshold", "arrived", "balked", "served", "abandoned", "wait_sum", "waited",
                 "within_threshold", "waits", "completed", "time_in_system", "queue")

    def __init__(self, threshold_min: float, bin_width_min: float, queue: TimeAverage | None):
        self.threshold = threshold_min
        self.arrived = 0
        self.balked = 0
        self.served = 0
        self.abandoned = 0
        self.wait_sum = 0.0
        self.waited = 0  # served after a wait longer than zero
        self.within_threshold = 0
        self.waits = BinnedQuantiles(bin_width_min)
        self.completed = 0  # visits that went through every station of their journey
        self.time_in_system = 0.0
        self.queue = queue  # the number of this group's customers queueing, when it is a group in time

    def record_served(self, wait: float) -> None:
        self.served += 1
        self.wait_sum += wait
        if wait > 0.0:
            self.waited += 1
        if wait <= self.threshold:
            self.within_threshold += 1
        self.waits.add(wait)

    def record_departure(self, time_in_system: float) -> None:
        self.completed += 1
        self.time_in_system += time_in_system

    def results(self, late_at_end: int, mean_queue: float) -> dict[str, float]:
        """KPIs of the group; ``late_at_end`` of its customers still queue at the end, already past the threshold."""
        finished_waiting = self.served + self.abandoned
        # a customer still queueing at the end has missed the threshold if their wait already exceeds it
        judged = finished_waiting + late_at_end
        return {
            "arrived": float(self.arrived),
            "served": float(self.served),
            "abandoned": float(self.abandoned),
            "balked": float(self.balked),
            "abandon_rate": safe_ratio(self.abandoned, finished_waiting),
            "mean_wait_min": safe_ratio(self.wait_sum, self.served),
            "p90_wait_min": self.waits.quantile(0.9),
            "prob_wait": safe_ratio(self.waited, self.served),
            "service_level": safe_ratio(self.within_threshold, judged),
            "mean_queue_length": mean_queue,
            "mean_time_in_system_min": safe_ratio(self.time_in_system, self.completed),
        }


class QueueKpis:
    """The tallies of a run: the whole run, each segment, each block of the day, and any added part."""

    def __init__(self, measure_from: float, threshold_min: float, blocks: DayBlocks, segments: Iterable[str],
                 bin_width_min: float = 0.01):
        self.measure_from = measure_from
        self.threshold = threshold_min
        self.bin_width = bin_width_min
        self.blocks = blocks
        self.whole = QueueTally(threshold_min, bin_width_min, BlockTimeAverage(measure_from, blocks))
        self.parts: dict[str, QueueTally] = {}  # "segment.vip" -> its tally, in order of creation
        self.segments = {name: self.part(SEGMENT, name) for name in segments}
        self.by_block = [self.part(BLOCK, label, in_time=False) for label in blocks.labels]

    def part(self, dimension: str, name: str, in_time: bool = True) -> QueueTally:
        """The tally of part ``name`` of ``dimension``, created on first use.

        ``in_time``: the part's customers queue in a line of their own whose length is averaged over the
        run (a segment, a station); a block of the day takes its queue length from the whole run's instead.
        """
        key = f"{dimension}.{name}"
        tally = self.parts.get(key)
        if tally is None:
            queue = TimeAverage(self.measure_from) if in_time else None
            tally = self.parts[key] = QueueTally(self.threshold, self.bin_width, queue)
        return tally

    def tallies(self, segment: str, arrived_at: float) -> tuple[QueueTally, ...]:
        """Where a customer of ``segment`` arriving at ``arrived_at`` is booked (nothing during the warm-up)."""
        if arrived_at < self.measure_from:
            return ()
        return self.whole, self.segments[segment], self.by_block[self.blocks.of(arrived_at)]

    def results(self, end: float, late: dict[str, int] | None = None) -> dict[str, float]:
        """KPIs at time ``end``: the whole run's, then each part's under ``DIMENSION.NAME.``.

        ``late`` counts customers still queueing at ``end`` past the threshold, by part key ("" for the whole run).
        """
        late = late or {}
        whole_queue = self.whole.queue
        results = self.whole.results(late.get("", 0), whole_queue.mean(end))
        block_areas = whole_queue.block_areas(end)
        block_minutes = self.block_minutes(end)
        block_of = {id(tally): k for k, tally in enumerate(self.by_block)}
        for key, tally in self.parts.items():
            if tally.queue is not None:
                mean_queue = tally.queue.mean(end)
            else:  # a block of the day: the whole run's queue within that block
                k = block_of[id(tally)]
                mean_queue = safe_ratio(block_areas[k], block_minutes[k])
            measured = tally.results(late.get(key, 0), mean_queue)
            for name in STATION_KPIS if key.startswith(f"{STATION}.") else measured:
                results[f"{key}.{name}"] = measured[name]
        return results

    def block_minutes(self, end: float) -> list[float]:
        """Minutes of each block of the day measured between the warm-up and ``end``, over all days."""
        minutes = [0.0] * self.blocks.per_day
        for k, lo, hi in self.blocks.spans(self.measure_from, end):
            minutes[k] += hi - lo
        return minutes

    def late_at_end(self, waiting: Iterable[tuple[str, float]], end: float) -> dict[str, int]:
        """Customers ``(segment, arrived_at)`` still queueing at ``end`` who are past the threshold, by part key."""
        late: dict[str, int] = {}
        for segment, arrived_at in waiting:
            if arrived_at >= self.measure_from and end - arrived_at > self.threshold:
                for key in ("", f"{SEGMENT}.{segment}", f"{BLOCK}.{self.blocks.label(self.blocks.of(arrived_at))}"):
                    late[key] = late.get(key, 0) + 1
        return late

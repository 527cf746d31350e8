"""The queue KPIs of one run, for the whole run and split into parts, gathered by streaming counters.

A counted customer (arrived after the warm-up) is booked in one cell: its segment and the block of the
day it arrived in. The whole run, each segment and each block are sums of cells. Results are named
``KPI`` for the whole run and ``DIMENSION.NAME.KPI`` for a part (``segment.vip.mean_wait_min``,
``block.09:00.service_level``). A part booked apart (a station of a journey) has a tally of its own:
take it with :meth:`QueueKpis.part` and book into it. Memory depends on the number of parts,
never on the number of customers.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Iterable

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


def busy_share(busy: float, at_work: float) -> float:
    """Busy staff-minutes over staff-minutes at work (NaN with nobody at work); never above 1, which two
    areas summed in different orders could pass by a rounding error."""
    return min(busy / at_work, 1.0) if at_work else math.nan


def sum_of_cells(cells: list, empty: Callable[[], Any]):
    """The tally of a group booked in ``cells`` (tallies with ``absorb``): the cell itself when it is
    the only one, else a fresh tally from ``empty()`` that absorbed every cell."""
    if len(cells) == 1:  # nothing to add up
        return cells[0]
    total = empty()
    for cell in cells:
        total.absorb(cell)
    return total


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

    def absorb(self, other: "QueueTally") -> None:
        """Add the counts of ``other`` (a group of other customers) to this tally's."""
        self.arrived += other.arrived
        self.balked += other.balked
        self.served += other.served
        self.abandoned += other.abandoned
        self.wait_sum += other.wait_sum
        self.waited += other.waited
        self.within_threshold += other.within_threshold
        self.waits.absorb(other.waits)
        self.completed += other.completed
        self.time_in_system += other.time_in_system

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
    """The tallies of a run: one *cell* per segment and block of the day, and any part booked apart.

    A counted customer is booked in one cell only (its segment, the block of the day it arrived in):
    the whole run, a segment and a block are sums of cells, made when results are asked for, so the
    cost per customer does not grow with the number of ways the KPIs are split.
    """

    def __init__(self, measure_from: float, threshold_min: float, blocks: DayBlocks, segments: Iterable[str],
                 bin_width_min: float = 0.01):
        self.measure_from = measure_from
        self.threshold = threshold_min
        self.bin_width = bin_width_min
        self.blocks = blocks
        self.cells = {name: [self._tally() for _ in blocks.labels] for name in segments}
        # the number of each segment's customers queueing, over time and per block of the day
        self.queue_lengths = {name: BlockTimeAverage(measure_from, blocks) for name in self.cells}
        self.parts: dict[str, QueueTally] = {}  # parts booked apart ("station.desk"), in order of creation

    def _tally(self, queue: TimeAverage | None = None) -> QueueTally:
        return QueueTally(self.threshold, self.bin_width, queue)

    def part(self, dimension: str, name: str) -> QueueTally:
        """The tally of part ``name`` of a ``dimension`` booked apart (a station), created on first use;
        its customers queue in a line of their own whose length is averaged over the run."""
        key = f"{dimension}.{name}"
        tally = self.parts.get(key)
        if tally is None:
            tally = self.parts[key] = self._tally(TimeAverage(self.measure_from))
        return tally

    def tallies(self, segment: str, block: int | None) -> tuple[QueueTally, ...]:
        """Where a customer of ``segment`` who arrived in ``block`` of the day is booked (nothing for None:
        the warm-up)."""
        return () if block is None else (self.cells[segment][block],)

    def groups(self) -> dict[str, list[QueueTally]]:
        """The cells each reported group sums: ``""`` (the whole run), ``segment.NAME``, ``block.HH:MM``."""
        groups = {"": [cell for row in self.cells.values() for cell in row]}
        for name, row in self.cells.items():
            groups[f"{SEGMENT}.{name}"] = row
        for k, label in enumerate(self.blocks.labels):
            groups[f"{BLOCK}.{label}"] = [row[k] for row in self.cells.values()]
        return groups

    def served(self) -> dict[str, int]:
        """Customers served, by group key (as :meth:`groups`) and by part booked apart."""
        served = {key: sum(cell.served for cell in cells) for key, cells in self.groups().items()}
        served.update((key, tally.served) for key, tally in self.parts.items())
        return served

    @property
    def whole(self) -> QueueTally:
        """The whole run's tally (a sum of every cell)."""
        return sum_of_cells(self.groups()[""], self._tally)

    def results(self, end: float, late: dict[str, int] | None = None) -> dict[str, float]:
        """KPIs at time ``end``: the whole run's, then each part's under ``DIMENSION.NAME.``.

        ``late`` counts customers still queueing at ``end`` past the threshold, by part key ("" for the whole run).
        """
        late = late or {}
        span = end - self.measure_from
        segment_queue = {f"{SEGMENT}.{name}": queue.mean(end) for name, queue in self.queue_lengths.items()}
        # a block of the day reports the queue of everybody present in it, whenever they arrived
        block_areas = [sum(areas) for areas in zip(*(q.block_areas(end) for q in self.queue_lengths.values()))]
        block_minutes = self.block_minutes(end)
        mean_queue = {"": safe_ratio(sum(q.area_until(end) for q in self.queue_lengths.values()), span)}
        mean_queue.update(segment_queue)
        for k, label in enumerate(self.blocks.labels):
            mean_queue[f"{BLOCK}.{label}"] = safe_ratio(block_areas[k], block_minutes[k])
        results: dict[str, float] = {}
        for key, cells in self.groups().items():
            measured = sum_of_cells(cells, self._tally).results(late.get(key, 0), mean_queue[key])
            for name, value in measured.items():
                results[f"{key}.{name}" if key else name] = value
        for key, tally in self.parts.items():
            measured = tally.results(late.get(key, 0), tally.queue.mean(end))
            for name in STATION_KPIS:
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

"""The key performance indicators of one run, gathered by streaming counters (bounded memory)."""
from __future__ import annotations

import math

from .accumulators import BinnedQuantiles, TimeAverage


def safe_ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, or NaN when there is nothing to divide by."""
    return numerator / denominator if denominator else math.nan


class QueueKpis:
    """Waiting, service and abandonment of the customers who arrived after the warm-up."""

    def __init__(self, measure_from: float, threshold_min: float, bin_width_min: float = 0.01):
        self.measure_from = measure_from
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
        self.queue = TimeAverage(measure_from)

    def record_served(self, wait: float) -> None:
        self.served += 1
        self.wait_sum += wait
        if wait > 0.0:
            self.waited += 1
        if wait <= self.threshold:
            self.within_threshold += 1
        self.waits.add(wait)

    def results(self, end: float, late_at_end: int = 0) -> dict[str, float]:
        """KPIs at time ``end``; ``late_at_end`` customers still queue there, already past the threshold."""
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
            "mean_queue_length": self.queue.mean(end),
            "mean_time_in_system_min": safe_ratio(self.time_in_system, self.completed),
        }


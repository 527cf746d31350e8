"""Streaming statistics with bounded memory: running means, time averages and a binned quantile."""
from __future__ import annotations

import math


class TimeAverage:
    """Time-weighted average of a step function (queue length, busy staff) over [start, end]."""

    __slots__ = ("start", "last", "value", "area")

    def __init__(self, start: float = 0.0):
        self.start = start
        self.last = start
        self.value = 0.0
        self.area = 0.0

    def add(self, now: float, delta: float) -> None:
        """The tracked value changes by ``delta`` at time ``now``."""
        t = now if now > self.start else self.start
        self.area += self.value * (t - self.last)
        self.last = t
        self.value += delta

    def area_until(self, end: float) -> float:
        """Integral of the value from ``start`` to ``end``."""
        return self.area + self.value * max(end - self.last, 0.0)

    def mean(self, end: float) -> float:
        span = end - self.start
        return self.area_until(end) / span if span > 0 else math.nan


class BinnedQuantiles:
    """Counts of values in fixed-width bins (zeros apart): quantiles within half a bin, bounded memory."""

    __slots__ = ("width", "counts", "zeros", "total")

    def __init__(self, width: float):
        self.width = width
        self.counts: dict[int, int] = {}
        self.zeros = 0  # waits of exactly zero (served on arrival) are common enough to count apart
        self.total = 0

    def add(self, value: float) -> None:
        self.total += 1
        if value <= 0.0:
            self.zeros += 1
            return
        index = int(value / self.width)
        self.counts[index] = self.counts.get(index, 0) + 1

    def quantile(self, q: float) -> float:
        """The ``q`` quantile, interpolated linearly within its bin (NaN when nothing was recorded)."""
        if self.total == 0:
            return math.nan
        target = q * self.total
        if target <= self.zeros:
            return 0.0
        seen = self.zeros
        for index in sorted(self.counts):
            count = self.counts[index]
            if seen + count >= target:
                return self.width * (index + (target - seen) / count)
            seen += count
        return self.width * (max(self.counts) + 1)

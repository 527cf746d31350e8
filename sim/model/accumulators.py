"""Streaming statistics with bounded memory: time averages (whole run or per block of the day), binned quantiles."""
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

    def absorb(self, other: "BinnedQuantiles") -> None:
        """Add the values counted by ``other`` (of the same bin width)."""
        self.total += other.total
        self.zeros += other.zeros
        counts = self.counts
        for index, count in other.counts.items():
            counts[index] = counts.get(index, 0) + count

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


class DayBlocks:
    """The blocks of the day KPIs are split into: ``block_min`` long from opening, the last one shorter.

    Every day is cut the same way, so block ``k`` of every day reports under one label (its clock time).
    """

    def __init__(self, block_min: float, day_min: float, days: int, opens_at_min: int = 0):
        self.block_min = block_min
        self.day_min = day_min
        self.days = days
        self.per_day = max(1, math.ceil(day_min / block_min - 1e-9))
        self.opens_at_min = opens_at_min

    def of(self, t: float) -> int:
        """Block of the day (0 = the first after opening) in which model time ``t`` falls."""
        k = int((t % self.day_min) / self.block_min)
        return k if k < self.per_day else self.per_day - 1

    def bounds(self, index: int) -> tuple[float, float]:
        """Start and end (model minutes) of the ``index``-th block of the whole run (day by day)."""
        day, k = divmod(index, self.per_day)
        offset = day * self.day_min
        return offset + k * self.block_min, offset + min((k + 1) * self.block_min, self.day_min)

    def spans(self, start: float, end: float):
        """``(k, lo, hi)`` for each stretch of block ``k`` of the day inside [start, end), day by day."""
        for index in range(self.per_day * self.days):
            lo, hi = self.bounds(index)
            lo, hi = max(lo, start), min(hi, end)
            if hi > lo:
                yield index % self.per_day, lo, hi

    def label(self, k: int) -> str:
        """Clock time at which block ``k`` starts, ``HH:MM`` (``+Nd`` after N midnights when a day is longer than 24 h)."""
        minute = self.opens_at_min + round(k * self.block_min)
        days, minute = divmod(minute, 24 * 60)
        return f"{minute // 60:02d}:{minute % 60:02d}" + (f"+{days}d" if days and self.day_min > 24 * 60 else "")

    @property
    def labels(self) -> list[str]:
        return [self.label(k) for k in range(self.per_day)]


class BlockTimeAverage(TimeAverage):
    """A :class:`TimeAverage` that also keeps the area of each block of each day (for per-block KPIs)."""

    __slots__ = ("blocks", "index", "edge", "areas")

    def __init__(self, start: float, blocks: DayBlocks):
        super().__init__(start)
        self.blocks = blocks
        day, rest = divmod(start, blocks.day_min)
        self.index = int(day) * blocks.per_day + blocks.of(rest)
        self.edge = blocks.bounds(self.index)[1]
        self.areas: dict[int, float] = {}  # block of the run -> area inside it

    def add(self, now: float, delta: float) -> None:
        t = now if now > self.start else self.start
        if t > self.edge:
            self._book_until(t)
        area = self.value * (t - self.last)
        self.area += area
        if area:
            self.areas[self.index] = self.areas.get(self.index, 0.0) + area
        self.last = t
        self.value += delta

    def _book_until(self, t: float) -> None:
        """Close the blocks that ended before ``t``."""
        while t > self.edge:
            area = self.value * (self.edge - self.last)
            self.area += area
            if area:
                self.areas[self.index] = self.areas.get(self.index, 0.0) + area
            self.last = self.edge
            self.index += 1
            self.edge = self.blocks.bounds(self.index)[1]

    def block_areas(self, end: float) -> list[float]:
        """Area within each block of the day (folded over the days) from ``start`` to ``end``."""
        folded = [0.0] * self.blocks.per_day
        for index, area in self.areas.items():
            folded[index % self.blocks.per_day] += area
        # the stretch since the last change, cut at the block edges up to ``end``
        last, index, value = self.last, self.index, self.value
        while value and last < end:
            edge = min(self.blocks.bounds(index)[1], end)
            folded[index % self.blocks.per_day] += value * (edge - last)
            last, index = edge, index + 1
        return folded

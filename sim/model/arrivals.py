"""Arrival times of a non-homogeneous Poisson process whose rate is constant within each block of the day.

Exact generation by inversion: with cumulative intensity L(t), the next arrival after t is
L^-1(L(t) + E) for a unit exponential E, so no draws are wasted as they would be by thinning.
Blocks may have any length (hours, half hours, a clock-time peak), see ``sim.scenario.arrivals``.
"""
from __future__ import annotations

import bisect
import math
from itertools import accumulate


class BlockProfile:
    """Piecewise-constant arrival rate over one day, repeated for each day of the run.

    With :meth:`over_days` the pattern is several days long (a week whose days have their own
    profiles) and repeats after its last day; everything below then works on that longer period.
    """

    def __init__(self, blocks: list[tuple[float, float, float]], day_length_min: float, days_in_period: int = 1):
        """``blocks``: ``[(start, end, per_hour), ...]`` in minutes from opening, in order, covering the period
        of ``day_length_min`` minutes (one day, or ``days_in_period`` days laid end to end)."""
        self.day_length = day_length_min  # the length of the repeating period
        blocks = [(start, min(end, day_length_min), rate) for start, end, rate in blocks if start < day_length_min]
        self.starts = [start for start, _, _ in blocks]
        self.ends = [end for _, end, _ in blocks]
        self.rates = [rate / 60.0 for _, _, rate in blocks]  # per minute
        masses = [rate * (end - start) for rate, start, end in zip(self.rates, self.starts, self.ends)]
        self.cumulative = [0.0, *accumulate(masses)]  # L at the start of each block, and at the period's end
        self.period_mass = self.cumulative[-1]
        self.daily_mass = self.period_mass / days_in_period  # expected arrivals on a day, on average
        self._current = (0.0, -1.0, 0.0)  # (start, end, rate per minute) of the block of the latest arrival

    @classmethod
    def over_days(cls, days: list[list[tuple[float, float, float]]], day_length_min: float) -> "BlockProfile":
        """A profile whose days differ: ``days[d]`` are the blocks of day ``d`` of a period that then repeats."""
        if len(days) == 1:
            return cls(days[0], day_length_min)
        laid_out = [(d * day_length_min + start, d * day_length_min + min(end, day_length_min), rate)
                    for d, blocks in enumerate(days) for start, end, rate in blocks if start < day_length_min]
        return cls(laid_out, day_length_min * len(days), len(days))

    def _block(self, into: float) -> int:
        return min(max(bisect.bisect_right(self.starts, into) - 1, 0), len(self.rates) - 1)

    def cumulative_at(self, t: float) -> float:
        """Expected arrivals from the start of the run to time ``t`` (minutes)."""
        day, into = divmod(t, self.day_length)
        block = self._block(into)
        within = min(into, self.ends[block]) - self.starts[block]
        return day * self.period_mass + self.cumulative[block] + self.rates[block] * max(within, 0.0)

    def time_of(self, mass: float) -> float:
        """Inverse of :meth:`cumulative_at`: the earliest time by which ``mass`` arrivals are expected."""
        if self.period_mass <= 0:
            return math.inf
        day, into = divmod(mass, self.period_mass)
        block = bisect.bisect_right(self.cumulative, into) - 1
        block = min(max(block, 0), len(self.rates) - 1)
        while self.rates[block] == 0 and block + 1 < len(self.rates):
            block += 1
        rate = self.rates[block]
        offset = (into - self.cumulative[block]) / rate if rate > 0 else 0.0
        return day * self.day_length + self.starts[block] + offset

    def next_arrival(self, now: float, unit_exponential: float) -> float:
        """The next arrival time after ``now`` given a unit exponential draw."""
        lo, hi, rate = self._current
        if not lo <= now < hi:  # the block the last arrival fell in is over: find the one ``now`` is in
            day, into = divmod(now, self.day_length)
            block = self._block(into)
            offset = day * self.day_length
            lo, hi, rate = self._current = (offset + self.starts[block], offset + self.ends[block], self.rates[block])
        if rate > 0 and now < hi:
            # fast path: the next arrival falls within the current block
            candidate = now + unit_exponential / rate
            if candidate < hi:
                return candidate
        return self.time_of(self.cumulative_at(now) + unit_exponential)


def hourly_profile(rates_per_hour: list[float], day_length_min: float) -> BlockProfile:
    """A profile with one rate per hour from opening."""
    return BlockProfile([(60.0 * h, 60.0 * (h + 1), rate) for h, rate in enumerate(rates_per_hour)], day_length_min)

"""Arrival times of a non-homogeneous Poisson process whose rate is constant within each hour.

Exact generation by inversion: with cumulative intensity L(t), the next arrival after t is
L^-1(L(t) + E) for a unit exponential E, so no draws are wasted as they would be by thinning.
"""
from __future__ import annotations

import bisect
import math
from itertools import accumulate


class HourlyProfile:
    """Piecewise-constant arrival rate over one day, repeated for each day of the run."""

    def __init__(self, rates_per_hour: list[float], day_length_min: float):
        self.day_length = day_length_min
        self.starts = [60.0 * h for h in range(len(rates_per_hour))]
        self.ends = [min(60.0 * (h + 1), day_length_min) for h in range(len(rates_per_hour))]
        self.rates = [r / 60.0 for r in rates_per_hour]  # per minute
        masses = [rate * (end - start) for rate, start, end in zip(self.rates, self.starts, self.ends)]
        self.cumulative = [0.0, *accumulate(masses)]  # L at the start of each hour, and at closing
        self.daily_mass = self.cumulative[-1]

    def cumulative_at(self, t: float) -> float:
        """Expected arrivals from the start of the run to time ``t`` (minutes)."""
        day, into = divmod(t, self.day_length)
        hour = min(int(into // 60), len(self.rates) - 1)
        within = min(into, self.ends[hour]) - self.starts[hour]
        return day * self.daily_mass + self.cumulative[hour] + self.rates[hour] * max(within, 0.0)

    def time_of(self, mass: float) -> float:
        """Inverse of :meth:`cumulative_at`: the earliest time by which ``mass`` arrivals are expected."""
        if self.daily_mass <= 0:
            return math.inf
        day, into = divmod(mass, self.daily_mass)
        hour = bisect.bisect_right(self.cumulative, into) - 1
        hour = min(max(hour, 0), len(self.rates) - 1)
        while self.rates[hour] == 0 and hour + 1 < len(self.rates):
            hour += 1
        rate = self.rates[hour]
        offset = (into - self.cumulative[hour]) / rate if rate > 0 else 0.0
        return day * self.day_length + self.starts[hour] + offset

    def next_arrival(self, now: float, unit_exponential: float) -> float:
        """The next arrival time after ``now`` given a unit exponential draw."""
        day, into = divmod(now, self.day_length)
        hour = int(into // 60)
        if hour < len(self.rates) and self.rates[hour] > 0:
            # fast path: the next arrival falls within the current hour
            candidate = into + unit_exponential / self.rates[hour]
            if candidate < self.ends[hour]:
                return day * self.day_length + candidate
        return self.time_of(self.cumulative_at(now) + unit_exponential)
